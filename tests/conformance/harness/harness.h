// The test harness of Tandem RT's kernel suites, one implementation for both environments: the
// host (GoogleTest executables of tests/unit/kernel and tests/conformance, on the host port) and
// the arm64 target (the scenario images of tests/target_scenarios, freestanding, on Xen).
//
// A test executable (or image) is one OSEK application (one OIL file). Each TEST gives the
// bodies of the tasks, ISRs, alarm callbacks and hooks it needs (tables indexed by the OIL
// object), calls RunSystem(), which is StartOS and returns after ShutdownOS, and then checks the
// trace of events against its expected sequence. The fixture resets the tables before every
// TEST, so one process runs the system many times.
//
// The application glue defines the OSEK entry points with the TANDEM_TEST_* macros below, which
// forward to the harness. The harness defines the five hooks itself; the OIL file decides which
// of them the kernel calls.
//
// Watchdog: when no task is ready the port calls the harness's idle handler. Unless the test
// gave an idle action (OnIdle), that is a deadlock: the test fails with the trace so far and the
// system is shut down instead of hanging. An idle action that never ends the run is caught after
// kMaxIdleCalls calls.
//
// What differs per environment is in "harness_env.h", one per environment, chosen by the include
// path of the build (tests/conformance/harness/host/ or tests/target_scenarios/include/), as the
// arch contract is: the storage types (String, Body, StatusBody, List<T, N>, Sequence), the
// fixture base, EXPECT_STATUS's report, and the env:: functions declared at the end of this file
// (how a failure is reported, how the system runs and idles). Everything else, harness.cc, is
// written once and compiled in both.
#ifndef TANDEM_TESTS_HARNESS_H_
#define TANDEM_TESTS_HARNESS_H_

#include <stddef.h>
#include <stdint.h>

#include <initializer_list>

#include "harness_env.h"
#include "os.h"

namespace tandem::test {

inline constexpr int kMaxIdleCalls = 10000;
// The tables of bodies: every OIL file of the suites fits (a larger one fails the test that sets
// a body beyond them).
inline constexpr int kMaxTasks = 32;
inline constexpr int kMaxIsrs = 16;
inline constexpr int kMaxCallbacks = 8;
// Bounds of the target's fixed lists (the host's grow: List is std::vector there).
inline constexpr int kMaxTrace = 64;
inline constexpr int kMaxErrors = 16;

// --- bodies, set by a TEST before RunSystem() (nullptr gives back the default body) ---
void OnTask(TaskType task, Body body);
void OnIsr(ISRType isr, Body body);
void OnCallback(const String& name, Body body);
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
using TraceList = List<String, kMaxTrace>;
void Log(const String& event);
const TraceList& Trace();
// Compares the trace with the expected sequence, step by step; reports the first differing step
// by its number (1-based, as OSEK conformance test sequences number their checks).
void ExpectSteps(const String* expected, size_t count);
inline void ExpectTrace(std::initializer_list<String> expected) {
  ExpectSteps(expected.begin(), expected.size());
}
// A Sequence, or any contiguous list of String.
template <typename Steps>
void ExpectTrace(const Steps& expected) {
  ExpectSteps(expected.size() == 0 ? nullptr : &*expected.begin(), expected.size());
}

// --- what the hooks saw ---
struct ErrorRecord {
  StatusType error;
  OSServiceIdType service;
  uint64_t params[3];
};
const List<ErrorRecord, kMaxErrors>& Errors();
int StartupHookCalls();
int ShutdownHookCalls();
StatusType LastShutdownError();

// --- names, for traces and messages ---
const char* StatusName(StatusType status);
const char* ServiceName(OSServiceIdType service);
const char* StateName(TaskStateType state);
String TaskName(TaskType task);
String IsrName(ISRType isr);

// Status codes compared by name, so a failure reads "E_OS_ID" rather than "\x3" (the report is
// the environment's: GoogleTest's EXPECT_STREQ on the host, one line with both names on the
// target).
#define EXPECT_STATUS(expected, call) TANDEM_ENV_EXPECT_STATUS(expected, call)

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

// --- the seam: defined once per environment (host_env.cc, tests/target_scenarios/src/env.cc) ---
namespace env {
// What a failure report lists after its message. The host's GoogleTest failure is all its reader
// gets, so it lists them; the target ignores the listing (its runner prints the trace after a
// failed test, and a console line is short).
struct Listing {
  enum class What {
    kNothing,
    kTraceSoFar,        // "; trace so far:" and the trace
    kExpectedAndTrace,  // "expected:" and the expected steps, then "got:" and the trace
  };
  What what = What::kNothing;
  const String* expected = nullptr;
  size_t expected_count = 0;
};
// Reports a failure of the running test and continues (EXPECT_*, not ASSERT_*): the host adds a
// GoogleTest failure, the target records the test's first failure for its runner's FAIL line.
void Fail(const Listing& listing, const char* format, ...) __attribute__((format(printf, 2, 3)));
// StartOS(mode) with `idle` called whenever no task is ready, returning after ShutdownOS.
void RunSystem(AppModeType mode, void (*idle)());
// Puts the port back in the state a test starts from (no idle handler, manual time).
void ResetSystem();
}  // namespace env

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
