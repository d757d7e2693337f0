// Between the parts of the target scenario runtime (not for scenario sources).
#ifndef TANDEM_TESTS_TARGET_SCENARIOS_RUNTIME_H_
#define TANDEM_TESTS_TARGET_SCENARIOS_RUNTIME_H_

#include "tandem_scenarios/check.h"

namespace tandem::test {

// Prints the trace of the test that just ran (after a failure).
void PrintTrace();

namespace target {
// The file name of a path ("bcc1_test.cc" of __FILE__), for failure messages.
const char* BaseName(const char* path);
// Whether two NUL-terminated texts are equal (both null counts as equal).
bool SameText(const char* a, const char* b);
// Around the runner's tests: StartOS returns after ShutdownOS, system ticks are manual (env.cc).
void BeginScenarios();
void EndScenarios();
// The registered tests, in definition order.
TestInfo* FirstTest();
// The failure state of the running test.
void BeginTest();
bool TestFailed();
const char* FirstFailure();
int FailureCount();

// Tests that cannot run on the target: "Fixture.Name" and why (skips.cc).
struct Skip {
  const char* test;
  const char* reason;
};
const Skip* Skips(int* count);
}  // namespace target

}  // namespace tandem::test

#endif  // TANDEM_TESTS_TARGET_SCENARIOS_RUNTIME_H_
