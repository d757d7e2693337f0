// The harness's own tests, on the BCC1 full-preemptive configuration: the watchdog turns a
// deadlocked or endless scenario into a test failure instead of a hang, trace mismatches name
// the first differing step, and Reset() restores the default bodies.
#include "gtest/gtest-spi.h"
#include "scenario.h"

TANDEM_TEST_TASK(T1)
TANDEM_TEST_TASK(T2)
TANDEM_TEST_TASK(T3)
TANDEM_TEST_TASK(T4)
TANDEM_TEST_ISR(ISR1)

namespace {

using Harness = KernelTest;

TEST_F(Harness, DeadlockedScenarioFailsAndReturns) {
  OnTask(T1, [] {
    Log("T1");
    TerminateTask();  // nothing else is ready, no idle action: the scenario is stuck
  });
  EXPECT_NONFATAL_FAILURE(RunSystem(), "scenario deadlocked");
  ExpectTrace({"T1"});
}

TEST_F(Harness, EndlessIdleActionIsCaught) {
  OnIdle([] {});
  OnTask(T1, [] { TerminateTask(); });
  EXPECT_NONFATAL_FAILURE(RunSystem(), "never shut down");
}

TEST_F(Harness, TraceMismatchNamesTheStep) {
  Log("a");
  Log("b");
  EXPECT_NONFATAL_FAILURE(ExpectTrace({"a", "c"}), "step 2: expected \"c\", got \"b\"");
  EXPECT_NONFATAL_FAILURE(ExpectTrace({"a", "b", "c"}),
                          "step 3: expected \"c\" but the trace ended");
  EXPECT_NONFATAL_FAILURE(ExpectTrace({"a"}), "step 2: unexpected extra event \"b\"");
  ExpectTrace({"a", "b"});
}

TEST_F(Harness, ResetRestoresTheDefaultBodies) {
  OnTask(T1, [] {
    Log("custom T1");
    ShutdownOS(E_OK);
  });
  Reset();
  EndWhenIdle();
  RunSystem();
  ExpectTrace({"T1"});  // the default body logs the task's name and terminates
}

TEST_F(Harness, ManyRunsInOneProcess) {
  int runs = 0;
  OnTask(T1, [&runs] {
    ++runs;
    ActivateTask(T4);
    ShutdownOS(E_OK);
  });
  OnTask(T4, [] { TerminateTask(); });
  for (int i = 0; i < 200; ++i) RunSystem();
  EXPECT_EQ(200, runs);
}

}  // namespace
