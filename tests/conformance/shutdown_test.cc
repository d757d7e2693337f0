// ShutdownOS with an interrupt pending (issue 10 item 4). After ShutdownOS no task, ISR or hook
// of the application runs again (OSEK OS 2.2.3 13.7.2.3 and 11.4: the OS shuts down after the
// ShutdownHook); on the host port and in the target test images StartOS then returns, and the
// next StartOS must not find an interrupt of the previous run either.
#include "scenario.h"

namespace {

constexpr uint32_t kIsr1 = 40;

// Runs the system once more with a T1 that only logs: whatever the previous run left pending
// would show up as an "ISR1" here.
void RunANextStart() {
  OnTask(T1, Plain("next start"));
  EndWhenIdle();
  RunSystem();
}

TEST_F(Scenario, ShutdownOSInsideSuspendAllInterruptsWithAnInterruptPending) {
  // The case: ISR1's body ran after the ShutdownHook, when StartOS returned.
  OnTask(T1, [] {
    SuspendAllInterrupts();
    host::RaiseInterrupt(kIsr1);
    Log("T1: ISR1 pending");
    ShutdownOS(E_OK);
  });
  RunSystem();
  RunANextStart();
  ExpectTrace({"T1: ISR1 pending", "ShutdownHook E_OK", "next start", "ShutdownHook E_OK"});
}

TEST_F(Scenario, ShutdownOSFromATaskRankedAboveAPendingInterrupt) {
  // TTop masks ISR1 on the one priority space: ISR1 is pending, not disabled, at ShutdownOS.
  OnTask(T1, [] { ChainTask(TTop); });
  OnTask(TTop, [] {
    host::RaiseInterrupt(kIsr1);
    Log("TTop: ISR1 pending");
    ShutdownOS(E_OK);
  });
  RunSystem();
  RunANextStart();
  ExpectTrace({"TTop: ISR1 pending", "ShutdownHook E_OK", "next start", "ShutdownHook E_OK"});
}

TEST_F(Scenario, ShutdownOSFromTheErrorHookWithAnInterruptPending) {
  // Hooks run with category 2 interrupts masked.
  OnErrorHook([](StatusType error) {
    host::RaiseInterrupt(kIsr1);
    ShutdownOS(error);
  });
  OnTask(T1, [] {
    ActivateTask(T1);  // E_OS_LIMIT: T1 is running and has one activation
    Log("T1 goes on");
    TerminateTask();
  });
  RunSystem();
  RunANextStart();
  ExpectTrace({"ErrorHook E_OS_LIMIT ActivateTask", "ShutdownHook E_OS_LIMIT", "next start",
               "ShutdownHook E_OK"});
}

TEST_F(Scenario, ShutdownOSFromAnIsrWithItsOwnLinePendingAgain) {
  OnIsr(ISR1, [] {
    host::RaiseInterrupt(kIsr1);  // masked by ISR1's own level until it returns
    Log("ISR1: pending again");
    ShutdownOS(E_OK);
  });
  OnTask(T1, [] {
    host::RaiseInterrupt(kIsr1);
    Log("T1 goes on");
    TerminateTask();
  });
  RunSystem();
  OnIsr(ISR1, nullptr);  // the default body: logs "ISR1"
  RunANextStart();
  ExpectTrace({"ISR1: pending again", "ShutdownHook E_OK", "next start", "ShutdownHook E_OK"});
}

}  // namespace
