// Generic timer register definitions against the Arm ARM's CNTV_CTL_EL0 and CNTFRQ_EL0.
#include "timer/generic_timer/timer_registers.h"

#include <gtest/gtest.h>

#include "field_span.h"

namespace tandem::drivers {
namespace {

using test::Spans;

TEST(TimerRegistersTest, CntvCtlFields) {
  EXPECT_TRUE(Spans(CntvCtl::kEnable, 0, 0));
  EXPECT_TRUE(Spans(CntvCtl::kImask, 1, 1));
  EXPECT_TRUE(Spans(CntvCtl::kIstatus, 2, 2));
  EXPECT_EQ(cntv_ctl::kEnable, 1u);
  EXPECT_EQ(cntv_ctl::kImask, 2u);
  EXPECT_EQ(cntv_ctl::kIstatus, 4u);
}

TEST(TimerRegistersTest, CntfrqIsTheLowWord) {
  EXPECT_TRUE(Spans(Cntfrq::kClockFreq, 31, 0));
  EXPECT_EQ(Cntfrq::FromRaw(0xFFFFFFFF03B9ACA0ull).Get(Cntfrq::kClockFreq), 62500000u);
}

TEST(TimerRegistersTest, EachRegisterHasItsOwnId) {
  EXPECT_EQ(Cntfrq::kRegister, TimerReg::kCntfrq);
  EXPECT_EQ(Cntvct::kRegister, TimerReg::kCntvct);
  EXPECT_EQ(CntvCtl::kRegister, TimerReg::kCntvCtl);
  EXPECT_EQ(CntvCval::kRegister, TimerReg::kCntvCval);
}

}  // namespace
}  // namespace tandem::drivers
