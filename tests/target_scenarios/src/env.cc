// The harness's seam on the arm64 target (harness.h, namespace env), and the one file of the
// target scenario runtime that calls the port's test-image hooks (SetShutdownReturns,
// SetManualTicks, SetIdleHook; the host port's controls as the scenarios call them are
// host_port.cc): failures are the running test's first failure (check.h), the system is StartOS
// with ShutdownOS returning and the watchdog as the idle loop's hook.
#include <stdarg.h>

#include "harness.h"
#include "runtime.h"
#include "tandem/arm64/platform.h"
#include "tandem/arm64/test_hooks.h"

namespace tandem::test {

namespace env {

void Fail(const Listing&, const char* format, ...) {
  // The listing is the host's: the runner prints the trace after a failed test.
  va_list args;
  va_start(args, format);
  target::FailV(format, args);
  va_end(args);
}

void RunSystem(AppModeType mode, void (*idle)()) {
  arm64::SetIdleHook(idle);
  StartOS(mode);
  arm64::SetIdleHook(nullptr);
}

void ResetSystem() { arm64::SetIdleHook(nullptr); }

}  // namespace env

namespace target {

void BeginScenarios() {
  arm64::SetShutdownReturns(true);  // StartOS returns after ShutdownOS, as on the host port
  arm64::SetManualTicks(true);      // the host port's manual mode: ticks by AdvanceTicks
}

void EndScenarios() { arm64::SetShutdownReturns(false); }

}  // namespace target

bool CheckStatus(StatusType expected, StatusType got, const char* expected_text,
                 const char* call_text, const char* file, int line) {
  if (expected == got) return true;
  target::Fail("%s:%d: EXPECT_STATUS(%s, %s) expected %s got %s", target::BaseName(file), line,
               expected_text, call_text, StatusName(expected), StatusName(got));
  return false;
}

void PrintTrace() {
  int n = 1;
  for (const String& e : Trace()) arm64::ConsolePrintf("    %d. %s\n", n++, e.c_str());
}

}  // namespace tandem::test
