// The RTOS kernel's scheduling trace (docs/trace.md): ReadTrace pulls it over the channel
// (kTraceRead, channel/ops.h) as one consistent snapshot, and ChromeTraceJson turns a capture into
// the Chrome JSON trace format that Perfetto's UI (ui.perfetto.dev) and chrome://tracing open:
// one named track per task and ISR.
#ifndef LIBTANDEM_TRACE_H_
#define LIBTANDEM_TRACE_H_

#include <stdint.h>

#include <functional>
#include <string>
#include <vector>

#include "libtandem/commands.h"
#include "libtandem/error.h"
#include "tandem/trace_record.h"

namespace libtandem {

struct TraceCapture {
  uint64_t clock_hz = 0;     // the RTOS's trace clock
  uint32_t capacity = 0;     // records its ring holds
  uint32_t first = 0;        // sequence number of records[0]
  uint32_t overwritten = 0;  // records the ring lost to newer ones before it was frozen (= first)
  uint32_t dropped = 0;      // records not taken while frozen (this pull's own traffic included)
  std::vector<tandem::TraceRecord> records;  // oldest first
  // Indexed by TaskType, ISRType, AlarmType, OSServiceIdType; the RTOS's names (untrusted text).
  std::vector<std::string> tasks, isrs, alarms, services;
};

// Called after every chunk: records read so far, records to read.
using TraceProgress = std::function<void(uint32_t done, uint32_t total)>;

// Freezes the RTOS's trace ring, reads every record it holds (two per round trip) and the names
// of its tasks, ISRs, alarms and the services that appear, then resumes the ring (emptied) unless
// `keep_frozen`. `timeout_ns` bounds each command. An RTOS built without tracing (or older than
// protocol 1.6) fails with kRefused, saying so and how to enable it.
Result<TraceCapture> ReadTrace(CommandPort& port, uint64_t timeout_ns,
                               const TraceProgress& progress = nullptr, bool keep_frozen = false);

struct ChromeTraceOptions {
  uint32_t pid = 0;          // the RTOS's domain id: one process per RTOS domain
  std::string process_name;  // e.g. "tandem-rt (domain 3)"
};

// The capture in the Chrome JSON trace format ({"traceEvents": [...]}): per task and per ISR
// (and the system timer tick) one thread with thread_name metadata; complete ("X") events for
// the time each task ran and each ISR executed; instant ("i") events for alarm expiries and
// service calls on the track of the context that made them. Timestamps in microseconds from the
// first record. Names are JSON-escaped (they come from the RTOS).
std::string ChromeTraceJson(const TraceCapture& capture, const ChromeTraceOptions& options);

// Track ids (the JSON "tid") of a task, an ISR and the system timer, for tests and readers.
inline constexpr uint32_t kChromeTidTaskBase = 1;
inline constexpr uint32_t kChromeTidIsrBase = 100000;
inline constexpr uint32_t kChromeTidSystemTimer = 200000;

}  // namespace libtandem

#endif  // LIBTANDEM_TRACE_H_
