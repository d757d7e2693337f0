// Conformance class BCC1 scenarios (OSEK OS 2.2.3 3.2, 4.6): preemption points, Schedule,
// ChainTask, ISR activations, the ceiling protocol and alarms, in full-preemptive,
// non-preemptive and mixed (T3 NON) scheduling.
#include "scenario.h"

TANDEM_TEST_TASK(T1)
TANDEM_TEST_TASK(T2)
TANDEM_TEST_TASK(T3)
TANDEM_TEST_TASK(T4)
TANDEM_TEST_ISR(ISR1)

namespace {

constexpr uint32_t kIsr1 = 40;

TEST_F(Scenario, ActivationsAndPreemption) {
  OnTask(T1, [] {
    Log("T1 start");
    EXPECT_STATUS(E_OK, ActivateTask(T3));
    Log("T1 after ActivateTask(T3)");
    EXPECT_STATUS(E_OK, ActivateTask(T2));
    Log("T1 after ActivateTask(T2)");
    TerminateTask();
  });
  OnTask(T3, [] {
    Log("T3");
    EXPECT_STATUS(E_OK, ActivateTask(T4));
    Log("T3 after ActivateTask(T4)");
    TerminateTask();
  });
  OnTask(T2, Plain("T2"));
  OnTask(T4, Plain("T4"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T1 start", "T3", "T4", "T3 after ActivateTask(T4)",
                    "T1 after ActivateTask(T3)", "T2", "T1 after ActivateTask(T2)"},
                   {"T1 start", "T1 after ActivateTask(T3)", "T1 after ActivateTask(T2)", "T3",
                    "T3 after ActivateTask(T4)", "T4", "T2"},
                   {"T1 start", "T3", "T3 after ActivateTask(T4)", "T4",
                    "T1 after ActivateTask(T3)", "T2", "T1 after ActivateTask(T2)"}));
}

TEST_F(Scenario, ScheduleIsAReschedulingPoint) {
  OnTask(T1, [] {
    ActivateTask(T2);
    Log("T1 before Schedule");
    EXPECT_STATUS(E_OK, Schedule());
    Log("T1 after Schedule");
    TerminateTask();
  });
  OnTask(T2, Plain("T2"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T2", "T1 before Schedule", "T1 after Schedule"},
                   {"T1 before Schedule", "T2", "T1 after Schedule"},
                   {"T2", "T1 before Schedule", "T1 after Schedule"}));
}

TEST_F(Scenario, ChainTaskAndTerminateTask) {
  OnTask(T3, [] {
    Log("T3 start");
    ActivateTask(T1);  // lower: waits in every configuration
    Log("T3 chains T4");
    ChainTask(T4);
  });
  int t4_runs = 0;
  OnTask(T4, [&t4_runs] {
    Log("T4");
    if (++t4_runs == 1) ChainTask(T4);  // to itself
    TerminateTask();
  });
  int t1_runs = 0;
  OnIdle([] { ShutdownOS(E_OK); });
  OnTask(T1, [&t1_runs] {
    Log("T1 run " + std::to_string(++t1_runs));
    if (t1_runs == 1) ChainTask(T3);
    TerminateTask();
  });
  RunSystem();
  ExpectTrace({"T1 run 1", "T3 start", "T3 chains T4", "T4", "T4", "T1 run 2"});
}

TEST_F(Scenario, IsrActivatesAHigherTask) {
  OnTask(T1, [] {
    ActivateTask(T2);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T2, [] {
    Log("T2 start");
    host::RaiseInterrupt(kIsr1);
    Log("T2 end");
    TerminateTask();
  });
  OnIsr(ISR1, [] {
    Log("ISR1");
    EXPECT_STATUS(E_OK, ActivateTask(T4));
  });
  OnTask(T4, Plain("T4"));
  EndWhenIdle();
  RunSystem();
  // The ISR runs at once in every configuration; only the dispatch of T4 differs.
  ExpectTrace(Pick({"T2 start", "ISR1", "T4", "T2 end", "T1 end"},
                   {"T1 end", "T2 start", "ISR1", "T2 end", "T4"},
                   {"T2 start", "ISR1", "T4", "T2 end", "T1 end"}));
}

TEST_F(Scenario, ResourceCeilingDefersTasksUpToTheCeiling) {
  OnTask(T1, [] {
    EXPECT_STATUS(E_OK, GetResource(R1));
    Log("T1 got R1");
    ActivateTask(T2);
    ActivateTask(T3);
    ActivateTask(T4);  // above R1's ceiling (T3)
    Log("T1 releases R1");
    EXPECT_STATUS(E_OK, ReleaseResource(R1));
    Log("T1 released R1");
    TerminateTask();
  });
  OnTask(T2, Plain("T2"));
  OnTask(T3, [] {
    EXPECT_STATUS(E_OK, GetResource(R1));
    Log("T3 in R1");
    ReleaseResource(R1);
    TerminateTask();
  });
  OnTask(T4, Plain("T4"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T1 got R1", "T4", "T1 releases R1", "T3 in R1", "T2", "T1 released R1"},
                   {"T1 got R1", "T1 releases R1", "T1 released R1", "T4", "T3 in R1", "T2"},
                   {"T1 got R1", "T4", "T1 releases R1", "T3 in R1", "T2", "T1 released R1"}));
}

TEST_F(Scenario, AlarmActivatesATaskOnTheSystemCounter) {
  OnTask(T1, [] {
    EXPECT_STATUS(E_OK, SetRelAlarm(A_T3, 2, 0));
    host::AdvanceTicks(1);
    Log("T1 tick 1");
    host::AdvanceTicks(1);
    Log("T1 tick 2");
    TerminateTask();
  });
  OnTask(T3, Plain("T3"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T1 tick 1", "T3", "T1 tick 2"}, {"T1 tick 1", "T1 tick 2", "T3"},
                   {"T1 tick 1", "T3", "T1 tick 2"}));
}

TEST_F(Scenario, SecondActivationIsELimitInBcc1) {
  OnTask(T1, [] {
    GetResource(RES_SCHEDULER);
    EXPECT_STATUS(E_OK, ActivateTask(T2));
    EXPECT_STATUS(E_OS_LIMIT, ActivateTask(T2));
    ReleaseResource(RES_SCHEDULER);
    TerminateTask();
  });
  OnTask(T2, Plain("T2"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace({"ErrorHook E_OS_LIMIT ActivateTask", "T2"});
}

TEST_F(Scenario, NonPreemptiveTaskKeepsTheCpuUntilItEnds) {
  // Whatever T3 activates, it finishes first when it is non-preemptive.
  OnTask(T1, [] {
    ActivateTask(T3);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T3, [] {
    Log("T3 start");
    ActivateTask(T4);
    host::RaiseInterrupt(kIsr1);
    Log("T3 end");
    TerminateTask();
  });
  OnIsr(ISR1, [] { Log("ISR1"); });
  OnTask(T4, Plain("T4"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T3 start", "T4", "ISR1", "T3 end", "T1 end"},
                   {"T1 end", "T3 start", "ISR1", "T3 end", "T4"},
                   {"T3 start", "ISR1", "T3 end", "T4", "T1 end"}));
}

TEST_F(Scenario, OtherApplicationModeStartsNothing) {
  OnIdle([] {
    Log("idle");
    ShutdownOS(E_OK);
  });
  RunSystem(Other);
  ExpectTrace({"idle"});  // T1 autostarts in OSDEFAULTAPPMODE only
}

}  // namespace
