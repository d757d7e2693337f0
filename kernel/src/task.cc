// Task management services (OSEK OS 2.2.3 13.2).
#include "kernel.h"
#include "trace_points.h"

using namespace tandem;
using namespace tandem::kernel;

namespace tandem::kernel {

static bool ValidTask(TaskType t) { return t < Cfg().task_count; }

StatusType ActivateTaskLocked(TaskType task) {
  TANDEM_ASSERT_LOCKED();
  TaskControl& tcb = Tcb(task);
  if (tcb.activations >= TaskCfg(task).max_activations) return E_OS_LIMIT;
  ++tcb.activations;
  if (tcb.state == SUSPENDED) {
    tcb.events_set = 0;  // OSEK 13.5: events are cleared when an extended task is activated
    tcb.events_waited = 0;
    tcb.state = READY;
  }
  PushBackLocked(TaskCfg(task).base_level, task);
  return E_OK;
}

// The running task gives up the CPU for good: account the activation and run the next task.
[[noreturn]] static void TerminateRunningLocked() {
  TANDEM_ASSERT_LOCKED();
  const TaskType self = g_state.running;
  TaskControl& tcb = Tcb(self);
  // Interrupt sections belong to the task that opened them: a task ending inside
  // Suspend*/DisableAllInterrupts (standard status, or a body that returns) must not hand a
  // closed gate to the next task (OSEK leaves this undefined; AUTOSAR OS cleans up the same way).
  g_state.sections = {};
  tcb.sections = {};
  CallPostTaskHook();
  tcb.started = false;
  --tcb.activations;
  tcb.state = tcb.activations > 0 ? READY : SUSPENDED;
  LeaveRunningLocked();
  arch::Panic("terminated task resumed");
}

void ForceTerminateRunningLocked() { TerminateRunningLocked(); }

}  // namespace tandem::kernel

/// ActivateTask: moves TaskID from suspended to ready, or records one more activation.
/// Standard: E_OK, E_OS_LIMIT (too many activations). Extended: also E_OS_ID (invalid task),
/// E_OS_CALLEVEL (called from a hook or a category 1 ISR), E_OS_DISABLEDINT (inside an interrupt
/// critical section; Tandem extension, os.h).
StatusType ActivateTask(TaskType TaskID) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_ActivateTask, TaskID);
  if (Extended()) {
    if (!CalledFromTaskOrIsr2()) return Fail(E_OS_CALLEVEL, OSServiceId_ActivateTask, TaskID);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_ActivateTask, TaskID);
    if (!ValidTask(TaskID)) return Fail(E_OS_ID, OSServiceId_ActivateTask, TaskID);
  }
  const StatusType status = ActivateTaskLocked(TaskID);
  if (status != E_OK) return Fail(status, OSServiceId_ActivateTask, TaskID);
  DispatchLocked();
  return E_OK;
}

/// TerminateTask: ends the calling task. Does not return on success.
/// Extended: E_OS_RESOURCE (a resource is still occupied), E_OS_CALLEVEL (not a task),
/// E_OS_DISABLEDINT (inside an interrupt critical section).
StatusType TerminateTask(void) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_TerminateTask, 0);
  if (Extended()) {
    if (!CalledFromTask()) return Fail(E_OS_CALLEVEL, OSServiceId_TerminateTask);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_TerminateTask);
    if (Tcb(g_state.running).last_resource != kNone) {
      return Fail(E_OS_RESOURCE, OSServiceId_TerminateTask);
    }
  }
  TerminateRunningLocked();
}

/// ChainTask: terminates the calling task and activates TaskID (possibly itself).
/// Standard: E_OS_LIMIT (too many activations of TaskID; the caller is not terminated).
/// Extended: also E_OS_ID, E_OS_RESOURCE, E_OS_CALLEVEL, E_OS_DISABLEDINT.
StatusType ChainTask(TaskType TaskID) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_ChainTask, TaskID);
  if (Extended()) {
    if (!CalledFromTask()) return Fail(E_OS_CALLEVEL, OSServiceId_ChainTask, TaskID);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_ChainTask, TaskID);
    if (!ValidTask(TaskID)) return Fail(E_OS_ID, OSServiceId_ChainTask, TaskID);
    if (Tcb(g_state.running).last_resource != kNone) {
      return Fail(E_OS_RESOURCE, OSServiceId_ChainTask, TaskID);
    }
  }
  const TaskType self = g_state.running;
  if (TaskID != self) {
    if (Tcb(TaskID).activations >= TaskCfg(TaskID).max_activations) {
      return Fail(E_OS_LIMIT, OSServiceId_ChainTask, TaskID);
    }
    (void)ActivateTaskLocked(TaskID);
  } else {
    // Chaining to itself: the running activation ends and a new one is queued; the count of
    // activations does not change (OSEK 13.2.3.3).
    ++Tcb(self).activations;
    PushBackLocked(TaskCfg(self).base_level, self);
  }
  TerminateRunningLocked();
}

/// Schedule: lets a higher-priority ready task run (releases the internal resource meanwhile).
/// Extended: E_OS_CALLEVEL (not a task), E_OS_RESOURCE (a resource is occupied),
/// E_OS_DISABLEDINT.
StatusType Schedule(void) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_Schedule, 0);
  if (Extended()) {
    if (!CalledFromTask()) return Fail(E_OS_CALLEVEL, OSServiceId_Schedule);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_Schedule);
    if (Tcb(g_state.running).last_resource != kNone) {
      return Fail(E_OS_RESOURCE, OSServiceId_Schedule);
    }
  }
  if (g_state.call_level != CallLevel::kTask) return E_OK;
  TaskControl& tcb = Tcb(g_state.running);
  const TaskConfig& cfg = TaskCfg(g_state.running);
  // Drop to the base priority (internal resource and non-preemptive "RES_SCHEDULER" released),
  // offer the CPU, then take the dispatch level back when we run again.
  tcb.running_level = cfg.base_level;
  tcb.irq_level = cfg.base_level;
  ApplyLevelLocked();
  DispatchLocked();
  tcb.running_level = DispatchLevel(g_state.running);
  tcb.irq_level = DispatchIrqLevel(g_state.running);
  ApplyLevelLocked();
  return E_OK;
}

/// GetTaskID: the running task, or INVALID_TASK. In a category 2 ISR that is the task the ISR
/// interrupted (it stays RUNNING; 13.2.3.5 allows both readings, docs/kernel.md says why this
/// one), INVALID_TASK over the idle loop. Standard: E_OK. Extended: E_OS_CALLEVEL
/// (category 1 ISR, StartupHook, ShutdownHook, alarm callback), E_OS_DISABLEDINT.
StatusType GetTaskID(TaskRefType TaskID) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_GetTaskID, 0);
  if (Extended()) {
    const uint64_t ref = reinterpret_cast<uintptr_t>(TaskID);
    if (!CalledFromHookOrTaskOrIsr2()) return Fail(E_OS_CALLEVEL, OSServiceId_GetTaskID, ref);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_GetTaskID, ref);
  }
  *TaskID = g_state.running;
  return E_OK;
}

/// GetTaskState: the state of TaskID. Standard: E_OK. Extended: E_OS_ID, E_OS_CALLEVEL,
/// E_OS_DISABLEDINT.
StatusType GetTaskState(TaskType TaskID, TaskStateRefType State) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_GetTaskState, TaskID);
  if (Extended()) {
    const uint64_t ref = reinterpret_cast<uintptr_t>(State);
    if (!CalledFromHookOrTaskOrIsr2()) {
      return Fail(E_OS_CALLEVEL, OSServiceId_GetTaskState, TaskID, ref);
    }
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_GetTaskState, TaskID, ref);
    if (!ValidTask(TaskID)) return Fail(E_OS_ID, OSServiceId_GetTaskState, TaskID, ref);
  }
  *State = Tcb(TaskID).state;
  return E_OK;
}
