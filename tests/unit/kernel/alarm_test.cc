// Counters and alarms (OSEK OS 2.2.3 9, 13.6): GetAlarmBase, GetAlarm, SetRelAlarm, SetAbsAlarm,
// CancelAlarm and Tandem's IncrementCounter; every alarm action; cyclic and single-shot alarms;
// counter wrap-around at MAXALLOWEDVALUE; the system counter driven by the system timer.
#include "unit_test.h"

namespace {

constexpr uint32_t kI2a = 40;
constexpr uint32_t kI1 = 42;

void Tick(int n) {
  for (int i = 0; i < n; ++i) EXPECT_STATUS(E_OK, IncrementCounter(SoftCounter));
}

void LogHigh() {
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
}

TEST_F(Kernel, GetAlarmBaseReturnsTheCounterConstants) {
  RunMain([] {
    AlarmBaseType b{};
    EXPECT_STATUS(E_OK, GetAlarmBase(AlarmAct, &b));
    EXPECT_EQ(9u, b.maxallowedvalue);
    EXPECT_EQ(2u, b.ticksperbase);
    EXPECT_EQ(3u, b.mincycle);
    EXPECT_EQ(OSMAXALLOWEDVALUE_SoftCounter, b.maxallowedvalue);
    EXPECT_EQ(OSTICKSPERBASE_SoftCounter, b.ticksperbase);
    EXPECT_EQ(OSMINCYCLE_SoftCounter, b.mincycle);
    EXPECT_STATUS(E_OK, GetAlarmBase(AlarmSys, &b));
    EXPECT_EQ(OSMAXALLOWEDVALUE, b.maxallowedvalue);
    EXPECT_EQ(OSTICKSPERBASE, b.ticksperbase);
    EXPECT_EQ(OSMINCYCLE, b.mincycle);
    EXPECT_EQ(100u, OSMAXALLOWEDVALUE_SystemCounter);
    EXPECT_EQ(1000000u, OSTICKDURATION);
    ShutdownOS(E_OK);
  });
  EXPECT_TRUE(Errors().empty());
}

TEST_F(Kernel, SingleShotRelativeAlarmActivatesATask) {
  LogHigh();
  RunMain([] {
    EXPECT_STATUS(E_OK, SetRelAlarm(AlarmAct, 2, 0));
    TickType left = 0;
    EXPECT_STATUS(E_OK, GetAlarm(AlarmAct, &left));
    EXPECT_EQ(2u, left);
    Tick(1);
    EXPECT_STATUS(E_OK, GetAlarm(AlarmAct, &left));
    EXPECT_EQ(1u, left);
    Log("tick 1");
    Tick(1);
    Log("tick 2");
    EXPECT_STATUS(E_OS_NOFUNC, GetAlarm(AlarmAct, &left));  // single shot: no longer in use
    Tick(10);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "tick 1", "High", "tick 2", "ErrorHook E_OS_NOFUNC GetAlarm",
               "ShutdownHook E_OK"});
}

TEST_F(Kernel, CyclicAlarmExpiresEveryCycle) {
  int runs = 0;
  OnTask(High, [&runs] {
    Log("High " + std::to_string(++runs));
    TerminateTask();
  });
  RunMain([] {
    EXPECT_STATUS(E_OK, SetRelAlarm(AlarmAct, 1, 3));
    for (int t = 1; t <= 8; ++t) {
      Tick(1);
      Log("t" + std::to_string(t));
    }
    EXPECT_STATUS(E_OK, CancelAlarm(AlarmAct));
    Tick(5);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "High 1", "t1", "t2", "t3", "High 2", "t4", "t5", "t6", "High 3",
               "t7", "t8", "ShutdownHook E_OK"});
}

TEST_F(Kernel, AbsoluteAlarmExpiresAtTheGivenCounterValue) {
  LogHigh();
  RunMain([] {
    Tick(1);  // counter = 1
    EXPECT_STATUS(E_OK, SetAbsAlarm(AlarmAct, 3, 0));
    TickType left = 0;
    GetAlarm(AlarmAct, &left);
    EXPECT_EQ(2u, left);
    Tick(1);
    Log("counter 2");
    Tick(1);
    Log("counter 3");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "counter 2", "High", "counter 3", "ShutdownHook E_OK"});
}

TEST_F(Kernel, CounterWrapsAroundAtMaxAllowedValue) {
  LogHigh();
  RunMain([] {
    Tick(8);                                           // counter = 8, MAXALLOWEDVALUE = 9
    EXPECT_STATUS(E_OK, SetRelAlarm(AlarmAct, 3, 0));  // expires at (8 + 3) mod 10 = 1
    TickType left = 0;
    GetAlarm(AlarmAct, &left);
    EXPECT_EQ(3u, left);
    Tick(1);
    Log("counter 9");
    Tick(1);
    Log("counter 0");
    GetAlarm(AlarmAct, &left);
    EXPECT_EQ(1u, left);
    Tick(1);
    Log("counter 1");
    EXPECT_STATUS(E_OK, SetAbsAlarm(AlarmAct, 0, 0));  // behind us: after the next wrap
    GetAlarm(AlarmAct, &left);
    EXPECT_EQ(9u, left);
    Tick(8);
    Log("counter 9 again");
    Tick(1);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "counter 9", "counter 0", "High", "counter 1", "counter 9 again",
               "High", "ShutdownHook E_OK"});
}

TEST_F(Kernel, AbsoluteAlarmAtTheCurrentValueWaitsAFullCounterCycle) {
  LogHigh();
  RunMain([] {
    Tick(4);
    EXPECT_STATUS(E_OK, SetAbsAlarm(AlarmAct, 4, 0));
    TickType left = 0;
    GetAlarm(AlarmAct, &left);
    EXPECT_EQ(10u, left);  // MAXALLOWEDVALUE + 1 ticks
    Tick(9);
    Log("9 ticks");
    Tick(1);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "9 ticks", "High", "ShutdownHook E_OK"});
}

TEST_F(Kernel, CyclicAlarmWithMaximalCycleAcrossTheWrap) {
  LogHigh();
  RunMain([] {
    EXPECT_STATUS(E_OK, SetRelAlarm(AlarmAct, 9, 9));  // increment and cycle = MAXALLOWEDVALUE
    Tick(9);
    Log("first");
    Tick(9);
    Log("second");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "High", "first", "High", "second", "ShutdownHook E_OK"});
}

TEST_F(Kernel, SetEventActionReleasesAWaitingTask) {
  OnTask(Ext, [] {
    WaitEvent(E1);
    Log("Ext woke by alarm");
    TerminateTask();
  });
  RunMain([] {
    ActivateTask(Ext);
    SetRelAlarm(AlarmEv, 1, 0);
    Tick(1);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Ext woke by alarm", "ShutdownHook E_OK"});
}

TEST_F(Kernel, SetEventActionOnASuspendedTaskReportsEOsState) {
  RunMain([] {
    SetRelAlarm(AlarmEv, 1, 0);
    Tick(1);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_STATE SetEvent", "ShutdownHook E_OK"});
  EXPECT_EQ(Ext, LastError().params[0]);
  EXPECT_EQ(E1, LastError().params[1]);
}

TEST_F(Kernel, ActivateTaskActionBeyondTheLimitReportsELimit) {
  RunMain([] {
    GetResource(R1);  // High cannot run yet
    SetRelAlarm(AlarmAct, 1, 3);
    Tick(4);
    ReleaseResource(R1);
    CancelAlarm(AlarmAct);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_LIMIT ActivateTask", "High", "ShutdownHook E_OK"});
  EXPECT_EQ(High, LastError().params[0]);
}

TEST_F(Kernel, CallbackActionRunsTheAlarmCallback) {
  OnCallback("Cb", [] {
    Log("Cb");
    // Only the interrupt services are allowed in a callback (OSEK 13.6 / 9.2 call levels).
    if (kExtended) {
      EXPECT_STATUS(E_OS_CALLEVEL, ActivateTask(Low));
    }
  });
  RunMain([] {
    SetRelAlarm(AlarmCb, 2, 0);
    Tick(2);
    Log("after");
    ShutdownOS(E_OK);
  });
  if (kExtended) {
    ExpectTrace({"StartupHook", "Cb", "ErrorHook E_OS_CALLEVEL ActivateTask", "after",
                 "ShutdownHook E_OK"});
  } else {
    ExpectTrace({"StartupHook", "Cb", "after", "ShutdownHook E_OK"});
  }
}

TEST_F(Kernel, AlarmCallbackRunsWithCategory2InterruptsMasked) {
  // OSEK OS 2.2.3 9.2: alarm callbacks run with category 2 interrupts disabled. A callback may
  // use Suspend/ResumeAllInterrupts; the Resume must restore the state the callback started
  // in, not enable interrupts in the middle of the kernel's alarm processing.
  OnCallback("Cb", [] {
    SuspendAllInterrupts();
    host::RaiseInterrupt(kI2a);
    ResumeAllInterrupts();
    Log("Cb end");
  });
  RunMain([] {
    SetRelAlarm(AlarmCb, 1, 0);
    Tick(1);
    Log("after");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "Cb end", "I2a", "after", "ShutdownHook E_OK"});
}

TEST_F(Kernel, IncrementCounterActionDrivesASecondCounter) {
  OnTask(Low, [] {
    Log("Low");
    ShutdownOS(E_OK);
  });
  RunMain([] {
    EXPECT_STATUS(E_OK, SetRelAlarm(AlarmInc, 1, 3));  // Counter2 += 1 every 3 SoftCounter ticks
    EXPECT_STATUS(E_OK, SetRelAlarm(AlarmOnC2, 2, 0));
    Tick(1);
    Log("Counter2 at 1");
    Tick(3);
    Log("Counter2 at 2");
    TerminateTask();
  });
  ExpectTrace({"StartupHook", "Counter2 at 1", "Counter2 at 2", "Low", "ShutdownHook E_OK"});
}

TEST_F(Kernel, CancelAlarmStopsTheAlarm) {
  LogHigh();
  RunMain([] {
    SetRelAlarm(AlarmAct, 2, 0);
    EXPECT_STATUS(E_OK, CancelAlarm(AlarmAct));
    Tick(5);
    EXPECT_STATUS(E_OS_NOFUNC, CancelAlarm(AlarmAct));
    Log("nothing fired");
    ShutdownOS(E_OK);
  });
  ExpectTrace(
      {"StartupHook", "ErrorHook E_OS_NOFUNC CancelAlarm", "nothing fired", "ShutdownHook E_OK"});
}

TEST_F(Kernel, AlarmInUseIsEOsStateForSetRelAndSetAbs) {
  RunMain([] {
    SetRelAlarm(AlarmAct, 2, 0);
    EXPECT_STATUS(E_OS_STATE, SetRelAlarm(AlarmAct, 3, 0));
    EXPECT_STATUS(E_OS_STATE, SetAbsAlarm(AlarmAct, 3, 0));
    TickType left = 0;
    GetAlarm(AlarmAct, &left);
    EXPECT_EQ(2u, left);  // the failed calls did not re-arm it
    CancelAlarm(AlarmAct);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_STATE SetRelAlarm",
               "ErrorHook E_OS_STATE SetAbsAlarm", "ShutdownHook E_OK"});
}

TEST_F(Kernel, GetAlarmOfAnUnusedAlarmIsENofunc) {
  RunMain([] {
    TickType left = 0;
    EXPECT_STATUS(E_OS_NOFUNC, GetAlarm(AlarmCb, &left));
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_NOFUNC GetAlarm", "ShutdownHook E_OK"});
}

TEST_F(Kernel, AlarmServicesFromACategory2Isr) {
  LogHigh();
  OnIsr(I2a, [] {
    EXPECT_STATUS(E_OK, SetRelAlarm(AlarmAct, 1, 0));
    TickType left = 0;
    EXPECT_STATUS(E_OK, GetAlarm(AlarmAct, &left));
    EXPECT_STATUS(E_OK, IncrementCounter(SoftCounter));  // expires: High waits for the ISR end
    Log("I2a end");
  });
  RunMain([] {
    host::RaiseInterrupt(kI2a);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a end", "High", "ShutdownHook E_OK"});
}

TEST_F(Kernel, SystemCounterAlarmFollowsTheSystemTimer) {
  OnTask(High, [] {
    Log("High at tick " + std::to_string(host::TicksDelivered()));
    ShutdownOS(E_OK);
  });
  OnIdle([] { host::AdvanceTicks(1); });
  RunMain([] {
    EXPECT_STATUS(E_OK, SetRelAlarm(AlarmSys, 3, 0));
    TerminateTask();
  });
  ExpectTrace({"StartupHook", "High at tick 3", "ShutdownHook E_OK"});
}

TEST_F(Kernel, SystemTimerTicksAreHeldWhileMaskedAndNoneIsLost) {
  int runs = 0;
  OnTask(High, [&runs] {
    ++runs;
    TerminateTask();
  });
  RunMain([&runs] {
    EXPECT_STATUS(E_OK, SetRelAlarm(AlarmSys, 2, 2));
    SuspendOSInterrupts();
    host::AdvanceTicks(4);
    EXPECT_EQ(0u, host::TicksDelivered());
    ResumeOSInterrupts();
    EXPECT_EQ(4u, host::TicksDelivered());
    EXPECT_EQ(1, runs);  // two expiries, but High was activated once before it could run
    CancelAlarm(AlarmSys);
    ShutdownOS(E_OK);
  });
  ASSERT_EQ(1u, Errors().size());
  EXPECT_EQ(E_OS_LIMIT, Errors()[0].error);
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, AlarmServicesInvalidIdIsEOsId) {
  RunMain([] {
    AlarmBaseType b{};
    TickType t = 0;
    EXPECT_STATUS(E_OS_ID, GetAlarmBase(kBadId, &b));
    EXPECT_STATUS(E_OS_ID, GetAlarm(kBadId, &t));
    EXPECT_STATUS(E_OS_ID, SetRelAlarm(kBadId, 1, 0));
    EXPECT_STATUS(E_OS_ID, SetAbsAlarm(kBadId, 1, 0));
    EXPECT_STATUS(E_OS_ID, CancelAlarm(kBadId));
    EXPECT_STATUS(E_OS_ID, IncrementCounter(kBadId));
    EXPECT_STATUS(E_OS_ID, IncrementCounter(SystemCounter));  // driven by the timer only
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ID GetAlarmBase", "ErrorHook E_OS_ID GetAlarm",
               "ErrorHook E_OS_ID SetRelAlarm", "ErrorHook E_OS_ID SetAbsAlarm",
               "ErrorHook E_OS_ID CancelAlarm", "ErrorHook E_OS_ID IncrementCounter",
               "ErrorHook E_OS_ID IncrementCounter", "ShutdownHook E_OK"});
}

TEST_F(Kernel, AlarmValuesOutOfRangeAreEOsValue) {
  // SoftCounter: MAXALLOWEDVALUE 9, MINCYCLE 3.
  RunMain([] {
    EXPECT_STATUS(E_OS_VALUE, SetRelAlarm(AlarmAct, 0, 0));
    EXPECT_STATUS(E_OS_VALUE, SetRelAlarm(AlarmAct, 10, 0));
    EXPECT_STATUS(E_OS_VALUE, SetRelAlarm(AlarmAct, 1, 2));
    EXPECT_STATUS(E_OS_VALUE, SetRelAlarm(AlarmAct, 1, 10));
    EXPECT_STATUS(E_OS_VALUE, SetAbsAlarm(AlarmAct, 10, 0));
    EXPECT_STATUS(E_OS_VALUE, SetAbsAlarm(AlarmAct, 1, 2));
    EXPECT_STATUS(E_OS_VALUE, SetAbsAlarm(AlarmAct, 1, 10));
    // The limits themselves are valid.
    EXPECT_STATUS(E_OK, SetRelAlarm(AlarmAct, 9, 3));
    CancelAlarm(AlarmAct);
    EXPECT_STATUS(E_OK, SetAbsAlarm(AlarmAct, 0, 9));
    CancelAlarm(AlarmAct);
    ShutdownOS(E_OK);
  });
  ASSERT_EQ(7u, Errors().size());
  for (const ErrorRecord& e : Errors()) EXPECT_EQ(E_OS_VALUE, e.error);
  EXPECT_EQ(OSServiceId_SetRelAlarm, Errors()[3].service);
  EXPECT_EQ(10u, Errors()[3].params[2]);
  EXPECT_EQ(OSServiceId_SetAbsAlarm, Errors()[4].service);
  EXPECT_EQ(10u, Errors()[4].params[1]);
}

TEST_F(Kernel, AlarmServicesFromCategory1IsrAreECallevel) {
  OnIsr(I1, [] {
    AlarmBaseType b{};
    TickType t = 0;
    EXPECT_STATUS(E_OS_CALLEVEL, GetAlarmBase(AlarmAct, &b));
    EXPECT_STATUS(E_OS_CALLEVEL, GetAlarm(AlarmAct, &t));
    EXPECT_STATUS(E_OS_CALLEVEL, SetRelAlarm(AlarmAct, 1, 0));
    EXPECT_STATUS(E_OS_CALLEVEL, SetAbsAlarm(AlarmAct, 1, 0));
    EXPECT_STATUS(E_OS_CALLEVEL, CancelAlarm(AlarmAct));
    EXPECT_STATUS(E_OS_CALLEVEL, IncrementCounter(SoftCounter));
  });
  RunMain([] {
    host::RaiseInterrupt(kI1);
    ShutdownOS(E_OK);
  });
  ASSERT_EQ(6u, Errors().size());
  for (const ErrorRecord& e : Errors()) EXPECT_EQ(E_OS_CALLEVEL, e.error);
}
#endif

}  // namespace

namespace {

TEST_F(Kernel, AlarmsExpiringOnTheSameTickAllAct) {
  OnCallback("Cb", [] { Log("Cb"); });
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  RunMain([] {
    SetRelAlarm(AlarmAct, 2, 0);
    SetAbsAlarm(AlarmCb, 2, 0);
    SetRelAlarm(AlarmInc, 2, 0);
    Tick(2);
    Log("after tick 2");
    TickType left = 0;
    EXPECT_STATUS(E_OS_NOFUNC, GetAlarm(AlarmInc, &left));
    ShutdownOS(E_OK);
  });
  // The callback runs inside the tick, High at the end of IncrementCounter.
  ExpectTrace({"StartupHook", "Cb", "High", "after tick 2", "ErrorHook E_OS_NOFUNC GetAlarm",
               "ShutdownHook E_OK"});
}

TEST_F(Kernel, CyclicAlarmIsInUseAgainRightAfterExpiry) {
  RunMain([] {
    SetRelAlarm(AlarmCb, 2, 4);
    Tick(2);
    TickType left = 0;
    EXPECT_STATUS(E_OK, GetAlarm(AlarmCb, &left));
    EXPECT_EQ(4u, left);
    EXPECT_STATUS(E_OS_STATE, SetRelAlarm(AlarmCb, 1, 0));
    CancelAlarm(AlarmCb);
    ShutdownOS(E_OK);
  });
  ExpectTrace(
      {"StartupHook", "callback Cb", "ErrorHook E_OS_STATE SetRelAlarm", "ShutdownHook E_OK"});
}

}  // namespace
