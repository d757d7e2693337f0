// The kernel's trace points (tandem/trace.h): called where the kernel switches tasks, enters and
// leaves ISRs, acts on an expired alarm and starts a service, always with its lock held. In an
// untraced kernel (tandem_kernel) each is an empty inline function: no code at all.
#ifndef TANDEM_KERNEL_TRACE_POINTS_H_
#define TANDEM_KERNEL_TRACE_POINTS_H_

#include "os.h"
#include "tandem/trace.h"

namespace tandem::trace {

// trace.cc, traced kernel only.
void RecordLocked(TraceKind kind, uint8_t detail, uint16_t object, uint32_t arg);

// Out of line in the traced kernel (one call per site keeps the sites small), nothing otherwise.
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

#endif  // TANDEM_KERNEL_TRACE_POINTS_H_
