// Shared by the OSEK conformance scenario suites, on the host and on the arm64 target
// (tests/target_scenarios builds the same sources against the same header). Every scenario
// source is built three times, as a full-preemptive, a non-preemptive and a mixed configuration
// of the same OIL template (TANDEM_SCHED = 0, 1, 2); where the expected sequence of events
// depends on the scheduling policy, the scenario gives one sequence per configuration and Pick()
// chooses.
#ifndef TANDEM_TESTS_CONFORMANCE_SCENARIO_H_
#define TANDEM_TESTS_CONFORMANCE_SCENARIO_H_

#include "harness.h"
#include "os.h"
#include "scenario_port.h"

namespace tandem::test {

enum class Sched { kFull = 0, kNon = 1, kMixed = 2 };
inline constexpr Sched kSched = static_cast<Sched>(TANDEM_SCHED);

// Sequence is the environment's (harness_env.h): a vector on the host, the caller's braced list
// on the target, alive until the end of the full expression (ExpectTrace(Pick(...))).
inline const Sequence& Pick(const Sequence& full, const Sequence& non, const Sequence& mixed) {
  switch (kSched) {
    case Sched::kFull:
      return full;
    case Sched::kNon:
      return non;
    case Sched::kMixed:
      return mixed;
  }
  return full;
}

// A task body that logs "<name>" and terminates.
inline Body Plain(const char* name) {
  return [name] {
    Log(name);
    TerminateTask();
  };
}

}  // namespace tandem::test

using Scenario = tandem::test::KernelTest;
using namespace tandem::test;  // NOLINT: scenarios read as sequences
namespace host = tandem::host;

#endif  // TANDEM_TESTS_CONFORMANCE_SCENARIO_H_
