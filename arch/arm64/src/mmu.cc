#include "mmu.h"

namespace tandem::arm64 {

namespace {

constexpr unsigned Shift(unsigned level) { return 39 - 9 * level; }  // level 1: 30, 3: 12

void Publish() {
#if defined(__aarch64__)
  // Table writes must be visible to the walker before the entries that point at them
  // (Arm ARM: a DSB makes table writes visible to the translation table walker).
  asm volatile("dsb ishst" ::: "memory");
#endif
}

}  // namespace

uint64_t Attributes(MemoryType type) {
  if (type == MemoryType::kDevice) {
    return desc::kAf | (0u << desc::kAttrIndexShift) | desc::kPxn | desc::kUxn;
  }
  return desc::kAf | (1u << desc::kAttrIndexShift) | desc::kShInner;
}

Result<void, MapError> PageTables::Map(uint64_t base, uint64_t size, MemoryType type) {
  if (base % kPageSize != 0 || size % kPageSize != 0) return MakeError(MapError::kUnaligned);
  if (size == 0) return {};
  if (base >= kVaLimit || size > kVaLimit - base) return MakeError(MapError::kOutOfRange);
  TANDEM_TRY(MapLevel(root(), 1, base, size, Attributes(type)));
  Publish();
  return {};
}

Result<void, MapError> PageTables::MapLevel(uint64_t* table, unsigned level, uint64_t va,
                                            uint64_t size, uint64_t attrs) {
  const uint64_t block = 1ull << Shift(level);
  while (size > 0) {
    const unsigned index = static_cast<unsigned>((va >> Shift(level)) % kEntries);
    const uint64_t offset = va & (block - 1);
    const uint64_t chunk = (block - offset) < size ? (block - offset) : size;
    uint64_t& entry = table[index];
    if (level == 3 || (offset == 0 && chunk == block && (entry & desc::kTable) == 0)) {
      // A whole block (a page at level 3, which carries the "table" bit as its type).
      const uint64_t d = va | attrs | desc::kValid | (level == 3 ? desc::kTable : 0);
      if ((entry & desc::kValid) != 0 && entry != d) return MakeError(MapError::kOverlap);
      entry = d;
    } else {
      if ((entry & desc::kValid) != 0 && (entry & desc::kTable) == 0) {
        // Inside an existing block: fine if it already has these attributes.
        if ((entry & ~desc::kAddressMask) != (attrs | desc::kValid)) {
          return MakeError(MapError::kOverlap);
        }
      } else {
        if ((entry & desc::kValid) == 0) {
          if (used_ == count_) return MakeError(MapError::kOutOfTables);
          uint64_t* next = pool_[used_++];
          for (unsigned i = 0; i < kEntries; ++i) next[i] = 0;
          Publish();
          entry = reinterpret_cast<uintptr_t>(next) | desc::kTable | desc::kValid;
        }
        uint64_t* next = reinterpret_cast<uint64_t*>(entry & desc::kAddressMask);
        TANDEM_TRY(MapLevel(next, level + 1, va, chunk, attrs));
      }
    }
    va += chunk;
    size -= chunk;
  }
  return {};
}

uint64_t PageTables::Lookup(uint64_t va, uint64_t* block_size) const {
  const uint64_t* table = root();
  for (unsigned level = 1; level <= 3; ++level) {
    const uint64_t entry = table[(va >> Shift(level)) % kEntries];
    if ((entry & desc::kValid) == 0) return 0;
    if (level == 3 || (entry & desc::kTable) == 0) {
      if (block_size != nullptr) *block_size = 1ull << Shift(level);
      return entry;
    }
    table = reinterpret_cast<const uint64_t*>(entry & desc::kAddressMask);
  }
  return 0;
}

const char* MapErrorName(MapError error) {
  switch (error) {
    case MapError::kUnaligned:
      return "range not aligned to 4 KiB";
    case MapError::kOverlap:
      return "range overlaps a mapping of another memory type";
    case MapError::kOutOfTables:
      return "translation table pool exhausted";
    case MapError::kOutOfRange:
      return "range beyond the 39-bit identity map";
  }
  return "unknown mapping error";
}

}  // namespace tandem::arm64
