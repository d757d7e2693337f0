// GICv3 redistributor registers the driver uses, as offsets from one redistributor's RD_base
// (Arm IHI 0069, programmers' model chapter, "The GIC Redistributor register descriptions", and
// its SGI_base frame). Checked against the manual by tests/unit/drivers/gicv3_registers_test.cc.
#ifndef TANDEM_DRIVERS_IRQ_GICV3_GICR_REGISTERS_H_
#define TANDEM_DRIVERS_IRQ_GICV3_GICR_REGISTERS_H_

#include <stdint.h>

#include "io/register.h"

namespace tandem::drivers::gicr {

// GICv3 (no VLPI frames): RD_base, then the SGI_base frame, 64 KiB each.
inline constexpr uint32_t kSgiBase = 0x10000;
inline constexpr uint32_t kFrameStride = 0x20000;

// GICR_CTLR.
struct Ctlr : MmioRegister<Ctlr, uint32_t, 0x0000> {
  static constexpr Bit<0> kEnableLpis{};
  static constexpr Bit<3> kRwp{};  // register write pending
  static constexpr Bit<31> kUwp{};
};

// GICR_TYPER, 64-bit.
struct Typer : MmioRegister<Typer, uint64_t, 0x0008> {
  static constexpr Bit<4> kLast{};  // the last redistributor of the region
  static constexpr Bits<23, 8> kProcessorNumber{};
  static constexpr Bits<63, 32> kAffinityValue{};  // Aff3.Aff2.Aff1.Aff0 of its PE
};

// GICR_WAKER.
struct Waker : MmioRegister<Waker, uint32_t, 0x0014> {
  static constexpr Bit<1> kProcessorSleep{};
  static constexpr Bit<2> kChildrenAsleep{};
};

// SGI_base frame: the SGI/PPI (INTID 0..31) banks, laid out as the distributor's.
struct Igroupr0 : RegisterBank<Igroupr0, uint32_t, kSgiBase + 0x0080, 1> {};  // 1 = group 1
struct Isenabler0 : RegisterBank<Isenabler0, uint32_t, kSgiBase + 0x0100, 1> {};
struct Icenabler0 : RegisterBank<Icenabler0, uint32_t, kSgiBase + 0x0180, 1> {};
struct Ipriorityr : RegisterBank<Ipriorityr, uint32_t, kSgiBase + 0x0400, 8> {};
// GICR_ICFGR0 (SGIs, always edge) and GICR_ICFGR1 (PPIs): Int_config[1], 1 = edge-triggered.
struct Icfgr : RegisterBank<Icfgr, uint32_t, kSgiBase + 0x0C00, 2> {
  static constexpr Slots<1, 1, 16, 2> kEdgeTriggered{};
};

// The offsets and bits by their old names, derived from the definitions above.
inline constexpr uint32_t kCtlr = Ctlr::kOffset;
inline constexpr uint32_t kTyper = Typer::kOffset;
inline constexpr uint32_t kWaker = Waker::kOffset;
inline constexpr uint32_t kIgroupr0 = Igroupr0::OffsetOf(0);
inline constexpr uint32_t kIsenabler0 = Isenabler0::OffsetOf(0);
inline constexpr uint32_t kIcenabler0 = Icenabler0::OffsetOf(0);
inline constexpr uint32_t kIpriorityr = Ipriorityr::OffsetOf(0);
inline constexpr uint32_t kIcfgr0 = Icfgr::OffsetOf(0);
inline constexpr uint32_t kCtlrRwp = Ctlr::kRwp.kMask;
inline constexpr uint64_t kTyperLast = Typer::kLast.kMask;
inline constexpr uint32_t kWakerProcessorSleep = Waker::kProcessorSleep.kMask;
inline constexpr uint32_t kWakerChildrenAsleep = Waker::kChildrenAsleep.kMask;

}  // namespace tandem::drivers::gicr

#endif  // TANDEM_DRIVERS_IRQ_GICV3_GICR_REGISTERS_H_
