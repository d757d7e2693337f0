// GICv3 CPU interface system registers the driver uses (Arm IHI 0069, programmers' model chapter,
// "AArch64 System register descriptions of the CPU interface"), and MPIDR_EL1 (Arm ARM, DDI 0487,
// "MPIDR_EL1, Multiprocessor Affinity Register") whose affinity fields the GIC routes by. They are
// reached through the driver's `Sys` seam by IccReg (arch/arm64/src/sysreg.h on the target).
// Checked against the manuals by tests/unit/drivers/gicv3_registers_test.cc.
#ifndef TANDEM_DRIVERS_IRQ_GICV3_ICC_REGISTERS_H_
#define TANDEM_DRIVERS_IRQ_GICV3_ICC_REGISTERS_H_

#include <stdint.h>

#include "io/register.h"

namespace tandem::drivers {

// The system registers behind GicCpuInterface's `Sys` (ICC_*_EL1 and MPIDR_EL1).
enum class IccReg : uint8_t { kSre, kCtlr, kPmr, kBpr1, kIgrpen1, kIar1, kEoir1, kSgi1r, kMpidr };

struct Mpidr : SysRegister<Mpidr, IccReg::kMpidr> {
  static constexpr Bits<7, 0> kAff0{};
  static constexpr Bits<15, 8> kAff1{};
  static constexpr Bits<23, 16> kAff2{};
  static constexpr Bit<24> kMt{};  // multithreading: Aff0 numbers threads
  static constexpr Bit<30> kU{};   // uniprocessor system
  static constexpr Bits<39, 32> kAff3{};
};

namespace icc {

// ICC_SRE_EL1: system-register interface enable.
struct Sre : SysRegister<Sre, IccReg::kSre> {
  static constexpr Bit<0> kSre{};
  static constexpr Bit<1> kDfb{};  // disable FIQ bypass
  static constexpr Bit<2> kDib{};  // disable IRQ bypass
};

// ICC_CTLR_EL1.
struct Ctlr : SysRegister<Ctlr, IccReg::kCtlr> {
  static constexpr Bit<0> kCbpr{};
  static constexpr Bit<1> kEoiMode{};  // 0: one EOI drops priority and deactivates
  static constexpr Bit<6> kPmhe{};
  static constexpr Bits<10, 8> kPriBits{};  // implemented priority bits - 1
  static constexpr Bits<13, 11> kIdBits{};
  static constexpr Bit<14> kSeis{};
  static constexpr Bit<15> kA3v{};  // Aff3 may be non-zero in SGI1R
};

// ICC_PMR_EL1: only interrupts of a priority numerically below it are signalled.
struct Pmr : SysRegister<Pmr, IccReg::kPmr> {
  static constexpr Bits<7, 0> kPriority{};
};

// ICC_BPR1_EL1: the split of group-1 priorities into preemption group and subpriority.
struct Bpr1 : SysRegister<Bpr1, IccReg::kBpr1> {
  static constexpr Bits<2, 0> kBinaryPoint{};
};

// ICC_IGRPEN1_EL1.
struct Igrpen1 : SysRegister<Igrpen1, IccReg::kIgrpen1> {
  static constexpr Bit<0> kEnable{};
};

// ICC_IAR1_EL1 (read acknowledges) and ICC_EOIR1_EL1 (write ends the interrupt).
struct Iar1 : SysRegister<Iar1, IccReg::kIar1> {
  static constexpr Bits<23, 0> kIntid{};
};
struct Eoir1 : SysRegister<Eoir1, IccReg::kEoir1> {
  static constexpr Bits<23, 0> kIntid{};
};

// ICC_SGI1R_EL1: generates a group-1 SGI. With IRM 0 the targets are the PEs Aff3.Aff2.Aff1.<x>
// for each bit x set in TargetList, x counted within the range RS: Aff0 = RS * 16 + x.
struct Sgi1r : SysRegister<Sgi1r, IccReg::kSgi1r> {
  static constexpr Bits<15, 0> kTargetList{};
  static constexpr Bits<23, 16> kAff1{};
  static constexpr Bits<27, 24> kIntid{};
  static constexpr Bits<39, 32> kAff2{};
  static constexpr Bit<40> kIrm{};  // 1 = every PE but this one
  static constexpr Bits<47, 44> kRs{};
  static constexpr Bits<55, 48> kAff3{};
};

// INTIDs 1020..1023 are special (no interrupt to handle); Acknowledge() reports them as this.
inline constexpr uint32_t kSpurious = 1023;
// Old names, derived from the definitions above.
inline constexpr uint64_t kSreEnable = Sre::kSre.kMask;
inline constexpr uint64_t kCtlrEoiMode = Ctlr::kEoiMode.kMask;
inline constexpr unsigned kCtlrPriBitsShift = Ctlr::kPriBits.kShift;

}  // namespace icc
}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_IRQ_GICV3_ICC_REGISTERS_H_
