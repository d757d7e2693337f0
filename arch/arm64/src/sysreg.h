// The real system-register access behind the drivers' `Sys` seams (drivers/irq/gicv3,
// drivers/timer/generic_timer): one mrs/msr per register, inlined to the single instruction.
#ifndef TANDEM_ARCH_ARM64_SYSREG_H_
#define TANDEM_ARCH_ARM64_SYSREG_H_

#include <stdint.h>

#include "irq/gicv3/gicv3.h"
#include "timer/generic_timer/generic_timer.h"

#define TANDEM_MRS(reg)                              \
  ({                                                 \
    uint64_t tandem_v_;                              \
    asm volatile("mrs %0, " #reg : "=r"(tandem_v_)); \
    tandem_v_;                                       \
  })
#define TANDEM_MSR(reg, v) \
  asm volatile("msr " #reg ", %0" ::"r"(static_cast<uint64_t>(v)) : "memory")

namespace tandem::arm64 {

inline void Isb() { asm volatile("isb" ::: "memory"); }

// GICv3 CPU interface registers (IHI 0069 12.2). Under Xen they reach the virtual CPU interface
// (ICV_*) without trapping.
struct IccSysregs {
  uint64_t Read(drivers::IccReg reg) const {
    using drivers::IccReg;
    switch (reg) {
      case IccReg::kSre:
        return TANDEM_MRS(icc_sre_el1);
      case IccReg::kCtlr:
        return TANDEM_MRS(icc_ctlr_el1);
      case IccReg::kPmr:
        return TANDEM_MRS(icc_pmr_el1);
      case IccReg::kBpr1:
        return TANDEM_MRS(icc_bpr1_el1);
      case IccReg::kIgrpen1:
        return TANDEM_MRS(icc_igrpen1_el1);
      case IccReg::kIar1:
        return TANDEM_MRS(icc_iar1_el1);
      case IccReg::kMpidr:
        return TANDEM_MRS(mpidr_el1);
      case IccReg::kEoir1:
      case IccReg::kSgi1r:
        return 0;  // write-only
    }
    return 0;
  }
  void Write(drivers::IccReg reg, uint64_t v) const {
    using drivers::IccReg;
    switch (reg) {
      case IccReg::kSre:
        TANDEM_MSR(icc_sre_el1, v);
        break;
      case IccReg::kCtlr:
        TANDEM_MSR(icc_ctlr_el1, v);
        break;
      case IccReg::kPmr:
        TANDEM_MSR(icc_pmr_el1, v);
        break;
      case IccReg::kBpr1:
        TANDEM_MSR(icc_bpr1_el1, v);
        break;
      case IccReg::kIgrpen1:
        TANDEM_MSR(icc_igrpen1_el1, v);
        break;
      case IccReg::kEoir1:
        TANDEM_MSR(icc_eoir1_el1, v);
        break;
      case IccReg::kSgi1r:
        TANDEM_MSR(icc_sgi1r_el1, v);
        break;
      case IccReg::kIar1:
      case IccReg::kMpidr:
        break;  // read-only
    }
  }
  void Isb() const { arm64::Isb(); }
};

// EL1 virtual timer (Arm ARM, CNTV_CTL_EL0 / CNTV_CVAL_EL0 / CNTVCT_EL0 / CNTFRQ_EL0).
struct TimerSysregs {
  uint64_t Read(drivers::TimerReg reg) const {
    using drivers::TimerReg;
    switch (reg) {
      case TimerReg::kCntfrq:
        return TANDEM_MRS(cntfrq_el0);
      case TimerReg::kCntvct:
        return TANDEM_MRS(cntvct_el0);
      case TimerReg::kCntvCtl:
        return TANDEM_MRS(cntv_ctl_el0);
      case TimerReg::kCntvCval:
        return TANDEM_MRS(cntv_cval_el0);
    }
    return 0;
  }
  void Write(drivers::TimerReg reg, uint64_t v) const {
    using drivers::TimerReg;
    switch (reg) {
      case TimerReg::kCntvCtl:
        TANDEM_MSR(cntv_ctl_el0, v);
        break;
      case TimerReg::kCntvCval:
        TANDEM_MSR(cntv_cval_el0, v);
        break;
      case TimerReg::kCntfrq:
      case TimerReg::kCntvct:
        break;  // not writable at EL1
    }
  }
  void Isb() const { arm64::Isb(); }
};

}  // namespace tandem::arm64

#endif  // TANDEM_ARCH_ARM64_SYSREG_H_
