// Services called inside an interrupt critical section (issue 10 item 3). Extended status: every
// service that returns a StatusType does nothing there and returns E_OS_DISABLEDINT, with the
// ErrorHook (AUTOSAR OS SWS_Os_00093, a Tandem extension of OSEK OS 2.2.3 13.3). The interrupt
// services themselves, GetActiveApplicationMode and ShutdownOS stay allowed. A hook, an ISR and
// an alarm callback have sections of their own: the section of the task they interrupt or serve
// is not theirs.
#include "unit_test.h"

namespace {

struct Section {
  const char* name;
  void (*enter)();
  void (*leave)();
};

constexpr Section kSections[] = {
    {"DisableAllInterrupts", &DisableAllInterrupts, &EnableAllInterrupts},
    {"SuspendAllInterrupts", &SuspendAllInterrupts, &ResumeAllInterrupts},
    {"SuspendOSInterrupts", &SuspendOSInterrupts, &ResumeOSInterrupts},
};

#if TANDEM_TEST_EXTENDED
// Each service with a status, with parameters it would act on outside a section.
void CallEveryServiceWithAStatus() {
  TaskType t = INVALID_TASK;
  TaskStateType s = SUSPENDED;
  EventMaskType ev = 0;
  AlarmBaseType base{};
  TickType tick = 0;
  EXPECT_STATUS(E_OS_DISABLEDINT, ActivateTask(Low));
  EXPECT_STATUS(E_OS_DISABLEDINT, TerminateTask());
  EXPECT_STATUS(E_OS_DISABLEDINT, ChainTask(Low));
  EXPECT_STATUS(E_OS_DISABLEDINT, Schedule());
  EXPECT_STATUS(E_OS_DISABLEDINT, GetTaskID(&t));
  EXPECT_STATUS(E_OS_DISABLEDINT, GetTaskState(Low, &s));
  EXPECT_STATUS(E_OS_DISABLEDINT, GetResource(R1));
  EXPECT_STATUS(E_OS_DISABLEDINT, ReleaseResource(R1));
  EXPECT_STATUS(E_OS_DISABLEDINT, SetEvent(Ext, E1));
  EXPECT_STATUS(E_OS_DISABLEDINT, ClearEvent(E1));
  EXPECT_STATUS(E_OS_DISABLEDINT, GetEvent(Ext, &ev));
  EXPECT_STATUS(E_OS_DISABLEDINT, WaitEvent(E1));
  EXPECT_STATUS(E_OS_DISABLEDINT, GetAlarmBase(AlarmAct, &base));
  EXPECT_STATUS(E_OS_DISABLEDINT, GetAlarm(AlarmAct, &tick));
  EXPECT_STATUS(E_OS_DISABLEDINT, SetRelAlarm(AlarmAct, 1, 0));
  EXPECT_STATUS(E_OS_DISABLEDINT, SetAbsAlarm(AlarmAct, 1, 0));
  EXPECT_STATUS(E_OS_DISABLEDINT, CancelAlarm(AlarmAct));
  EXPECT_STATUS(E_OS_DISABLEDINT, IncrementCounter(SoftCounter));
  EXPECT_EQ(INVALID_TASK, t);  // nothing written
  EXPECT_EQ(SUSPENDED, s);
}

constexpr OSServiceIdType kEveryServiceWithAStatus[] = {
    OSServiceId_ActivateTask, OSServiceId_TerminateTask,   OSServiceId_ChainTask,
    OSServiceId_Schedule,     OSServiceId_GetTaskID,       OSServiceId_GetTaskState,
    OSServiceId_GetResource,  OSServiceId_ReleaseResource, OSServiceId_SetEvent,
    OSServiceId_ClearEvent,   OSServiceId_GetEvent,        OSServiceId_WaitEvent,
    OSServiceId_GetAlarmBase, OSServiceId_GetAlarm,        OSServiceId_SetRelAlarm,
    OSServiceId_SetAbsAlarm,  OSServiceId_CancelAlarm,     OSServiceId_IncrementCounter};

TEST_F(Kernel, EveryServiceWithAStatusIsEOsDisabledIntInsideEachSectionAndDoesNothing) {
  for (const Section& section : kSections) {
    SCOPED_TRACE(section.name);
    Reset();
    RunMain([&section] {
      section.enter();
      CallEveryServiceWithAStatus();
      EXPECT_EQ(OSDEFAULTAPPMODE, GetActiveApplicationMode());  // no status: allowed
      section.leave();
      // Nothing was done: Low was not activated, R1 not occupied, the alarm not armed.
      TaskStateType s = RUNNING;
      EXPECT_STATUS(E_OK, GetTaskState(Low, &s));
      EXPECT_EQ(SUSPENDED, s);
      EXPECT_STATUS(E_OK, GetResource(R1));
      EXPECT_STATUS(E_OK, ReleaseResource(R1));
      EXPECT_STATUS(E_OK, SetRelAlarm(AlarmAct, 5, 0));
      EXPECT_STATUS(E_OK, CancelAlarm(AlarmAct));
      ShutdownOS(E_OK);
    });
    ASSERT_EQ(std::size(kEveryServiceWithAStatus), Errors().size());
    for (size_t i = 0; i < Errors().size(); ++i) {
      EXPECT_EQ(E_OS_DISABLEDINT, Errors()[i].error) << i;
      EXPECT_STREQ(ServiceName(kEveryServiceWithAStatus[i]), ServiceName(Errors()[i].service));
    }
  }
}

TEST_F(Kernel, AHookIsNotInsideTheSectionOfTheTaskWhoseServiceCalledIt) {
  // The ErrorHook of a refused service runs with no section of its own open: its services
  // work; inside its own Suspend/Resume pair they are refused in turn (without a nested hook).
  OnErrorHook([](StatusType) {
    TaskType t = INVALID_TASK;
    EXPECT_STATUS(E_OK, GetTaskID(&t));
    EXPECT_EQ(Main, t);
    SuspendAllInterrupts();
    EXPECT_STATUS(E_OS_DISABLEDINT, GetTaskID(&t));
    ResumeAllInterrupts();
  });
  RunMain([] {
    SuspendAllInterrupts();
    EXPECT_STATUS(E_OS_DISABLEDINT, ActivateTask(Low));
    EXPECT_TRUE(host::InterruptsDisabled());
    ResumeAllInterrupts();
    EXPECT_FALSE(host::InterruptsDisabled());
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_DISABLEDINT ActivateTask", "ShutdownHook E_OK"});
}

TEST_F(Kernel, AnAlarmCallbackHasSectionsOfItsOwn) {
  // The callback's unpaired ResumeAllInterrupts must not end the section of the task whose
  // IncrementCounter ran it, nor its own SuspendAllInterrupts leak into that task.
  OnCallback("Cb", [] {
    ResumeAllInterrupts();
    SuspendAllInterrupts();
    Log("callback Cb");
  });
  RunMain([] {
    SetRelAlarm(AlarmCb, 1, 0);
    IncrementCounter(SoftCounter);
    EXPECT_FALSE(host::InterruptsDisabled());
    TaskType t = INVALID_TASK;
    EXPECT_STATUS(E_OK, GetTaskID(&t));  // no section left open in Main
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "callback Cb", "ShutdownHook E_OK"});
}
#endif

TEST_F(Kernel, GetActiveApplicationModeAndShutdownOSAreAllowedInsideASection) {
  for (const Section& section : kSections) {
    SCOPED_TRACE(section.name);
    Reset();
    RunMain([&section] {
      section.enter();
      EXPECT_EQ(OSDEFAULTAPPMODE, GetActiveApplicationMode());
      ShutdownOS(E_OK);
    });
    ExpectTrace({"StartupHook", "ShutdownHook E_OK"});
  }
}

}  // namespace
