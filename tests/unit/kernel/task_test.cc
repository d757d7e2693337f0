// Task management (OSEK OS 2.2.3 13.2): ActivateTask, TerminateTask, ChainTask, Schedule,
// GetTaskID, GetTaskState, with every status code of the standard and extended lists.
#include "unit_test.h"

namespace {

// --- ActivateTask (13.2.3.1) ---

TEST_F(Kernel, ActivateTaskOfHigherTaskPreemptsAtOnce) {
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  RunMain([] {
    Log("Main before");
    EXPECT_STATUS(E_OK, ActivateTask(High));
    Log("Main after");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Main before", "High", "Main after", "ShutdownHook E_OK"});
  EXPECT_TRUE(Errors().empty());
}

TEST_F(Kernel, ActivateTaskOfLowerTaskRunsItAfterTheCaller) {
  OnTask(Low, [] {
    Log("Low");
    ShutdownOS(E_OK);
  });
  RunMain([] {
    EXPECT_STATUS(E_OK, ActivateTask(Low));
    TaskStateType s = SUSPENDED;
    EXPECT_STATUS(E_OK, GetTaskState(Low, &s));
    EXPECT_EQ(READY, s);
    Log("Main end");
    TerminateTask();
  });
  ExpectTrace({"StartupHook", "Main end", "Low", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ActivateTaskBeyondActivationLimitIsELimit) {
  RunMain([] {
    EXPECT_STATUS(E_OK, ActivateTask(Low));
    EXPECT_STATUS(E_OS_LIMIT, ActivateTask(Low));
    EXPECT_STATUS(E_OS_LIMIT, ActivateTask(Main));  // the running task is active too
    ShutdownOS(E_OK);
  });
  ASSERT_EQ(2u, Errors().size());
  EXPECT_EQ(E_OS_LIMIT, Errors()[0].error);
  EXPECT_EQ(OSServiceId_ActivateTask, Errors()[0].service);
  EXPECT_EQ(Low, Errors()[0].params[0]);
  EXPECT_EQ(Main, Errors()[1].params[0]);
}

TEST_F(Kernel, ActivateTaskQueuesMultipleActivationsUpToTheLimit) {
  int runs = 0;
  OnTask(Multi, [&runs] {
    Log("Multi " + std::to_string(++runs));
    TerminateTask();
  });
  RunMain([] {
    // RES_SCHEDULER keeps Multi (higher) from running while it is activated.
    EXPECT_STATUS(E_OK, GetResource(RES_SCHEDULER));
    EXPECT_STATUS(E_OK, ActivateTask(Multi));
    EXPECT_STATUS(E_OK, ActivateTask(Multi));
    EXPECT_STATUS(E_OK, ActivateTask(Multi));
    EXPECT_STATUS(E_OS_LIMIT, ActivateTask(Multi));
    Log("release");
    EXPECT_STATUS(E_OK, ReleaseResource(RES_SCHEDULER));
    Log("Main end");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_LIMIT ActivateTask", "release", "Multi 1", "Multi 2",
               "Multi 3", "Main end", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ActivateTaskFromCategory2IsrDispatchesAtIsrExit) {
  OnIsr(I2a, [] {
    Log("I2a start");
    EXPECT_STATUS(E_OK, ActivateTask(High));
    Log("I2a end");
  });
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  RunMain([] {
    host::RaiseInterrupt(40);
    Log("Main");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a start", "I2a end", "High", "Main", "ShutdownHook E_OK"});
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, ActivateTaskInvalidIdIsEOsId) {
  RunMain([] {
    EXPECT_STATUS(E_OS_ID, ActivateTask(kBadId));
    EXPECT_STATUS(E_OS_ID, ActivateTask(INVALID_TASK));
    ShutdownOS(E_OK);
  });
  ASSERT_EQ(2u, Errors().size());
  EXPECT_EQ(OSServiceId_ActivateTask, Errors()[0].service);
  EXPECT_EQ(kBadId, Errors()[0].params[0]);
}

TEST_F(Kernel, ActivateTaskFromCategory1IsrIsECallevel) {
  OnIsr(I1, [] { EXPECT_STATUS(E_OS_CALLEVEL, ActivateTask(Low)); });
  RunMain([] {
    host::RaiseInterrupt(42);
    TaskStateType s = RUNNING;
    EXPECT_STATUS(E_OK, GetTaskState(Low, &s));
    EXPECT_EQ(SUSPENDED, s);
    ShutdownOS(E_OK);
  });
  ASSERT_EQ(1u, Errors().size());
  EXPECT_EQ(E_OS_CALLEVEL, Errors()[0].error);
}

TEST_F(Kernel, ActivateTaskFromHooksIsECallevel) {
  OnStartupHook([] { EXPECT_STATUS(E_OS_CALLEVEL, ActivateTask(Low)); });
  OnPreTaskHook([] { EXPECT_STATUS(E_OS_CALLEVEL, ActivateTask(Low)); });
  RunMain([] { ShutdownOS(E_OK); });
  ASSERT_EQ(2u, Errors().size());
  EXPECT_EQ(E_OS_CALLEVEL, Errors()[0].error);
  EXPECT_EQ(E_OS_CALLEVEL, Errors()[1].error);
}
#endif

// --- TerminateTask (13.2.3.2) ---

TEST_F(Kernel, TerminateTaskDoesNotReturnAndRunsTheNextTask) {
  OnTask(Low, [] {
    Log("Low");
    ShutdownOS(E_OK);
  });
  RunMain([] {
    ActivateTask(Low);
    TerminateTask();
    Log("Main after TerminateTask");
  });
  ExpectTrace({"StartupHook", "Low", "ShutdownHook E_OK"});
}

TEST_F(Kernel, TerminatedTaskCanBeActivatedAgain) {
  int runs = 0;
  OnTask(High, [&runs] {
    Log("High " + std::to_string(++runs));
    TerminateTask();
  });
  RunMain([] {
    for (int i = 0; i < 3; ++i) EXPECT_STATUS(E_OK, ActivateTask(High));
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "High 1", "High 2", "High 3", "ShutdownHook E_OK"});
  EXPECT_TRUE(Errors().empty());
}

TEST_F(Kernel, ActivatingTheRunningTaskAtItsLimitIsELimit) {
  OnTask(Low, [] {
    EXPECT_STATUS(E_OS_LIMIT, ActivateTask(Low));
    ShutdownOS(E_OK);
  });
  RunMain([] { ChainTask(Low); });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_LIMIT ActivateTask", "ShutdownHook E_OK"});
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, TerminateTaskWithResourceIsEOsResource) {
  RunMain([] {
    GetResource(R1);
    EXPECT_STATUS(E_OS_RESOURCE, TerminateTask());
    Log("still running");
    ReleaseResource(R1);
    EndWhenIdle();
    TerminateTask();
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_RESOURCE TerminateTask", "still running",
               "ShutdownHook E_OK"});
}

TEST_F(Kernel, TerminateTaskFromIsrOrHookIsECallevel) {
  OnIsr(I2a, [] { EXPECT_STATUS(E_OS_CALLEVEL, TerminateTask()); });
  OnIsr(I1, [] { EXPECT_STATUS(E_OS_CALLEVEL, TerminateTask()); });
  OnPostTaskHook([] { EXPECT_STATUS(E_OS_CALLEVEL, TerminateTask()); });
  RunMain([] {
    host::RaiseInterrupt(40);
    host::RaiseInterrupt(42);
    Log("Main survives");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_CALLEVEL TerminateTask",
               "ErrorHook E_OS_CALLEVEL TerminateTask", "Main survives", "ShutdownHook E_OK"});
}
#endif

// --- ChainTask (13.2.3.3) ---

TEST_F(Kernel, ChainTaskTerminatesTheCallerAndActivatesTheTarget) {
  OnTask(Low, [] {
    TaskStateType s = RUNNING;
    GetTaskState(Main, &s);
    Log(std::string("Low, Main is ") + StateName(s));
    ShutdownOS(E_OK);
  });
  RunMain([] {
    ChainTask(Low);
    Log("Main after ChainTask");
  });
  ExpectTrace({"StartupHook", "Low, Main is SUSPENDED", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ChainTaskToHigherTaskRunsItAtOnce) {
  OnTask(High, [] {
    Log("High");
    ShutdownOS(E_OK);
  });
  RunMain([] { ChainTask(High); });
  ExpectTrace({"StartupHook", "High", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ChainTaskToItselfRestartsTheTask) {
  int runs = 0;
  RunMain([&runs] {
    Log("Main " + std::to_string(++runs));
    if (runs < 3) ChainTask(Main);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Main 1", "Main 2", "Main 3", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ChainTaskToItselfAtActivationLimitIsNotAnError) {
  // 13.2.3.3: chaining the running task does not add an activation, so a task at its limit
  // may chain itself.
  int runs = 0;
  OnTask(Low, [&runs] {
    Log("Low " + std::to_string(++runs));
    if (runs == 1) ChainTask(Low);
    ShutdownOS(E_OK);
  });
  RunMain([] { ChainTask(Low); });
  ExpectTrace({"StartupHook", "Low 1", "Low 2", "ShutdownHook E_OK"});
  EXPECT_TRUE(Errors().empty());
}

TEST_F(Kernel, ChainTaskBeyondActivationLimitIsELimitAndCallerContinues) {
  RunMain([] {
    ActivateTask(Low);
    EXPECT_STATUS(E_OS_LIMIT, ChainTask(Low));
    Log("Main continues");
    ShutdownOS(E_OK);
  });
  ExpectTrace(
      {"StartupHook", "ErrorHook E_OS_LIMIT ChainTask", "Main continues", "ShutdownHook E_OK"});
  EXPECT_EQ(Low, LastError().params[0]);
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, ChainTaskExtendedErrors) {
  OnIsr(I2a, [] { EXPECT_STATUS(E_OS_CALLEVEL, ChainTask(Low)); });
  RunMain([] {
    EXPECT_STATUS(E_OS_ID, ChainTask(kBadId));
    GetResource(R2);
    EXPECT_STATUS(E_OS_RESOURCE, ChainTask(Low));
    ReleaseResource(R2);
    host::RaiseInterrupt(40);
    TaskStateType s = RUNNING;
    GetTaskState(Low, &s);
    EXPECT_EQ(SUSPENDED, s);  // no failed ChainTask activated it
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ID ChainTask", "ErrorHook E_OS_RESOURCE ChainTask",
               "ErrorHook E_OS_CALLEVEL ChainTask", "ShutdownHook E_OK"});
}
#endif

// --- Schedule (13.2.3.4) ---

TEST_F(Kernel, ScheduleWithNothingHigherReadyReturnsAtOnce) {
  RunMain([] {
    ActivateTask(Low);
    EXPECT_STATUS(E_OK, Schedule());
    Log("Main after Schedule");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Main after Schedule", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ScheduleLetsAHigherTaskPreemptANonPreemptiveTask) {
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  OnTask(NonPre, [] {
    ActivateTask(High);
    Log("NonPre after ActivateTask");
    EXPECT_STATUS(E_OK, Schedule());
    Log("NonPre after Schedule");
    ShutdownOS(E_OK);
  });
  RunMain([] { ChainTask(NonPre); });
  ExpectTrace({"StartupHook", "NonPre after ActivateTask", "High", "NonPre after Schedule",
               "ShutdownHook E_OK"});
}

TEST_F(Kernel, ScheduleReleasesTheInternalResource) {
  // Internal (priority 1) shares Rint with Internal2 (priority 3): it runs at Rint's ceiling, so
  // Internal2 and Multi (priority 3) wait for Schedule; High (5) does not.
  OnTask(Internal2, [] {
    Log("Internal2");
    TerminateTask();
  });
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  OnTask(Internal, [] {
    EXPECT_EQ(ResourceCeiling(Rint), host::CurrentLevel());
    ActivateTask(Internal2);
    Log("Internal after ActivateTask(Internal2)");
    ActivateTask(High);
    Log("Internal after ActivateTask(High)");
    EXPECT_STATUS(E_OK, Schedule());
    Log("Internal after Schedule");
    EXPECT_EQ(ResourceCeiling(Rint), host::CurrentLevel());
    ShutdownOS(E_OK);
  });
  RunMain([] { ChainTask(Internal); });
  ExpectTrace({"StartupHook", "Internal after ActivateTask(Internal2)", "High",
               "Internal after ActivateTask(High)", "Internal2", "Internal after Schedule",
               "ShutdownHook E_OK"});
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, ScheduleExtendedErrors) {
  OnIsr(I2a, [] { EXPECT_STATUS(E_OS_CALLEVEL, Schedule()); });
  RunMain([] {
    GetResource(R1);
    EXPECT_STATUS(E_OS_RESOURCE, Schedule());
    ReleaseResource(R1);
    host::RaiseInterrupt(40);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_RESOURCE Schedule",
               "ErrorHook E_OS_CALLEVEL Schedule", "ShutdownHook E_OK"});
}
#endif

// --- GetTaskID (13.2.3.5) ---

TEST_F(Kernel, GetTaskIdFromTaskIsrAndIdle) {
  OnIsr(I2a, [] {
    TaskType t = 0;
    EXPECT_STATUS(E_OK, GetTaskID(&t));
    Log("I2a sees " + TaskName(t));
  });
  bool raised = false;
  OnIdle([&raised] {
    if (raised) ShutdownOS(E_OK);
    raised = true;
    host::RaiseInterrupt(40);
  });
  RunMain([] {
    TaskType t = INVALID_TASK;
    EXPECT_STATUS(E_OK, GetTaskID(&t));
    Log("Main sees " + TaskName(t));
    host::RaiseInterrupt(40);
    TerminateTask();
  });
  ExpectTrace({"StartupHook", "Main sees Main", "I2a sees Main", "I2a sees INVALID_TASK",
               "ShutdownHook E_OK"});
}

TEST_F(Kernel, GetTaskIdFromPreAndPostTaskHooks) {
  OnPreTaskHook([] {
    TaskType t = INVALID_TASK;
    EXPECT_STATUS(E_OK, GetTaskID(&t));
    Log("Pre " + TaskName(t));
  });
  OnPostTaskHook([] {
    TaskType t = INVALID_TASK;
    EXPECT_STATUS(E_OK, GetTaskID(&t));
    Log("Post " + TaskName(t));
  });
  EndWhenIdle();
  RunMain([] {
    ActivateTask(High);
    TerminateTask();
  });
  ExpectTrace({"StartupHook", "Pre Main", "Post Main", "Pre High", "High", "Post High", "Pre Main",
               "Post Main", "ShutdownHook E_OK"});
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, GetTaskIdFromCategory1IsrIsECallevel) {
  OnIsr(I1, [] {
    TaskType t = 0;
    EXPECT_STATUS(E_OS_CALLEVEL, GetTaskID(&t));
  });
  RunMain([] {
    host::RaiseInterrupt(42);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_CALLEVEL GetTaskID", "ShutdownHook E_OK"});
}
#endif

// --- GetTaskState (13.2.3.6) ---

TEST_F(Kernel, GetTaskStateReportsEveryState) {
  OnTask(Ext, [] {
    WaitEvent(E1);
    TerminateTask();
  });
  OnIsr(I2a, [] {
    TaskStateType s = SUSPENDED;
    EXPECT_STATUS(E_OK, GetTaskState(Main, &s));
    Log(std::string("from ISR Main is ") + StateName(s));
  });
  RunMain([] {
    TaskStateType s = SUSPENDED;
    EXPECT_STATUS(E_OK, GetTaskState(Main, &s));
    Log(std::string("Main ") + StateName(s));
    EXPECT_STATUS(E_OK, GetTaskState(Top, &s));
    Log(std::string("Top ") + StateName(s));
    ActivateTask(Low);
    EXPECT_STATUS(E_OK, GetTaskState(Low, &s));
    Log(std::string("Low ") + StateName(s));
    ActivateTask(Ext);  // runs, waits for E1
    EXPECT_STATUS(E_OK, GetTaskState(Ext, &s));
    Log(std::string("Ext ") + StateName(s));
    host::RaiseInterrupt(40);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Main RUNNING", "Top SUSPENDED", "Low READY", "Ext WAITING",
               "from ISR Main is RUNNING", "ShutdownHook E_OK"});
}

TEST_F(Kernel, GetTaskStateOfAPreemptedTaskIsReady) {
  OnTask(High, [] {
    TaskStateType s = SUSPENDED;
    GetTaskState(Main, &s);
    Log(std::string("Main ") + StateName(s));
    TerminateTask();
  });
  RunMain([] {
    ActivateTask(High);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Main READY", "ShutdownHook E_OK"});
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, GetTaskStateExtendedErrors) {
  TaskStateType state = 0;
  OnIsr(I1, [&state] { EXPECT_STATUS(E_OS_CALLEVEL, GetTaskState(Main, &state)); });
  RunMain([&state] {
    EXPECT_STATUS(E_OS_ID, GetTaskState(kBadId, &state));
    host::RaiseInterrupt(42);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ID GetTaskState",
               "ErrorHook E_OS_CALLEVEL GetTaskState", "ShutdownHook E_OK"});
  EXPECT_EQ(kBadId, Errors()[0].params[0]);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(&state), Errors()[0].params[1]);
}
#endif

}  // namespace

namespace {

TEST_F(Kernel, TaskReturningWithoutTerminateTaskIsTerminated) {
  // Undefined in OSEK OS 2.2.3 (13.2.3.2); Tandem terminates the task (docs/kernel.md).
  OnTask(Low, [] { Log("Low returns"); });
  OnTask(High, [] { Log("High returns"); });
  EndWhenIdle();
  RunMain([] {
    ActivateTask(High);
    ActivateTask(Low);
    Log("Main returns");
  });
  ExpectTrace({"StartupHook", "High returns", "Main returns", "Low returns", "ShutdownHook E_OK"});
}

}  // namespace

namespace {

TEST_F(Kernel, TaskReturningWithAResourceHasItReleasedAndTheErrorReported) {
  // Undefined in OSEK OS 2.2.3; Tandem releases the resource, reports E_OS_RESOURCE in extended
  // status and terminates the task, so the system goes on (docs/kernel.md).
  OnTask(High, [] {
    Log("High takes R1 and returns");
    EXPECT_STATUS(E_OK, GetResource(R1));
  });
  EndWhenIdle();
  RunMain([] {
    ActivateTask(High);
    Log("Main after High");
    // R1 is free again: Main can take it.
    EXPECT_STATUS(E_OK, GetResource(R1));
    EXPECT_STATUS(E_OK, ReleaseResource(R1));
    Log("Main took R1");
  });
#if TANDEM_TEST_EXTENDED
  ExpectTrace({"StartupHook", "High takes R1 and returns", "ErrorHook E_OS_RESOURCE TerminateTask",
               "Main after High", "Main took R1", "ShutdownHook E_OK"});
#else
  ExpectTrace({"StartupHook", "High takes R1 and returns", "Main after High", "Main took R1",
               "ShutdownHook E_OK"});
#endif
}

TEST_F(Kernel, TaskEndingInsideSuspendAllDoesNotLeaveInterruptsOffForTheNext) {
  // Standard status: TerminateTask ends the task and its sections. Extended status: it is
  // E_OS_DISABLEDINT there, and the task ends when its body returns, its sections with it.
  OnTask(High, [] {
    SuspendAllInterrupts();
    SuspendOSInterrupts();
    Log("High terminates suspended");
    TerminateTask();
  });
  EndWhenIdle();
  RunMain([] {
    ActivateTask(High);
    EXPECT_FALSE(host::InterruptsDisabled());
    Log("Main runs with interrupts on");
  });
  if (kExtended) {
    ExpectTrace({"StartupHook", "High terminates suspended",
                 "ErrorHook E_OS_DISABLEDINT TerminateTask", "Main runs with interrupts on",
                 "ShutdownHook E_OK"});
  } else {
    ExpectTrace({"StartupHook", "High terminates suspended", "Main runs with interrupts on",
                 "ShutdownHook E_OK"});
  }
}

}  // namespace
