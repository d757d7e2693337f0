// Services called inside the interrupt critical sections of OSEK OS 2.2.3 13.3 (Disable/Enable-
// AllInterrupts, Suspend/ResumeAllInterrupts, Suspend/ResumeOSInterrupts). OSEK allows only the
// interrupt services there (undefined behaviour otherwise), but a kernel must not lose the
// interrupt state (issue 10 item 3). Extended status: the service does nothing, returns
// E_OS_DISABLEDINT and calls the ErrorHook (AUTOSAR OS SWS_Os_00093, a Tandem extension).
// Standard status: the service acts, and each task keeps its own section across the switches
// that follow: no task ends or inherits another task's section.
#include "scenario.h"

namespace {

constexpr uint32_t kIsr1 = 40;

std::string Status(const char* service, StatusType status) {
  return std::string(service) + " " + StatusName(status);
}

const char* Gate() { return host::InterruptsDisabled() ? "disabled" : "enabled"; }

TEST_F(Scenario, ActivateTaskInsideSuspendAllInterruptsKeepsTheSection) {
  // The issue's own case: a higher task activated inside the section ran, terminated and took
  // the caller's nesting with it; ResumeAllInterrupts was then ignored for good.
  OnTask(T1, [] {
    SuspendAllInterrupts();
    Log(Status("ActivateTask", ActivateTask(T3)));
    ResumeAllInterrupts();
    host::RaiseInterrupt(kIsr1);
    Log(std::string("T1 end, ") + Gate());
    TerminateTask();
  });
  OnTask(T3, Plain("T3"));
  EndWhenIdle();
  RunSystem();
  if (ExtendedStatus()) {
    ExpectTrace({"ErrorHook E_OS_DISABLEDINT ActivateTask", "ActivateTask E_OS_DISABLEDINT", "ISR1",
                 "T1 end, enabled", "ShutdownHook E_OK"});
  } else {
    ExpectTrace(Pick({"T3", "ActivateTask E_OK", "ISR1", "T1 end, enabled", "ShutdownHook E_OK"},
                     {"ActivateTask E_OK", "ISR1", "T1 end, enabled", "T3", "ShutdownHook E_OK"},
                     {"T3", "ActivateTask E_OK", "ISR1", "T1 end, enabled", "ShutdownHook E_OK"}));
  }
}

TEST_F(Scenario, ChainTaskInsideDisableAllInterrupts) {
  // Standard status: the caller ends, and its section with it (docs/kernel.md); T3 starts with
  // interrupts enabled.
  OnTask(T1, [] {
    DisableAllInterrupts();
    Log(Status("ChainTask", ChainTask(T3)));
    EnableAllInterrupts();
    host::RaiseInterrupt(kIsr1);
    Log(std::string("T1 end, ") + Gate());
    TerminateTask();
  });
  OnTask(T3, [] {
    host::RaiseInterrupt(kIsr1);
    Log(std::string("T3, ") + Gate());
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  if (ExtendedStatus()) {
    ExpectTrace({"ErrorHook E_OS_DISABLEDINT ChainTask", "ChainTask E_OS_DISABLEDINT", "ISR1",
                 "T1 end, enabled", "ShutdownHook E_OK"});
  } else {
    ExpectTrace({"ISR1", "T3, enabled", "ShutdownHook E_OK"});
  }
}

TEST_F(Scenario, SetEventInsideSuspendOSInterrupts) {
  // Standard status: E2, released inside T1's section, runs without it (ISR1 is taken at once
  // in E2), and T1's ResumeOSInterrupts still ends T1's section.
  OnTask(T1, [] {
    ActivateTask(E2);
    Schedule();  // non-preemptive: E2 runs and waits
    SuspendOSInterrupts();
    Log(Status("SetEvent", SetEvent(E2, Ev)));
    ResumeOSInterrupts();
    host::RaiseInterrupt(kIsr1);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E2, [] {
    Log("E2 waits");
    WaitEvent(Ev);
    host::RaiseInterrupt(kIsr1);
    Log("E2 woke");
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  if (ExtendedStatus()) {
    ExpectTrace({"E2 waits", "ErrorHook E_OS_DISABLEDINT SetEvent", "SetEvent E_OS_DISABLEDINT",
                 "ISR1", "T1 end", "ShutdownHook E_OK"});
  } else {
    ExpectTrace(Pick(
        {"E2 waits", "ISR1", "E2 woke", "SetEvent E_OK", "ISR1", "T1 end", "ShutdownHook E_OK"},
        {"E2 waits", "SetEvent E_OK", "ISR1", "T1 end", "ISR1", "E2 woke", "ShutdownHook E_OK"},
        {"E2 waits", "ISR1", "E2 woke", "SetEvent E_OK", "ISR1", "T1 end", "ShutdownHook E_OK"}));
  }
}

TEST_F(Scenario, WaitEventInsideSuspendAllInterrupts) {
  // Standard status: E2 waits inside its section and gets it back when it runs again; T1 runs
  // meanwhile with interrupts enabled and its own Suspend/Resume pair balanced.
  OnTask(T1, [] {
    ActivateTask(E2);
    Schedule();
    SuspendAllInterrupts();
    ResumeAllInterrupts();
    host::RaiseInterrupt(kIsr1);
    Log("T1 sets Ev");
    SetEvent(E2, Ev);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(E2, [] {
    SuspendAllInterrupts();
    Log(Status("WaitEvent", WaitEvent(Ev)) + ", " + Gate());
    ResumeAllInterrupts();
    host::RaiseInterrupt(kIsr1);
    Log("E2 end");
    TerminateTask();
  });
  EndWhenIdle();
  RunSystem();
  if (ExtendedStatus()) {
    ExpectTrace({"ErrorHook E_OS_DISABLEDINT WaitEvent", "WaitEvent E_OS_DISABLEDINT, disabled",
                 "ISR1", "E2 end", "ISR1", "T1 sets Ev", "ErrorHook E_OS_STATE SetEvent", "T1 end",
                 "ShutdownHook E_OK"});
  } else {
    ExpectTrace(Pick({"ISR1", "T1 sets Ev", "WaitEvent E_OK, disabled", "ISR1", "E2 end", "T1 end",
                      "ShutdownHook E_OK"},
                     {"ISR1", "T1 sets Ev", "T1 end", "WaitEvent E_OK, disabled", "ISR1", "E2 end",
                      "ShutdownHook E_OK"},
                     {"ISR1", "T1 sets Ev", "WaitEvent E_OK, disabled", "ISR1", "E2 end", "T1 end",
                      "ShutdownHook E_OK"}));
  }
}

TEST_F(Scenario, ActivateTaskInsideSuspendAllInterruptsOfAnIsr) {
  OnIsr(ISR1, [] {
    SuspendAllInterrupts();
    Log(Status("ISR1: ActivateTask", ActivateTask(T4)));
    ResumeAllInterrupts();
    Log(std::string("ISR1 end, ") + Gate());
  });
  OnTask(T1, [] {
    host::RaiseInterrupt(kIsr1);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T4, Plain("T4"));
  EndWhenIdle();
  RunSystem();
  // An ISR runs with the gate open once its own section is over (the kernel reopens it to let
  // higher interrupts nest).
  if (ExtendedStatus()) {
    ExpectTrace({"ErrorHook E_OS_DISABLEDINT ActivateTask", "ISR1: ActivateTask E_OS_DISABLEDINT",
                 "ISR1 end, enabled", "T1 end", "ShutdownHook E_OK"});
  } else {
    ExpectTrace(Pick(
        {"ISR1: ActivateTask E_OK", "ISR1 end, enabled", "T4", "T1 end", "ShutdownHook E_OK"},
        {"ISR1: ActivateTask E_OK", "ISR1 end, enabled", "T1 end", "T4", "ShutdownHook E_OK"},
        {"ISR1: ActivateTask E_OK", "ISR1 end, enabled", "T4", "T1 end", "ShutdownHook E_OK"}));
  }
}

}  // namespace
