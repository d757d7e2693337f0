// The test harness of Tandem RT's unit and conformance suites.
//
// A test executable is one OSEK application (one OIL file). Each TEST gives the bodies of the
// tasks, ISRs, alarm callbacks and hooks it needs (std::function tables indexed by the OIL
// object), calls RunSystem(), which is StartOS on the host port and returns after ShutdownOS, and
// then checks the trace of events against its expected sequence. The fixture resets the tables
// before and after every TEST, so one process runs the system many times.
//
// The application glue defines the OSEK entry points with the TANDEM_TEST_* macros below, which
// forward to the harness. The harness defines the five hooks itself; the OIL file decides which
// of them the kernel calls.
//
// Watchdog: when no task is ready the host port calls the harness's idle handler. Unless the test
// gave an idle action (OnIdle), that is a deadlock: the test fails with the trace so far and the
// system is shut down instead of hanging. An idle action that never ends the run is caught after
// kMaxIdleCalls calls.
#ifndef TANDEM_TESTS_HARNESS_H_
#define TANDEM_TESTS_HARNESS_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "os.h"

namespace tandem::test {

using Body = std::function<void()>;
using StatusBody = std::function<void(StatusType)>;

inline constexpr int kMaxIdleCalls = 10000;

// --- bodies, set by a TEST before RunSystem() (nullptr gives back the default body) ---
void OnTask(TaskType task, Body body);
void OnIsr(ISRType isr, Body body);
void OnCallback(const std::string& name, Body body);
// Extra behaviour of the hooks, run after the harness recorded the call.
void OnStartupHook(Body body);
void OnShutdownHook(StatusBody body);
void OnErrorHook(StatusBody body);
void OnPreTaskHook(Body body);
void OnPostTaskHook(Body body);
// Called when no task is ready. It may raise interrupts, advance ticks or call ShutdownOS.
void OnIdle(Body body);
// Idle means the scenario is over: shut down with E_OK (the usual end of a scenario whose last
// task simply terminates).
void EndWhenIdle();
// Whether PreTaskHook/PostTaskHook calls are written to the trace (off: they would clutter every
// sequence of a configuration that enables them).
void TracePrePostHooks(bool on);

// --- running ---
// Resets the bodies, the trace and the recorded errors (the fixture calls it).
// (Not called Run: TEST bodies are members of testing::Test, whose Run() would hide it.)
void Reset();
// StartOS(mode); returns after ShutdownOS. Installs the watchdog idle handler.
void RunSystem(AppModeType mode = OSDEFAULTAPPMODE);

// --- the trace ---
void Log(const std::string& event);
const std::vector<std::string>& Trace();
std::string TraceText();
// Compares the trace with the expected sequence, step by step; reports the first differing step
// by its number (1-based, as OSEK conformance test sequences number their checks).
void ExpectTrace(std::initializer_list<std::string> expected);
void ExpectTrace(const std::vector<std::string>& expected);

// --- what the hooks saw ---
struct ErrorRecord {
  StatusType error;
  OSServiceIdType service;
  uint64_t params[3];
};
const std::vector<ErrorRecord>& Errors();
int StartupHookCalls();
int ShutdownHookCalls();
StatusType LastShutdownError();

// --- names, for traces and messages ---
const char* StatusName(StatusType status);
const char* ServiceName(OSServiceIdType service);
const char* StateName(TaskStateType state);
std::string TaskName(TaskType task);
std::string IsrName(ISRType isr);

// --- the generated configuration, for checks of the one priority space ---
uint8_t TaskLevel(TaskType task);  // the task's base level on the one scale
uint8_t IsrLevel(ISRType isr);
uint8_t ResourceCeiling(ResourceType resource);
uint8_t TopTaskLevel();  // RES_SCHEDULER's ceiling
uint8_t Cat2TopLevel();  // what SuspendOSInterrupts masks up to
uint8_t SystemTimerLevel();
// OS STATUS = EXTENDED (scenarios built in both statuses expect the extended-only errors there).
bool ExtendedStatus();

// Entry points for the glue macros.
void TaskEntry(TaskType task, const char* name);
void IsrEntry(ISRType isr, const char* name);
void CallbackEntry(const char* name);

// The fixture of every kernel test: a clean harness before and after each TEST.
class KernelTest : public ::testing::Test {
 protected:
  void SetUp() override { Reset(); }
  void TearDown() override { Reset(); }
};

}  // namespace tandem::test

// Entry-point glue. The OIL object names are macros in os_cfg.h (T1 -> ((TaskType)0)), so the
// token pasting must see the unexpanded name: these macros paste it themselves.
#define TANDEM_TEST_TASK(name) \
  void Func##name(void) { ::tandem::test::TaskEntry(name, #name); }
#define TANDEM_TEST_ISR(name) \
  void IsrFunc##name(void) { ::tandem::test::IsrEntry(name, #name); }
#define TANDEM_TEST_ALARMCALLBACK(name) \
  void AlarmCallback##name(void) { ::tandem::test::CallbackEntry(#name); }

#endif  // TANDEM_TESTS_HARNESS_H_
