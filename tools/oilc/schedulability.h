// Fixed-priority response-time analysis of one application on Tandem's one priority space
// (docs/oil.md, "Schedulability"): tasks, ISRs and the system tick, with preemption thresholds
// (non-preemptable tasks, internal resources), blocking under the priority ceiling protocol and
// the kernel's overheads (overheads.h).
#ifndef TOOLS_OILC_SCHEDULABILITY_H_
#define TOOLS_OILC_SCHEDULABILITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "diagnostics.h"
#include "model.h"
#include "overheads.h"

namespace oilc {

enum class SchedulabilityMode { kOff, kReport, kError };

struct Contribution {
  std::string what;  // "TASK High (2 jobs)", "blocking: RESOURCE R held by TASK Low"
  uint64_t ns = 0;
};

// One analysed task, ISR or the system tick.
struct RtaRow {
  std::string name;  // "TASK Control", "ISR Channel", "system tick"
  Location location;
  int level = 0;      // base level
  int threshold = 0;  // the level it runs at against tasks (0: an interrupt, no task preempts it)
  uint64_t wcet_ns = 0;  // WCET with the kernel's overhead per job
  uint64_t period_ns = 0;
  uint64_t deadline_ns = 0;
  uint64_t blocking_ns = 0;
  bool schedulable = false;
  // The worst-case response; when not schedulable, the value the iteration reached when it
  // passed the deadline (a lower bound).
  uint64_t response_ns = 0;
  bool unbounded = false;  // the load at or above its level never lets it finish
  Contribution largest;    // the largest single contributor to the response, besides its own WCET
};

struct RtaResult {
  std::vector<RtaRow> rows;  // highest level first
  bool Schedulable() const;
};

// Runs the analysis; notes say which objects are left out and why.
RtaResult AnalyseSchedulability(const Model& model, const Overheads& overheads, Diagnostics& diags);

// The table `oilc --schedulability=report` prints.
std::string FormatSchedulabilityReport(const RtaResult& result, const Overheads& overheads);

// "1.284" for 1284 ns.
std::string Microseconds(uint64_t ns);

}  // namespace oilc

#endif  // TOOLS_OILC_SCHEDULABILITY_H_
