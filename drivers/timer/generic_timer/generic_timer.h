// The EL1 virtual timer of the Arm generic timer (Arm ARM, "The Generic Timer in AArch64
// state"), as a drift-free periodic tick.
//
// System registers go through a `Sys` type with Read(TimerReg) / Write(TimerReg, v) / Isb() (real
// mrs/msr in arch/arm64, a fake in host tests), typed in timer_registers.h. The compare value
// advances by exactly one period per tick (CVAL += period) instead of being re-armed from "now", so
// interrupt latency never accumulates into drift.
//
// Lost time (docs/arm64-port.md, "Lost time"): a tick handled late by at most
// kMaxCatchUpPeriods whole periods is caught up, i.e. the timer re-fires at once for each period
// behind it (a burst of at most kMaxCatchUpPeriods extra ticks). Later than that the domain did
// not run (`xl pause`, a descheduled vCPU, a debugger): every period whose deadline has passed
// is skipped and counted in skipped_periods(), no tick is delivered for them, and the next
// deadline is the first one in the future, still on the original grid. A pause of seconds thus
// never comes back as thousands of back-to-back ticks.
//
// Under Xen the virtual timer's interrupt is forwarded to the guest after Xen sets IMASK in the
// guest's CNTV_CTL_EL0 (xen/arch/arm/vtimer.c): the handler must rewrite CTL with IMASK clear,
// which Acknowledge() does.
#ifndef TANDEM_DRIVERS_TIMER_GENERIC_TIMER_GENERIC_TIMER_H_
#define TANDEM_DRIVERS_TIMER_GENERIC_TIMER_GENERIC_TIMER_H_

#include <stdint.h>

#include "tandem/result.h"
#include "timer/generic_timer/timer_registers.h"

namespace tandem::drivers {

enum class TimerError : uint8_t {
  kNoFrequency,  // CNTFRQ_EL0 reads 0 and the device tree gave no clock-frequency
  kBadPeriod,    // period shorter than one counter tick
};

const char* TimerErrorName(TimerError error);

template <typename Sys>
class GenericTimer {
 public:
  // The most periods a tick may be behind (beyond its own) and still be caught up. Two keep
  // the grid through the usual jitter of a shared host (a tick one or two periods late still
  // releases every job) and bound the burst the kernel sees to three ticks.
  static constexpr uint64_t kMaxCatchUpPeriods = 2;

  explicit constexpr GenericTimer(Sys sys) : sys_(sys) {}

  // `dt_frequency_hz`: the timer node's clock-frequency (0 if absent: CNTFRQ_EL0 is then used,
  // which firmware is supposed to have programmed).
  Result<void, TimerError> Init(uint32_t dt_frequency_hz) {
    frequency_hz_ = dt_frequency_hz != 0
                        ? dt_frequency_hz
                        : static_cast<uint32_t>(Cntfrq::ReadFrom(sys_).Get(Cntfrq::kClockFreq));
    if (frequency_hz_ == 0) return MakeError(TimerError::kNoFrequency);
    return {};
  }

  // Starts a periodic tick of `period_ns`; the first tick comes one period from now.
  Result<void, TimerError> Start(uint32_t period_ns) {
    if (frequency_hz_ == 0) return MakeError(TimerError::kNoFrequency);
    const uint64_t ticks = uint64_t{frequency_hz_} * period_ns / 1000000000u;
    if (ticks == 0) return MakeError(TimerError::kBadPeriod);
    period_ticks_ = ticks;
    CntvCtl{}.Set(CntvCtl::kImask).WriteTo(sys_);
    last_tick_ = Now();
    deadline_ = last_tick_ + period_ticks_;
    CntvCval::FromRaw(deadline_).WriteTo(sys_);
    CntvCtl{}.Set(CntvCtl::kEnable).WriteTo(sys_);
    sys_.Isb();
    return {};
  }

  void Stop() {
    CntvCtl{}.Set(CntvCtl::kImask).WriteTo(sys_);
    period_ticks_ = 0;
  }

  // From the timer interrupt: true if a period has elapsed (the caller delivers one tick); false
  // for a spurious call or when the time since the deadline was lost (skipped, see the top of
  // this file). Arms the next deadline and re-opens the interrupt (IMASK clear).
  bool Acknowledge() {
    if (period_ticks_ == 0) return false;
    if (!CntvCtl::ReadFrom(sys_).IsSet(CntvCtl::kIstatus) && Now() < deadline_) {
      CntvCtl{}.Set(CntvCtl::kEnable).WriteTo(sys_);
      return false;
    }
    const uint64_t now = Now();
    const uint64_t latency = now > deadline_ ? now - deadline_ : 0;
    // Further deadlines already passed behind this one.
    const uint64_t behind = latency / period_ticks_;
    if (behind > kMaxCatchUpPeriods) {
      // This tick's period and every one behind it are lost; the grid stays where it was.
      skipped_periods_ += behind + 1;
      ++skips_;
      deadline_ += (behind + 1) * period_ticks_;
      Arm();
      return false;
    }
    last_latency_ = latency;
    latency_sum_ += latency;
    ++delivered_;
    if (latency > max_latency_) max_latency_ = latency;
    last_tick_ = deadline_;
    deadline_ += period_ticks_;
    if (behind > 0) ++late_ticks_;  // the timer fires again at once to catch up
    Arm();
    return true;
  }

  // CNTVCT_EL0, ordered after earlier instructions (reads of the counter may be speculated: ISB).
  uint64_t Now() {
    sys_.Isb();
    return Cntvct::ReadFrom(sys_).raw();
  }

  uint32_t frequency_hz() const { return frequency_hz_; }
  uint64_t period_ticks() const { return period_ticks_; }
  uint64_t deadline() const { return deadline_; }
  // The deadline (nominal counter value) of the latest delivered tick; the start time before
  // the first one.
  uint64_t last_tick() const { return last_tick_; }
  // Ticks delivered while already more than one period late (caught up: the timer fired again
  // at once).
  uint64_t late_ticks() const { return late_ticks_; }
  // Periods skipped as lost time (no tick delivered for them), and how many times that happened.
  uint64_t skipped_periods() const { return skipped_periods_; }
  uint64_t skips() const { return skips_; }
  // Largest delay seen between a delivered tick's deadline and its Acknowledge(), in counter
  // ticks (skipped periods are not delivered, so they are not in it).
  uint64_t max_latency() const { return max_latency_; }
  // The delay of the latest delivered tick, in counter ticks.
  uint64_t last_latency() const { return last_latency_; }
  // Ticks delivered, and the sum of their delays (counter ticks): the mean delay from a deadline
  // to Acknowledge(), i.e. Xen's delivery of the timer interrupt plus the guest's entry path.
  uint64_t delivered() const { return delivered_; }
  uint64_t latency_sum() const { return latency_sum_; }

 private:
  void Arm() {
    CntvCval::FromRaw(deadline_).WriteTo(sys_);
    CntvCtl{}.Set(CntvCtl::kEnable).WriteTo(sys_);
    sys_.Isb();
  }

  Sys sys_;
  uint32_t frequency_hz_ = 0;
  uint64_t period_ticks_ = 0;
  uint64_t deadline_ = 0;
  uint64_t last_tick_ = 0;
  uint64_t late_ticks_ = 0;
  uint64_t skipped_periods_ = 0;
  uint64_t skips_ = 0;
  uint64_t max_latency_ = 0;
  uint64_t last_latency_ = 0;
  uint64_t latency_sum_ = 0;
  uint64_t delivered_ = 0;
};

inline const char* TimerErrorName(TimerError error) {
  switch (error) {
    case TimerError::kNoFrequency:
      return "generic timer frequency unknown (CNTFRQ_EL0 is 0)";
    case TimerError::kBadPeriod:
      return "tick period shorter than one counter tick";
  }
  return "unknown timer error";
}

}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_TIMER_GENERIC_TIMER_GENERIC_TIMER_H_
