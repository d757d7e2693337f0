// The ready queues and the dispatcher: fixed-priority preemptive scheduling with FIFO order
// inside one priority (OSEK OS 2.2.3 4.6: a preempted task is the oldest of its current
// priority; a newly activated one the youngest).
#include "kernel.h"
#include "trace_points.h"

namespace tandem::kernel {

State g_state;

void ResetScheduler() {
  g_state.ready_mask = 0;
  for (int l = 0; l <= kMaxLevel; ++l) {
    g_state.queue_head[l] = 0;
    g_state.queue_count[l] = 0;
  }
}

static TaskType* QueueSlot(Level level, uint16_t index) {
  const ReadyQueueConfig& q = Cfg().ready_queues[level];
  return &Cfg().ready_storage[q.offset + index % q.capacity];
}

static Level ClampToTaskLevels(Level level) {
  return level > Cfg().top_task_level ? Cfg().top_task_level : level;
}

void PushBackLocked(Level level, TaskType task) {
  TANDEM_ASSERT_LOCKED();
  level = ClampToTaskLevels(level);
  const ReadyQueueConfig& q = Cfg().ready_queues[level];
  if (g_state.queue_count[level] >= q.capacity) arch::Panic("ready queue overflow");
  *QueueSlot(level, g_state.queue_head[level] + g_state.queue_count[level]) = task;
  ++g_state.queue_count[level];
  g_state.ready_mask |= uint64_t{1} << level;
}

void PushFrontLocked(Level level, TaskType task) {
  TANDEM_ASSERT_LOCKED();
  level = ClampToTaskLevels(level);
  const ReadyQueueConfig& q = Cfg().ready_queues[level];
  if (g_state.queue_count[level] >= q.capacity) arch::Panic("ready queue overflow");
  g_state.queue_head[level] =
      static_cast<uint16_t>((g_state.queue_head[level] + q.capacity - 1) % q.capacity);
  *QueueSlot(level, g_state.queue_head[level]) = task;
  ++g_state.queue_count[level];
  g_state.ready_mask |= uint64_t{1} << level;
}

Level HighestReadyLevel() {
  if (g_state.ready_mask == 0) return 0;
  return static_cast<Level>(63 - __builtin_clzll(g_state.ready_mask));
}

TaskType PopHighestLocked() {
  TANDEM_ASSERT_LOCKED();
  const Level level = HighestReadyLevel();
  if (g_state.queue_count[level] == 0) return INVALID_TASK;
  const ReadyQueueConfig& q = Cfg().ready_queues[level];
  const TaskType task = *QueueSlot(level, g_state.queue_head[level]);
  g_state.queue_head[level] = static_cast<uint16_t>((g_state.queue_head[level] + 1) % q.capacity);
  if (--g_state.queue_count[level] == 0) g_state.ready_mask &= ~(uint64_t{1} << level);
  return task;
}

Level DispatchLevel(TaskType task) {
  const TaskConfig& t = TaskCfg(task);
  Level level = t.base_level;
  if (t.internal_ceiling > level) level = t.internal_ceiling;
  if (!t.preemptive) level = Cfg().top_task_level;
  return level;
}

Level DispatchIrqLevel(TaskType task) {
  // Non-preemptive scheduling is a scheduling policy, not a resource: it does not mask
  // interrupts ranked below the top task. An internal resource is a resource: running at its
  // ceiling masks the interrupts below that ceiling (one priority space).
  const TaskConfig& t = TaskCfg(task);
  return t.internal_ceiling > t.base_level ? t.internal_ceiling : t.base_level;
}

void MakeReadyLocked(TaskType task) {
  TANDEM_ASSERT_LOCKED();
  TaskControl& tcb = Tcb(task);
  tcb.state = READY;
  PushBackLocked(TaskCfg(task).base_level, task);
}

bool InIsr() { return g_state.isr_nesting > 0; }

void ApplyLevelLocked() {
  TANDEM_ASSERT_LOCKED();
  Level level = 0;
  if (InIsr()) {
    level = g_state.isr_level;
  } else if (g_state.running != INVALID_TASK) {
    level = Tcb(g_state.running).irq_level;
  }
  const bool os_masked = g_state.sections.suspend_os_nesting > 0 || g_state.hook_nesting > 0;
  if (os_masked && level < Cfg().cat2_top_level) {
    level = Cfg().cat2_top_level;
  }
  arch::SetLevel(level);
}

[[noreturn]] static void TaskEntry() {
  // First instructions of every task activation: interrupts are disabled by the dispatcher
  // that switched here.
  const TaskType self = g_state.running;
  arch::EnableAll();
  TaskCfg(self).entry();
  // OSEK 13.2.3.2: ending a task without TerminateTask/ChainTask is undefined. Tandem reports
  // what the task left behind (extended status: E_OS_RESOURCE for resources still held), cleans
  // it up and terminates the task, as AUTOSAR OS does, so one faulty task cannot stop the system.
  arch::DisableAll();
  if (Tcb(self).last_resource != kNone) {
    if (Extended()) (void)Fail(E_OS_RESOURCE, OSServiceId_TerminateTask);
    ReleaseAllTaskResourcesLocked(self);
  }
  ForceTerminateRunningLocked();
}

// Switches from the running context (task or idle) to `next`, which is already RUNNING.
static void SwitchTo(arch::Context* from_slot, TaskType next) {
  TaskControl& tcb = Tcb(next);
  ApplyLevelLocked();
  CallPreTaskHook();
  if (!tcb.started) {
    tcb.started = true;
    tcb.context = arch::PrepareContext(TaskCfg(next).stack, TaskCfg(next).stack_size, &TaskEntry);
  }
  if (from_slot == nullptr) {
    arch::ResumeContext(tcb.context);
  }
  arch::SwitchContext(from_slot, tcb.context);
}

static void StartTask(TaskType next) {
  // The task leaving the CPU (if any) already has its new state: preempted READY, WAITING, ...
  TANDEM_TRACE_SWITCH(next, g_state.running,
                      g_state.running == INVALID_TASK ? RUNNING : Tcb(g_state.running).state);
  TaskControl& tcb = Tcb(next);
  if (!tcb.started) {
    tcb.running_level = DispatchLevel(next);
    tcb.irq_level = DispatchIrqLevel(next);
  }
  tcb.state = RUNNING;
  g_state.running = next;
  g_state.call_level = CallLevel::kTask;
  g_state.sections = tcb.sections;  // a fresh activation has none
}

// The running task leaves the CPU without ending (preempted or waiting): it keeps its interrupt
// sections for when it runs again (standard status lets it switch inside one, issue 10 item 3).
static void KeepSections(TaskControl& tcb) {
  tcb.sections = g_state.sections;
  g_state.sections = {};
}

void DispatchLocked() {
  TANDEM_ASSERT_LOCKED();
  if (InIsr() || g_state.call_level == CallLevel::kNone) return;
  const TaskType current = g_state.running;
  const Level ready = HighestReadyLevel();
  if (current != INVALID_TASK) {
    TaskControl& cur = Tcb(current);
    if (ready <= cur.running_level || ready == 0) return;
    CallPostTaskHook();
    cur.state = READY;
    KeepSections(cur);
    PushFrontLocked(cur.running_level, current);
    const TaskType next = PopHighestLocked();
    StartTask(next);
    SwitchTo(&cur.context, next);
    return;
  }
  // Idle: anything ready runs.
  if (ready == 0) return;
  const TaskType next = PopHighestLocked();
  StartTask(next);
  SwitchTo(&g_state.idle_context, next);
}

alignas(16) static uint8_t g_restart_stack[32 * 1024];

[[noreturn]] static void RestartRunning() {
  TaskControl& tcb = Tcb(g_state.running);
  tcb.started = true;
  tcb.context = arch::PrepareContext(TaskCfg(g_state.running).stack,
                                     TaskCfg(g_state.running).stack_size, &TaskEntry);
  arch::ResumeContext(tcb.context);
}

void LeaveRunningLocked() {
  TANDEM_ASSERT_LOCKED();
  // The running task has already been marked SUSPENDED, READY (further activations) or WAITING.
  const TaskType current = g_state.running;
  TaskControl& cur = Tcb(current);
  const bool keep_context = cur.state == WAITING;
  if (keep_context) KeepSections(cur);
  const TaskType next = PopHighestLocked();
  if (next == INVALID_TASK) {
    TANDEM_TRACE_SWITCH(INVALID_TASK, current, cur.state);
    g_state.running = INVALID_TASK;
    g_state.call_level = CallLevel::kIdle;
    ApplyLevelLocked();
    if (keep_context) {
      arch::SwitchContext(&cur.context, g_state.idle_context);
    } else {
      arch::ResumeContext(g_state.idle_context);
    }
    return;
  }
  StartTask(next);
  if (next == current && !keep_context) {
    // The terminated task runs again at once (ChainTask to itself, or a pending activation).
    // Its fresh context cannot be built on the stack we are still running on: build it from
    // a small kernel stack instead.
    ApplyLevelLocked();
    CallPreTaskHook();
    arch::ResumeContext(
        arch::PrepareContext(g_restart_stack, sizeof(g_restart_stack), &RestartRunning));
  }
  SwitchTo(keep_context ? &cur.context : nullptr, next);
}

}  // namespace tandem::kernel
