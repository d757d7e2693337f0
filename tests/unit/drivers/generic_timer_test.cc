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
  // Three periods late: the next deadline is already past, counted as late.
  regs.regs[R(TimerReg::kCntvct)] = 5000;
  regs.regs[R(TimerReg::kCntvCtl)] = cntv_ctl::kEnable | cntv_ctl::kIstatus;
  EXPECT_TRUE(t.Acknowledge());
  EXPECT_EQ(regs.regs[R(TimerReg::kCntvCval)], 3000u);
  EXPECT_EQ(t.late_ticks(), 1u);
  EXPECT_EQ(t.max_latency(), 3000u);
  EXPECT_EQ(t.last_latency(), 3000u);
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
