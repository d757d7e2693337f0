// The kernel's scheduling trace (docs/trace.md): task switches, ISR entries and exits, alarm
// expiries and service calls, as TraceRecords in a fixed ring the application provides.
//
// A compile-time switch: only an application built with tandem_add_app(... TRACE <records>)
// links the traced kernel (tandem_kernel_trace, TANDEM_KERNEL_TRACE=1). Every other image links
// tandem_kernel, whose trace points are `if constexpr (kTraceEnabled)` bodies that compile to
// nothing: the same code, byte for byte, as a kernel without this file.
//
// Writers are the kernel's own paths, already inside its critical section (the closed interrupt
// gate): a record costs a counter read and a 16-byte store, no lock anyone else could hold. The
// ring overwrites its oldest records while recording. A reader (the command server's kTraceRead
// handler, a task) first freezes it: recording stops, records not taken are counted as dropped,
// and the frozen ring is read at leisure in any number of chunks. Resume empties it and records
// again. No call here ever waits for anything.
#ifndef TANDEM_KERNEL_TRACE_H_
#define TANDEM_KERNEL_TRACE_H_

#include <stdint.h>

#include "tandem/trace_record.h"

namespace tandem::trace {

#if defined(TANDEM_KERNEL_TRACE) && TANDEM_KERNEL_TRACE
inline constexpr bool kTraceEnabled = true;
#else
inline constexpr bool kTraceEnabled = false;
#endif

// The ring, defined by the application (tandem_add_app's TRACE generates it): kTraceCapacity
// records, a power of two.
extern TraceRecord g_trace_ring[];
extern const uint32_t g_trace_capacity;

// Sequence numbers count every record written since the last Resume (or boot), modulo 2^32;
// record s lives in slot s % capacity. The ring holds [oldest, end): `count` records.
struct TraceStatus {
  uint32_t oldest;    // the first record still held; the ones before were overwritten
  uint32_t end;       // the next record to be written
  uint32_t count;     // end - oldest (<= capacity)
  uint32_t dropped;   // records not written because the ring was frozen (saturating)
  uint32_t capacity;  // records the ring holds
  bool frozen;
};

// The reader's side (traced kernel only). Each runs inside a short kernel critical section of
// bounded length (at most `max` 16-byte copies) and may be called from a task, an ISR or a hook.
TraceStatus TraceFreeze();  // stop recording; the ring stays as it is
TraceStatus TraceResume();  // empty the ring, count from 0 again, record
TraceStatus TraceGetStatus();
// Copies up to `max` records from sequence `cursor` on (only the ones still held) to `out`;
// *copied says how many (0 if the cursor is outside [oldest, end)).
TraceStatus TraceCopy(uint32_t cursor, TraceRecord* out, uint32_t max, uint32_t* copied);
// The port's counter frequency, for the timestamps (arch::TraceClockHz).
uint64_t TraceClockHz();

}  // namespace tandem::trace

#endif  // TANDEM_KERNEL_TRACE_H_
