// Interrupt service routines (OSEK OS 2.2.3 4.6.1, 10): category 1 and 2, nesting by level on
// the one priority scale, rescheduling only when the outermost category 2 ISR returns.
#include "unit_test.h"

namespace {

constexpr uint32_t kIMid = 44;  // category 2, PRIORITY 3
constexpr uint32_t kI2a = 40;   // category 2, PRIORITY 10
constexpr uint32_t kI2b = 41;   // category 2, PRIORITY 11
constexpr uint32_t kI1 = 42;    // category 1, PRIORITY 20

TEST_F(Kernel, Category2IsrPreemptsTheTaskAtItsOwnLevel) {
  OnIsr(I2a, [] {
    EXPECT_EQ(IsrLevel(I2a), host::CurrentLevel());
    Log("I2a");
  });
  RunMain([] {
    Log("Main before");
    host::RaiseInterrupt(kI2a);
    Log("Main after");
    EXPECT_EQ(TaskLevel(Main), host::CurrentLevel());
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Main before", "I2a", "Main after", "ShutdownHook E_OK"});
}

TEST_F(Kernel, TasksActivatedByAnIsrRunWhenItReturnsInPriorityOrder) {
  OnIsr(I2a, [] {
    Log("I2a start");
    ActivateTask(High);
    ActivateTask(Top);
    Log("I2a end");
  });
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  OnTask(Top, [] {
    Log("Top");
    TerminateTask();
  });
  RunMain([] {
    host::RaiseInterrupt(kI2a);
    Log("Main");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a start", "I2a end", "Top", "High", "Main", "ShutdownHook E_OK"});
}

TEST_F(Kernel, HigherIsrNestsLowerIsrWaits) {
  OnIsr(I2a, [] {
    Log("I2a start");
    host::RaiseInterrupt(kI2b);   // higher: nests at once
    host::RaiseInterrupt(kIMid);  // lower: waits for I2a to return
    EXPECT_TRUE(host::IsPending(kIMid));
    Log("I2a end");
  });
  OnIsr(I2b, [] {
    EXPECT_EQ(IsrLevel(I2b), host::CurrentLevel());
    Log("I2b");
  });
  RunMain([] {
    host::RaiseInterrupt(kI2a);
    Log("Main");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a start", "I2b", "I2a end", "IMid", "Main", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ReschedulingWaitsForTheOutermostCategory2Isr) {
  OnIsr(I2a, [] {
    Log("I2a start");
    host::RaiseInterrupt(kI2b);
    Log("I2a end");
  });
  OnIsr(I2b, [] {
    ActivateTask(Top);
    Log("I2b activated Top");
  });
  OnTask(Top, [] {
    Log("Top");
    TerminateTask();
  });
  RunMain([] {
    host::RaiseInterrupt(kI2a);
    ShutdownOS(E_OK);
  });
  ExpectTrace(
      {"StartupHook", "I2a start", "I2b activated Top", "I2a end", "Top", "ShutdownHook E_OK"});
}

TEST_F(Kernel, Category1IsrNestsAboveCategory2) {
  OnIsr(I2b, [] {
    Log("I2b start");
    host::RaiseInterrupt(kI1);
    Log("I2b end");
  });
  OnIsr(I1, [] {
    EXPECT_EQ(IsrLevel(I1), host::CurrentLevel());
    Log("I1");
  });
  RunMain([] {
    host::RaiseInterrupt(kI2b);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2b start", "I1", "I2b end", "ShutdownHook E_OK"});
}

TEST_F(Kernel, Category1IsrRunsEvenWhileOsInterruptsAreSuspended) {
  OnIsr(I1, [] {
    TaskType t = INVALID_TASK;
    // Category 1 ISRs may use the interrupt services only.
    if (kExtended) {
      EXPECT_STATUS(E_OS_CALLEVEL, GetTaskID(&t));
    }
    Log("I1");
  });
  RunMain([] {
    SuspendOSInterrupts();
    host::RaiseInterrupt(kI1);
    Log("suspended");
    ResumeOSInterrupts();
    ShutdownOS(E_OK);
  });
  if (kExtended) {
    ExpectTrace({"StartupHook", "ErrorHook E_OS_CALLEVEL GetTaskID", "I1", "suspended",
                 "ShutdownHook E_OK"});
  } else {
    ExpectTrace({"StartupHook", "I1", "suspended", "ShutdownHook E_OK"});
  }
}

TEST_F(Kernel, IsrRankedBelowTheRunningTaskWaitsForIt) {
  // IMid (PRIORITY 3) preempts Main (2) but not Multi (3).
  OnTask(Multi, [] {
    host::RaiseInterrupt(kIMid);
    EXPECT_TRUE(host::IsPending(kIMid));
    Log("Multi end");
    TerminateTask();
  });
  RunMain([] {
    host::RaiseInterrupt(kIMid);
    Log("Main after IMid");
    ActivateTask(Multi);
    Log("Main end");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "IMid", "Main after IMid", "Multi end", "IMid", "Main end",
               "ShutdownHook E_OK"});
}

TEST_F(Kernel, IsrFromTheIdleLoopStartsTheTaskItActivates) {
  OnIsr(I2a, [] {
    Log("I2a");
    ActivateTask(Low);
  });
  OnTask(Low, [] {
    Log("Low");
    ShutdownOS(E_OK);
  });
  OnIdle([] {
    Log("idle");
    host::RaiseInterrupt(kI2a);
  });
  RunMain([] { TerminateTask(); });
  ExpectTrace({"StartupHook", "idle", "I2a", "Low", "ShutdownHook E_OK"});
}

TEST_F(Kernel, IsrStateDoesNotLeakIntoTheInterruptedTask) {
  // An ISR that leaves Suspend/Disable unbalanced must not leave the task masked.
  OnIsr(I2a, [] {
    SuspendOSInterrupts();
    SuspendAllInterrupts();
    Log("I2a");
  });
  RunMain([] {
    host::RaiseInterrupt(kI2a);
    EXPECT_FALSE(host::InterruptsDisabled());
    EXPECT_EQ(TaskLevel(Main), host::CurrentLevel());
    host::RaiseInterrupt(kI2b);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a", "I2b", "ShutdownHook E_OK"});
}

TEST_F(Kernel, IsrRaisingItsOwnLineRunsAgainAfterItReturns) {
  // A source at the current level is masked (levels <= the current one), so the ISR does not
  // nest into itself.
  int runs = 0;
  OnIsr(I2a, [&runs] {
    const int n = ++runs;
    if (n == 1) host::RaiseInterrupt(kI2a);
    Log("I2a #" + std::to_string(n) + " end");
  });
  RunMain([] {
    host::RaiseInterrupt(kI2a);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a #1 end", "I2a #2 end", "ShutdownHook E_OK"});
}

TEST_F(Kernel, InterruptRaisedInTheStartupHookIsTakenBeforeTheFirstTaskBody) {
  OnStartupHook([] {
    host::RaiseInterrupt(kI2a);
    Log("StartupHook end");
  });
  RunMain([] {
    Log("Main");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "StartupHook end", "I2a", "Main", "ShutdownHook E_OK"});
}

TEST_F(Kernel, RaisingAPendingInterruptAgainRunsItOnce) {
  RunMain([] {
    SuspendAllInterrupts();
    host::RaiseInterrupt(kI2a);
    host::RaiseInterrupt(kI2a);
    ResumeAllInterrupts();
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a", "ShutdownHook E_OK"});
}

}  // namespace
