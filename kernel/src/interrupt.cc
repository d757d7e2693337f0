// Interrupt services (OSEK OS 2.2.3 13.3) and the ISR entry the port calls. The state of the
// services is the running context's own (g_state.sections, see InterruptSections).
#include "kernel.h"
#include "trace_points.h"

using namespace tandem;
using namespace tandem::kernel;

/// DisableAllInterrupts: disables every interrupt; not nestable (13.3.2.2).
void DisableAllInterrupts(void) {
  const bool was_disabled = arch::AllDisabled();
  arch::DisableAll();
  InterruptSections& s = g_state.sections;
  if (s.all_disabled) return;  // not nestable: a second call changes nothing
  s.all_disabled_before = was_disabled;
  s.all_disabled = true;
}

/// EnableAllInterrupts: restores the state DisableAllInterrupts saved; ignored without a prior
/// Disable.
void EnableAllInterrupts(void) {
  InterruptSections& s = g_state.sections;
  if (!s.all_disabled) return;
  s.all_disabled = false;
  if (s.suspend_all_nesting == 0 && !s.all_disabled_before) arch::EnableAll();
}

/// SuspendAllInterrupts: nestable disabling of every interrupt.
void SuspendAllInterrupts(void) {
  const bool was_disabled = arch::AllDisabled();
  arch::DisableAll();
  InterruptSections& s = g_state.sections;
  if (s.suspend_all_nesting++ == 0) s.suspend_all_disabled_before = was_disabled;
}

/// ResumeAllInterrupts: ends one SuspendAllInterrupts level, the outermost one restoring the
/// state the first Suspend saved; ignored without a prior Suspend.
void ResumeAllInterrupts(void) {
  InterruptSections& s = g_state.sections;
  if (s.suspend_all_nesting == 0) return;
  if (--s.suspend_all_nesting == 0 && !s.all_disabled && !s.suspend_all_disabled_before) {
    arch::EnableAll();
  }
}

/// SuspendOSInterrupts: nestable masking of category 2 interrupts (and everything ranked
/// below the highest category 2 level on the one scale). Category 1 ISRs keep running.
void SuspendOSInterrupts(void) {
  CriticalSection cs;
  ++g_state.sections.suspend_os_nesting;
  ApplyLevelLocked();
}

/// ResumeOSInterrupts: ends one SuspendOSInterrupts level; ignored without a prior Suspend.
void ResumeOSInterrupts(void) {
  CriticalSection cs;
  if (g_state.sections.suspend_os_nesting == 0) return;
  --g_state.sections.suspend_os_nesting;
  ApplyLevelLocked();
}

namespace tandem::kernel {

namespace {

// Who runs at which level in the interrupted code (a task, or the ISR a higher one nests in),
// given back when the handler's scope ends, like OwnSections for the interrupt services.
class OwnIsrContext {
 public:
  OwnIsrContext(IsrCategory category, ISRType isr, Level level)
      : call_(g_state.call_level), isr_(g_state.running_isr), level_(g_state.isr_level) {
    g_state.call_level = category == IsrCategory::kOne ? CallLevel::kIsr1 : CallLevel::kIsr2;
    g_state.running_isr = isr;
    g_state.isr_level = level;
  }
  ~OwnIsrContext() {
    g_state.call_level = call_;
    g_state.running_isr = isr_;
    g_state.isr_level = level_;
  }
  OwnIsrContext(const OwnIsrContext&) = delete;
  OwnIsrContext& operator=(const OwnIsrContext&) = delete;

 private:
  CallLevel call_;
  ISRType isr_;
  Level level_;
};

// Runs an interrupt handler body at `level`, nested inside whatever was running.
template <typename Body>
void RunIsr(IsrCategory category, ISRType isr, Level level, Body body) {
  {
    // The interrupt services' state belongs to the interrupted code: an ISR has its own (OSEK
    // 13.3: Suspend/Resume pairs inside the ISR), given back before the rescheduling point.
    OwnSections own;
    ++g_state.isr_nesting;
    OwnIsrContext context(category, isr, level);
    ApplyLevelLocked();
    TANDEM_TRACE_ISR(true, isr);
    arch::EnableAll();
    body();
    arch::DisableAll();
    TANDEM_TRACE_ISR(false, isr);
    if (isr != INVALID_ISR) ReleaseAllIsrResourcesLocked(isr);
    --g_state.isr_nesting;
  }
  ApplyLevelLocked();
  // Leaving the outermost category 2 ISR is a rescheduling point (OSEK 4.6.1).
  if (g_state.isr_nesting == 0 && category == IsrCategory::kTwo) DispatchLocked();
}

}  // namespace

void HandleIsr(ISRType isr) {
  TANDEM_ASSERT_LOCKED();  // the port contract (arch.h): called with interrupts disabled
  if (g_state.cfg == nullptr || isr >= Cfg().isr_count) arch::Panic("interrupt for unknown ISR");
  if (!g_state.started) return;  // after ShutdownOS (os.cc): the application is over
  const IsrConfig& cfg = Cfg().isrs[isr];
  RunIsr(cfg.category, isr, cfg.level, [&cfg] { cfg.entry(); });
}

void HandleSystemTick() {
  TANDEM_ASSERT_LOCKED();
  if (g_state.cfg == nullptr || Cfg().system_counter == kNone || !g_state.started) return;
  RunIsr(IsrCategory::kTwo, INVALID_ISR, Cfg().system_timer_level, [] {
    CriticalSection cs;
    TickCounterLocked(Cfg().system_counter);
  });
}

}  // namespace tandem::kernel
