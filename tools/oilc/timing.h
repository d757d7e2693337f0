// The timing attributes of the schedulability analysis (docs/oil.md, "Schedulability"): when a
// task is released, and the cross-checks of WCET, PERIOD and HOLDTIME that oilc always runs.
#ifndef TOOLS_OILC_TIMING_H_
#define TOOLS_OILC_TIMING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diagnostics.h"
#include "model.h"

namespace oilc {

struct TaskRelease {
  std::optional<uint64_t> period_ns;  // PERIOD, or the period of the one cyclic alarm
  std::string why_unknown;            // when period_ns is empty
};

// A task's period or minimum inter-arrival time: its PERIOD, else the period of the one
// autostarted cyclic ALARM that activates it (or sets one of its events) on a counter with a
// TICKDURATION.
TaskRelease ReleaseOf(const Model& model, int task);

// The autostarted cyclic alarms that release `task`, with their period in nanoseconds (0 when
// their counter has no TICKDURATION).
std::vector<std::pair<const Alarm*, uint64_t>> CyclicAlarmsOf(const Model& model, int task);

// Errors for timing attributes that contradict the rest of the file: a PERIOD longer than the
// alarm that releases the task, a HOLDTIME longer than a user's WCET or on an INTERNAL resource.
void CheckTimingAttributes(const Model& model, Diagnostics& diags);

}  // namespace oilc

#endif  // TOOLS_OILC_TIMING_H_
