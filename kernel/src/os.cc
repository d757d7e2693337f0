// Operating system execution control (OSEK OS 2.2.3 13.7), hooks (13.8) and error reporting.
#include "kernel.h"

using namespace tandem;
using namespace tandem::kernel;

namespace tandem::kernel {

namespace {

alignas(16) uint8_t g_idle_stack[64 * 1024];

// Runs a hook with the call level the standard gives it; hooks run with category 2 interrupts
// masked so an ISR never sees a half-finished transition, and with interrupt sections of their
// own (a hook is not inside the section of the task whose service called it).
template <typename Body>
void RunHook(CallLevel level, Body body) {
  const CallLevel saved = g_state.call_level;
  {
    OwnSections own;
    g_state.call_level = level;
    ++g_state.hook_nesting;
    ApplyLevelLocked();
    body();
    --g_state.hook_nesting;
    g_state.call_level = saved;
  }
  ApplyLevelLocked();
}

// The idle context is also where the system comes up: the StartupHook runs here, after StartOS
// saved its caller's context, so ShutdownOS from the hook has somewhere to return to (host).
[[noreturn]] void IdleLoop() {
  if (Cfg().hooks.startup != nullptr) RunHook(CallLevel::kStartupHook, Cfg().hooks.startup);
  if (Cfg().system_counter != kNone) {
    arch::StartSystemTimer(Cfg().counters[Cfg().system_counter].tick_duration_ns,
                           Cfg().system_timer_level);
  }
  g_state.call_level = CallLevel::kTask;
  DispatchLocked();
  for (;;) {
    g_state.call_level = CallLevel::kIdle;
    arch::EnableAll();
    arch::Idle();
    arch::DisableAll();
    g_state.call_level = CallLevel::kTask;
    DispatchLocked();
  }
}

void ResetTasks() {
  for (TaskType t = 0; t < Cfg().task_count; ++t) {
    Cfg().task_controls[t] = TaskControl{SUSPENDED, 0, 0, 0, 0, 0, kNone, false, nullptr, {}};
  }
}

}  // namespace

StatusType Fail(StatusType error, OSServiceIdType service, uint64_t p0, uint64_t p1, uint64_t p2) {
  if (Cfg().hooks.error == nullptr || g_state.in_error_hook) return error;
  g_state.in_error_hook = true;
  g_state.error_service = service;
  g_state.error_params[0] = p0;
  g_state.error_params[1] = p1;
  g_state.error_params[2] = p2;
  RunHook(CallLevel::kErrorHook, [error] { Cfg().hooks.error(error); });
  g_state.in_error_hook = false;
  return error;
}

void CallPreTaskHook() {
  if (Cfg().hooks.pre_task != nullptr) RunHook(CallLevel::kPreTaskHook, Cfg().hooks.pre_task);
}

void CallPostTaskHook() {
  if (Cfg().hooks.post_task != nullptr) RunHook(CallLevel::kPostTaskHook, Cfg().hooks.post_task);
}

bool CalledFromTask() { return g_state.call_level == CallLevel::kTask; }

bool CalledFromTaskOrIsr2() {
  return g_state.call_level == CallLevel::kTask || g_state.call_level == CallLevel::kIsr2;
}

bool CalledFromHookOrTaskOrIsr2() {
  switch (g_state.call_level) {
    case CallLevel::kTask:
    case CallLevel::kIsr2:
    case CallLevel::kErrorHook:
    case CallLevel::kPreTaskHook:
    case CallLevel::kPostTaskHook:
      return true;
    default:
      return false;
  }
}

}  // namespace tandem::kernel

OSServiceIdType TandemErrorServiceId(void) { return g_state.error_service; }

uint64_t TandemErrorParam(unsigned index) { return index < 3 ? g_state.error_params[index] : 0; }

/// GetActiveApplicationMode: the mode StartOS was called with.
AppModeType GetActiveApplicationMode(void) { return g_state.app_mode; }

/// StartOS: initialises the kernel, runs the StartupHook, activates the autostart tasks and
/// alarms of Mode and starts scheduling. On a target it never returns; on the host port it
/// returns after ShutdownOS, so tests can run the system several times in one process.
void StartOS(AppModeType Mode) {
  arch::DisableAll();
  g_state = State{};
  g_state.cfg = &kAppConfig;
  if (Mode >= Cfg().app_mode_count) Mode = OSDEFAULTAPPMODE;
  g_state.app_mode = Mode;
  arch::Init();
  ResetScheduler();
  ResetTasks();
  ResetResources();
  ResetCounters();
  for (ISRType i = 0; i < Cfg().isr_count; ++i) {
    arch::ConfigureSource(Cfg().isrs[i].source, Cfg().isrs[i].level, i);
  }
  g_state.call_level = CallLevel::kTask;  // services used by autostart logic see a task level
  const uint32_t mode_bit = uint32_t{1} << Mode;
  for (TaskType t = 0; t < Cfg().task_count; ++t) {
    if ((TaskCfg(t).autostart_modes & mode_bit) != 0) (void)ActivateTaskLocked(t);
  }
  StartAutostartAlarms();
  g_state.started = true;
  g_state.idle_context = arch::PrepareContext(g_idle_stack, sizeof(g_idle_stack), &IdleLoop);
  ApplyLevelLocked();
  // The first dispatch leaves the boot context; ShutdownOS comes back to it on the host.
  arch::SwitchContext(&g_state.boot_context, g_state.idle_context);
  arch::EnableAll();
}

/// ShutdownOS: runs the ShutdownHook and stops the system. Allowed from tasks, category 2
/// ISRs, the StartupHook and the ErrorHook (13.7.2.3); ignored elsewhere in extended status.
/// Also allowed inside an interrupt critical section (no E_OS_DISABLEDINT, unlike the services
/// with a status): it ends the system, so no interrupt state is left to lose, and refusing it
/// would keep running a system its application wants stopped.
void ShutdownOS(StatusType Error) {
  const bool was_disabled = arch::AllDisabled();
  arch::DisableAll();
  if (Extended()) {
    switch (g_state.call_level) {
      case CallLevel::kTask:
      case CallLevel::kIsr2:
      case CallLevel::kStartupHook:
      case CallLevel::kErrorHook:
      case CallLevel::kIdle:
        break;
      default:
        if (!was_disabled) arch::EnableAll();
        return;
    }
  }
  // From here on no task, ISR or alarm of the application runs again (13.7.2.3, 11.4; issue 10,
  // item 4): the kernel drops an interrupt that still reaches it, and the port discards what is
  // pending so that a next StartOS (host port, test images) does not find it either.
  g_state.started = false;
  arch::StopSystemTimer();
  if (Cfg().hooks.shutdown != nullptr) {
    RunHook(CallLevel::kShutdownHook, [Error] { Cfg().hooks.shutdown(Error); });
  }
  g_state.call_level = CallLevel::kNone;
  g_state.running = INVALID_TASK;
  g_state.isr_nesting = 0;
  arch::Shutdown(Error);
  arch::ResumeContext(g_state.boot_context);
}
