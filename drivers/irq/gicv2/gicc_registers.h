// GICv2 CPU interface registers the driver uses, as offsets from the GICC base with their fields
// (Arm IHI 0048B, 4.4 "CPU interface register descriptions"; the register map is its Table 4-2).
// Under Xen the guest's GICC region is the hardware's virtual CPU interface (GICV, chapter 5),
// mapped by stage 2: these accesses do not trap. Checked against the manual by
// tests/unit/drivers/gicv2_registers_test.cc.
#ifndef TANDEM_DRIVERS_IRQ_GICV2_GICC_REGISTERS_H_
#define TANDEM_DRIVERS_IRQ_GICV2_GICC_REGISTERS_H_

#include <stdint.h>

#include "io/register.h"

namespace tandem::drivers::gicv2::gicc {

// GICC_CTLR (4.4.1), the layout of a GIC without the Security Extensions, which is also the
// virtual CPU interface's GICV_CTLR (5.3.1). Xen's vGIC lists guest interrupts as group 0
// (xen/arch/arm/gic-v2.c gicv2_update_lr sets no Grp1 bit), so bit 0 is the one to enable, as
// Linux's irq-gic.c does (GICC_ENABLE); with FIQEn 0 group 0 is signalled as IRQ.
struct Ctlr : MmioRegister<Ctlr, uint32_t, 0x0000> {
  static constexpr Bit<0> kEnableGrp0{};
  static constexpr Bit<1> kEnableGrp1{};
  static constexpr Bit<2> kAckCtl{};
  static constexpr Bit<3> kFiqEn{};
  static constexpr Bit<4> kCbpr{};
  static constexpr Bit<9> kEoiMode{};  // 0: a GICC_EOIR write drops priority and deactivates
};

// GICC_PMR (4.4.2): an interrupt is signalled only when its priority is below this; unimplemented
// low bits read as zero (3.3, "Interrupt prioritization"), which is how the number of priority bits
// is found.
struct Pmr : MmioRegister<Pmr, uint32_t, 0x0004> {
  static constexpr Bits<7, 0> kPriority{};
};

// GICC_BPR (4.4.3).
struct Bpr : MmioRegister<Bpr, uint32_t, 0x0008> {
  static constexpr Bits<2, 0> kBinaryPoint{};
};

// GICC_IAR (4.4.4), GICC_EOIR (4.4.5), GICC_HPPIR: an INTID, and for an SGI the CPU
// interface that requested it. The EOIR write must carry the IAR value read, CPUID included.
struct Iar : MmioRegister<Iar, uint32_t, 0x000C> {
  static constexpr Bits<9, 0> kInterruptId{};
  static constexpr Bits<12, 10> kCpuId{};
};
struct Eoir : MmioRegister<Eoir, uint32_t, 0x0010> {
  static constexpr Bits<9, 0> kEoiIntid{};
  static constexpr Bits<12, 10> kCpuId{};
};
struct Hppir : MmioRegister<Hppir, uint32_t, 0x0018> {
  static constexpr Bits<9, 0> kPendIntid{};
  static constexpr Bits<12, 10> kCpuId{};
};

// INTID 1023 ("Special interrupt numbers"): no pending interrupt to acknowledge; 1020..1022
// are reserved or group-1 markers that a group-0-only interface does not return either.
inline constexpr uint32_t kSpurious = 1023;

}  // namespace tandem::drivers::gicv2::gicc

#endif  // TANDEM_DRIVERS_IRQ_GICV2_GICC_REGISTERS_H_
