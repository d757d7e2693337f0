// The one priority space on a GIC CPU interface, GICv2 or GICv3 alike.
//
// Tandem levels run 1..63 (kernel/include/tandem/config.h); a GIC priority is a byte where a
// numerically lower value is more urgent, of which only the top N bits are implemented (GICv3:
// IHI 0069, "Interrupt prioritization", N = ICC_CTLR_EL1.PRIbits + 1; GICv2: IHI 0048B 3.3,
// "Interrupt prioritization", N found by writing 0xFF to GICC_PMR and counting the bits that read
// back). Both mask an interrupt whose priority is not below the priority mask register
// (ICC_PMR_EL1, GICC_PMR). Xen's virtual CPU interface on QEMU's cortex-a57 implements 5 bits
// (ICH_VTR_EL2.PRIbits = 4 on GICv3, GICH_VMCR.VMPriMask on GICv2), so there are 32 distinct
// priorities: fewer than the 63 levels.
//
// Only levels that some interrupt source uses need a priority of their own: a source with level
// S must be masked exactly when the current level L >= S. With the source levels sorted,
// rank(L) = number of source levels <= L, and with step = 256 >> N:
//   priority(S) = (2^N - 1 - rank(S)) * step    (rank(S) >= 1, so every source is below 0xFF)
//   mask(L)     = (2^N - 1 - rank(L)) * step    (the PMR; a source is signalled iff its
//                                                priority < PMR)
// mask(L) <= priority(S) iff rank(L) >= rank(S) iff L >= S: exactly the rule. Task-only levels
// between two source levels share the mask of the source level below them. At most 2^N - 1
// distinct source levels fit (31 on Xen); more is a configuration error the port reports.
#ifndef TANDEM_DRIVERS_IRQ_PRIORITY_MAP_H_
#define TANDEM_DRIVERS_IRQ_PRIORITY_MAP_H_

#include <stdint.h>

#include "tandem/result.h"

namespace tandem::drivers {

enum class PriorityMapError : uint8_t {
  kBadPriorityBits,  // not 4..8 implemented bits (IHI 0069 and IHI 0048B 3.3: at least 16
                     // levels; at most 256)
  kBadLevel,         // a source at level 0 (idle) or above 63
  kTooManyLevels,    // more distinct source levels than the implemented priorities allow
};

const char* PriorityMapErrorName(PriorityMapError error);

// Number of set bits (GCC's popcount builtin calls libgcc when FP/SIMD registers are off).
constexpr unsigned CountLevels(uint64_t levels) {
  unsigned n = 0;
  for (; levels != 0; levels &= levels - 1) ++n;
  return n;
}

class PriorityMap {
 public:
  static constexpr unsigned kLevels = 64;

  // `source_levels`: bit L set when some interrupt source has level L. `priority_bits`: N.
  static Result<PriorityMap, PriorityMapError> Make(uint64_t source_levels, unsigned priority_bits);

  // How many distinct source levels the GIC can express with `priority_bits` bits.
  static constexpr unsigned MaxSourceLevels(unsigned priority_bits) {
    return (1u << priority_bits) - 1;
  }

  // The GIC priority byte for a source at `level` (a level in the map's source set).
  uint8_t SourcePriority(uint8_t level) const { return mask_[level & 63]; }
  // The priority mask (ICC_PMR_EL1, GICC_PMR) while running at `level`.
  uint8_t Mask(uint8_t level) const { return mask_[level & 63]; }
  uint64_t source_levels() const { return source_levels_; }

  PriorityMap() = default;

 private:
  uint64_t source_levels_ = 0;
  uint8_t mask_[kLevels] = {};
};

}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_IRQ_PRIORITY_MAP_H_
