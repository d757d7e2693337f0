// PreTaskHook and PostTaskHook see the task they frame in the RUNNING state (OSEK OS 2.2.3
// 13.8.2, PreTaskHook and PostTaskHook: PostTaskHook is called before the task leaves the running
// state, PreTaskHook after it entered it), on every path that switches tasks (issue 10 item 2).
#include "scenario.h"

namespace {

constexpr uint32_t kIsr1 = 40;

// Logs "<hook> <task> <state>": the task GetTaskID names and the state GetTaskState reports.
void LogTaskState(const char* hook) {
  TaskType task = INVALID_TASK;
  TaskStateType state = SUSPENDED;
  EXPECT_STATUS(E_OK, GetTaskID(&task));
  EXPECT_STATUS(E_OK, GetTaskState(task, &state));
  Log(std::string(hook) + " " + TaskName(task) + " " + StateName(state));
}

void TraceTaskHooks() {
  OnPreTaskHook([] { LogTaskState("PreTaskHook"); });
  OnPostTaskHook([] { LogTaskState("PostTaskHook"); });
}

TEST_F(Scenario, PostTaskHookOnWaitEventSeesTheTaskStillRunning) {
  TraceTaskHooks();
  OnTask(T1, [] {
    ActivateTask(E2);
    Schedule();  // non-preemptive: lets E2 run and wait
    SetEvent(E2, Ev);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E2, [] {
    Log("E2 waits");
    WaitEvent(Ev);
    Log("E2 woke");
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  // Steps 5 (full) and 5 (non): E2 calls WaitEvent and must wait.
  ExpectTrace(Pick(
      {"PreTaskHook T1 RUNNING", "PostTaskHook T1 RUNNING", "PreTaskHook E2 RUNNING", "E2 waits",
       "PostTaskHook E2 RUNNING", "PreTaskHook T1 RUNNING", "PostTaskHook T1 RUNNING",
       "PreTaskHook E2 RUNNING", "E2 woke", "PostTaskHook E2 RUNNING", "PreTaskHook T1 RUNNING",
       "T1 end", "PostTaskHook T1 RUNNING", "ShutdownHook E_OK"},
      {"PreTaskHook T1 RUNNING", "PostTaskHook T1 RUNNING", "PreTaskHook E2 RUNNING", "E2 waits",
       "PostTaskHook E2 RUNNING", "PreTaskHook T1 RUNNING", "T1 end", "PostTaskHook T1 RUNNING",
       "PreTaskHook E2 RUNNING", "E2 woke", "PostTaskHook E2 RUNNING", "ShutdownHook E_OK"},
      {"PreTaskHook T1 RUNNING", "PostTaskHook T1 RUNNING", "PreTaskHook E2 RUNNING", "E2 waits",
       "PostTaskHook E2 RUNNING", "PreTaskHook T1 RUNNING", "PostTaskHook T1 RUNNING",
       "PreTaskHook E2 RUNNING", "E2 woke", "PostTaskHook E2 RUNNING", "PreTaskHook T1 RUNNING",
       "T1 end", "PostTaskHook T1 RUNNING", "ShutdownHook E_OK"}));
}

TEST_F(Scenario, PostTaskHookOnEveryOtherPathSeesTheTaskStillRunning) {
  // Preemption by ActivateTask and at the exit of an ISR, TerminateTask, ChainTask, Schedule.
  TraceTaskHooks();
  OnTask(T1, [] {
    Log("T1");
    ActivateTask(T3);
    host::RaiseInterrupt(kIsr1);
    ChainTask(T2);
  });
  OnIsr(ISR1, [] {
    Log("ISR1");
    ActivateTask(T4);
  });
  OnTask(T2, [] {
    ActivateTask(T3);
    Schedule();
    Log("T2 end");
    TerminateTask();
  });
  OnTask(T3, Plain("T3"));
  OnTask(T4, Plain("T4"));
  EndWhenIdle();
  RunSystem();
  // Full and mixed scheduling give the same order in this scenario.
  const Sequence preemptive = {"PreTaskHook T1 RUNNING",
                               "T1",
                               "PostTaskHook T1 RUNNING",
                               "PreTaskHook T3 RUNNING",
                               "T3",
                               "PostTaskHook T3 RUNNING",
                               "PreTaskHook T1 RUNNING",
                               "ISR1",
                               "PostTaskHook T1 RUNNING",
                               "PreTaskHook T4 RUNNING",
                               "T4",
                               "PostTaskHook T4 RUNNING",
                               "PreTaskHook T1 RUNNING",
                               "PostTaskHook T1 RUNNING",
                               "PreTaskHook T2 RUNNING",
                               "PostTaskHook T2 RUNNING",
                               "PreTaskHook T3 RUNNING",
                               "T3",
                               "PostTaskHook T3 RUNNING",
                               "PreTaskHook T2 RUNNING",
                               "T2 end",
                               "PostTaskHook T2 RUNNING",
                               "ShutdownHook E_OK"};
  ExpectTrace(
      Pick(preemptive,
           {"PreTaskHook T1 RUNNING", "T1", "ISR1", "PostTaskHook T1 RUNNING",
            "PreTaskHook T4 RUNNING", "T4", "PostTaskHook T4 RUNNING", "PreTaskHook T3 RUNNING",
            "T3", "PostTaskHook T3 RUNNING", "PreTaskHook T2 RUNNING", "PostTaskHook T2 RUNNING",
            "PreTaskHook T3 RUNNING", "T3", "PostTaskHook T3 RUNNING", "PreTaskHook T2 RUNNING",
            "T2 end", "PostTaskHook T2 RUNNING", "ShutdownHook E_OK"},
           preemptive));
}

}  // namespace
