// The kernel's trace points (tandem/trace.h): called where the kernel switches tasks, enters and
// leaves ISRs, acts on an expired alarm and starts a service, always with its lock held. In an
// untraced kernel (tandem_kernel) each TANDEM_TRACE_* macro expands to nothing.
#ifndef TANDEM_KERNEL_TRACE_POINTS_H_
#define TANDEM_KERNEL_TRACE_POINTS_H_

#include "os.h"
#include "tandem/trace.h"

namespace tandem::trace {

// trace.cc, traced kernel only.
void RecordLocked(TraceKind kind, uint8_t detail, uint16_t object, uint32_t arg);

// Inline wrappers around the one out-of-line RecordLocked (a call per site keeps sites small).
inline void TraceSwitchLocked(TaskType next, TaskType previous, TaskStateType previous_state) {
  if constexpr (kTraceEnabled) {
    RecordLocked(TraceKind::kTaskSwitch, static_cast<uint8_t>(previous_state),
                 next == INVALID_TASK ? kTraceIdle : static_cast<uint16_t>(next),
                 previous == INVALID_TASK ? kTraceIdle : previous);
  }
}

// isr: INVALID_ISR for the system timer tick.
inline void TraceIsrLocked(bool enter, ISRType isr) {
  if constexpr (kTraceEnabled) {
    RecordLocked(enter ? TraceKind::kIsrEnter : TraceKind::kIsrExit, 0,
                 isr == INVALID_ISR ? kTraceSystemTimer : static_cast<uint16_t>(isr), 0);
  }
}

inline void TraceAlarmLocked(AlarmType alarm) {
  if constexpr (kTraceEnabled) {
    RecordLocked(TraceKind::kAlarmExpiry, 0, static_cast<uint16_t>(alarm), 0);
  }
}

inline void TraceServiceLocked(OSServiceIdType service, uint32_t param) {
  if constexpr (kTraceEnabled) RecordLocked(TraceKind::kService, service, 0, param);
}

}  // namespace tandem::trace

// What the kernel's sources call. Macros rather than the functions above, because an untraced
// kernel must be byte-identical to one without trace points: a call to an empty inline function
// still evaluates its arguments, and that alone moved GCC's register allocation in SetEvent and
// five other services (same size, different bytes). Expanded to nothing, nothing can move.
#if defined(TANDEM_KERNEL_TRACE) && TANDEM_KERNEL_TRACE
#define TANDEM_TRACE_SWITCH(next, previous, previous_state) \
  ::tandem::trace::TraceSwitchLocked(next, previous, previous_state)
#define TANDEM_TRACE_ISR(enter, isr) ::tandem::trace::TraceIsrLocked(enter, isr)
#define TANDEM_TRACE_ALARM(alarm) ::tandem::trace::TraceAlarmLocked(alarm)
#define TANDEM_TRACE_SERVICE(service, param) ::tandem::trace::TraceServiceLocked(service, param)
#else
#define TANDEM_TRACE_SWITCH(next, previous, previous_state) ((void)0)
#define TANDEM_TRACE_ISR(enter, isr) ((void)0)
#define TANDEM_TRACE_ALARM(alarm) ((void)0)
#define TANDEM_TRACE_SERVICE(service, param) ((void)0)
#endif

#endif  // TANDEM_KERNEL_TRACE_POINTS_H_
