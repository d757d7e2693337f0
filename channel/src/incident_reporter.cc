// See incident_reporter.h.
#include "tandem/channel/incident_reporter.h"

#include "tandem/format.h"

namespace tandem::channel {

static_assert(kIncidentKindCount == 5, "one limiter per IncidentKind below");

IncidentReporter::IncidentReporter(LineSink sink, uint32_t burst, uint64_t period_ms)
    : sink_(sink),
      limiters_{{burst, period_ms},
                {burst, period_ms},
                {burst, period_ms},
                {burst, period_ms},
                {burst, period_ms}} {}

uint32_t IncidentReporter::Report(IncidentLog& log, uint64_t now_ms) {
  lines_ = 0;
  Incident incident;
  while (log.Pop(&incident)) {
    const auto kind = static_cast<uint32_t>(incident.kind);
    if (kind >= kIncidentKindCount) continue;  // not one of ours: nothing to say about it
    const RateLimiter::Decision d = limiters_[kind].Admit(now_ms);
    if (!d.pass) continue;
    WriteSummary(incident.kind, d.suppressed);  // the held-back ones came first
    char line[kMaxLine];
    FormatIncident(incident, line, sizeof(line));
    if (sink_.write != nullptr) sink_.write(sink_.context, line);
    ++lines_;
  }
  for (uint32_t k = 0; k < kIncidentKindCount; ++k) {
    const auto kind = static_cast<IncidentKind>(k);
    limiters_[k].Count(log.TakeDropped(kind));
    WriteSummary(kind, limiters_[k].TakeSummary(now_ms));
  }
  return lines_;
}

void IncidentReporter::WriteSummary(IncidentKind kind, uint32_t count) {
  if (count == 0) return;
  char line[kMaxLine];
  Format(line, sizeof(line), "channel: (%u more %s%s suppressed)", count, IncidentKindName(kind),
         count == 1 ? "" : "s");
  if (sink_.write != nullptr) sink_.write(sink_.context, line);
  ++lines_;
}

}  // namespace tandem::channel
