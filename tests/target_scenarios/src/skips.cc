// Scenarios that cannot run on the arm64 target, each with the reason. The runner prints every
// skipped test by name and counts it in the summary; an entry that matches no test of any image
// is reported by the check in CMakeLists.txt (tandem_target_scenarios_check_skips), so the list
// cannot go stale silently.
#include "runtime.h"

namespace tandem::test::target {
namespace {

// Empty today: every scenario of tests/conformance that the target images build runs there.
constexpr Skip kSkips[] = {
    {nullptr, nullptr},  // (a zero-length array is not C++; the runner ignores this entry)
};

}  // namespace

const Skip* Skips(int* count) {
  *count = static_cast<int>(sizeof(kSkips) / sizeof(kSkips[0]));
  return kSkips;
}

}  // namespace tandem::test::target
