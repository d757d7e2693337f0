// StartOS(OSDEFAULTAPPMODE) on an OIL file whose only APPMODE is `std` (default_appmode.oil):
// the tasks and the alarm that autostart in std start (issue 10 item 5).
#include "scenario.h"

TANDEM_TEST_TASK(T1)
TANDEM_TEST_TASK(T2)
TANDEM_TEST_TASK(T3)

extern "C" AppModeType DefaultAppModeSeenFromC(void);  // default_appmode_c_check.c

namespace {

TEST_F(Scenario, StartOSOfTheDefaultModeStartsTheFirstDeclaredMode) {
  OnTask(T1, [] {
    EXPECT_EQ(OSDEFAULTAPPMODE, GetActiveApplicationMode());
    Log("T1 (APPMODE = std)");
    TerminateTask();
  });
  OnTask(T2, [] {
    Log("T2 (no APPMODE)");
    host::AdvanceTicks(2);  // the alarm autostarted in std activates T3
    Log("T2 end");
    TerminateTask();
  });
  OnTask(T3, Plain("T3 (alarm)"));
  EndWhenIdle();
  RunSystem();  // StartOS(OSDEFAULTAPPMODE)
  ExpectTrace({"T1 (APPMODE = std)", "T2 (no APPMODE)", "T3 (alarm)", "T2 end"});
  EXPECT_EQ(OSDEFAULTAPPMODE, DefaultAppModeSeenFromC());
}

}  // namespace
