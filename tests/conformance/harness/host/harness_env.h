// The harness's environment on the host (harness.h): GoogleTest executables on the host port.
// Storage is the hosted library's, unbounded (a body captures what it likes, a randomised run's
// trace has hundreds of entries), failures are GoogleTest failures (host_env.cc) and the fixture
// is a ::testing::Test. The arm64 target's counterpart is
// tests/target_scenarios/include/harness_env.h.
#ifndef TANDEM_TESTS_HARNESS_HOST_HARNESS_ENV_H_
#define TANDEM_TESTS_HARNESS_HOST_HARNESS_ENV_H_

#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "os.h"

namespace tandem::test {

using String = std::string;
using Body = std::function<void()>;
using StatusBody = std::function<void(StatusType)>;
// The host's lists grow: N (the target's bound) does not apply.
template <typename T, int N>
using List = std::vector<T>;
// An expected sequence of events (scenario.h's Pick chooses one of three).
using Sequence = std::vector<std::string>;

// What the target's fixed storage can refuse, never refused here.
inline bool Truncated(const std::string&) { return false; }
inline constexpr size_t kMaxEntryLength = 0;  // no bound (only named in the target's message)
template <typename T>
bool Full(const std::vector<T>&) {
  return false;
}

// The trace as numbered lines ("  1. T1 start"), for messages.
std::string TraceText();

void Reset();  // harness.h

// The fixture of every kernel test: a clean harness before and after each TEST.
class KernelTest : public ::testing::Test {
 protected:
  void SetUp() override { Reset(); }
  void TearDown() override { Reset(); }
};

}  // namespace tandem::test

#define TANDEM_ENV_EXPECT_STATUS(expected, call) \
  EXPECT_STREQ(::tandem::test::StatusName(expected), ::tandem::test::StatusName(call))

#endif  // TANDEM_TESTS_HARNESS_HOST_HARNESS_ENV_H_
