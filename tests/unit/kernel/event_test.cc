// Event control (OSEK OS 2.2.3 13.5): SetEvent, ClearEvent, GetEvent, WaitEvent.
#include "unit_test.h"

namespace {

constexpr uint32_t kI2a = 40;
constexpr uint32_t kI1 = 42;

TEST_F(Kernel, SetEventReleasesAWaitingHigherTaskAtOnce) {
  OnTask(Ext, [] {
    Log("Ext waits");
    EXPECT_STATUS(E_OK, WaitEvent(E1));
    EventMaskType ev = 0;
    EXPECT_STATUS(E_OK, GetEvent(Ext, &ev));
    EXPECT_EQ(E1, ev);
    Log("Ext woke");
    TerminateTask();
  });
  RunMain([] {
    ActivateTask(Ext);
    Log("Main sets E1");
    EXPECT_STATUS(E_OK, SetEvent(Ext, E1));
    Log("Main after SetEvent");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Ext waits", "Main sets E1", "Ext woke", "Main after SetEvent",
               "ShutdownHook E_OK"});
}

TEST_F(Kernel, SetEventOfAnotherEventDoesNotRelease) {
  OnTask(Ext, [] {
    WaitEvent(E1);
    Log("Ext woke");
    TerminateTask();
  });
  RunMain([] {
    ActivateTask(Ext);
    EXPECT_STATUS(E_OK, SetEvent(Ext, E2));
    TaskStateType s = RUNNING;
    GetTaskState(Ext, &s);
    EXPECT_EQ(WAITING, s);
    EventMaskType ev = 0;
    EXPECT_STATUS(E_OK, GetEvent(Ext, &ev));
    EXPECT_EQ(E2, ev);
    Log("Ext still waits");
    SetEvent(Ext, E1 | E2);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Ext still waits", "Ext woke", "ShutdownHook E_OK"});
}

TEST_F(Kernel, WaitEventReturnsAtOnceWhenAnEventIsAlreadySet) {
  OnTask(Ext, [] {
    Log("Ext start");
    EXPECT_STATUS(E_OK, WaitEvent(E1 | E2));  // E2 already set by Main: no wait
    Log("Ext passed WaitEvent");
    EXPECT_STATUS(E_OK, ClearEvent(E2));
    EventMaskType ev = E2;
    GetEvent(Ext, &ev);
    EXPECT_EQ(0u, ev);
    TerminateTask();
  });
  RunMain([] {
    GetResource(R2);  // keeps Ext from starting before its event is set
    ActivateTask(Ext);
    EXPECT_STATUS(E_OK, SetEvent(Ext, E2));
    ReleaseResource(R2);
    Log("Main end");
    ShutdownOS(E_OK);
  });
  ExpectTrace(
      {"StartupHook", "Ext start", "Ext passed WaitEvent", "Main end", "ShutdownHook E_OK"});
}

TEST_F(Kernel, SetEventOnAReadyTaskKeepsTheEventForItsWait) {
  OnTask(ExtLow, [] {
    EXPECT_STATUS(E_OK, WaitEvent(E3));
    Log("ExtLow passed WaitEvent");
    ShutdownOS(E_OK);
  });
  RunMain([] {
    ActivateTask(ExtLow);  // lower: READY, not yet running
    EXPECT_STATUS(E_OK, SetEvent(ExtLow, E3));
    TerminateTask();
  });
  ExpectTrace({"StartupHook", "ExtLow passed WaitEvent", "ShutdownHook E_OK"});
}

TEST_F(Kernel, SetEventFromAnIsrReleasesTheWaitingTaskAfterTheIsr) {
  OnTask(ExtLow, [] {
    Log("ExtLow waits");
    WaitEvent(E1);
    Log("ExtLow woke");
    ShutdownOS(E_OK);
  });
  OnIsr(I2a, [] {
    EXPECT_STATUS(E_OK, SetEvent(ExtLow, E1));
    Log("I2a end");
  });
  OnIdle([] { host::RaiseInterrupt(kI2a); });
  RunMain([] { ChainTask(ExtLow); });
  ExpectTrace({"StartupHook", "ExtLow waits", "I2a end", "ExtLow woke", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ActivationClearsTheEventsOfAnExtendedTask) {
  int runs = 0;
  OnTask(Ext, [&runs] {
    EventMaskType ev = 0xFF;
    GetEvent(Ext, &ev);
    Log("Ext run " + std::to_string(++runs) + " events " + std::to_string(ev));
    if (runs == 1) {
      SetEvent(Ext, E1 | E2);
    }
    TerminateTask();
  });
  RunMain([] {
    ActivateTask(Ext);
    ActivateTask(Ext);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Ext run 1 events 0", "Ext run 2 events 0", "ShutdownHook E_OK"});
}

TEST_F(Kernel, GetEventFromIsrAndHooks) {
  OnTask(Ext, [] {
    SetEvent(Ext, E2);
    WaitEvent(E1);
    TerminateTask();
  });
  OnIsr(I2a, [] {
    EventMaskType ev = 0;
    EXPECT_STATUS(E_OK, GetEvent(Ext, &ev));
    EXPECT_EQ(E2, ev);
    Log("I2a");
  });
  OnPostTaskHook([] {
    TaskType t = INVALID_TASK;
    GetTaskID(&t);
    if (t != Ext) return;
    EventMaskType ev = 0;
    EXPECT_STATUS(E_OK, GetEvent(Ext, &ev));
    Log("PostTaskHook Ext events " + std::to_string(ev));
  });
  RunMain([] {
    ActivateTask(Ext);
    host::RaiseInterrupt(kI2a);
    ShutdownOS(E_OK);
  });
  ExpectTrace(
      {"StartupHook", "PostTaskHook Ext events " + std::to_string(E2), "I2a", "ShutdownHook E_OK"});
}

TEST_F(Kernel, StandardStatusSetEventOnSuspendedTaskIsIgnored) {
  // Extended status reports E_OS_STATE (below); standard status has no error for SetEvent and
  // the event must not survive into the next activation.
  OnTask(Ext, [] {
    EventMaskType ev = 0xFF;
    GetEvent(Ext, &ev);
    Log("Ext events " + std::to_string(ev));
    TerminateTask();
  });
  RunMain([] {
    const StatusType s = SetEvent(Ext, E1);
    EXPECT_STATUS(kExtended ? E_OS_STATE : E_OK, s);
    ActivateTask(Ext);
    ShutdownOS(E_OK);
  });
  EXPECT_EQ("Ext events 0", Trace()[Trace().size() - 2]);
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, SetEventExtendedErrors) {
  OnIsr(I1, [] { EXPECT_STATUS(E_OS_CALLEVEL, SetEvent(Ext, E1)); });
  RunMain([] {
    EXPECT_STATUS(E_OS_ID, SetEvent(kBadId, E1));
    EXPECT_STATUS(E_OS_ACCESS, SetEvent(Low, E1));  // basic task
    EXPECT_STATUS(E_OS_STATE, SetEvent(Ext, E1));   // suspended
    host::RaiseInterrupt(kI1);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ID SetEvent", "ErrorHook E_OS_ACCESS SetEvent",
               "ErrorHook E_OS_STATE SetEvent", "ErrorHook E_OS_CALLEVEL SetEvent",
               "ShutdownHook E_OK"});
  EXPECT_EQ(Ext, Errors()[2].params[0]);
  EXPECT_EQ(E1, Errors()[2].params[1]);
}

TEST_F(Kernel, ClearEventExtendedErrors) {
  OnIsr(I2a, [] { EXPECT_STATUS(E_OS_CALLEVEL, ClearEvent(E1)); });
  RunMain([] {
    EXPECT_STATUS(E_OS_ACCESS, ClearEvent(E1));  // Main is a basic task
    host::RaiseInterrupt(kI2a);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ACCESS ClearEvent",
               "ErrorHook E_OS_CALLEVEL ClearEvent", "ShutdownHook E_OK"});
}

TEST_F(Kernel, GetEventExtendedErrors) {
  EventMaskType ev = 0;
  OnIsr(I1, [&ev] { EXPECT_STATUS(E_OS_CALLEVEL, GetEvent(Ext, &ev)); });
  RunMain([&ev] {
    EXPECT_STATUS(E_OS_ID, GetEvent(kBadId, &ev));
    EXPECT_STATUS(E_OS_ACCESS, GetEvent(Main, &ev));
    EXPECT_STATUS(E_OS_STATE, GetEvent(Ext, &ev));
    host::RaiseInterrupt(kI1);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ID GetEvent", "ErrorHook E_OS_ACCESS GetEvent",
               "ErrorHook E_OS_STATE GetEvent", "ErrorHook E_OS_CALLEVEL GetEvent",
               "ShutdownHook E_OK"});
}

TEST_F(Kernel, WaitEventExtendedErrors) {
  OnIsr(I2a, [] { EXPECT_STATUS(E_OS_CALLEVEL, WaitEvent(E1)); });
  OnTask(Ext, [] {
    GetResource(R2);
    EXPECT_STATUS(E_OS_RESOURCE, WaitEvent(E1));
    ReleaseResource(R2);
    TerminateTask();
  });
  RunMain([] {
    EXPECT_STATUS(E_OS_ACCESS, WaitEvent(E1));  // basic task
    ActivateTask(Ext);
    host::RaiseInterrupt(kI2a);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ACCESS WaitEvent",
               "ErrorHook E_OS_RESOURCE WaitEvent", "ErrorHook E_OS_CALLEVEL WaitEvent",
               "ShutdownHook E_OK"});
}
#endif

}  // namespace
