// GetTaskID in a category 2 ISR (OSEK OS 2.2.3 13.2.3.5, open to two readings; Tandem's choice,
// docs/kernel.md): the task the ISR interrupted, which is still RUNNING, or INVALID_TASK when
// the ISR interrupted the idle loop.
#include "scenario.h"

namespace {

constexpr uint32_t kIsr1 = 40;

void LogInterruptedTask() {
  TaskType task = T4;  // overwritten: T4 never runs in these scenarios
  EXPECT_STATUS(E_OK, GetTaskID(&task));
  std::string entry = std::string("ISR1: ") + TaskName(task);
  if (task != INVALID_TASK) {
    TaskStateType state = SUSPENDED;
    EXPECT_STATUS(E_OK, GetTaskState(task, &state));
    entry += std::string(" ") + StateName(state);
  }
  Log(entry);
}

TEST_F(Scenario, GetTaskIdInACategory2IsrNamesTheInterruptedTask) {
  OnIsr(ISR1, [] { LogInterruptedTask(); });
  OnTask(T1, [] {
    ActivateTask(T2);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T2, [] {
    host::RaiseInterrupt(kIsr1);
    Log("T2 end");
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"ISR1: T2 RUNNING", "T2 end", "T1 end", "ShutdownHook E_OK"},
                   {"T1 end", "ISR1: T2 RUNNING", "T2 end", "ShutdownHook E_OK"},
                   {"ISR1: T2 RUNNING", "T2 end", "T1 end", "ShutdownHook E_OK"}));
}

TEST_F(Scenario, GetTaskIdInACategory2IsrOverTheIdleLoopIsInvalidTask) {
  OnIsr(ISR1, [] { LogInterruptedTask(); });
  OnTask(T1, Plain("T1"));
  int idle_calls = 0;
  OnIdle([&idle_calls] {
    if (idle_calls++ == 0) {
      host::RaiseInterrupt(kIsr1);
    } else {
      ShutdownOS(E_OK);
    }
  });
  RunSystem();
  ExpectTrace({"T1", "ISR1: INVALID_TASK", "ShutdownHook E_OK"});
}

}  // namespace
