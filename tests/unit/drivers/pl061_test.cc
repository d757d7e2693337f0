// PL061 driver against a fake register file that models the address-masked DATA register
// (PL061 TRM 3.3.1): only pins selected by address bits [9:2] are read or written.
#include "gpio/pl061/pl061.h"

#include <gtest/gtest.h>

#include "fake_io.h"

namespace tandem::drivers {
namespace {

using test::FakeIo;
using test::FakeRegs;

class Pl061Test : public ::testing::Test {
 protected:
  void SetUp() override {
    regs_.on_read = [this](uint32_t offset, uint64_t* v) {
      if (offset > 0x3FC) return false;
      *v = pins_ & (offset >> 2);
      return true;
    };
    regs_.on_write = [this](uint32_t offset, uint64_t v) {
      if (offset > 0x3FC) return false;
      const uint8_t mask = static_cast<uint8_t>(offset >> 2);
      pins_ = static_cast<uint8_t>((pins_ & ~mask) | (v & mask));
      return true;
    };
  }
  void SetIds() {
    const uint8_t ids[8] = {0x61, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
    for (int i = 0; i < 4; ++i) regs_.regs[0xFE0 + 4 * i] = ids[i];
    for (int i = 0; i < 4; ++i) regs_.regs[0xFF0 + 4 * i] = ids[4 + i];
  }
  FakeRegs regs_;
  uint8_t pins_ = 0;
  Pl061<FakeIo> gpio_{FakeIo(&regs_)};
};

TEST_F(Pl061Test, SetWritesOnlyThePinsMaskedAddress) {
  pins_ = 0x81;
  ASSERT_TRUE(gpio_.Set(3, true).ok());
  const auto w = regs_.Writes();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].offset, 1u << (3 + 2));  // 0x20
  EXPECT_EQ(w[0].value, 0x08u);
  EXPECT_EQ(pins_, 0x89);
  ASSERT_TRUE(gpio_.Set(0, false).ok());
  EXPECT_EQ(regs_.Writes().back().offset, 0x4u);
  EXPECT_EQ(pins_, 0x88);
}

TEST_F(Pl061Test, GetReadsOnePin) {
  pins_ = 0x40;
  auto high = gpio_.Get(6);
  ASSERT_TRUE(high.ok());
  EXPECT_TRUE(high.value());
  EXPECT_EQ(regs_.log.back().offset, 1u << 8);
  auto low = gpio_.Get(5);
  ASSERT_TRUE(low.ok());
  EXPECT_FALSE(low.value());
}

TEST_F(Pl061Test, ToggleFlipsOnlyItsPin) {
  pins_ = 0xF0;
  auto r = gpio_.Toggle(0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value());
  EXPECT_EQ(pins_, 0xF1);
  r = gpio_.Toggle(0);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value());
  EXPECT_EQ(pins_, 0xF0);
  for (const auto& a : regs_.log) EXPECT_EQ(a.offset, 0x4u) << "touched another register";
  EXPECT_EQ(gpio_.ReadAll(), 0xF0);
}

TEST_F(Pl061Test, PinsAboveSevenAreRejectedWithoutAccess) {
  EXPECT_EQ(gpio_.Set(8, true).error(), GpioError::kBadPin);
  EXPECT_EQ(gpio_.Get(8).error(), GpioError::kBadPin);
  EXPECT_EQ(gpio_.Toggle(200).error(), GpioError::kBadPin);
  EXPECT_EQ(gpio_.SetDirection(8, GpioDirection::kOutput).error(), GpioError::kBadPin);
  EXPECT_EQ(gpio_.ConfigureInterrupt(9, GpioTrigger::kRisingEdge).error(), GpioError::kBadPin);
  EXPECT_TRUE(regs_.log.empty());
}

TEST_F(Pl061Test, DirectionIsReadModifyWriteAndClearsAfsel) {
  regs_.regs[pl061::kDir] = 0x01;
  regs_.regs[pl061::kAfsel] = 0x04;
  ASSERT_TRUE(gpio_.SetDirection(2, GpioDirection::kOutput).ok());
  EXPECT_EQ(regs_.regs[pl061::kDir], 0x05u);
  EXPECT_EQ(regs_.regs[pl061::kAfsel], 0x00u);
  ASSERT_TRUE(gpio_.SetDirection(0, GpioDirection::kInput).ok());
  EXPECT_EQ(regs_.regs[pl061::kDir], 0x04u);
}

TEST_F(Pl061Test, DirectionReadsGpiodirOnly) {
  regs_.regs[pl061::kDir] = 0x08;
  EXPECT_EQ(gpio_.Direction(3).value(), GpioDirection::kOutput);
  EXPECT_EQ(gpio_.Direction(2).value(), GpioDirection::kInput);
  for (const auto& a : regs_.log) {
    EXPECT_FALSE(a.write);
    EXPECT_EQ(a.offset, pl061::kDir);
  }
  const size_t accesses = regs_.log.size();
  EXPECT_EQ(gpio_.Direction(8).error(), GpioError::kBadPin);
  EXPECT_EQ(regs_.log.size(), accesses);
}

TEST_F(Pl061Test, InterruptTriggerRegisters) {
  regs_.regs[pl061::kIe] = 0xFF;
  ASSERT_TRUE(gpio_.ConfigureInterrupt(1, GpioTrigger::kHighLevel).ok());
  EXPECT_EQ(regs_.regs[pl061::kIs], 0x02u);
  EXPECT_EQ(regs_.regs[pl061::kIev], 0x02u);
  EXPECT_EQ(regs_.regs[pl061::kIbe], 0x00u);
  EXPECT_EQ(regs_.regs[pl061::kIe], 0xFDu) << "configuring leaves the pin masked";
  EXPECT_EQ(regs_.regs[pl061::kIc], 0x02u);
  ASSERT_TRUE(gpio_.ConfigureInterrupt(1, GpioTrigger::kBothEdges).ok());
  EXPECT_EQ(regs_.regs[pl061::kIs], 0x00u);
  EXPECT_EQ(regs_.regs[pl061::kIbe], 0x02u);
  ASSERT_TRUE(gpio_.ConfigureInterrupt(1, GpioTrigger::kFallingEdge).ok());
  EXPECT_EQ(regs_.regs[pl061::kIev], 0x00u);
  EXPECT_EQ(regs_.regs[pl061::kIbe], 0x00u);
  ASSERT_TRUE(gpio_.EnableInterrupt(1, true).ok());
  EXPECT_EQ(regs_.regs[pl061::kIe], 0xFFu);
  regs_.regs[pl061::kMis] = 0x22;
  EXPECT_EQ(gpio_.PendingInterrupts(), 0x22);
  gpio_.ClearInterrupts(0x20);
  EXPECT_EQ(regs_.regs[pl061::kIc], 0x20u);
}

TEST_F(Pl061Test, ProbeChecksIds) {
  EXPECT_EQ(gpio_.Probe().error(), GpioError::kNotPl061);
  SetIds();
  EXPECT_TRUE(gpio_.Probe().ok());
  regs_.regs[0xFF0] = 0x0E;
  EXPECT_EQ(gpio_.Probe().error(), GpioError::kNotPl061);
}

}  // namespace
}  // namespace tandem::drivers
