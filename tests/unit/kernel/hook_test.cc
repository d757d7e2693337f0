// Hook routines (OSEK OS 2.2.3 11, 13.8): ErrorHook with OSErrorGetServiceId and every
// OSError_<Service>_<Param>() macro of os.h, PreTaskHook and PostTaskHook around every switch,
// the call-level rules inside hooks.
#include "unit_test.h"

namespace {

constexpr uint32_t kI2a = 40;
constexpr uint32_t kI1 = 42;

// The ErrorHook body of the parameter-access tests: logs the service and the parameters the
// OSError_ macros of that service give.
void LogErrorParameters(StatusType) {
  std::string s;
  auto add = [&s](const char* name, uint64_t v) {
    s += std::string(" ") + name + "=" + std::to_string(v);
  };
  auto ptr = [](const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); };
  switch (OSErrorGetServiceId()) {
    case OSServiceId_ActivateTask:
      add("TaskID", OSError_ActivateTask_TaskID());
      break;
    case OSServiceId_ChainTask:
      add("TaskID", OSError_ChainTask_TaskID());
      break;
    case OSServiceId_GetTaskID:
      add("TaskID", ptr(OSError_GetTaskID_TaskID()) != 0);
      break;
    case OSServiceId_GetTaskState:
      add("TaskID", OSError_GetTaskState_TaskID());
      add("State", ptr(OSError_GetTaskState_State()) != 0);
      break;
    case OSServiceId_GetResource:
      add("ResID", OSError_GetResource_ResID());
      break;
    case OSServiceId_ReleaseResource:
      add("ResID", OSError_ReleaseResource_ResID());
      break;
    case OSServiceId_SetEvent:
      add("TaskID", OSError_SetEvent_TaskID());
      add("Mask", OSError_SetEvent_Mask());
      break;
    case OSServiceId_ClearEvent:
      add("Mask", OSError_ClearEvent_Mask());
      break;
    case OSServiceId_GetEvent:
      add("TaskID", OSError_GetEvent_TaskID());
      add("Event", ptr(OSError_GetEvent_Event()) != 0);
      break;
    case OSServiceId_WaitEvent:
      add("Mask", OSError_WaitEvent_Mask());
      break;
    case OSServiceId_GetAlarmBase:
      add("AlarmID", OSError_GetAlarmBase_AlarmID());
      add("Info", ptr(OSError_GetAlarmBase_Info()) != 0);
      break;
    case OSServiceId_GetAlarm:
      add("AlarmID", OSError_GetAlarm_AlarmID());
      add("Tick", ptr(OSError_GetAlarm_Tick()) != 0);
      break;
    case OSServiceId_SetRelAlarm:
      add("AlarmID", OSError_SetRelAlarm_AlarmID());
      add("increment", OSError_SetRelAlarm_increment());
      add("cycle", OSError_SetRelAlarm_cycle());
      break;
    case OSServiceId_SetAbsAlarm:
      add("AlarmID", OSError_SetAbsAlarm_AlarmID());
      add("start", OSError_SetAbsAlarm_start());
      add("cycle", OSError_SetAbsAlarm_cycle());
      break;
    case OSServiceId_CancelAlarm:
      add("AlarmID", OSError_CancelAlarm_AlarmID());
      break;
    case OSServiceId_IncrementCounter:
      add("CounterID", OSError_IncrementCounter_CounterID());
      break;
    default:
      add("no parameters", 0);
      break;
  }
  Log("  " + std::string(ServiceName(OSErrorGetServiceId())) + s);
}

TEST_F(Kernel, ErrorHookParametersOfStandardStatusErrors) {
  OnErrorHook(&LogErrorParameters);
  RunMain([] {
    ActivateTask(Low);
    ActivateTask(Low);  // E_OS_LIMIT
    ChainTask(Low);     // E_OS_LIMIT
    SetRelAlarm(AlarmAct, 5, 3);
    SetRelAlarm(AlarmAct, 6, 4);  // E_OS_STATE
    SetAbsAlarm(AlarmAct, 7, 5);  // E_OS_STATE
    CancelAlarm(AlarmAct);
    CancelAlarm(AlarmAct);  // E_OS_NOFUNC
    TickType t = 0;
    GetAlarm(AlarmAct, &t);  // E_OS_NOFUNC
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_LIMIT ActivateTask", "  ActivateTask TaskID=1",
               "ErrorHook E_OS_LIMIT ChainTask", "  ChainTask TaskID=1",
               "ErrorHook E_OS_STATE SetRelAlarm", "  SetRelAlarm AlarmID=0 increment=6 cycle=4",
               "ErrorHook E_OS_STATE SetAbsAlarm", "  SetAbsAlarm AlarmID=0 start=7 cycle=5",
               "ErrorHook E_OS_NOFUNC CancelAlarm", "  CancelAlarm AlarmID=0",
               "ErrorHook E_OS_NOFUNC GetAlarm", "  GetAlarm AlarmID=0 Tick=1",
               "ShutdownHook E_OK"});
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, ErrorHookParametersOfExtendedStatusErrors) {
  OnErrorHook(&LogErrorParameters);
  OnIsr(I1, [] {
    TaskType t = 0;
    GetTaskID(&t);  // E_OS_CALLEVEL: the only error GetTaskID has
  });
  RunMain([] {
    TaskStateType st = 0;
    EventMaskType ev = 0;
    AlarmBaseType base{};
    TickType tick = 0;
    GetTaskState(kBadId, &st);
    GetResource(kBadId);
    ReleaseResource(R2);  // E_OS_NOFUNC
    SetEvent(Low, E2);    // E_OS_ACCESS
    ClearEvent(E3);       // E_OS_ACCESS
    GetEvent(Ext, &ev);   // E_OS_STATE
    WaitEvent(E1 | E3);   // E_OS_ACCESS
    GetAlarmBase(kBadId, &base);
    GetAlarm(kBadId, &tick);
    SetRelAlarm(AlarmCb, 0, 1);   // E_OS_VALUE
    SetAbsAlarm(AlarmCb, 10, 1);  // E_OS_VALUE
    CancelAlarm(kBadId);
    IncrementCounter(SystemCounter);  // E_OS_ID
    host::RaiseInterrupt(kI1);
    ShutdownOS(E_OK);
  });
  const std::string e1 = std::to_string(E1), e2 = std::to_string(E2), e3 = std::to_string(E3);
  const std::string e13 = std::to_string(E1 | E3);
  ExpectTrace({"StartupHook",
               "ErrorHook E_OS_ID GetTaskState",
               "  GetTaskState TaskID=99 State=1",
               "ErrorHook E_OS_ID GetResource",
               "  GetResource ResID=99",
               "ErrorHook E_OS_NOFUNC ReleaseResource",
               "  ReleaseResource ResID=2",
               "ErrorHook E_OS_ACCESS SetEvent",
               "  SetEvent TaskID=1 Mask=" + e2,
               "ErrorHook E_OS_ACCESS ClearEvent",
               "  ClearEvent Mask=" + e3,
               "ErrorHook E_OS_STATE GetEvent",
               "  GetEvent TaskID=5 Event=1",
               "ErrorHook E_OS_ACCESS WaitEvent",
               "  WaitEvent Mask=" + e13,
               "ErrorHook E_OS_ID GetAlarmBase",
               "  GetAlarmBase AlarmID=99 Info=1",
               "ErrorHook E_OS_ID GetAlarm",
               "  GetAlarm AlarmID=99 Tick=1",
               "ErrorHook E_OS_VALUE SetRelAlarm",
               "  SetRelAlarm AlarmID=2 increment=0 cycle=1",
               "ErrorHook E_OS_VALUE SetAbsAlarm",
               "  SetAbsAlarm AlarmID=2 start=10 cycle=1",
               "ErrorHook E_OS_ID CancelAlarm",
               "  CancelAlarm AlarmID=99",
               "ErrorHook E_OS_ID IncrementCounter",
               "  IncrementCounter CounterID=0",
               "ErrorHook E_OS_CALLEVEL GetTaskID",
               "  GetTaskID TaskID=1",
               "ShutdownHook E_OK"});
  // The ids in the expected lines are those of kernel.oil.in.
  EXPECT_EQ(1, Low);
  EXPECT_EQ(5, Ext);
  EXPECT_EQ(2, R2);
  EXPECT_EQ(2, AlarmCb);
  EXPECT_EQ(0, SystemCounter);
}

TEST_F(Kernel, ErrorHookIsNotCalledRecursively) {
  OnErrorHook([](StatusType) {
    EXPECT_STATUS(E_OS_CALLEVEL, ActivateTask(Low));  // not allowed in the ErrorHook
    EXPECT_STATUS(E_OS_ID, GetTaskState(kBadId, nullptr));
  });
  RunMain([] {
    ActivateTask(kBadId);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ID ActivateTask", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ServicesForbiddenInHooksAreECallevel) {
  OnPreTaskHook([] {
    EXPECT_STATUS(E_OS_CALLEVEL, ChainTask(Low));
    EXPECT_STATUS(E_OS_CALLEVEL, Schedule());
    EXPECT_STATUS(E_OS_CALLEVEL, SetEvent(Ext, E1));
    EXPECT_STATUS(E_OS_CALLEVEL, ClearEvent(E1));
    EXPECT_STATUS(E_OS_CALLEVEL, WaitEvent(E1));
    EXPECT_STATUS(E_OS_CALLEVEL, SetRelAlarm(AlarmAct, 1, 0));
    EXPECT_STATUS(E_OS_CALLEVEL, CancelAlarm(AlarmAct));
  });
  RunMain([] { ShutdownOS(E_OK); });
  EXPECT_EQ(7u, Errors().size());
  for (const ErrorRecord& e : Errors()) EXPECT_EQ(E_OS_CALLEVEL, e.error);
}
#endif

TEST_F(Kernel, ServicesAllowedInTheErrorHook) {
  OnErrorHook([](StatusType) {
    TaskType t = INVALID_TASK;
    EXPECT_STATUS(E_OK, GetTaskID(&t));
    EXPECT_EQ(Main, t);
    TaskStateType s = SUSPENDED;
    EXPECT_STATUS(E_OK, GetTaskState(Low, &s));
    EXPECT_EQ(READY, s);
    AlarmBaseType b{};
    EXPECT_STATUS(E_OK, GetAlarmBase(AlarmAct, &b));
    TickType left = 0;
    EXPECT_STATUS(E_OK, GetAlarm(AlarmSys, &left));
    EventMaskType ev = 0;
    EXPECT_STATUS(E_OK, GetEvent(Ext, &ev));
    EXPECT_EQ(OSDEFAULTAPPMODE, GetActiveApplicationMode());
    SuspendOSInterrupts();
    ResumeOSInterrupts();
  });
  OnTask(Ext, [] {
    WaitEvent(E1);
    TerminateTask();
  });
  RunMain([] {
    ActivateTask(Ext);
    SetRelAlarm(AlarmSys, 50, 0);
    ActivateTask(Low);
    ActivateTask(Low);
    CancelAlarm(AlarmSys);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_LIMIT ActivateTask", "ShutdownHook E_OK"});
}

TEST_F(Kernel, SuspendResumeInTheErrorHookDoesNotOpenTheKernelCriticalSection) {
  OnErrorHook([](StatusType) {
    SuspendAllInterrupts();
    host::RaiseInterrupt(kI1);
    ResumeAllInterrupts();
    Log("ErrorHook end");
  });
  RunMain([] {
    ActivateTask(Low);
    ActivateTask(Low);
    Log("after the failed service");
    ShutdownOS(E_OK);
  });
  // I1 runs when the failing service leaves its critical section, not inside the hook.
  ExpectTrace({"StartupHook", "ErrorHook E_OS_LIMIT ActivateTask", "ErrorHook end", "I1",
               "after the failed service", "ShutdownHook E_OK"});
}

TEST_F(Kernel, HooksAreNotInterruptedByCategory2Isrs) {
  // OSEK OS 2.2.3 11: hook routines are not interruptible by category 2 ISRs.
  bool raised = false;
  OnPreTaskHook([&raised] {
    if (raised) return;
    raised = true;
    host::RaiseInterrupt(kI2a);
    EXPECT_TRUE(host::IsPending(kI2a));
    Log("PreTaskHook end");
  });
  RunMain([] {
    Log("Main");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "PreTaskHook end", "I2a", "Main", "ShutdownHook E_OK"});
}

TEST_F(Kernel, PreAndPostTaskHooksFrameEverySwitch) {
  TracePrePostHooks(true);
  OnTask(Ext, [] {
    Log("Ext waits");
    WaitEvent(E1);
    Log("Ext woke");
    TerminateTask();
  });
  OnTask(High, [] {
    Log("High");
    ChainTask(Low);
  });
  OnIsr(I2a, [] {
    Log("I2a");
    SetEvent(Ext, E1);
  });
  RunMain([] {
    ActivateTask(Ext);
    host::RaiseInterrupt(kI2a);
    ActivateTask(High);
    Log("Main end");
    EndWhenIdle();
    TerminateTask();
  });
  ExpectTrace({"StartupHook",       "PreTaskHook Main",
               "PostTaskHook Main", "PreTaskHook Ext",
               "Ext waits",         "PostTaskHook Ext",
               "PreTaskHook Main",  "I2a",
               "PostTaskHook Main", "PreTaskHook Ext",
               "Ext woke",          "PostTaskHook Ext",
               "PreTaskHook Main",  "PostTaskHook Main",
               "PreTaskHook High",  "High",
               "PostTaskHook High", "PreTaskHook Main",
               "Main end",          "PostTaskHook Main",
               "PreTaskHook Low",   "Low",
               "PostTaskHook Low",  "ShutdownHook E_OK"});
}

TEST_F(Kernel, PreTaskHookRunsForATaskThatRestartsItself) {
  TracePrePostHooks(true);
  int runs = 0;
  OnTask(Low, [&runs] {
    Log("Low " + std::to_string(++runs));
    if (runs < 2) ChainTask(Low);
    TerminateTask();
  });
  EndWhenIdle();
  RunMain([] { ChainTask(Low); });
  ExpectTrace({"StartupHook", "PreTaskHook Main", "PostTaskHook Main", "PreTaskHook Low", "Low 1",
               "PostTaskHook Low", "PreTaskHook Low", "Low 2", "PostTaskHook Low",
               "ShutdownHook E_OK"});
}

}  // namespace
