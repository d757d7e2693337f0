// IncidentReporter: turns the channel's incidents (incident.h) into console lines without
// flooding the console: one tandem::RateLimiter per kind (kBurst lines at once, then one per
// kPeriodMs), so a hostile client hammering one kind neither floods the console nor hides the
// other kinds. What a limiter holds back is reported as "(K more <kind>s suppressed)": before
// the next line of that kind that passes, or on its own once a token is free again (Report
// called with an empty log, e.g. from a periodic tick).
//
// Call it from a task that may be slow (the console traps to Xen for every character): on
// Tandem RT the ChannelServer task, below the control tasks. Never from an ISR. One owner, no
// heap, no OS includes. See docs/rtos-channel.md, "Console lines".
#ifndef TANDEM_CHANNEL_INCIDENT_REPORTER_H_
#define TANDEM_CHANNEL_INCIDENT_REPORTER_H_

#include <stdint.h>

#include "tandem/channel/incident.h"
#include "tandem/rate_limiter.h"

namespace tandem::channel {

// Where lines go. `line` has no prefix and no newline (the application adds its own, e.g.
// "tandem-rt: " ... "\n").
struct LineSink {
  void (*write)(void* context, const char* line) = nullptr;
  void* context = nullptr;
};

class IncidentReporter {
 public:
  static constexpr uint32_t kBurst = 3;
  static constexpr uint64_t kPeriodMs = 1000;
  static constexpr uint32_t kMaxLine = 160;  // longer lines are cut

  explicit IncidentReporter(LineSink sink, uint32_t burst = kBurst, uint64_t period_ms = kPeriodMs);

  // Writes the lines for what `log` holds, as far as each kind's limiter lets them through
  // (the rest, and what the log itself dropped, is counted), then the summaries due at
  // `now_ms` (a monotonic millisecond clock). Returns the number of lines written.
  uint32_t Report(IncidentLog& log, uint64_t now_ms);

 private:
  void WriteSummary(IncidentKind kind, uint32_t count);

  LineSink sink_;
  RateLimiter limiters_[kIncidentKindCount];
  uint32_t lines_ = 0;
};

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_INCIDENT_REPORTER_H_
