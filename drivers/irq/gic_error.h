// What the GIC drivers (irq/gicv2, irq/gicv3) share: their error codes and the trigger mode of a
// source, so the arm64 port handles either version's errors alike.
#ifndef TANDEM_DRIVERS_IRQ_GIC_ERROR_H_
#define TANDEM_DRIVERS_IRQ_GIC_ERROR_H_

#include <stdint.h>

namespace tandem::drivers {

enum class GicError : uint8_t {
  kTimeout,            // GICv3: RWP or ChildrenAsleep never cleared
  kNoRedistributor,    // GICv3: no redistributor frame has this CPU's affinity
  kNoSysregInterface,  // GICv3: ICC_SRE_EL1.SRE stays 0: no system-register CPU interface
  kBadIntid,           // not an SGI/PPI (0..31) or an implemented SPI (32..1019)
  kBadPriorityBits,    // GICv2: GICC_PMR keeps fewer than 4 bits (IHI 0048B 3.3: at least 16
                       // levels), or not the top bits: no usable CPU interface there
};

enum class Trigger : uint8_t { kLevel, kEdge };

inline const char* GicErrorName(GicError error) {
  switch (error) {
    case GicError::kTimeout:
      return "GIC register write never completed (RWP/ChildrenAsleep)";
    case GicError::kNoRedistributor:
      return "no GIC redistributor for this CPU's affinity";
    case GicError::kNoSysregInterface:
      return "GIC CPU interface has no system-register access";
    case GicError::kBadIntid:
      return "INTID not implemented by this GIC";
    case GicError::kBadPriorityBits:
      return "GICC_PMR implements fewer than 4 priority bits (no usable CPU interface)";
  }
  return "unknown GIC error";
}

}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_IRQ_GIC_ERROR_H_
