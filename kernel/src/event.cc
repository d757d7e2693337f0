// Event control (OSEK OS 2.2.3 13.5). Only extended tasks own events.
#include "kernel.h"
#include "trace_points.h"

using namespace tandem;
using namespace tandem::kernel;

namespace tandem::kernel {

StatusType SetEventLocked(TaskType task, EventMaskType mask) {
  TANDEM_ASSERT_LOCKED();
  TaskControl& tcb = Tcb(task);
  if (tcb.state == SUSPENDED) return E_OS_STATE;
  tcb.events_set |= mask;
  if (tcb.state == WAITING && (tcb.events_set & tcb.events_waited) != 0) {
    tcb.events_waited = 0;
    MakeReadyLocked(task);
  }
  return E_OK;
}

}  // namespace tandem::kernel

static bool ValidTask(TaskType t) { return t < Cfg().task_count; }

/// SetEvent: sets events of TaskID; releases it if it waits for one of them.
/// Extended: E_OS_ID (invalid task), E_OS_ACCESS (not an extended task), E_OS_STATE (task
/// suspended), E_OS_CALLEVEL, E_OS_DISABLEDINT.
StatusType SetEvent(TaskType TaskID, EventMaskType Mask) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_SetEvent, TaskID);
  if (Extended()) {
    if (!CalledFromTaskOrIsr2()) return Fail(E_OS_CALLEVEL, OSServiceId_SetEvent, TaskID, Mask);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_SetEvent, TaskID, Mask);
    if (!ValidTask(TaskID)) return Fail(E_OS_ID, OSServiceId_SetEvent, TaskID, Mask);
    if (!TaskCfg(TaskID).extended) return Fail(E_OS_ACCESS, OSServiceId_SetEvent, TaskID, Mask);
    if (Tcb(TaskID).state == SUSPENDED) {
      return Fail(E_OS_STATE, OSServiceId_SetEvent, TaskID, Mask);
    }
  }
  if (SetEventLocked(TaskID, Mask) != E_OK) return E_OK;  // standard status: ignored
  DispatchLocked();
  return E_OK;
}

/// ClearEvent: clears events of the calling task.
/// Extended: E_OS_ACCESS (not an extended task), E_OS_CALLEVEL (not a task), E_OS_DISABLEDINT.
StatusType ClearEvent(EventMaskType Mask) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_ClearEvent, static_cast<uint32_t>(Mask));
  if (Extended()) {
    if (!CalledFromTask()) return Fail(E_OS_CALLEVEL, OSServiceId_ClearEvent, Mask);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_ClearEvent, Mask);
    if (!TaskCfg(g_state.running).extended) return Fail(E_OS_ACCESS, OSServiceId_ClearEvent, Mask);
  }
  Tcb(g_state.running).events_set &= ~Mask;
  return E_OK;
}

/// GetEvent: the events set for TaskID.
/// Extended: E_OS_ID, E_OS_ACCESS (not an extended task), E_OS_STATE (suspended), E_OS_CALLEVEL,
/// E_OS_DISABLEDINT.
StatusType GetEvent(TaskType TaskID, EventMaskRefType Event) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_GetEvent, TaskID);
  const uint64_t ref = reinterpret_cast<uintptr_t>(Event);
  if (Extended()) {
    if (!CalledFromHookOrTaskOrIsr2())
      return Fail(E_OS_CALLEVEL, OSServiceId_GetEvent, TaskID, ref);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_GetEvent, TaskID, ref);
    if (!ValidTask(TaskID)) return Fail(E_OS_ID, OSServiceId_GetEvent, TaskID, ref);
    if (!TaskCfg(TaskID).extended) return Fail(E_OS_ACCESS, OSServiceId_GetEvent, TaskID, ref);
    if (Tcb(TaskID).state == SUSPENDED) return Fail(E_OS_STATE, OSServiceId_GetEvent, TaskID, ref);
  }
  *Event = Tcb(TaskID).events_set;
  return E_OK;
}

/// WaitEvent: blocks the calling task until one of Mask is set (returns at once if one is).
/// Extended: E_OS_ACCESS (not an extended task), E_OS_RESOURCE (resource occupied),
/// E_OS_CALLEVEL (not a task), E_OS_DISABLEDINT.
StatusType WaitEvent(EventMaskType Mask) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_WaitEvent, static_cast<uint32_t>(Mask));
  if (Extended()) {
    if (!CalledFromTask()) return Fail(E_OS_CALLEVEL, OSServiceId_WaitEvent, Mask);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_WaitEvent, Mask);
    if (!TaskCfg(g_state.running).extended) return Fail(E_OS_ACCESS, OSServiceId_WaitEvent, Mask);
    if (Tcb(g_state.running).last_resource != kNone) {
      return Fail(E_OS_RESOURCE, OSServiceId_WaitEvent, Mask);
    }
  }
  const TaskType self = g_state.running;
  TaskControl& tcb = Tcb(self);
  if ((tcb.events_set & Mask) != 0) return E_OK;
  // The PostTaskHook comes before the task leaves the running state (OSEK OS 2.2.3 13.8.2).
  CallPostTaskHook();
  tcb.events_waited = Mask;
  tcb.state = WAITING;
  // Waiting releases the internal resource (OSEK 4.6.3); it is taken again when the task is
  // dispatched after the wait.
  tcb.running_level = DispatchLevel(self);
  tcb.irq_level = DispatchIrqLevel(self);
  LeaveRunningLocked();
  return E_OK;
}
