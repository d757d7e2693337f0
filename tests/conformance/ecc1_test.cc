// Conformance class ECC1 scenarios (OSEK OS 2.2.3 3.2, 4.2, 7): extended tasks waiting for and
// receiving events from tasks, ISRs and alarms; WaitEvent as a rescheduling point even for a
// non-preemptive task; in full-preemptive, non-preemptive and mixed (E2 NON) scheduling.
#include "scenario.h"

TANDEM_TEST_TASK(T1)
TANDEM_TEST_TASK(E2)
TANDEM_TEST_TASK(E3)
TANDEM_TEST_TASK(T4)
TANDEM_TEST_ISR(ISR1)

namespace {

constexpr uint32_t kIsr1 = 40;

std::string MaskName(EventMaskType m) {
  std::string s;
  if (m & Ev1) s += "Ev1";
  if (m & Ev2) s += s.empty() ? "Ev2" : "|Ev2";
  return s.empty() ? "none" : s;
}

TEST_F(Scenario, SetEventReleasesAWaitingTask) {
  OnTask(T1, [] {
    ActivateTask(E3);
    Log("T1 sets Ev1");
    EXPECT_STATUS(E_OK, SetEvent(E3, Ev1));
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E3, [] {
    Log("E3 waits");
    EXPECT_STATUS(E_OK, WaitEvent(Ev1));
    Log("E3 woke");
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"E3 waits", "T1 sets Ev1", "E3 woke", "T1 end"},
                   {"T1 sets Ev1", "T1 end", "E3 waits", "E3 woke"},
                   {"E3 waits", "T1 sets Ev1", "E3 woke", "T1 end"}));
}

TEST_F(Scenario, WaitEventIsAReschedulingPointEvenWhenNonPreemptive) {
  OnTask(T1, [] {
    ActivateTask(E2);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E2, [] {
    Log("E2 start");
    ActivateTask(E3);
    Log("E2 waits");
    WaitEvent(Ev1);
    Log("E2 woke");
    TerminateTask();
  });
  OnTask(E3, [] {
    Log("E3 start");
    SetEvent(E2, Ev1);
    Log("E3 end");
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"E2 start", "E3 start", "E3 end", "E2 waits", "E2 woke", "T1 end"},
                   {"T1 end", "E2 start", "E2 waits", "E3 start", "E3 end", "E2 woke"},
                   {"E2 start", "E2 waits", "E3 start", "E3 end", "E2 woke", "T1 end"}));
}

TEST_F(Scenario, IsrSetsTheEventOfATaskWaitingInAnIdleSystem) {
  bool raised = false;
  OnIdle([&raised] {
    if (raised) ShutdownOS(E_OK);
    raised = true;
    host::RaiseInterrupt(kIsr1);
  });
  OnIsr(ISR1, [] {
    Log("ISR1");
    EXPECT_STATUS(E_OK, SetEvent(E3, Ev1));
  });
  OnTask(T1, [] {
    ActivateTask(E3);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E3, [] {
    Log("E3 waits");
    WaitEvent(Ev1);
    Log("E3 woke");
    TerminateTask();
  });
  RunSystem();
  ExpectTrace(Pick({"E3 waits", "T1 end", "ISR1", "E3 woke"},
                   {"T1 end", "E3 waits", "ISR1", "E3 woke"},
                   {"E3 waits", "T1 end", "ISR1", "E3 woke"}));
}

TEST_F(Scenario, AlarmSetsAnEvent) {
  bool done = false;
  OnIdle([&done] {
    if (done) ShutdownOS(E_OK);
    host::AdvanceTicks(1);
  });
  OnTask(T1, [] {
    ActivateTask(E3);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E3, [&done] {
    Log("E3 arms A_Ev");
    EXPECT_STATUS(E_OK, SetRelAlarm(A_Ev, 2, 0));
    WaitEvent(Ev1);
    Log("E3 woke at tick " + std::to_string(host::TicksDelivered()));
    done = true;
    TerminateTask();
  });
  RunSystem();
  ExpectTrace(Pick({"E3 arms A_Ev", "T1 end", "E3 woke at tick 2"},
                   {"T1 end", "E3 arms A_Ev", "E3 woke at tick 2"},
                   {"E3 arms A_Ev", "T1 end", "E3 woke at tick 2"}));
}

TEST_F(Scenario, GetEventAndClearEventBetweenWaits) {
  OnTask(T1, [] {
    ActivateTask(E2);
    Log("T1 sets Ev2");
    SetEvent(E2, Ev2);
    Log("T1 sets Ev1");
    SetEvent(E2, Ev1);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E2, [] {
    Log("E2 waits Ev1|Ev2");
    WaitEvent(Ev1 | Ev2);
    EventMaskType ev = 0;
    EXPECT_STATUS(E_OK, GetEvent(E2, &ev));
    Log("E2 got " + MaskName(ev));
    EXPECT_STATUS(E_OK, ClearEvent(Ev2));
    WaitEvent(Ev1);
    GetEvent(E2, &ev);
    Log("E2 then has " + MaskName(ev));
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick(
      {"E2 waits Ev1|Ev2", "T1 sets Ev2", "E2 got Ev2", "T1 sets Ev1", "E2 then has Ev1", "T1 end"},
      {"T1 sets Ev2", "T1 sets Ev1", "T1 end", "E2 waits Ev1|Ev2", "E2 got Ev1|Ev2",
       "E2 then has Ev1"},
      {"E2 waits Ev1|Ev2", "T1 sets Ev2", "E2 got Ev2", "T1 sets Ev1", "E2 then has Ev1",
       "T1 end"}));
}

TEST_F(Scenario, WaitingExtendedTaskCannotBeActivatedAgain) {
  OnTask(T1, [] {
    ActivateTask(E3);
    ActivateTask(E3);
    SetEvent(E3, Ev1);
    TerminateTask();
  });
  OnTask(E3, [] {
    WaitEvent(Ev1);
    Log("E3 woke");
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  ExpectTrace({"ErrorHook E_OS_LIMIT ActivateTask", "E3 woke"});
}

TEST_F(Scenario, HigherBasicTaskPreemptsAnExtendedOne) {
  OnTask(T1, [] {
    ActivateTask(E2);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E2, [] {
    Log("E2 start");
    ActivateTask(T4);
    Log("E2 end");
    TerminateTask();
  });
  OnTask(T4, Plain("T4"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"E2 start", "T4", "E2 end", "T1 end"}, {"T1 end", "E2 start", "E2 end", "T4"},
                   {"E2 start", "E2 end", "T4", "T1 end"}));
}

}  // namespace
