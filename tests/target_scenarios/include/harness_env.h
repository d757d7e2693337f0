// The harness's environment on the arm64 target (tests/conformance/harness/harness.h): scenario
// images, freestanding. Storage is fixed (no heap after boot, no hosted library): bodies are
// InPlaceFunctions (tandem_scenarios/body.h), trace entries fixed strings (string.h), lists
// bounded; what does not fit fails the test, never silently cut. Failures are recorded for the
// runner's FAIL line (check.h, env.cc), the fixture is a plain class. The host's counterpart is
// tests/conformance/harness/host/harness_env.h.
#ifndef TANDEM_TESTS_TARGET_SCENARIOS_HARNESS_ENV_H_
#define TANDEM_TESTS_TARGET_SCENARIOS_HARNESS_ENV_H_

#include <stddef.h>

#include <initializer_list>

#include "os.h"
#include "tandem_scenarios/body.h"
#include "tandem_scenarios/check.h"
#include "tandem_scenarios/string.h"

namespace tandem::test {

// A fixed list with the vector operations the harness and the scenarios use.
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

// An expected sequence of events: the caller's braced list, alive until the end of the full
// expression (ExpectTrace(Pick(...))).
using Sequence = std::initializer_list<String>;

// What the fixed storage refuses (harness.cc fails the test then).
inline bool Truncated(const String& s) { return s.truncated(); }
inline constexpr size_t kMaxEntryLength = String::kCapacity;
template <typename T, int N>
bool Full(const List<T, N>& list) {
  return list.full();
}

void Reset();  // harness.h

// The fixture of every scenario: a clean harness before each TEST.
class KernelTest {
 protected:
  void SetUp() { Reset(); }
  // The runner prints the trace of a failed test after TearDown; the next SetUp clears it.
  void TearDown() {}
};

// EXPECT_STATUS: records "file:line: EXPECT_STATUS(E_OK, ActivateTask(T2)) expected E_OK got
// E_OS_LIMIT" when the statuses differ (the host compares the names with EXPECT_STREQ).
bool CheckStatus(StatusType expected, StatusType got, const char* expected_text,
                 const char* call_text, const char* file, int line);

}  // namespace tandem::test

#define TANDEM_ENV_EXPECT_STATUS(expected, call) \
  ::tandem::test::CheckStatus((expected), (call), #expected, #call, __FILE__, __LINE__)

#endif  // TANDEM_TESTS_TARGET_SCENARIOS_HARNESS_ENV_H_
