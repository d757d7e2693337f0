// Resource management (OSEK OS 2.2.3 8, 13.4): the immediate priority ceiling protocol on the
// one priority scale, nested LIFO use, RES_SCHEDULER, internal and linked resources, resources
// shared with an ISR.
#include "unit_test.h"

namespace {

constexpr uint32_t kIMid = 44;  // category 2 at PRIORITY 3: above Main (2), below Multi (3)
constexpr uint32_t kIRes = 43;  // category 2 at PRIORITY 6, shares RIsr with Main
constexpr uint32_t kI2a = 40;   // category 2 above every task
constexpr uint32_t kI1 = 42;

TEST_F(Kernel, GetResourceRaisesToTheCeilingAndReleaseLetsTheHigherTaskRun) {
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  RunMain([] {
    EXPECT_STATUS(E_OK, GetResource(R1));
    EXPECT_EQ(ResourceCeiling(R1), host::CurrentLevel());
    EXPECT_EQ(TaskLevel(High), ResourceCeiling(R1));
    ActivateTask(High);
    Log("High activated");
    EXPECT_STATUS(E_OK, ReleaseResource(R1));
    Log("released");
    EXPECT_EQ(TaskLevel(Main), host::CurrentLevel());
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "High activated", "High", "released", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ResourcesNestLastInFirstOut) {
  OnTask(Ext, [] {
    Log("Ext");
    TerminateTask();
  });
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  RunMain([] {
    EXPECT_STATUS(E_OK, GetResource(R2));  // ceiling: Ext
    EXPECT_STATUS(E_OK, GetResource(R1));  // ceiling: High
    ActivateTask(Ext);
    ActivateTask(High);
    if (kExtended) {
      EXPECT_STATUS(E_OS_NOFUNC, ReleaseResource(R2));  // not the last one taken
    }
    EXPECT_STATUS(E_OK, ReleaseResource(R1));
    Log("R1 released");
    EXPECT_EQ(ResourceCeiling(R2), host::CurrentLevel());
    EXPECT_STATUS(E_OK, ReleaseResource(R2));
    Log("R2 released");
    ShutdownOS(E_OK);
  });
  if (kExtended) {
    ExpectTrace({"StartupHook", "ErrorHook E_OS_NOFUNC ReleaseResource", "High", "R1 released",
                 "Ext", "R2 released", "ShutdownHook E_OK"});
  } else {
    ExpectTrace({"StartupHook", "High", "R1 released", "Ext", "R2 released", "ShutdownHook E_OK"});
  }
}

TEST_F(Kernel, ResSchedulerBlocksEveryTaskButNoInterrupt) {
  OnIsr(I2a, [] {
    Log("I2a");
    ActivateTask(Top);
  });
  RunMain([] {
    EXPECT_STATUS(E_OK, GetResource(RES_SCHEDULER));
    EXPECT_EQ(TopTaskLevel(), host::CurrentLevel());
    ActivateTask(Top);
    host::RaiseInterrupt(kI2a);  // ranked above every task: runs, its activation waits
    Log("holding RES_SCHEDULER");
    EXPECT_STATUS(E_OK, ReleaseResource(RES_SCHEDULER));
    Log("released");
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a", "ErrorHook E_OS_LIMIT ActivateTask", "holding RES_SCHEDULER",
               "Top", "released", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ResourceSharedWithAnIsrMasksIt) {
  OnIsr(IRes, [] {
    EXPECT_STATUS(E_OK, GetResource(RIsr));
    Log("IRes in RIsr");
    EXPECT_STATUS(E_OK, ReleaseResource(RIsr));
  });
  RunMain([] {
    EXPECT_STATUS(E_OK, GetResource(RIsr));
    EXPECT_EQ(IsrLevel(IRes), host::CurrentLevel());
    host::RaiseInterrupt(kIRes);
    EXPECT_TRUE(host::IsPending(kIRes));
    host::RaiseInterrupt(kI2a);  // above the ceiling: not masked
    Log("Main in RIsr");
    EXPECT_STATUS(E_OK, ReleaseResource(RIsr));
    Log("Main released");
    ShutdownOS(E_OK);
  });
  ExpectTrace(
      {"StartupHook", "I2a", "Main in RIsr", "IRes in RIsr", "Main released", "ShutdownHook E_OK"});
}

TEST_F(Kernel, IsrTakingAResourceRaisesItsOwnLevel) {
  OnIsr(IRes, [] {
    EXPECT_STATUS(E_OK, GetResource(RIsr));
    EXPECT_EQ(ResourceCeiling(RIsr), host::CurrentLevel());
    EXPECT_STATUS(E_OK, ReleaseResource(RIsr));
    Log("IRes");
  });
  RunMain([] {
    host::RaiseInterrupt(kIRes);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "IRes", "ShutdownHook E_OK"});
}

TEST_F(Kernel, IsrReturningWithAResourceHasItReleased) {
  OnIsr(IRes, [] { EXPECT_STATUS(E_OK, GetResource(RIsr)); });
  RunMain([] {
    host::RaiseInterrupt(kIRes);
    EXPECT_EQ(TaskLevel(Main), host::CurrentLevel());
    EXPECT_STATUS(E_OK, GetResource(RIsr));
    EXPECT_STATUS(E_OK, ReleaseResource(RIsr));
    ShutdownOS(E_OK);
  });
  EXPECT_TRUE(Errors().empty());
}

TEST_F(Kernel, InternalResourceRaisesTheTaskWhileItRuns) {
  OnTask(Multi, [] {
    Log("Multi");
    TerminateTask();
  });
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  OnTask(Internal, [] {
    EXPECT_EQ(ResourceCeiling(Rint), host::CurrentLevel());
    host::RaiseInterrupt(kIMid);  // ranked below Rint's ceiling: masked
    ActivateTask(Multi);          // same priority as the ceiling: waits
    Log("Internal after Multi");
    ActivateTask(High);  // above the ceiling: preempts
    Log("Internal after High");
    TerminateTask();
  });
  EndWhenIdle();
  RunMain([] { ChainTask(Internal); });
  ExpectTrace({"StartupHook", "Internal after Multi", "High", "Internal after High", "Multi",
               "IMid", "ShutdownHook E_OK"});
}

TEST_F(Kernel, LinkedResourceHasTheCeilingOfItsTarget) {
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  RunMain([] {
    EXPECT_STATUS(E_OK, GetResource(RL));
    EXPECT_EQ(ResourceCeiling(R1), host::CurrentLevel());
    ActivateTask(High);
    Log("holding RL");
    EXPECT_STATUS(E_OK, ReleaseResource(RL));
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "holding RL", "High", "ShutdownHook E_OK"});
}

TEST_F(Kernel, NonPreemptiveTaskHoldingAResourceStillTakesHigherInterrupts) {
  OnTask(NonPre, [] {
    host::RaiseInterrupt(kIMid);  // above NonPre's priority: taken
    Log("NonPre after IMid");
    ShutdownOS(E_OK);
  });
  RunMain([] { ChainTask(NonPre); });
  ExpectTrace({"StartupHook", "IMid", "NonPre after IMid", "ShutdownHook E_OK"});
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, GetResourceExtendedErrors) {
  OnIsr(I2a, [] {
    EXPECT_STATUS(E_OS_ACCESS, GetResource(R1));  // the ISR ranks above R1's ceiling
  });
  OnIsr(I1, [] { EXPECT_STATUS(E_OS_CALLEVEL, GetResource(RIsr)); });
  OnTask(Low, [] {
    // Not listed for Low, but Low is below R1's ceiling: allowed (OSEK OS 2.2.3 13.4.3.1).
    EXPECT_STATUS(E_OK, GetResource(R1));
    EXPECT_STATUS(E_OK, ReleaseResource(R1));
    ShutdownOS(E_OK);
  });
  RunMain([] {
    EXPECT_STATUS(E_OS_ID, GetResource(kBadId));
    EXPECT_STATUS(E_OS_ID, GetResource(Rint));  // internal resources are not for GetResource
    EXPECT_STATUS(E_OK, GetResource(R1));
    EXPECT_STATUS(E_OS_ACCESS, GetResource(R1));  // already occupied
    EXPECT_STATUS(E_OS_ACCESS, GetResource(RL));  // its alias: the same resource
    ReleaseResource(R1);
    EXPECT_STATUS(E_OK, GetResource(RL));
    EXPECT_STATUS(E_OS_ACCESS, GetResource(R1));
    ReleaseResource(RL);
    host::RaiseInterrupt(kI2a);
    host::RaiseInterrupt(kI1);
    ChainTask(Low);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ID GetResource", "ErrorHook E_OS_ID GetResource",
               "ErrorHook E_OS_ACCESS GetResource", "ErrorHook E_OS_ACCESS GetResource",
               "ErrorHook E_OS_ACCESS GetResource", "ErrorHook E_OS_ACCESS GetResource",
               "ErrorHook E_OS_CALLEVEL GetResource", "ShutdownHook E_OK"});
  EXPECT_EQ(kBadId, Errors()[0].params[0]);
}

TEST_F(Kernel, ReleaseResourceExtendedErrors) {
  OnIsr(I2a, [] {
    EXPECT_STATUS(E_OS_ACCESS, ReleaseResource(R1));  // ISR level above R1's ceiling
  });
  OnIsr(I1, [] { EXPECT_STATUS(E_OS_CALLEVEL, ReleaseResource(R1)); });
  OnTask(Top, [] {
    EXPECT_STATUS(E_OS_ACCESS, ReleaseResource(R1));  // Top's priority is above the ceiling
    TerminateTask();
  });
  RunMain([] {
    EXPECT_STATUS(E_OS_ID, ReleaseResource(kBadId));
    EXPECT_STATUS(E_OS_ID, ReleaseResource(Rint));
    EXPECT_STATUS(E_OS_NOFUNC, ReleaseResource(R1));  // not occupied
    GetResource(R2);
    EXPECT_STATUS(E_OS_NOFUNC, ReleaseResource(R1));  // occupied is R2
    ReleaseResource(R2);
    ActivateTask(Top);
    host::RaiseInterrupt(kI2a);
    host::RaiseInterrupt(kI1);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ID ReleaseResource",
               "ErrorHook E_OS_ID ReleaseResource", "ErrorHook E_OS_NOFUNC ReleaseResource",
               "ErrorHook E_OS_NOFUNC ReleaseResource", "ErrorHook E_OS_ACCESS ReleaseResource",
               "ErrorHook E_OS_ACCESS ReleaseResource", "ErrorHook E_OS_CALLEVEL ReleaseResource",
               "ShutdownHook E_OK"});
}

TEST_F(Kernel, ResourceServicesFromHooksAreECallevel) {
  OnPreTaskHook([] {
    EXPECT_STATUS(E_OS_CALLEVEL, GetResource(R1));
    EXPECT_STATUS(E_OS_CALLEVEL, ReleaseResource(R1));
  });
  RunMain([] { ShutdownOS(E_OK); });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_CALLEVEL GetResource",
               "ErrorHook E_OS_CALLEVEL ReleaseResource", "ShutdownHook E_OK"});
}
#endif

}  // namespace

namespace {

TEST_F(Kernel, PreemptedTaskHoldingAResourceResumesBeforeTasksUpToItsCeiling) {
  // Main holds R1 (ceiling = High's level). I2a activates High and Top: Top preempts Main,
  // and when Top ends Main (running at the ceiling) must continue before High.
  OnIsr(I2a, [] {
    ActivateTask(High);
    ActivateTask(Top);
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
    GetResource(R1);
    host::RaiseInterrupt(kI2a);
    Log("Main still in R1");
    ReleaseResource(R1);
    Log("Main released R1");
    ShutdownOS(E_OK);
  });
  ExpectTrace(
      {"StartupHook", "Top", "Main still in R1", "High", "Main released R1", "ShutdownHook E_OK"});
}

TEST_F(Kernel, ResSchedulerMasksInterruptsRankedBelowTheTopTask) {
  // One priority space: RES_SCHEDULER's ceiling is the top task level, so an ISR ranked below
  // some task (IMid) is masked while it is held; one ranked above every task (I2a) is not.
  RunMain([] {
    GetResource(RES_SCHEDULER);
    host::RaiseInterrupt(kIMid);
    host::RaiseInterrupt(kI2a);
    Log("in RES_SCHEDULER");
    ReleaseResource(RES_SCHEDULER);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "I2a", "in RES_SCHEDULER", "IMid", "ShutdownHook E_OK"});
}

#if TANDEM_TEST_EXTENDED
TEST_F(Kernel, IsrCannotTakeResScheduler) {
  // In OSEK every ISR ranks above RES_SCHEDULER's ceiling; IMid, which Tandem's one scale puts
  // below some tasks, is no exception.
  OnIsr(I2a, [] { EXPECT_STATUS(E_OS_ACCESS, GetResource(RES_SCHEDULER)); });
  OnIsr(IMid, [] { EXPECT_STATUS(E_OS_ACCESS, GetResource(RES_SCHEDULER)); });
  RunMain([] {
    host::RaiseInterrupt(kI2a);
    host::RaiseInterrupt(kIMid);
    ShutdownOS(E_OK);
  });
  ExpectTrace({"StartupHook", "ErrorHook E_OS_ACCESS GetResource",
               "ErrorHook E_OS_ACCESS GetResource", "ShutdownHook E_OK"});
}
#endif

}  // namespace
