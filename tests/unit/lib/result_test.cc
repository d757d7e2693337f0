// Result<T, E>: each side read only when it is there. Debug builds (host-debug, the sanitizer
// presets) stop at a read of the wrong side; release builds compile the check out.
#include "tandem/result.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

enum class Status { kOk, kBad };

Result<int, Status> Half(int n) {
  if (n % 2 != 0) return MakeError(Status::kBad);
  return n / 2;
}

Result<void, Status> Even(int n) {
  if (n % 2 != 0) return MakeError(Status::kBad);
  return {};
}

Result<int, Status> Quarter(int n) {
  Result<int, Status> h = Half(n);
  TANDEM_TRY(h);
  return Half(h.value());
}

TEST(ResultTest, EachSideWhenItIsThere) {
  Result<int, Status> ok = Half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 4);
  Result<int, Status> bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), Status::kBad);
  EXPECT_TRUE(Even(2).ok());
  EXPECT_EQ(Even(1).error(), Status::kBad);
}

TEST(ResultTest, TryPassesTheErrorOn) {
  EXPECT_EQ(Quarter(8).value(), 2);
  EXPECT_EQ(Quarter(3).error(), Status::kBad);
  EXPECT_EQ(Quarter(6).error(), Status::kBad);
}

#ifndef NDEBUG
TEST(ResultDeathTest, ValueOfAFailedResultAsserts) {
  EXPECT_DEATH((void)Half(3).value(), "assertion failed: ok_");
}

TEST(ResultDeathTest, ErrorOfAnOkResultAsserts) {
  EXPECT_DEATH((void)Half(2).error(), "assertion failed: !ok_");
  EXPECT_DEATH((void)Even(2).error(), "assertion failed: !ok_");
}
#endif

}  // namespace
}  // namespace tandem
