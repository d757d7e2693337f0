// The six interrupt services (OSEK OS 2.2.3 13.3): Disable/EnableAllInterrupts (not nested),
// Suspend/ResumeAllInterrupts and Suspend/ResumeOSInterrupts (nested, an unpaired Resume is
// ignored). They return no status; the tests observe which interrupts are taken and when.
#include "unit_test.h"

namespace {

constexpr uint32_t kI2a = 40;  // category 2, above every task
constexpr uint32_t kI1 = 42;   // category 1, above everything

TEST_F(Kernel, DisableAllInterruptsHoldsEveryInterruptUntilEnable) {
  RunMain([] {
    DisableAllInterrupts();
    EXPECT_TRUE(host::InterruptsDisabled());
    host::RaiseInterrupt(kI2a);
    host::RaiseInterrupt(kI1);
    Log("raised while disabled");
    EXPECT_TRUE(host::IsPending(kI2a));
    EnableAllInterrupts();
    EXPECT_FALSE(host::InterruptsDisabled());
    Log("enabled");
    ShutdownOS(E_OK);
  });
  // Highest level first once the gate opens.
  ExpectTrace(
      {"StartupHook", "raised while disabled", "I1", "I2a", "enabled", "ShutdownHook E_OK"});
}

TEST_F(Kernel, EnableAllInterruptsWithoutDisableIsIgnored) {
  RunMain([] {
    EnableAllInterrupts();
    SuspendAllInterrupts();
    EnableAllInterrupts();  // no DisableAllInterrupts to undo: must not open the gate
    host::RaiseInterrupt(kI2a);
    Log("still suspended");
    ResumeAllInterrupts();
    Log("resumed");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "still suspended", "I2a", "resumed", "ShutdownHook E_OK"});
}

TEST_F(Kernel, SuspendAllInterruptsNestsAndOnlyTheOutermostResumeEnables) {
  RunMain([] {
    SuspendAllInterrupts();
    SuspendAllInterrupts();
    SuspendAllInterrupts();
    host::RaiseInterrupt(kI1);
    ResumeAllInterrupts();
    Log("depth 2");
    ResumeAllInterrupts();
    Log("depth 1");
    EXPECT_TRUE(host::InterruptsDisabled());
    ResumeAllInterrupts();
    Log("depth 0");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "depth 2", "depth 1", "I1", "depth 0", "ShutdownHook E_OK"});
}

TEST_F(Kernel, UnpairedResumeAllInterruptsIsIgnored) {
  RunMain([] {
    ResumeAllInterrupts();  // nothing to resume: must not make the next pair unbalanced
    ResumeAllInterrupts();
    SuspendAllInterrupts();
    host::RaiseInterrupt(kI2a);
    Log("suspended");
    ResumeAllInterrupts();
    Log("resumed");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "suspended", "I2a", "resumed", "ShutdownHook E_OK"});
}

TEST_F(Kernel, SuspendOSInterruptsMasksCategory2ButNotCategory1) {
  RunMain([] {
    SuspendOSInterrupts();
    EXPECT_EQ(Cat2TopLevel(), host::CurrentLevel());
    host::RaiseInterrupt(kI2a);
    Log("I2a held");
    host::RaiseInterrupt(kI1);
    Log("after I1");
    host::AdvanceTicks(1);  // the system timer is category 2 as well
    EXPECT_EQ(0u, host::TicksDelivered());
    SuspendOSInterrupts();
    ResumeOSInterrupts();
    Log("inner resume");
    EXPECT_TRUE(host::IsPending(kI2a));
    ResumeOSInterrupts();
    Log("outer resume");
    EXPECT_EQ(1u, host::TicksDelivered());
    EXPECT_EQ(TaskLevel(Main), host::CurrentLevel());
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a held", "I1", "after I1", "inner resume", "I2a", "outer resume",
               "ShutdownHook E_OK"});
}

TEST_F(Kernel, UnpairedResumeOSInterruptsIsIgnored) {
  RunMain([] {
    ResumeOSInterrupts();
    EXPECT_EQ(TaskLevel(Main), host::CurrentLevel());
    SuspendOSInterrupts();
    host::RaiseInterrupt(kI2a);
    Log("suspended");
    ResumeOSInterrupts();
    Log("resumed");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "suspended", "I2a", "resumed", "ShutdownHook E_OK"});
}

TEST_F(Kernel, InterruptServicesNestInsideEachOther) {
  RunMain([] {
    SuspendOSInterrupts();
    SuspendAllInterrupts();
    host::RaiseInterrupt(kI1);
    host::RaiseInterrupt(kI2a);
    ResumeAllInterrupts();  // the category 1 ISR may run now, category 2 still masked
    Log("all resumed");
    ResumeOSInterrupts();
    Log("os resumed");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I1", "all resumed", "I2a", "os resumed", "ShutdownHook E_OK"});
}

TEST_F(Kernel, InterruptServicesInsideIsrsArePairedThere) {
  OnIsr(I2a, [] {
    SuspendAllInterrupts();
    host::RaiseInterrupt(41);  // I2b, higher: held by the suspension
    Log("I2a suspended");
    ResumeAllInterrupts();
    Log("I2a resumed");
    DisableAllInterrupts();
    host::RaiseInterrupt(kI1);
    Log("I2a disabled");
    EnableAllInterrupts();
    Log("I2a end");
  });
  OnIsr(I1, [] {
    SuspendOSInterrupts();
    ResumeOSInterrupts();
    Log("I1");
  });
  RunMain([] {
    host::RaiseInterrupt(kI2a);
    EXPECT_FALSE(host::InterruptsDisabled());
    EXPECT_EQ(TaskLevel(Main), host::CurrentLevel());
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a suspended", "I2b", "I2a resumed", "I2a disabled", "I1",
               "I2a end", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ServicesInsideDisableAllInterruptsKeepInterruptsDisabled) {
  // A kernel service's own critical section must restore, not force, the interrupt state (in
  // extended status the service is refused there, its ErrorHook run included).
  RunMain([] {
    DisableAllInterrupts();
    TaskType t = INVALID_TASK;
    EXPECT_STATUS(kExtended ? E_OS_DISABLEDINT : E_OK, GetTaskID(&t));
    host::RaiseInterrupt(kI2a);
    EXPECT_TRUE(host::InterruptsDisabled());
    Log("still disabled");
    EnableAllInterrupts();
    ShutdownOS(E_OK);
  });
  if (kExtended) {
    ExpectTrace({"StartupHook", "ErrorHook E_OS_DISABLEDINT GetTaskID", "still disabled", "I2a",
                 "ShutdownHook E_OK"});
  } else {
    ExpectTrace({"StartupHook", "still disabled", "I2a", "ShutdownHook E_OK"});
  }
}

}  // namespace
