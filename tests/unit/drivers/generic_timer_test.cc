// The periodic virtual-timer tick: drift-free compare values and Xen's IMASK handling.
#include "timer/generic_timer/generic_timer.h"

#include <gtest/gtest.h>

#include "fake_io.h"

namespace tandem::drivers {
namespace {

using test::FakeRegs;
using Sys = test::FakeSys<TimerReg>;

constexpr uint32_t R(TimerReg r) { return static_cast<uint32_t>(r); }

TEST(GenericTimerTest, FrequencyFromDeviceTreeOrCntfrq) {
  FakeRegs regs;
  GenericTimer<Sys> t{Sys(&regs)};
  EXPECT_EQ(t.Init(0).error(), TimerError::kNoFrequency);
  regs.regs[R(TimerReg::kCntfrq)] = 62500000;
  ASSERT_TRUE(t.Init(0).ok());
  EXPECT_EQ(t.frequency_hz(), 62500000u);
  ASSERT_TRUE(t.Init(1000000).ok());
  EXPECT_EQ(t.frequency_hz(), 1000000u);
}

TEST(GenericTimerTest, StartArmsOnePeriodAhead) {
  FakeRegs regs;
  regs.regs[R(TimerReg::kCntfrq)] = 62500000;
  regs.regs[R(TimerReg::kCntvct)] = 1000;
  GenericTimer<Sys> t{Sys(&regs)};
  ASSERT_TRUE(t.Init(0).ok());
  ASSERT_TRUE(t.Start(1000000).ok());  // 1 ms = 62500 ticks
  EXPECT_EQ(t.period_ticks(), 62500u);
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)], 63500u);
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCtl)], cntv_ctl::kEnable);
  EXPECT_EQ(t.Start(10).error(), TimerError::kBadPeriod);
}

TEST(GenericTimerTest, AcknowledgeAdvancesByExactlyOnePeriodAndClearsImask) {
  FakeRegs regs;
  regs.regs[R(TimerReg::kCntfrq)] = 1000000;
  GenericTimer<Sys> t{Sys(&regs)};
  ASSERT_TRUE(t.Init(0).ok());
  ASSERT_TRUE(t.Start(1000000).ok());  // period 1000 ticks, first deadline 1000
  // The interrupt is taken late (latency 137 ticks); Xen has set IMASK.
  regs.regs[R(TimerReg::kCntvct)] = 1137;
  regs.regs[R(TimerReg::kCntvCtl)] = cntv_ctl::kEnable | cntv_ctl::kImask | cntv_ctl::kIstatus;
  EXPECT_TRUE(t.Acknowledge());
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)], 2000u) << "latency must not shift the grid";
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCtl)], cntv_ctl::kEnable);
  EXPECT_EQ(t.late_ticks(), 0u);
  EXPECT_EQ(t.max_latency(), 137u);
  EXPECT_EQ(t.last_latency(), 137u);
  // Two periods late: the next deadline is already past, counted as late.
  regs.regs[R(TimerReg::kCntvct)] = 4000;
  regs.regs[R(TimerReg::kCntvCtl)] = cntv_ctl::kEnable | cntv_ctl::kIstatus;
  EXPECT_TRUE(t.Acknowledge());
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)], 3000u);
  EXPECT_EQ(t.late_ticks(), 1u);
  EXPECT_EQ(t.max_latency(), 2000u);
  EXPECT_EQ(t.last_latency(), 2000u);
  EXPECT_EQ(t.last_tick(), 2000u);
  EXPECT_EQ(t.skipped_periods(), 0u);
}

// Fires the timer at `now` as the hardware would: ISTATUS set once CVAL is reached.
bool FireAt(FakeRegs& regs, GenericTimer<Sys>& t, uint64_t now) {
  regs.regs[R(TimerReg::kCntvct)] = now;
  regs.regs[R(TimerReg::kCntvCtl)] = cntv_ctl::kEnable | cntv_ctl::kImask | cntv_ctl::kIstatus;
  return t.Acknowledge();
}

// Delivers every tick the timer raises at `now` (each Acknowledge re-arms; a compare value
// still at or below `now` fires again at once). Returns the ticks delivered.
int RunUntilCaughtUp(FakeRegs& regs, GenericTimer<Sys>& t, uint64_t now) {
  int delivered = 0;
  for (int fires = 0; regs.regs[R(TimerReg::kCntvCval)] <= now; ++fires) {
    EXPECT_LT(fires, 100) << "the timer keeps firing at " << now;
    if (fires >= 100) break;
    if (FireAt(regs, t, now)) ++delivered;
  }
  return delivered;
}

TEST(GenericTimerTest, LatenessUpToTheCatchUpBoundIsReplayed) {
  static_assert(GenericTimer<Sys>::kMaxCatchUpPeriods == 2, "the figures below assume 2");
  FakeRegs regs;
  regs.regs[R(TimerReg::kCntfrq)] = 1000000;
  GenericTimer<Sys> t{Sys(&regs)};
  ASSERT_TRUE(t.Init(0).ok());
  ASSERT_TRUE(t.Start(1000000).ok());  // period 1000, deadlines 1000, 2000, 3000, ...
  // Handled at 3999: 2999 late, the deadlines 2000 and 3000 are behind it: three ticks back to
  // back, then the timer waits for 4000.
  EXPECT_EQ(RunUntilCaughtUp(regs, t, 3999), 3);
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)], 4000u);
  EXPECT_EQ(t.last_tick(), 3000u);
  EXPECT_EQ(t.late_ticks(), 2u);  // the first two were more than a period late
  EXPECT_EQ(t.skipped_periods(), 0u);
  EXPECT_EQ(t.skips(), 0u);
  // The mean delay's parts: three ticks delivered, 2999 + 1999 + 999 late.
  EXPECT_EQ(t.delivered(), 3u);
  EXPECT_EQ(t.latency_sum(), 2999u + 1999u + 999u);
  EXPECT_EQ(t.max_latency(), 2999u);
}

TEST(GenericTimerTest, LostTimeIsSkippedNotReplayed) {
  FakeRegs regs;
  regs.regs[R(TimerReg::kCntfrq)] = 1000000;
  GenericTimer<Sys> t{Sys(&regs)};
  ASSERT_TRUE(t.Init(0).ok());
  ASSERT_TRUE(t.Start(1000000).ok());  // period 1000
  ASSERT_TRUE(FireAt(regs, t, 1010));
  // The domain was paused 4.6 s (as `xl pause`): the tick due at 2000 is taken at 4,602,345.
  // Deadlines 2000 .. 4,602,000 (4601 periods) have passed: none is delivered, the next
  // deadline is the first future one on the original grid.
  EXPECT_EQ(RunUntilCaughtUp(regs, t, 4602345), 0);
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)], 4603000u);
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCtl)], cntv_ctl::kEnable) << "IMASK cleared";
  EXPECT_EQ(t.skipped_periods(), 4601u);
  EXPECT_EQ(t.skips(), 1u);
  EXPECT_EQ(t.late_ticks(), 0u);
  EXPECT_EQ(t.last_tick(), 1000u) << "the latest delivered tick is still the one before";
  EXPECT_EQ(t.max_latency(), 10u) << "a skipped period is no tick latency";
  // The next tick comes on time and is an ordinary one: released at 4,603,000.
  EXPECT_TRUE(FireAt(regs, t, 4603004));
  EXPECT_EQ(t.last_tick(), 4603000u);
  EXPECT_EQ(t.last_latency(), 4u);
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)], 4604000u);
  EXPECT_EQ(t.skipped_periods(), 4601u);
}

TEST(GenericTimerTest, CatchUpBoundIsExact) {
  // Three periods behind is one too many: all four due deadlines are skipped.
  FakeRegs regs;
  regs.regs[R(TimerReg::kCntfrq)] = 1000000;
  GenericTimer<Sys> t{Sys(&regs)};
  ASSERT_TRUE(t.Init(0).ok());
  ASSERT_TRUE(t.Start(1000000).ok());
  EXPECT_EQ(RunUntilCaughtUp(regs, t, 4000), 0);  // 1000, 2000, 3000 and 4000 all passed
  EXPECT_EQ(t.skipped_periods(), 4u);
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)], 5000u);
  // Two periods behind (and a bit) is caught up.
  EXPECT_EQ(RunUntilCaughtUp(regs, t, 7999), 3);  // 5000, 6000, 7000
  EXPECT_EQ(t.skipped_periods(), 4u);
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)], 8000u);
}

TEST(GenericTimerTest, RepeatedStallsAddUp) {
  FakeRegs regs;
  regs.regs[R(TimerReg::kCntfrq)] = 62500000;  // QEMU virt's generic timer
  GenericTimer<Sys> t{Sys(&regs)};
  ASSERT_TRUE(t.Init(0).ok());
  ASSERT_TRUE(t.Start(1000000).ok());  // 1 ms = 62500 counts
  uint64_t now = 0;
  int delivered = 0;
  uint64_t expected_skipped = 0;
  for (int second = 0; second < 3; ++second) {
    for (int ms = 0; ms < 1000; ++ms) {  // a second of ticks taken 3 us late
      now = regs.regs[R(TimerReg::kCntvCval)] + 187;
      delivered += RunUntilCaughtUp(regs, t, now);
    }
    // Then a stall of 20.5 ms from the last tick: the 20 deadlines it covers are lost.
    now += 20 * 62500 + 31250;
    expected_skipped += 20;
    EXPECT_EQ(RunUntilCaughtUp(regs, t, now), 0);
    EXPECT_EQ(t.skipped_periods(), expected_skipped);
  }
  EXPECT_EQ(delivered, 3000);
  EXPECT_EQ(t.skips(), 3u);
  EXPECT_EQ(t.late_ticks(), 0u);
  EXPECT_EQ(t.max_latency(), 187u);
  // Still on the grid of Start(): every deadline is a whole number of periods from it.
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)] % 62500, 0u);
}

TEST(GenericTimerTest, SpuriousAndStopped) {
  FakeRegs regs;
  regs.regs[R(TimerReg::kCntfrq)] = 1000000;
  GenericTimer<Sys> t{Sys(&regs)};
  ASSERT_TRUE(t.Init(0).ok());
  EXPECT_FALSE(t.Acknowledge()) << "not started";
  ASSERT_TRUE(t.Start(1000000).ok());
  regs.regs[R(TimerReg::kCntvct)] = 10;
  regs.regs[R(TimerReg::kCntvCtl)] = cntv_ctl::kEnable | cntv_ctl::kImask;
  EXPECT_FALSE(t.Acknowledge());
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)], 1000u);
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCtl)], cntv_ctl::kEnable) << "IMASK cleared";
  t.Stop();
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCtl)], cntv_ctl::kImask);
  EXPECT_FALSE(t.Acknowledge());
}

}  // namespace
}  // namespace tandem::drivers
