// Identity-map translation tables for EL1 (Arm ARM, VMSAv8-64, 4 KiB granule, 39-bit VA so
// walks start at level 1; TCR_EL1 is set in head.S). Pure table building over a caller-given
// pool, so it can be checked on the host; the switch to the tables is in context.S.
#ifndef TANDEM_ARCH_ARM64_MMU_H_
#define TANDEM_ARCH_ARM64_MMU_H_

#include <stddef.h>
#include <stdint.h>

#include "tandem/arm64/platform.h"
#include "tandem/result.h"

namespace tandem::arm64 {

enum class MemoryType : uint8_t {
  kDevice,  // MAIR attr0, Device-nGnRE, never executable
  kNormal,  // MAIR attr1, Normal write-back, inner shareable, executable
};

// Descriptor fields (Arm ARM, VMSAv8-64 table, block and page descriptors).
namespace desc {
inline constexpr uint64_t kValid = 1u << 0;
inline constexpr uint64_t kTable = 1u << 1;  // in levels 1-2: table; in level 3: page
inline constexpr uint64_t kAttrIndexShift = 2;
inline constexpr uint64_t kShInner = 3u << 8;
inline constexpr uint64_t kAf = 1u << 10;
inline constexpr uint64_t kPxn = 1ull << 53;
inline constexpr uint64_t kUxn = 1ull << 54;
inline constexpr uint64_t kAddressMask = 0x0000FFFFFFFFF000ull;
}  // namespace desc

inline constexpr uint64_t kPageSize = 4096;
inline constexpr unsigned kEntries = 512;
inline constexpr uint64_t kVaLimit = 1ull << 39;

// The low attribute bits (everything but the address and the block/page type bits).
uint64_t Attributes(MemoryType type);

class PageTables {
 public:
  // `pool`: `count` zeroed, 4 KiB-aligned tables; the first one becomes the level-1 table.
  // Descriptors hold the tables' own addresses: the map is an identity map.
  constexpr PageTables(uint64_t (*pool)[kEntries], size_t count)
      : pool_(pool), count_(count), used_(1) {}

  // Maps [base, base + size) with the largest blocks that fit (1 GiB, 2 MiB, 4 KiB). Adding a
  // mapping to a live table only fills invalid entries (no break-before-make needed); mapping a
  // range again with the same type is a no-op, with another type an error.
  Result<void, MapError> Map(uint64_t base, uint64_t size, MemoryType type);

  // Walks the tables: the descriptor that maps `va` (0 if unmapped) and its block size.
  uint64_t Lookup(uint64_t va, uint64_t* block_size) const;

  uint64_t* root() const { return pool_[0]; }
  size_t tables_used() const { return used_; }

 private:
  Result<void, MapError> MapLevel(uint64_t* table, unsigned level, uint64_t va, uint64_t size,
                                  uint64_t attrs);
  uint64_t (*pool_)[kEntries];
  size_t count_;
  size_t used_;
};

}  // namespace tandem::arm64

#endif  // TANDEM_ARCH_ARM64_MMU_H_
