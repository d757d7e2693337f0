// GetResource's E_OS_ACCESS (OSEK OS 2.2.3 13.4.3.1, extended status): only for a resource that
// is already occupied, or when the caller's static priority is above the resource's ceiling.
// Whether the caller's OIL entry lists the resource is not a condition (issue 10 item 1).
#include "scenario.h"

namespace {

constexpr uint32_t kIsr1 = 40;

TEST_F(Scenario, GetResourceNotListedForTheTaskAtOrBelowTheCeiling) {
  // T1 (priority 1) does not list R; R's ceiling is T3's priority. The ceiling protocol holds
  // for T1 all the same: T3 waits for the release, T4 (above the ceiling) does not.
  OnTask(T1, [] {
    EXPECT_STATUS(E_OK, GetResource(R));
    Log("T1 holds R");
    ActivateTask(T3);
    ActivateTask(T4);
    Log("T1 releases R");
    EXPECT_STATUS(E_OK, ReleaseResource(R));
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T3, Plain("T3"));
  OnTask(T4, Plain("T4"));
  EndWhenIdle();
  RunSystem();
  ExpectTrace(Pick({"T1 holds R", "T4", "T1 releases R", "T3", "T1 end", "ShutdownHook E_OK"},
                   {"T1 holds R", "T1 releases R", "T1 end", "T4", "T3", "ShutdownHook E_OK"},
                   {"T1 holds R", "T4", "T1 releases R", "T3", "T1 end", "ShutdownHook E_OK"}));
}

TEST_F(Scenario, GetResourceAboveTheCeilingIsEOsAccessInExtendedStatus) {
  // The standard's own condition stays: T4 and ISR1 rank above R's ceiling (undefined in
  // standard status, so only extended status asks).
  OnTask(T1, [] {
    ActivateTask(T4);
    Log("T1 end");
    TerminateTask();
  });
  OnTask(T4, [] {
    if (ExtendedStatus()) {
      EXPECT_STATUS(E_OS_ACCESS, GetResource(R));
    }
    host::RaiseInterrupt(kIsr1);
    Log("T4 end");
    TerminateTask();
  });
  OnIsr(ISR1, [] {
    if (ExtendedStatus()) {
      EXPECT_STATUS(E_OS_ACCESS, GetResource(R));
    }
    Log("ISR1");
  });
  EndWhenIdle();
  RunSystem();
  if (ExtendedStatus()) {
    ExpectTrace(Pick({"ErrorHook E_OS_ACCESS GetResource", "ErrorHook E_OS_ACCESS GetResource",
                      "ISR1", "T4 end", "T1 end", "ShutdownHook E_OK"},
                     {"T1 end", "ErrorHook E_OS_ACCESS GetResource",
                      "ErrorHook E_OS_ACCESS GetResource", "ISR1", "T4 end", "ShutdownHook E_OK"},
                     {"ErrorHook E_OS_ACCESS GetResource", "ErrorHook E_OS_ACCESS GetResource",
                      "ISR1", "T4 end", "T1 end", "ShutdownHook E_OK"}));
  } else {
    ExpectTrace(Pick({"ISR1", "T4 end", "T1 end", "ShutdownHook E_OK"},
                     {"T1 end", "ISR1", "T4 end", "ShutdownHook E_OK"},
                     {"ISR1", "T4 end", "T1 end", "ShutdownHook E_OK"}));
  }
}

}  // namespace
