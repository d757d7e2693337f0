// Counters and alarms (OSEK OS 2.2.3 9, 13.6). Each counter keeps an unordered list of its armed
// alarms; a tick compares each one's expiry with the new counter value. Lists are short in
// static OSEK systems and this keeps arming O(1) and the tick cost bounded by the alarm count.
#include "kernel.h"
#include "trace_points.h"

using namespace tandem;
using namespace tandem::kernel;

namespace {

bool ValidAlarm(AlarmType a) { return a < Cfg().alarm_count; }
const CounterConfig& CounterOf(AlarmType a) { return Cfg().counters[Cfg().alarms[a].counter]; }

// (a + b) modulo (max + 1), without overflow for max == 0xFFFFFFFF.
TickType AddTicks(TickType a, TickType b, TickType max) {
  const uint64_t sum = uint64_t{a} + b;
  return static_cast<TickType>(sum % (uint64_t{max} + 1));
}

void Link(AlarmType a) {
  CounterControl& cc = Cfg().counter_controls[Cfg().alarms[a].counter];
  AlarmControl& ac = Cfg().alarm_controls[a];
  ac.next = cc.first_alarm;
  cc.first_alarm = a;
}

void Unlink(AlarmType a) {
  CounterControl& cc = Cfg().counter_controls[Cfg().alarms[a].counter];
  uint16_t* link = &cc.first_alarm;
  while (*link != kNone) {
    if (*link == a) {
      *link = Cfg().alarm_controls[a].next;
      return;
    }
    link = &Cfg().alarm_controls[*link].next;
  }
}

void Arm(AlarmType a, TickType expiry, TickType cycle) {
  AlarmControl& ac = Cfg().alarm_controls[a];
  ac.armed = true;
  ac.expiry = expiry;
  ac.cycle = cycle;
  Link(a);
}

void RunAction(AlarmType a) {
  TANDEM_TRACE_ALARM(a);
  const AlarmConfig& cfg = Cfg().alarms[a];
  switch (cfg.action) {
    case AlarmAction::kActivateTask:
      if (ActivateTaskLocked(cfg.task) != E_OK) {
        (void)Fail(E_OS_LIMIT, OSServiceId_ActivateTask, cfg.task);
      }
      break;
    case AlarmAction::kSetEvent:
      if (SetEventLocked(cfg.task, cfg.event) != E_OK) {
        (void)Fail(E_OS_STATE, OSServiceId_SetEvent, cfg.task, cfg.event);
      }
      break;
    case AlarmAction::kCallback: {
      // Alarm callbacks run with category 2 interrupts masked (OSEK 13.6.1) and with interrupt
      // sections of their own (their Suspend/ResumeAllInterrupts pairs).
      const CallLevel saved = g_state.call_level;
      OwnSections own;
      g_state.call_level = CallLevel::kAlarmCallback;
      cfg.callback();
      g_state.call_level = saved;
      break;
    }
    case AlarmAction::kIncrementCounter:
      TickCounterLocked(cfg.counter_to_increment);
      break;
  }
}

}  // namespace

namespace tandem::kernel {

void ResetCounters() {
  for (uint16_t c = 0; c < Cfg().counter_count; ++c) {
    Cfg().counter_controls[c] = CounterControl{0, kNone};
  }
  for (uint16_t a = 0; a < Cfg().alarm_count; ++a) {
    Cfg().alarm_controls[a] = AlarmControl{false, 0, 0, kNone};
  }
}

void TickCounterLocked(CounterType counter) {
  TANDEM_ASSERT_LOCKED();
  const CounterConfig& ccfg = Cfg().counters[counter];
  CounterControl& cc = Cfg().counter_controls[counter];
  cc.value = AddTicks(cc.value, 1, ccfg.max_allowed_value);
  // Collect expired alarms first: actions may re-arm or cancel alarms of this counter.
  uint16_t a = cc.first_alarm;
  while (a != kNone) {
    AlarmControl& ac = Cfg().alarm_controls[a];
    const uint16_t next = ac.next;
    if (ac.armed && ac.expiry == cc.value) {
      Unlink(a);
      ac.armed = false;
      if (ac.cycle != 0) Arm(a, AddTicks(cc.value, ac.cycle, ccfg.max_allowed_value), ac.cycle);
      RunAction(a);
    }
    a = next;
  }
}

void StartAutostartAlarms() {
  const uint32_t mode_bit = uint32_t{1} << g_state.app_mode;
  for (uint16_t a = 0; a < Cfg().alarm_count; ++a) {
    const AlarmConfig& cfg = Cfg().alarms[a];
    if ((cfg.autostart_modes & mode_bit) == 0) continue;
    const TickType max = Cfg().counters[cfg.counter].max_allowed_value;
    const TickType now = Cfg().counter_controls[cfg.counter].value;
    const TickType expiry =
        cfg.autostart_absolute ? cfg.autostart_time : AddTicks(now, cfg.autostart_time, max);
    Arm(a, expiry, cfg.autostart_cycle);
  }
}

}  // namespace tandem::kernel

/// GetAlarmBase: the constants of the alarm's counter. Standard: E_OK. Extended: E_OS_ID,
/// E_OS_CALLEVEL, E_OS_DISABLEDINT.
StatusType GetAlarmBase(AlarmType AlarmID, AlarmBaseRefType Info) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_GetAlarmBase, AlarmID);
  const uint64_t ref = reinterpret_cast<uintptr_t>(Info);
  if (Extended()) {
    if (!CalledFromHookOrTaskOrIsr2())
      return Fail(E_OS_CALLEVEL, OSServiceId_GetAlarmBase, AlarmID, ref);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_GetAlarmBase, AlarmID, ref);
    if (!ValidAlarm(AlarmID)) return Fail(E_OS_ID, OSServiceId_GetAlarmBase, AlarmID, ref);
  }
  const CounterConfig& c = CounterOf(AlarmID);
  Info->maxallowedvalue = c.max_allowed_value;
  Info->ticksperbase = c.ticks_per_base;
  Info->mincycle = c.min_cycle;
  return E_OK;
}

/// GetAlarm: ticks left before the alarm expires.
/// Standard: E_OK, E_OS_NOFUNC (alarm not in use). Extended: also E_OS_ID, E_OS_CALLEVEL,
/// E_OS_DISABLEDINT.
StatusType GetAlarm(AlarmType AlarmID, TickRefType Tick) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_GetAlarm, AlarmID);
  const uint64_t ref = reinterpret_cast<uintptr_t>(Tick);
  if (Extended()) {
    if (!CalledFromHookOrTaskOrIsr2())
      return Fail(E_OS_CALLEVEL, OSServiceId_GetAlarm, AlarmID, ref);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_GetAlarm, AlarmID, ref);
    if (!ValidAlarm(AlarmID)) return Fail(E_OS_ID, OSServiceId_GetAlarm, AlarmID, ref);
  }
  const AlarmControl& ac = Cfg().alarm_controls[AlarmID];
  if (!ac.armed) return Fail(E_OS_NOFUNC, OSServiceId_GetAlarm, AlarmID, ref);
  const TickType max = CounterOf(AlarmID).max_allowed_value;
  const TickType now = Cfg().counter_controls[Cfg().alarms[AlarmID].counter].value;
  const uint64_t modulus = uint64_t{max} + 1;
  uint64_t left = (uint64_t{ac.expiry} + modulus - now) % modulus;
  if (left == 0) left = modulus;  // expires after a full wrap of the counter
  *Tick = static_cast<TickType>(left);
  return E_OK;
}

/// SetRelAlarm: arms the alarm `increment` ticks from now, then every `cycle` ticks (0: once).
/// Standard: E_OS_STATE (already in use). Extended: also E_OS_ID, E_OS_VALUE (increment 0 or
/// above maxallowedvalue; cycle not 0 and outside [mincycle, maxallowedvalue]), E_OS_CALLEVEL,
/// E_OS_DISABLEDINT.
StatusType SetRelAlarm(AlarmType AlarmID, TickType increment, TickType cycle) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_SetRelAlarm, AlarmID);
  if (Extended()) {
    if (!CalledFromTaskOrIsr2()) {
      return Fail(E_OS_CALLEVEL, OSServiceId_SetRelAlarm, AlarmID, increment, cycle);
    }
    if (InCriticalSection()) {
      return Fail(E_OS_DISABLEDINT, OSServiceId_SetRelAlarm, AlarmID, increment, cycle);
    }
    if (!ValidAlarm(AlarmID))
      return Fail(E_OS_ID, OSServiceId_SetRelAlarm, AlarmID, increment, cycle);
    const CounterConfig& c = CounterOf(AlarmID);
    if (increment == 0 || increment > c.max_allowed_value ||
        (cycle != 0 && (cycle < c.min_cycle || cycle > c.max_allowed_value))) {
      return Fail(E_OS_VALUE, OSServiceId_SetRelAlarm, AlarmID, increment, cycle);
    }
  }
  if (Cfg().alarm_controls[AlarmID].armed) {
    return Fail(E_OS_STATE, OSServiceId_SetRelAlarm, AlarmID, increment, cycle);
  }
  const CounterType counter = Cfg().alarms[AlarmID].counter;
  const TickType now = Cfg().counter_controls[counter].value;
  Arm(AlarmID, AddTicks(now, increment, Cfg().counters[counter].max_allowed_value), cycle);
  return E_OK;
}

/// SetAbsAlarm: arms the alarm to expire when the counter reaches `start`.
/// Standard: E_OS_STATE. Extended: also E_OS_ID, E_OS_VALUE (start above maxallowedvalue; cycle
/// not 0 and outside [mincycle, maxallowedvalue]), E_OS_CALLEVEL, E_OS_DISABLEDINT.
StatusType SetAbsAlarm(AlarmType AlarmID, TickType start, TickType cycle) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_SetAbsAlarm, AlarmID);
  if (Extended()) {
    if (!CalledFromTaskOrIsr2()) {
      return Fail(E_OS_CALLEVEL, OSServiceId_SetAbsAlarm, AlarmID, start, cycle);
    }
    if (InCriticalSection()) {
      return Fail(E_OS_DISABLEDINT, OSServiceId_SetAbsAlarm, AlarmID, start, cycle);
    }
    if (!ValidAlarm(AlarmID)) return Fail(E_OS_ID, OSServiceId_SetAbsAlarm, AlarmID, start, cycle);
    const CounterConfig& c = CounterOf(AlarmID);
    if (start > c.max_allowed_value ||
        (cycle != 0 && (cycle < c.min_cycle || cycle > c.max_allowed_value))) {
      return Fail(E_OS_VALUE, OSServiceId_SetAbsAlarm, AlarmID, start, cycle);
    }
  }
  if (Cfg().alarm_controls[AlarmID].armed) {
    return Fail(E_OS_STATE, OSServiceId_SetAbsAlarm, AlarmID, start, cycle);
  }
  Arm(AlarmID, start, cycle);
  return E_OK;
}

/// CancelAlarm: disarms the alarm. Standard: E_OK, E_OS_NOFUNC (not in use). Extended: E_OS_ID,
/// E_OS_CALLEVEL, E_OS_DISABLEDINT.
StatusType CancelAlarm(AlarmType AlarmID) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_CancelAlarm, AlarmID);
  if (Extended()) {
    if (!CalledFromTaskOrIsr2()) return Fail(E_OS_CALLEVEL, OSServiceId_CancelAlarm, AlarmID);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_CancelAlarm, AlarmID);
    if (!ValidAlarm(AlarmID)) return Fail(E_OS_ID, OSServiceId_CancelAlarm, AlarmID);
  }
  AlarmControl& ac = Cfg().alarm_controls[AlarmID];
  if (!ac.armed) return Fail(E_OS_NOFUNC, OSServiceId_CancelAlarm, AlarmID);
  Unlink(AlarmID);
  ac.armed = false;
  return E_OK;
}

/// IncrementCounter (Tandem extension): one tick of a software counter; expired alarms act.
/// Standard: E_OK. Extended: E_OS_ID (invalid counter, or the hardware-driven system counter),
/// E_OS_CALLEVEL, E_OS_DISABLEDINT.
StatusType IncrementCounter(CounterType CounterID) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_IncrementCounter, CounterID);
  if (Extended()) {
    if (!CalledFromTaskOrIsr2())
      return Fail(E_OS_CALLEVEL, OSServiceId_IncrementCounter, CounterID);
    if (InCriticalSection()) {
      return Fail(E_OS_DISABLEDINT, OSServiceId_IncrementCounter, CounterID);
    }
    if (CounterID >= Cfg().counter_count || CounterID == Cfg().system_counter) {
      return Fail(E_OS_ID, OSServiceId_IncrementCounter, CounterID);
    }
  }
  TickCounterLocked(CounterID);
  DispatchLocked();
  return E_OK;
}
