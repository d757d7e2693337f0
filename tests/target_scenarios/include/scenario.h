// tests/conformance/scenario.h for the arm64 target: the same names over the freestanding
// harness (harness.h here). Sequences are initializer lists of fixed strings.
#ifndef TANDEM_TESTS_TARGET_SCENARIOS_SCENARIO_H_
#define TANDEM_TESTS_TARGET_SCENARIOS_SCENARIO_H_

#include <initializer_list>

#include "harness.h"
#include "os.h"
#include "tandem/host/host_port.h"

namespace tandem::test {

enum class Sched { kFull = 0, kNon = 1, kMixed = 2 };
inline constexpr Sched kSched = static_cast<Sched>(TANDEM_SCHED);

using Sequence = std::initializer_list<String>;

// The lists are the caller's temporaries, alive until the end of the full expression
// (ExpectTrace(Pick(...))).
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

// As on the host (which compares the names), reported with the names: "EXPECT_STATUS(E_OK,
// ActivateTask(T2)) expected E_OK got E_OS_LIMIT".
#define EXPECT_STATUS(expected, call) \
  ::tandem::test::CheckStatus((expected), (call), #expected, #call, __FILE__, __LINE__)

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

#endif  // TANDEM_TESTS_TARGET_SCENARIOS_SCENARIO_H_
