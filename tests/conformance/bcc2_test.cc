// Conformance class BCC2 scenarios (OSEK OS 2.2.3 3.2, 4.6): multiple activation requests are
// queued and served in order, tasks of one priority run first-in first-out, a preempted task is
// the oldest of its priority; in full-preemptive, non-preemptive and mixed (T2a NON) scheduling.
#include "scenario.h"

TANDEM_TEST_TASK(T1)
TANDEM_TEST_TASK(T2a)
TANDEM_TEST_TASK(T2b)
TANDEM_TEST_TASK(T3)
TANDEM_TEST_ISR(ISR1)

namespace {

constexpr uint32_t kIsr1 = 40;

TEST_F(Scenario, SamePriorityTasksRunInActivationOrder) {
  OnTask(T1, [] {
    ActivateTask(T3);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T3, [] {
    Log("T3");
    EXPECT_STATUS(E_OK, ActivateTask(T2b));
    EXPECT_STATUS(E_OK, ActivateTask(T2a));
    EXPECT_STATUS(E_OK, ActivateTask(T2b));
    Log("T3 end");
    TerminateTask();
  });
  OnTask(T2a, Plain("T2a"));
  OnTask(T2b, Plain("T2b"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T3", "T3 end", "T2b", "T2a", "T2b", "T1 end"},
                   {"T1 end", "T3", "T3 end", "T2b", "T2a", "T2b"},
                   {"T3", "T3 end", "T2b", "T2a", "T2b", "T1 end"}));
}

TEST_F(Scenario, QueuedActivationsRunOneAfterAnotherUpToTheLimit) {
  int runs = 0;
  OnTask(T1, [] {
    GetResource(RES_SCHEDULER);
    for (int i = 0; i < 3; ++i) EXPECT_STATUS(E_OK, ActivateTask(T3));
    EXPECT_STATUS(E_OS_LIMIT, ActivateTask(T3));
    ReleaseResource(RES_SCHEDULER);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T3, [&runs] {
    Log("T3 #" + std::to_string(++runs));
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"ErrorHook E_OS_LIMIT ActivateTask", "T3 #1", "T3 #2", "T3 #3", "T1 end"},
                   {"ErrorHook E_OS_LIMIT ActivateTask", "T1 end", "T3 #1", "T3 #2", "T3 #3"},
                   {"ErrorHook E_OS_LIMIT ActivateTask", "T3 #1", "T3 #2", "T3 #3", "T1 end"}));
}

TEST_F(Scenario, PreemptedTaskIsTheOldestOfItsPriority) {
  OnTask(T1, [] {
    ActivateTask(T2a);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T2a, [] {
    Log("T2a start");
    ActivateTask(T2b);  // same priority: never preempts
    host::RaiseInterrupt(kIsr1);
    Log("T2a end");
    TerminateTask();
  });
  OnIsr(ISR1, [] {
    Log("ISR1");
    ActivateTask(T3);
  });
  OnTask(T2b, Plain("T2b"));
  OnTask(T3, Plain("T3"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T2a start", "ISR1", "T3", "T2a end", "T2b", "T1 end"},
                   {"T1 end", "T2a start", "ISR1", "T2a end", "T3", "T2b"},
                   {"T2a start", "ISR1", "T2a end", "T3", "T2b", "T1 end"}));
}

TEST_F(Scenario, ChainTaskQueuesBehindTasksOfTheSamePriority) {
  int runs = 0;
  OnTask(T1, [] {
    ActivateTask(T2a);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T2a, [&runs] {
    Log("T2a #" + std::to_string(++runs));
    if (runs == 1) {
      ActivateTask(T2b);
      ChainTask(T2a);
    }
    TerminateTask();
  });
  OnTask(T2b, Plain("T2b"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T2a #1", "T2b", "T2a #2", "T1 end"}, {"T1 end", "T2a #1", "T2b", "T2a #2"},
                   {"T2a #1", "T2b", "T2a #2", "T1 end"}));
}

TEST_F(Scenario, RunningTaskActivatesItselfAgain) {
  int runs = 0;
  OnTask(T1, [] {
    ActivateTask(T3);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T3, [&runs] {
    Log("T3 #" + std::to_string(++runs));
    if (runs == 1) {
      EXPECT_STATUS(E_OK, ActivateTask(T3));
      EXPECT_STATUS(E_OK, ActivateTask(T3));
      EXPECT_STATUS(E_OS_LIMIT, ActivateTask(T3));  // the running activation counts
    }
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T3 #1", "ErrorHook E_OS_LIMIT ActivateTask", "T3 #2", "T3 #3", "T1 end"},
                   {"T1 end", "T3 #1", "ErrorHook E_OS_LIMIT ActivateTask", "T3 #2", "T3 #3"},
                   {"T3 #1", "ErrorHook E_OS_LIMIT ActivateTask", "T3 #2", "T3 #3", "T1 end"}));
}

TEST_F(Scenario, ActivationsFromAnIsrKeepTheirOrder) {
  OnIsr(ISR1, [] {
    ActivateTask(T2b);
    ActivateTask(T2a);
    ActivateTask(T2a);
    ActivateTask(T2b);
    ActivateTask(T3);
  });
  OnTask(T1, [] {
    host::RaiseInterrupt(kIsr1);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T2a, Plain("T2a"));
  OnTask(T2b, Plain("T2b"));
  OnTask(T3, Plain("T3"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T3", "T2b", "T2a", "T2a", "T2b", "T1 end"},
                   {"T1 end", "T3", "T2b", "T2a", "T2a", "T2b"},
                   {"T3", "T2b", "T2a", "T2a", "T2b", "T1 end"}));
}

}  // namespace
