// Operating system execution control (OSEK OS 2.2.3 13.7): StartOS with application modes,
// GetActiveApplicationMode, ShutdownOS from every context that may call it.
#include "unit_test.h"

namespace {

constexpr uint32_t kI2a = 40;
constexpr uint32_t kI1 = 42;

std::string ModeName(AppModeType m) {
  return m == OSDEFAULTAPPMODE ? "OSDEFAULTAPPMODE" : m == Mode2 ? "Mode2" : "?";
}

TEST_F(Kernel, StartOsInTheDefaultModeAutostartsItsTasksOnly) {
  OnStartupHook([] { Log("startup mode " + ModeName(GetActiveApplicationMode())); });
  RunMain([] {
    Log("Main mode " + ModeName(GetActiveApplicationMode()));
    TaskStateType s = RUNNING;
    GetTaskState(Mode2Task, &s);
    EXPECT_EQ(SUSPENDED, s);
    TickType left = 0;
    EXPECT_STATUS(E_OS_NOFUNC, GetAlarm(AlarmAuto, &left));  // autostarted in Mode2 only
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "startup mode OSDEFAULTAPPMODE", "Main mode OSDEFAULTAPPMODE",
               "ErrorHook E_OS_NOFUNC GetAlarm", "ShutdownHook E_OK"});
  EXPECT_EQ(1, StartupHookCalls());
  EXPECT_EQ(1, ShutdownHookCalls());
}

TEST_F(Kernel, StartOsInAnotherModeAutostartsItsTasksAndAlarms) {
  // Mode2: Mode2Task, AlarmAuto (SystemCounter, relative 3, cycle 5, activates Low) and
  // AlarmAutoAbs (SoftCounter, absolute 4, activates Multi2).
  int low_runs = 0;
  OnTask(Low, [&low_runs] {
    Log("Low at tick " + std::to_string(host::TicksDelivered()));
    if (++low_runs == 3) ShutdownOS(E_OK);
    TerminateTask();
  });
  OnTask(Multi2, [] {
    Log("Multi2");
    TerminateTask();
  });
  OnTask(Mode2Task, [] {
    Log("Mode2Task mode " + ModeName(GetActiveApplicationMode()));
    TickType left = 0;
    EXPECT_STATUS(E_OK, GetAlarm(AlarmAuto, &left));
    EXPECT_EQ(3u, left);
    EXPECT_STATUS(E_OK, GetAlarm(AlarmAutoAbs, &left));
    EXPECT_EQ(4u, left);
    for (int i = 1; i <= 4; ++i) {
      IncrementCounter(SoftCounter);
      Log("soft " + std::to_string(i));
    }
    TerminateTask();
  });
  OnIdle([] { host::AdvanceTicks(1); });
  RunSystem(Mode2);
  ExpectTrace({"StartupHook", "Mode2Task mode Mode2", "soft 1", "soft 2", "soft 3", "Multi2",
               "soft 4", "Low at tick 3", "Low at tick 8", "Low at tick 13", "ShutdownHook E_OK"});
}

TEST_F(Kernel, StartOsRunsTheStartupHookBeforeAnyTask) {
  OnStartupHook([] {
    TaskStateType s = SUSPENDED;
    // Task state is readable only from tasks, ISRs and some hooks: not in the StartupHook.
    const StatusType st = GetTaskState(Main, &s);
    if (kExtended) {
      EXPECT_STATUS(E_OS_CALLEVEL, st);
    }
    Log("StartupHook done");
  });
  RunMain([] {
    Log("Main");
    ShutdownOS(E_OK);
  });
  if (kExtended) {
    ExpectTrace({"StartupHook", "ErrorHook E_OS_CALLEVEL GetTaskState", "StartupHook done", "Main",
                 "ShutdownHook E_OK"});
  } else {
    ExpectTrace({"StartupHook", "StartupHook done", "Main", "ShutdownHook E_OK"});
  }
}

TEST_F(Kernel, TheSystemRestartsCleanAfterShutdown) {
  RunMain([] {
    ActivateTask(Low);
    SetRelAlarm(AlarmAct, 5, 0);
    IncrementCounter(SoftCounter);
    GetResource(R1);
    ShutdownOS(E_OS_LIMIT);
  });
  EXPECT_EQ(E_OS_LIMIT, LastShutdownError());
  Reset();
  RunMain([] {
    TaskStateType s = RUNNING;
    GetTaskState(Low, &s);
    EXPECT_EQ(SUSPENDED, s);
    TickType left = 0;
    EXPECT_STATUS(E_OS_NOFUNC, GetAlarm(AlarmAct, &left));
    EXPECT_STATUS(E_OK, SetAbsAlarm(AlarmAct, 1, 0));
    EXPECT_STATUS(E_OK, GetAlarm(AlarmAct, &left));
    EXPECT_EQ(1u, left);                   // the counter starts at 0 again
    EXPECT_STATUS(E_OK, GetResource(R1));  // no stale occupation
    EXPECT_STATUS(E_OK, ReleaseResource(R1));
    EXPECT_EQ(TaskLevel(Main), host::CurrentLevel());
    CancelAlarm(AlarmAct);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_NOFUNC GetAlarm", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ShutdownOsPassesItsErrorToTheShutdownHook) {
  OnShutdownHook([](StatusType e) {
    EXPECT_EQ(OSDEFAULTAPPMODE, GetActiveApplicationMode());
    Log(std::string("hook got ") + StatusName(e));
  });
  RunMain([] { ShutdownOS(E_OS_STATE); });
  ExpectTrace({"StartupHook", "ShutdownHook E_OS_STATE", "hook got E_OS_STATE"});
}

TEST_F(Kernel, ShutdownOsFromTheStartupHookRunsNoTask) {
  OnStartupHook([] { ShutdownOS(E_OS_VALUE); });
  RunMain([] { Log("Main must not run"); });
  ExpectTrace({"StartupHook", "ShutdownHook E_OS_VALUE"});
}

TEST_F(Kernel, ShutdownOsFromACategory2Isr) {
  OnIsr(I2a, [] { ShutdownOS(E_OK); });
  RunMain([] {
    ActivateTask(Low);
    host::RaiseInterrupt(kI2a);
    Log("Main must not continue");
  });
  ExpectTrace({"StartupHook", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ShutdownOsFromTheErrorHook) {
  OnErrorHook([](StatusType) { ShutdownOS(E_OS_LIMIT); });
  RunMain([] {
    ActivateTask(Low);
    ActivateTask(Low);
    Log("Main must not continue");
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_LIMIT ActivateTask", "ShutdownHook E_OS_LIMIT"});
}

TEST_F(Kernel, ShutdownOsFromAnIdleSystem) {
  EndWhenIdle();
  RunMain([] { TerminateTask(); });
  ExpectTrace({"StartupHook", "ShutdownHook E_OK"});
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, ShutdownOsWhereNotAllowedIsIgnoredInExtendedStatus) {
  // 13.7.2.3: allowed from tasks, category 2 ISRs, the StartupHook and the ErrorHook.
  OnPreTaskHook([] { ShutdownOS(E_OS_ID); });
  OnIsr(I1, [] { ShutdownOS(E_OS_ID); });
  OnCallback("Cb", [] { ShutdownOS(E_OS_ID); });
  RunMain([] {
    host::RaiseInterrupt(kI1);
    SetRelAlarm(AlarmCb, 1, 0);
    IncrementCounter(SoftCounter);
    Log("Main survived");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Main survived", "ShutdownHook E_OK"});
}
#endif

TEST_F(Kernel, GetActiveApplicationModeEverywhere) {
  OnIsr(I2a, [] { Log("ISR2 " + ModeName(GetActiveApplicationMode())); });
  OnIsr(I1, [] { Log("ISR1 " + ModeName(GetActiveApplicationMode())); });
  OnErrorHook([](StatusType) { Log("ErrorHook " + ModeName(GetActiveApplicationMode())); });
  OnShutdownHook([](StatusType) { Log("ShutdownHook " + ModeName(GetActiveApplicationMode())); });
  OnTask(Mode2Task, [] {
    host::RaiseInterrupt(kI2a);
    host::RaiseInterrupt(kI1);
    ActivateTask(Mode2Task);
    ShutdownOS(E_OK);
  });
  RunSystem(Mode2);
  ExpectTrace({"StartupHook", "ISR2 Mode2", "ISR1 Mode2", "ErrorHook E_OS_LIMIT ActivateTask",
               "ErrorHook Mode2", "ShutdownHook E_OK", "ShutdownHook Mode2"});
}

}  // namespace
