// The EL1 virtual timer's system registers (Arm ARM, DDI 0487, "The Generic Timer in AArch64
// state" and the register descriptions of CNTFRQ_EL0, CNTVCT_EL0, CNTV_CTL_EL0, CNTV_CVAL_EL0),
// reached through GenericTimer's `Sys` seam by TimerReg (arch/arm64/src/sysreg.h on the target).
// Checked against the manual by tests/unit/drivers/timer_registers_test.cc.
#ifndef TANDEM_DRIVERS_TIMER_GENERIC_TIMER_TIMER_REGISTERS_H_
#define TANDEM_DRIVERS_TIMER_GENERIC_TIMER_TIMER_REGISTERS_H_

#include <stdint.h>

#include "io/register.h"

namespace tandem::drivers {

enum class TimerReg : uint8_t { kCntfrq, kCntvct, kCntvCtl, kCntvCval };

// CNTFRQ_EL0: the counter's frequency in Hz, as firmware programmed it; bits [63:32] are RES0.
struct Cntfrq : SysRegister<Cntfrq, TimerReg::kCntfrq> {
  static constexpr Bits<31, 0> kClockFreq{};
};

// CNTV_CTL_EL0.
struct CntvCtl : SysRegister<CntvCtl, TimerReg::kCntvCtl> {
  static constexpr Bit<0> kEnable{};
  static constexpr Bit<1> kImask{};    // 1 = the timer's interrupt is masked
  static constexpr Bit<2> kIstatus{};  // read-only: the timer condition is met
};

// CNTVCT_EL0 and CNTV_CVAL_EL0 are whole 64-bit counts: no fields.
struct Cntvct : SysRegister<Cntvct, TimerReg::kCntvct> {};
struct CntvCval : SysRegister<CntvCval, TimerReg::kCntvCval> {};

// Old names, derived from the definitions above (arch/arm64 writes CNTV_CTL_EL0 directly).
namespace cntv_ctl {
inline constexpr uint64_t kEnable = CntvCtl::kEnable.kMask;
inline constexpr uint64_t kImask = CntvCtl::kImask.kMask;
inline constexpr uint64_t kIstatus = CntvCtl::kIstatus.kMask;
}  // namespace cntv_ctl

}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_TIMER_GENERIC_TIMER_TIMER_REGISTERS_H_
