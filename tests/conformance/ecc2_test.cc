// Conformance class ECC2 scenarios (OSEK OS 2.2.3 3.2, 4.6): extended and multiply-activated
// basic tasks sharing a priority; a task released from waiting is the youngest of its priority,
// a preempted one the oldest; in full-preemptive, non-preemptive and mixed (E2a NON) scheduling.
#include "scenario.h"

TANDEM_TEST_TASK(T1)
TANDEM_TEST_TASK(E2a)
TANDEM_TEST_TASK(E2b)
TANDEM_TEST_TASK(B2)
TANDEM_TEST_TASK(T3)
TANDEM_TEST_ISR(ISR1)

namespace {

constexpr uint32_t kIsr1 = 40;

TEST_F(Scenario, ReleasedTaskJoinsTheEndOfItsPriorityQueue) {
  OnTask(T1, [] {
    ActivateTask(E2a);
    Log("T1 activates T3");
    ActivateTask(T3);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E2a, [] {
    Log("E2a waits");
    WaitEvent(Ev1);
    Log("E2a woke");
    TerminateTask();
  });
  OnTask(T3, [] {
    ActivateTask(B2);
    ActivateTask(E2b);
    EXPECT_STATUS(E_OK, SetEvent(E2a, Ev1));
    ActivateTask(B2);
    Log("T3 end");
    TerminateTask();
  });
  OnTask(E2b, Plain("E2b"));
  OnTask(B2, Plain("B2"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(
      Pick({"E2a waits", "T1 activates T3", "T3 end", "B2", "E2b", "E2a woke", "B2", "T1 end"},
           {"T1 activates T3", "T1 end", "T3 end", "E2a waits", "E2a woke", "B2", "E2b", "B2"},
           {"E2a waits", "T1 activates T3", "T3 end", "B2", "E2b", "E2a woke", "B2", "T1 end"}));
}

TEST_F(Scenario, ActivationLimitsOfBasicAndExtendedTasks) {
  OnTask(T1, [] {
    GetResource(RES_SCHEDULER);
    EXPECT_STATUS(E_OK, ActivateTask(B2));
    EXPECT_STATUS(E_OK, ActivateTask(B2));
    EXPECT_STATUS(E_OS_LIMIT, ActivateTask(B2));
    EXPECT_STATUS(E_OK, ActivateTask(E2b));
    EXPECT_STATUS(E_OS_LIMIT, ActivateTask(E2b));  // extended tasks: one activation
    ReleaseResource(RES_SCHEDULER);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(B2, Plain("B2"));
  OnTask(E2b, Plain("E2b"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"ErrorHook E_OS_LIMIT ActivateTask", "ErrorHook E_OS_LIMIT ActivateTask", "B2",
                    "B2", "E2b", "T1 end"},
                   {"ErrorHook E_OS_LIMIT ActivateTask", "ErrorHook E_OS_LIMIT ActivateTask",
                    "T1 end", "B2", "B2", "E2b"},
                   {"ErrorHook E_OS_LIMIT ActivateTask", "ErrorHook E_OS_LIMIT ActivateTask", "B2",
                    "B2", "E2b", "T1 end"}));
}

TEST_F(Scenario, PreemptedExtendedTaskIsTheOldestOfItsPriority) {
  OnTask(T1, [] {
    ActivateTask(E2a);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E2a, [] {
    Log("E2a start");
    ActivateTask(B2);
    host::RaiseInterrupt(kIsr1);
    Log("E2a end");
    TerminateTask();
  });
  OnIsr(ISR1, [] {
    Log("ISR1");
    ActivateTask(T3);
  });
  OnTask(B2, Plain("B2"));
  OnTask(T3, Plain("T3"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"E2a start", "ISR1", "T3", "E2a end", "B2", "T1 end"},
                   {"T1 end", "E2a start", "ISR1", "E2a end", "T3", "B2"},
                   {"E2a start", "ISR1", "E2a end", "T3", "B2", "T1 end"}));
}

TEST_F(Scenario, EventFromATaskOfTheSamePriorityDoesNotPreemptIt) {
  OnTask(T1, [] {
    ActivateTask(E2a);
    ActivateTask(E2b);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E2a, [] {
    Log("E2a waits");
    WaitEvent(Ev1);
    Log("E2a woke");
    TerminateTask();
  });
  OnTask(E2b, [] {
    Log("E2b sets Ev1");
    SetEvent(E2a, Ev1);
    Log("E2b end");
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"E2a waits", "E2b sets Ev1", "E2b end", "E2a woke", "T1 end"},
                   {"T1 end", "E2a waits", "E2b sets Ev1", "E2b end", "E2a woke"},
                   {"E2a waits", "E2b sets Ev1", "E2b end", "E2a woke", "T1 end"}));
}

TEST_F(Scenario, MultipleActivationsInterleaveWithWaitingTasks) {
  int b2_runs = 0;
  OnTask(T1, [] {
    ActivateTask(E2a);
    ActivateTask(B2);
    ActivateTask(B2);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E2a, [] {
    Log("E2a waits");
    WaitEvent(Ev1);
    Log("E2a woke");
    TerminateTask();
  });
  OnTask(B2, [&b2_runs] {
    Log("B2 #" + std::to_string(++b2_runs));
    if (b2_runs == 1) SetEvent(E2a, Ev1);
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  // Full and mixed: each activation of B2 preempts T1 at once, so E2a, released by B2 #1, is
  // alone in the queue and runs before T1 activates B2 again. Non: T1 queued E2a, B2, B2; E2a
  // released by B2 #1 joins the queue behind the second activation of B2.
  ExpectTrace(Pick({"E2a waits", "B2 #1", "E2a woke", "B2 #2", "T1 end"},
                   {"T1 end", "E2a waits", "B2 #1", "B2 #2", "E2a woke"},
                   {"E2a waits", "B2 #1", "E2a woke", "B2 #2", "T1 end"}));
}

}  // namespace
