// The scenario harness of tests/conformance/harness/harness.h, for the arm64 target: the same
// names and behaviour for what the conformance sources use, freestanding (fixed tables, no heap,
// no std::function, no GoogleTest). One image = one OIL configuration; the runner (runner.cc)
// runs every registered TEST in turn, each one StartOS ... ShutdownOS (SetShutdownReturns), and
// prints one line per test and a summary on the console.
#ifndef TANDEM_TESTS_TARGET_SCENARIOS_HARNESS_H_
#define TANDEM_TESTS_TARGET_SCENARIOS_HARNESS_H_

#include <stdint.h>

#include <initializer_list>

#include "os.h"
#include "tandem_scenarios/body.h"
#include "tandem_scenarios/check.h"
#include "tandem_scenarios/string.h"

namespace tandem::test {

inline constexpr int kMaxIdleCalls = 10000;
inline constexpr int kMaxTrace = 64;

// --- bodies, set by a TEST before RunSystem() (nullptr gives back the default body) ---
void OnTask(TaskType task, Body body);
void OnIsr(ISRType isr, Body body);
void OnCallback(const char* name, Body body);
void OnStartupHook(Body body);
void OnShutdownHook(StatusBody body);
void OnErrorHook(StatusBody body);
void OnPreTaskHook(Body body);
void OnPostTaskHook(Body body);
// Called when no task is ready (the port's idle hook). It may raise interrupts or call
// ShutdownOS. Without it, idle is a deadlock: the test fails and the system is shut down.
void OnIdle(Body body);
void EndWhenIdle();
void TracePrePostHooks(bool on);

// --- running ---
void Reset();
void RunSystem(AppModeType mode = OSDEFAULTAPPMODE);

// --- the trace ---
void Log(const String& event);

// A fixed list with the read-only vector operations the scenarios use.
template <typename T, int N>
class List {
 public:
  size_t size() const { return static_cast<size_t>(size_); }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const { return items_[i]; }
  const T* begin() const { return items_; }
  const T* end() const { return items_ + size_; }
  bool full() const { return size_ == N; }
  void push_back(const T& item) {
    if (size_ < N) items_[size_++] = item;
  }
  void clear() { size_ = 0; }

 private:
  T items_[N] = {};
  int size_ = 0;
};
using TraceList = List<String, kMaxTrace>;
const TraceList& Trace();
// Compares the trace with the expected sequence step by step; the first differing step (1-based)
// is the failure ("step N expected X got Y").
void ExpectTrace(std::initializer_list<String> expected);

// --- what the hooks saw ---
struct ErrorRecord {
  StatusType error;
  OSServiceIdType service;
  uint64_t params[3];
};
inline constexpr int kMaxErrors = 16;
const List<ErrorRecord, kMaxErrors>& Errors();
int StartupHookCalls();
int ShutdownHookCalls();
StatusType LastShutdownError();

// --- names ---
const char* StatusName(StatusType status);
const char* ServiceName(OSServiceIdType service);
const char* StateName(TaskStateType state);
const char* TaskName(TaskType task);
const char* IsrName(ISRType isr);

// EXPECT_STATUS of scenario.h: records a failure when the statuses differ.
bool CheckStatus(StatusType expected, StatusType got, const char* expected_text,
                 const char* call_text, const char* file, int line);

// --- the generated configuration ---
uint8_t TaskLevel(TaskType task);
uint8_t IsrLevel(ISRType isr);
uint8_t ResourceCeiling(ResourceType resource);
uint8_t TopTaskLevel();
uint8_t Cat2TopLevel();
uint8_t SystemTimerLevel();
bool ExtendedStatus();

// Entry points for the glue macros.
void TaskEntry(TaskType task, const char* name);
void IsrEntry(ISRType isr, const char* name);
void CallbackEntry(const char* name);

// The fixture of every scenario: a clean harness before and after each TEST.
class KernelTest {
 protected:
  void SetUp() { Reset(); }
  // The runner prints the trace of a failed test after TearDown; the next SetUp clears it.
  void TearDown() {}
};

}  // namespace tandem::test

#define TANDEM_TEST_TASK(name) \
  void Func##name(void) { ::tandem::test::TaskEntry(name, #name); }
#define TANDEM_TEST_ISR(name) \
  void IsrFunc##name(void) { ::tandem::test::IsrEntry(name, #name); }
#define TANDEM_TEST_ALARMCALLBACK(name) \
  void AlarmCallback##name(void) { ::tandem::test::CallbackEntry(#name); }

#endif  // TANDEM_TESTS_TARGET_SCENARIOS_HARNESS_H_
