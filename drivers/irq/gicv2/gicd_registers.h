// GICv2 distributor registers the driver uses, as offsets from the GICD base with their fields
// (Arm IHI 0048B, "ARM Generic Interrupt Controller Architecture Specification, version 2.0",
// 4.3 "Distributor register descriptions"; the register map is its Table 4-1). Checked against
// the manual by tests/unit/drivers/gicv2_registers_test.cc.
#ifndef TANDEM_DRIVERS_IRQ_GICV2_GICD_REGISTERS_H_
#define TANDEM_DRIVERS_IRQ_GICV2_GICD_REGISTERS_H_

#include <stdint.h>

#include "io/register.h"

namespace tandem::drivers::gicv2::gicd {

// GICD_CTLR (4.3.1). Without the Security Extensions, and in the view Xen's vGIC gives a guest
// (xen/arch/arm/vgic-v2.c keeps only this bit), bit 0 enables forwarding of every interrupt.
struct Ctlr : MmioRegister<Ctlr, uint32_t, 0x000> {
  static constexpr Bit<0> kEnable{};
};

// GICD_TYPER (4.3.2).
struct Typer : MmioRegister<Typer, uint32_t, 0x004> {
  static constexpr Bits<4, 0> kItLinesNumber{};  // SPIs up to INTID 32 * (N + 1) - 1
  static constexpr Bits<7, 5> kCpuNumber{};      // CPU interfaces - 1
  static constexpr Bit<10> kSecurityExtn{};
  static constexpr Bits<15, 11> kLspi{};
};

// Per-INTID banks (4.3.4 - 4.3.13): a bit each (set/clear enable, clear pending), a byte each
// (priority, CPU targets), two bits each (configuration). Registers 0 (and GICD_ITARGETSR0..7,
// GICD_IPRIORITYR0..7) are banked per CPU interface: SGIs and PPIs.
struct Isenabler : RegisterBank<Isenabler, uint32_t, 0x100, 1> {};  // write 1 to enable
struct Icenabler : RegisterBank<Icenabler, uint32_t, 0x180, 1> {};  // write 1 to disable
struct Icpendr : RegisterBank<Icpendr, uint32_t, 0x280, 1> {};      // write 1 to clear pending
struct Ipriorityr : RegisterBank<Ipriorityr, uint32_t, 0x400, 8> {};
// GICD_ITARGETSR (4.3.12): bit n of an INTID's byte sends it to CPU interface n. The bytes of
// GICD_ITARGETSR0..7 (SGIs, PPIs) are read-only and read as the mask of the CPU that reads them.
struct Itargetsr : RegisterBank<Itargetsr, uint32_t, 0x800, 8> {};
// GICD_ICFGR (4.3.13): Int_config[1] of each INTID's 2-bit field, 1 = edge-triggered; bit [0]
// of each field is reserved (or implementation defined) and left as read.
struct Icfgr : RegisterBank<Icfgr, uint32_t, 0xC00, 2> {
  static constexpr Slots<1, 1, 16, 2> kEdgeTriggered{};
};

// GICD_SGIR (4.3.15): write-only; generates an SGI.
struct Sgir : MmioRegister<Sgir, uint32_t, 0xF00> {
  static constexpr Bits<3, 0> kSgiIntid{};
  static constexpr Bit<15> kNsatt{};
  static constexpr Bits<23, 16> kCpuTargetList{};
  static constexpr Bits<25, 24> kTargetListFilter{};
  // TargetListFilter values (GICD_SGIR's description).
  static constexpr uint32_t kToTargetList = 0b00;
  static constexpr uint32_t kToAllOthers = 0b01;
  static constexpr uint32_t kToSelf = 0b10;
};

}  // namespace tandem::drivers::gicv2::gicd

#endif  // TANDEM_DRIVERS_IRQ_GICV2_GICD_REGISTERS_H_
