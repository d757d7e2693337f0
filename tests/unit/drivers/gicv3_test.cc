// GICv3 distributor, redistributor and CPU interface against fake registers.
#include "irq/gicv3/gicv3.h"

#include <gtest/gtest.h>

#include "fake_io.h"

namespace tandem::drivers {
namespace {

using test::FakeIo;
using test::FakeRegs;
using Sys = test::FakeSys<IccReg>;

TEST(GicDistributorTest, InitDisablesThenEnablesAffinityRoutingAndGroup1) {
  FakeRegs regs;
  GicDistributor<FakeIo> gicd{FakeIo(&regs)};
  ASSERT_TRUE(gicd.Init().ok());
  const auto w = regs.Writes();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].offset, gicd::kCtlr);
  EXPECT_EQ(w[0].value, 0u);
  EXPECT_EQ(w[1].value, (1u << 4) | (1u << 1) | 1u);
}

TEST(GicDistributorTest, InitTimesOutWhenRwpStaysSet) {
  FakeRegs regs;
  regs.on_read = [](uint32_t off, uint64_t* v) {
    if (off != gicd::kCtlr) return false;
    *v = gicd::kCtlrRwp;
    return true;
  };
  GicDistributor<FakeIo> gicd{FakeIo(&regs)};
  auto r = gicd.Init();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), GicError::kTimeout);
}

TEST(GicDistributorTest, ConfigureSpiSetsGroupPriorityTriggerAndRoute) {
  FakeRegs regs;
  regs.regs[gicd::kTyper] = 2;  // ITLinesNumber 2: INTIDs up to 95
  regs.regs[gicd::kIpriorityr + 36] = 0xAABBCCDD;
  GicDistributor<FakeIo> gicd{FakeIo(&regs)};
  const uint64_t mpidr = 0x80000000ull | (0x5ull << 32) | 0x030201;
  ASSERT_TRUE(gicd.ConfigureSpi(39, 0xE0, Trigger::kEdge, mpidr).ok());
  EXPECT_EQ(regs.regs[gicd::kIcenabler + 4], 1u << 7);
  EXPECT_EQ(regs.regs[gicd::kIgroupr + 4], 1u << 7);
  EXPECT_EQ(regs.regs[gicd::kIpriorityr + 36], 0xE0BBCCDDu);  // byte 3 of the word = INTID 39
  EXPECT_EQ(regs.regs[gicd::kIcfgr + 8], 1u << 15);           // INTID 39: field 7, bit 15
  EXPECT_EQ(regs.regs[gicd::kIrouter + 8 * 39], 0x0500030201ull);
  ASSERT_TRUE(gicd.Enable(39, true).ok());
  EXPECT_EQ(regs.regs[gicd::kIsenabler + 4], 1u << 7);
}

TEST(GicDistributorTest, RejectsPrivateAndUnimplementedIntids) {
  FakeRegs regs;
  regs.regs[gicd::kTyper] = 2;
  GicDistributor<FakeIo> gicd{FakeIo(&regs)};
  EXPECT_EQ(gicd.ConfigureSpi(27, 0, Trigger::kLevel, 0).error(), GicError::kBadIntid);
  EXPECT_EQ(gicd.ConfigureSpi(96, 0, Trigger::kLevel, 0).error(), GicError::kBadIntid);
  EXPECT_EQ(gicd.Enable(1020, true).error(), GicError::kBadIntid);
}

TEST(GicRedistributorTest, FindsTheFrameWithThisCpusAffinity) {
  FakeRegs regs;
  regs.regs[0 * gicr::kFrameStride + gicr::kTyper] = 0x0000000000000000ull;
  regs.regs[1 * gicr::kFrameStride + gicr::kTyper] = 0x0000000100000100ull;
  regs.regs[2 * gicr::kFrameStride + gicr::kTyper] = 0x0000000200000210ull;  // Last
  auto r = GicRedistributor<FakeIo>::FindFrame(FakeIo(&regs), 4 * gicr::kFrameStride, 0x80000001);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), gicr::kFrameStride);
  auto none = GicRedistributor<FakeIo>::FindFrame(FakeIo(&regs), 4 * gicr::kFrameStride, 0x3);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error(), GicError::kNoRedistributor);
  // The region bound holds even without a Last bit.
  auto small = GicRedistributor<FakeIo>::FindFrame(FakeIo(&regs), gicr::kFrameStride, 0x2);
  EXPECT_FALSE(small.ok());
}

TEST(GicRedistributorTest, WakeHandshakeAndPpiConfiguration) {
  FakeRegs regs;
  regs.regs[gicr::kWaker] = gicr::kWakerProcessorSleep | gicr::kWakerChildrenAsleep;
  int polls = 0;
  regs.on_write = [&](uint32_t off, uint64_t v) {
    if (off == gicr::kWaker) {
      // The redistributor reports its children awake two polls after ProcessorSleep clears.
      regs.regs[off] = v | gicr::kWakerChildrenAsleep;
      polls = 2;
      return true;
    }
    return false;
  };
  regs.on_read = [&](uint32_t off, uint64_t* v) {
    if (off != gicr::kWaker || polls == 0) return false;
    if (--polls == 0) regs.regs[off] &= ~uint64_t{gicr::kWakerChildrenAsleep};
    *v = regs.regs[off];
    return true;
  };
  auto r = GicRedistributor<FakeIo>::FindFrame(FakeIo(&regs), gicr::kFrameStride, 0);
  ASSERT_TRUE(r.ok());
  GicRedistributor<FakeIo> rd(FakeIo(&regs), r.value());
  ASSERT_TRUE(rd.Init().ok());
  EXPECT_EQ(regs.regs[gicr::kWaker], 0u);
  EXPECT_EQ(regs.regs[gicr::kIgroupr0], 0xFFFFFFFFu);
  ASSERT_TRUE(rd.ConfigurePrivate(27, 0xF0, Trigger::kLevel).ok());
  EXPECT_EQ(regs.regs[gicr::kIpriorityr + 24], 0xF0000000u);
  EXPECT_EQ(regs.regs[gicr::kIcfgr0 + 4], 0u);
  ASSERT_TRUE(rd.Enable(27, true).ok());
  EXPECT_EQ(regs.regs[gicr::kIsenabler0], 1u << 27);
  EXPECT_EQ(rd.ConfigurePrivate(32, 0, Trigger::kLevel).error(), GicError::kBadIntid);
}

TEST(GicRedistributorTest, WakeTimesOut) {
  FakeRegs regs;
  regs.on_read = [](uint32_t off, uint64_t* v) {
    if (off != gicr::kWaker) return false;
    *v = gicr::kWakerChildrenAsleep;
    return true;
  };
  GicRedistributor<FakeIo> rd(FakeIo(&regs), 0);
  EXPECT_EQ(rd.Init().error(), GicError::kTimeout);
}

TEST(GicCpuInterfaceTest, InitReportsPriorityBitsAndMasksEverything) {
  FakeRegs regs;
  regs.regs[static_cast<uint32_t>(IccReg::kSre)] = 0x7;               // Xen: SRE RAO
  regs.regs[static_cast<uint32_t>(IccReg::kCtlr)] = (4u << 8) | 0x2;  // PRIbits 4 = 5 bits
  GicCpuInterface<Sys> cpu{Sys(&regs)};
  auto bits = cpu.Init();
  ASSERT_TRUE(bits.ok());
  EXPECT_EQ(bits.value(), 5u);
  EXPECT_EQ(regs.regs[static_cast<uint32_t>(IccReg::kPmr)], 0u);
  EXPECT_EQ(regs.regs[static_cast<uint32_t>(IccReg::kCtlr)] & icc::kCtlrEoiMode, 0u);
  EXPECT_EQ(regs.regs[static_cast<uint32_t>(IccReg::kIgrpen1)], 1u);
}

TEST(GicCpuInterfaceTest, NoSystemRegisterInterface) {
  FakeRegs regs;
  regs.on_write = [](uint32_t off, uint64_t) { return off == static_cast<uint32_t>(IccReg::kSre); };
  GicCpuInterface<Sys> cpu{Sys(&regs)};
  EXPECT_EQ(cpu.Init().error(), GicError::kNoSysregInterface);
}

TEST(GicCpuInterfaceTest, AcknowledgeMapsSpecialIntidsToSpurious) {
  FakeRegs regs;
  GicCpuInterface<Sys> cpu{Sys(&regs)};
  regs.regs[static_cast<uint32_t>(IccReg::kIar1)] = 27;
  EXPECT_EQ(cpu.Acknowledge(), 27u);
  regs.regs[static_cast<uint32_t>(IccReg::kIar1)] = 1022;
  EXPECT_EQ(cpu.Acknowledge(), icc::kSpurious);
  cpu.EndOfInterrupt(27);
  EXPECT_EQ(regs.regs[static_cast<uint32_t>(IccReg::kEoir1)], 27u);
}

TEST(GicCpuInterfaceTest, SgiToSelfTargetsOnlyThisPe) {
  FakeRegs regs;
  // Aff3 0x01, Aff2 0x02, Aff1 0x03, Aff0 0x11 (range 1, bit 1).
  regs.regs[static_cast<uint32_t>(IccReg::kMpidr)] = 0x0000000180020311ull;
  GicCpuInterface<Sys> cpu{Sys(&regs)};
  ASSERT_TRUE(cpu.SendSgiToSelf(5).ok());
  EXPECT_EQ(regs.regs[static_cast<uint32_t>(IccReg::kSgi1r)],
            (1ull << 48) | (1ull << 44) | (2ull << 32) | (5ull << 24) | (3ull << 16) | 0x2);
  EXPECT_EQ(cpu.SendSgiToSelf(16).error(), GicError::kBadIntid);
}

TEST(GicAffinityTest, PacksAff3AboveAff2) {
  EXPECT_EQ(AffinityOf(0x0000004280030201ull), 0x42030201u);
}

}  // namespace
}  // namespace tandem::drivers
