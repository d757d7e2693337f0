// RateLimiter: burst, refill, and the count of what it held back reported exactly once.
#include "tandem/rate_limiter.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

constexpr uint64_t kPeriod = 1000;  // e.g. milliseconds

TEST(RateLimiterTest, BurstPassesThenHoldsBackAndCounts) {
  RateLimiter limiter(3, kPeriod);
  for (int i = 0; i < 3; ++i) {
    const RateLimiter::Decision d = limiter.Admit(10);
    EXPECT_TRUE(d.pass) << i;
    EXPECT_EQ(d.suppressed, 0u);
  }
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.Admit(10 + i).pass);
  EXPECT_EQ(limiter.suppressed(), 5u);
  EXPECT_EQ(limiter.tokens(), 0u);
}

TEST(RateLimiterTest, OneTokenPerPeriodAndTheHeldBackCountComesWithTheNextPass) {
  RateLimiter limiter(1, kPeriod);
  ASSERT_TRUE(limiter.Admit(0).pass);
  EXPECT_FALSE(limiter.Admit(1).pass);
  EXPECT_FALSE(limiter.Admit(999).pass);  // a period not yet over
  const RateLimiter::Decision d = limiter.Admit(1000);
  EXPECT_TRUE(d.pass);
  EXPECT_EQ(d.suppressed, 2u);
  EXPECT_EQ(limiter.suppressed(), 0u) << "reported once, then forgotten";
  EXPECT_FALSE(limiter.Admit(1500).pass);
  EXPECT_TRUE(limiter.Admit(2000).pass);
}

TEST(RateLimiterTest, RefillKeepsThePartOfAPeriodAlreadyWaited) {
  RateLimiter limiter(2, kPeriod);
  ASSERT_TRUE(limiter.Admit(0).pass);
  ASSERT_TRUE(limiter.Admit(0).pass);
  // 1.5 periods later: one token, and the half period counts towards the next.
  ASSERT_TRUE(limiter.Admit(1500).pass);
  EXPECT_FALSE(limiter.Admit(1999).pass);
  EXPECT_TRUE(limiter.Admit(2000).pass);
}

TEST(RateLimiterTest, AnIdleLimiterRefillsToTheBurstOnly) {
  RateLimiter limiter(3, kPeriod);
  ASSERT_TRUE(limiter.Admit(0).pass);
  // An hour of quiet earns no more than the burst.
  int passed = 0;
  for (int i = 0; i < 10; ++i) passed += limiter.Admit(3'600'000).pass ? 1 : 0;
  EXPECT_EQ(passed, 3);
}

TEST(RateLimiterTest, SummaryIsDueOnlyWithSomethingHeldBackAndATokenFree) {
  RateLimiter limiter(1, kPeriod);
  EXPECT_EQ(limiter.TakeSummary(0), 0u) << "nothing held back";
  ASSERT_TRUE(limiter.Admit(0).pass);
  EXPECT_FALSE(limiter.Admit(100).pass);
  EXPECT_FALSE(limiter.Admit(200).pass);
  EXPECT_EQ(limiter.TakeSummary(500), 0u) << "no token yet";
  EXPECT_EQ(limiter.TakeSummary(1000), 2u);
  EXPECT_EQ(limiter.TakeSummary(5000), 0u) << "said once";
  // The summary took the token: an event right after it waits for the next one.
  ASSERT_TRUE(limiter.Admit(5000).pass);  // (refilled meanwhile)
  EXPECT_FALSE(limiter.Admit(5001).pass);
  EXPECT_EQ(limiter.TakeSummary(5002), 0u);
  EXPECT_EQ(limiter.TakeSummary(6000), 1u);
  EXPECT_FALSE(limiter.Admit(6001).pass);
}

TEST(RateLimiterTest, EventsCountedOutsideJoinTheReport) {
  RateLimiter limiter(1, kPeriod);
  ASSERT_TRUE(limiter.Admit(0).pass);
  limiter.Count(7);  // e.g. dropped by a full queue before reaching the limiter
  EXPECT_FALSE(limiter.Admit(1).pass);
  const RateLimiter::Decision d = limiter.Admit(1000);
  ASSERT_TRUE(d.pass);
  EXPECT_EQ(d.suppressed, 8u);
}

TEST(RateLimiterTest, CountSaturates) {
  RateLimiter limiter(1, kPeriod);
  limiter.Count(UINT32_MAX - 1);
  limiter.Count(5);
  EXPECT_EQ(limiter.suppressed(), UINT32_MAX);
}

TEST(RateLimiterTest, ClockGoingBackwardsEarnsNothing) {
  RateLimiter limiter(1, kPeriod);
  ASSERT_TRUE(limiter.Admit(5000).pass);
  EXPECT_FALSE(limiter.Admit(100).pass);
  EXPECT_FALSE(limiter.Admit(5999).pass);
  EXPECT_TRUE(limiter.Admit(6000).pass);
}

TEST(RateLimiterTest, PeriodZeroMeansNoLimit) {
  RateLimiter limiter(1, 0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.Admit(0).pass);
}

}  // namespace
}  // namespace tandem
