// The one priority space (issue 2 item 3): a task ranked above an interrupt source masks it
// while it runs. Raising that interrupt while the task runs (from the task itself or from a
// higher interrupt) does not run the ISR until the task terminates or waits; a task ranked
// below is preempted at once; a resource whose ceiling is the ISR's level masks it too.
#include "harness.h"
#include "os.h"
#include "scenario_port.h"

TANDEM_TEST_TASK(Ctrl)
TANDEM_TEST_TASK(CtrlExt)
TANDEM_TEST_TASK(Peer)
TANDEM_TEST_TASK(Server)
TANDEM_TEST_TASK(BgNon)
TANDEM_TEST_TASK(Bg)
TANDEM_TEST_ISR(Chan)
TANDEM_TEST_ISR(Dev)

namespace {

using namespace tandem::test;  // NOLINT
namespace host = tandem::host;
using PrioritySpace = KernelTest;

constexpr uint32_t kChan = 40;
constexpr uint32_t kDev = 41;

// The channel ISR as Tandem's design has it: tiny, activates the server task.
void ChannelIsr() {
  Log("Chan at level " + std::to_string(host::CurrentLevel()));
  EXPECT_EQ(E_OK, ActivateTask(Server));
}

void StandardBodies() {
  OnIsr(Chan, &ChannelIsr);
  OnTask(Server, [] {
    Log("Server");
    TerminateTask();
  });
}

TEST_F(PrioritySpace, TheConfigurationRanksTasksAndTheIsrOnOneScale) {
  EXPECT_GT(TaskLevel(Ctrl), IsrLevel(Chan));
  EXPECT_GT(IsrLevel(Chan), TaskLevel(Server));
  EXPECT_GE(TaskLevel(Peer), IsrLevel(Chan));  // equal OIL priority: the task ranks above
  EXPECT_EQ(IsrLevel(Chan), ResourceCeiling(RChan));
  EXPECT_GT(IsrLevel(Dev), TaskLevel(Ctrl));
}

TEST_F(PrioritySpace, IsrRaisedByATaskRankedAboveItWaitsUntilTheTaskTerminates) {
  StandardBodies();
  OnTask(Ctrl, [] {
    Log("Ctrl start");
    host::RaiseInterrupt(kChan);
    EXPECT_TRUE(host::IsPending(kChan));
    EXPECT_EQ(TaskLevel(Ctrl), host::CurrentLevel());
    Log("Ctrl still running, Chan pending");
    for (int i = 0; i < 3; ++i) {
      TaskType t = INVALID_TASK;
      GetTaskID(&t);  // kernel services do not let it through either
      EXPECT_EQ(Ctrl, t);
    }
    Log("Ctrl end");
    TerminateTask();
  });
  OnTask(Bg, [] {
    ActivateTask(Ctrl);
    Log("Bg continues");
    ShutdownOS(E_OK);
  });
  RunSystem();
  ExpectTrace({"Ctrl start", "Ctrl still running, Chan pending", "Ctrl end",
               "Chan at level " + std::to_string(IsrLevel(Chan)), "Server", "Bg continues"});
}

TEST_F(PrioritySpace, IsrRaisedByAHigherInterruptWaitsUntilTheTaskTerminates) {
  // The line is raised by hardware while Ctrl runs (here: by the handler of Dev, ranked above
  // Ctrl): Dev runs, Chan stays pending through the rest of Ctrl.
  StandardBodies();
  OnIsr(Dev, [] {
    Log("Dev raises Chan");
    host::RaiseInterrupt(kChan);
  });
  OnTask(Ctrl, [] {
    host::RaiseInterrupt(kDev);
    EXPECT_TRUE(host::IsPending(kChan));
    Log("Ctrl after Dev");
    TerminateTask();
  });
  OnTask(Bg, [] {
    ActivateTask(Ctrl);
    Log("Bg continues");
    ShutdownOS(E_OK);
  });
  RunSystem();
  ExpectTrace({"Dev raises Chan", "Ctrl after Dev",
               "Chan at level " + std::to_string(IsrLevel(Chan)), "Server", "Bg continues"});
}

TEST_F(PrioritySpace, IsrRunsWhenTheTaskRankedAboveItWaits) {
  StandardBodies();
  OnIsr(Chan, [] {
    ChannelIsr();
    EXPECT_EQ(E_OK, SetEvent(CtrlExt, EvGo));
  });
  OnTask(CtrlExt, [] {
    host::RaiseInterrupt(kChan);
    Log("CtrlExt waits");
    WaitEvent(EvGo);
    Log("CtrlExt woke");
    EXPECT_EQ(TaskLevel(CtrlExt), host::CurrentLevel());
    TerminateTask();
  });
  OnTask(Bg, [] {
    ActivateTask(CtrlExt);
    Log("Bg continues");
    ShutdownOS(E_OK);
  });
  RunSystem();
  ExpectTrace({"CtrlExt waits", "Chan at level " + std::to_string(IsrLevel(Chan)), "CtrlExt woke",
               "Server", "Bg continues"});
}

TEST_F(PrioritySpace, TaskOfTheIsrsOwnPriorityAlsoMasksIt) {
  StandardBodies();
  OnTask(Peer, [] {
    host::RaiseInterrupt(kChan);
    Log("Peer end");
    TerminateTask();
  });
  OnTask(Bg, [] {
    ActivateTask(Peer);
    ShutdownOS(E_OK);
  });
  RunSystem();
  ExpectTrace({"Peer end", "Chan at level " + std::to_string(IsrLevel(Chan)), "Server"});
}

TEST_F(PrioritySpace, TaskRankedBelowIsPreemptedAtOnce) {
  StandardBodies();
  OnTask(Bg, [] {
    EXPECT_EQ(TaskLevel(Bg), host::CurrentLevel());
    Log("Bg raises Chan");
    host::RaiseInterrupt(kChan);
    Log("Bg continues");
    ShutdownOS(E_OK);
  });
  RunSystem();
  ExpectTrace({"Bg raises Chan", "Chan at level " + std::to_string(IsrLevel(Chan)), "Server",
               "Bg continues"});
}

TEST_F(PrioritySpace, NonPreemptiveTaskRankedBelowTakesTheInterruptAtOnce) {
  // Non-preemptive scheduling defers tasks, not interrupts: Chan runs at once, the Server it
  // activates waits for BgNon to end.
  StandardBodies();
  OnTask(BgNon, [] {
    host::RaiseInterrupt(kChan);
    Log("BgNon continues");
    TerminateTask();
  });
  OnTask(Bg, [] {
    ActivateTask(BgNon);
    Log("Bg continues");
    ShutdownOS(E_OK);
  });
  RunSystem();
  ExpectTrace({"Chan at level " + std::to_string(IsrLevel(Chan)), "BgNon continues", "Server",
               "Bg continues"});
}

TEST_F(PrioritySpace, ResourceWithTheIsrsCeilingMasksIt) {
  StandardBodies();
  OnTask(Bg, [] {
    EXPECT_EQ(E_OK, GetResource(RChan));
    EXPECT_EQ(IsrLevel(Chan), host::CurrentLevel());
    host::RaiseInterrupt(kChan);
    EXPECT_TRUE(host::IsPending(kChan));
    Log("Bg in RChan");
    EXPECT_EQ(E_OK, ReleaseResource(RChan));
    Log("Bg released RChan");
    ShutdownOS(E_OK);
  });
  RunSystem();
  ExpectTrace({"Bg in RChan", "Chan at level " + std::to_string(IsrLevel(Chan)), "Server",
               "Bg released RChan"});
}

TEST_F(PrioritySpace, IsrTakingTheSharedResourceKeepsItsLevel) {
  OnIsr(Chan, [] {
    EXPECT_EQ(E_OK, GetResource(RChan));
    EXPECT_EQ(IsrLevel(Chan), host::CurrentLevel());
    host::RaiseInterrupt(kDev);  // above the ceiling: nests
    EXPECT_EQ(E_OK, ReleaseResource(RChan));
    Log("Chan end");
  });
  OnTask(Bg, [] {
    host::RaiseInterrupt(kChan);
    ShutdownOS(E_OK);
  });
  RunSystem();
  ExpectTrace({"Dev", "Chan end"});
}

TEST_F(PrioritySpace, SystemTimerRankedBelowTheRunningTaskIsHeldToo) {
  OnTask(Server, [] {
    Log("Server at tick " + std::to_string(host::TicksDelivered()));
    TerminateTask();
  });
  OnTask(Ctrl, [] {
    EXPECT_EQ(E_OK, SetRelAlarm(Wake, 1, 0));
    host::AdvanceTicks(2);
    EXPECT_EQ(0u, host::TicksDelivered());  // both ticks pending, none lost
    Log("Ctrl end");
    TerminateTask();
  });
  OnTask(Bg, [] {
    EXPECT_GT(TaskLevel(Ctrl), SystemTimerLevel());
    EXPECT_GT(SystemTimerLevel(), TaskLevel(Server));
    ActivateTask(Ctrl);
    Log("Bg ticks " + std::to_string(host::TicksDelivered()));
    ShutdownOS(E_OK);
  });
  RunSystem();
  ExpectTrace({"Ctrl end", "Server at tick 2", "Bg ticks 2"});
}

}  // namespace
