// GICv3 distributor registers the driver uses, as offsets from GICD_base with their fields (Arm
// IHI 0069, "GIC architecture specification, GICv3 and GICv4", programmers' model chapter, "The
// GIC Distributor register descriptions"). Checked against the manual by
// tests/unit/drivers/gicv3_registers_test.cc.
#ifndef TANDEM_DRIVERS_IRQ_GICV3_GICD_REGISTERS_H_
#define TANDEM_DRIVERS_IRQ_GICV3_GICD_REGISTERS_H_

#include <stdint.h>

#include "io/register.h"

namespace tandem::drivers::gicd {

// GICD_CTLR, the Non-secure view when the GIC has two security states.
struct Ctlr : MmioRegister<Ctlr, uint32_t, 0x0000> {
  static constexpr Bit<0> kEnableGrp1{};
  static constexpr Bit<1> kEnableGrp1A{};
  static constexpr Bit<4> kAreNs{};  // affinity routing
  static constexpr Bit<31> kRwp{};   // register write pending
};

// GICD_TYPER.
struct Typer : MmioRegister<Typer, uint32_t, 0x0004> {
  static constexpr Bits<4, 0> kItLinesNumber{};  // SPIs up to INTID 32 * (N + 1) - 1
  static constexpr Bits<7, 5> kCpuNumber{};
  static constexpr Bits<23, 19> kIdBits{};
};

// Per-INTID banks: a bit each (group, set/clear enable, clear pending), a byte each (priority),
// two bits each (configuration).
struct Igroupr : RegisterBank<Igroupr, uint32_t, 0x0080, 1> {};      // 1 = group 1
struct Isenabler : RegisterBank<Isenabler, uint32_t, 0x0100, 1> {};  // write 1 to enable
struct Icenabler : RegisterBank<Icenabler, uint32_t, 0x0180, 1> {};  // write 1 to disable
struct Icpendr : RegisterBank<Icpendr, uint32_t, 0x0280, 1> {};      // write 1 to clear pending
struct Ipriorityr : RegisterBank<Ipriorityr, uint32_t, 0x0400, 8> {};
// GICD_ICFGR: Int_config[1] of each INTID's 2-bit field, 1 = edge-triggered; bit [0]
// of each field is reserved and left as read.
struct Icfgr : RegisterBank<Icfgr, uint32_t, 0x0C00, 2> {
  static constexpr Slots<1, 1, 16, 2> kEdgeTriggered{};
};

// GICD_IROUTER<n>: 64 bits per SPI, the affinity of the PE it is routed to.
struct Irouter : RegisterValue<Irouter, uint64_t> {
  static constexpr uint32_t kBase = 0x6000;
  static constexpr uint32_t OffsetOf(uint32_t intid) { return kBase + 8 * intid; }
  static constexpr Bits<7, 0> kAff0{};
  static constexpr Bits<15, 8> kAff1{};
  static constexpr Bits<23, 16> kAff2{};
  static constexpr Bit<31> kInterruptRoutingMode{};  // 1 = any PE; 0 = the PE named here
  static constexpr Bits<39, 32> kAff3{};
};

// The offsets and bits by their old names (tests and callers written before the typed
// registers), derived from the definitions above so there is one source.
inline constexpr uint32_t kCtlr = Ctlr::kOffset;
inline constexpr uint32_t kTyper = Typer::kOffset;
inline constexpr uint32_t kIgroupr = Igroupr::OffsetOf(0);
inline constexpr uint32_t kIsenabler = Isenabler::OffsetOf(0);
inline constexpr uint32_t kIcenabler = Icenabler::OffsetOf(0);
inline constexpr uint32_t kIcpendr = Icpendr::OffsetOf(0);
inline constexpr uint32_t kIpriorityr = Ipriorityr::OffsetOf(0);
inline constexpr uint32_t kIcfgr = Icfgr::OffsetOf(0);
inline constexpr uint32_t kIrouter = Irouter::kBase;  // INTID 32 at 0x6100
inline constexpr uint32_t kCtlrEnableGrp1 = Ctlr::kEnableGrp1.kMask;
inline constexpr uint32_t kCtlrEnableGrp1A = Ctlr::kEnableGrp1A.kMask;
inline constexpr uint32_t kCtlrAreNs = Ctlr::kAreNs.kMask;
inline constexpr uint32_t kCtlrRwp = Ctlr::kRwp.kMask;

}  // namespace tandem::drivers::gicd

#endif  // TANDEM_DRIVERS_IRQ_GICV3_GICD_REGISTERS_H_
