// The application code of good/rich.oil: trivial bodies for its tasks, ISRs, hooks and alarm
// callback, so the generated configuration links without the kernel. Each records that it ran.
#include "rich_app.h"

#include "os.h"

namespace rich {
int g_ran[kEntryCount];
}  // namespace rich

TASK(Background) { ++rich::g_ran[rich::kBackground]; }
TASK(Server) { ++rich::g_ran[rich::kServer]; }
TASK(Logger) { ++rich::g_ran[rich::kLogger]; }
TASK(Control) { ++rich::g_ran[rich::kControl]; }
ISR(Channel) { ++rich::g_ran[rich::kChannel]; }
ISR(Gpio0) { ++rich::g_ran[rich::kGpio0]; }
ISR(Timer0) { ++rich::g_ran[rich::kTimer0]; }
ALARMCALLBACK(Heartbeat) { ++rich::g_ran[rich::kHeartbeat]; }

void StartupHook(void) { ++rich::g_ran[rich::kStartupHook]; }
void ShutdownHook(StatusType) { ++rich::g_ran[rich::kShutdownHook]; }
void ErrorHook(StatusType) { ++rich::g_ran[rich::kErrorHook]; }
void PreTaskHook(void) { ++rich::g_ran[rich::kPreTaskHook]; }
void PostTaskHook(void) { ++rich::g_ran[rich::kPostTaskHook]; }
