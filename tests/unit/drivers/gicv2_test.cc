// GICv2 distributor and CPU interface against fake registers: the init sequences, priority-bit
// discovery, SPI configuration with targets, SGI to self, acknowledge and EOI.
#include "irq/gicv2/gicv2.h"

#include <gtest/gtest.h>

#include "fake_io.h"

namespace tandem::drivers::gicv2 {
namespace {

using test::Access;
using test::FakeIo;
using test::FakeRegs;

// A GICC_PMR that keeps only the top `bits` bits of what is written (IHI 0048B 3.3).
void ImplementPriorityBits(FakeRegs& regs, unsigned bits) {
  regs.on_write = [&regs, bits](uint32_t offset, uint64_t value) {
    if (offset != gicc::Pmr::kOffset) return false;
    regs.regs[offset] = value & ((0xFF00u >> bits) & 0xFFu);
    return true;
  };
}

TEST(Gicv2DistributorTest, InitDisablesForwardingAndPrivateSourcesThenEnables) {
  FakeRegs regs;
  Distributor<FakeIo> gicd{FakeIo(&regs)};
  ASSERT_TRUE(gicd.Init().ok());
  const std::vector<Access> expected = {
      {true, 0x000, 0, 32},           // GICD_CTLR: forwarding off
      {true, 0x180, 0xFFFFFFFF, 32},  // GICD_ICENABLER0: every SGI and PPI off
      {true, 0x000, 1, 32},           // GICD_CTLR.Enable
  };
  EXPECT_EQ(regs.Writes(), expected);
}

TEST(Gicv2DistributorTest, ConfigureSpiSetsPriorityTriggerAndTargetsLeavingOthers) {
  FakeRegs regs;
  regs.regs[0x004] = 2;  // GICD_TYPER.ITLinesNumber 2: INTIDs up to 95
  regs.regs[0x424] = 0xAABBCCDD;
  regs.regs[0x824] = 0x02020202;
  regs.regs[0xC08] = 0x55555555;
  Distributor<FakeIo> gicd{FakeIo(&regs)};
  ASSERT_TRUE(gicd.Configure(39, 0xE0, Trigger::kEdge, 0x01).ok());
  EXPECT_EQ(regs.regs[0x184], 1u << 7);                   // disabled first (GICD_ICENABLER1)
  EXPECT_EQ(regs.regs[0x424], 0xE0BBCCDDu);               // byte 3 of GICD_IPRIORITYR9
  EXPECT_EQ(regs.regs[0xC08], 0x55555555u | (1u << 15));  // Int_config[1] of field 7
  EXPECT_EQ(regs.regs[0x824], 0x01020202u);               // byte 3 of GICD_ITARGETSR9
  EXPECT_EQ(regs.regs.count(0x104), 0u);                  // left disabled
  ASSERT_TRUE(gicd.Enable(39, true).ok());
  EXPECT_EQ(regs.regs[0x104], 1u << 7);  // GICD_ISENABLER1
  // Level-triggered clears the bit again.
  ASSERT_TRUE(gicd.Configure(39, 0xE0, Trigger::kLevel, 0x01).ok());
  EXPECT_EQ(regs.regs[0xC08], 0x55555555u);
}

TEST(Gicv2DistributorTest, PrivateSourcesGetNoTargetsAndSgisNoTrigger) {
  FakeRegs regs;
  Distributor<FakeIo> gicd{FakeIo(&regs)};
  ASSERT_TRUE(gicd.Configure(27, 0xA0, Trigger::kLevel, 0x01).ok());  // PPI: the timer
  ASSERT_TRUE(gicd.Configure(3, 0x80, Trigger::kLevel, 0x01).ok());   // SGI
  EXPECT_EQ(regs.regs[0x418], 0xA0000000u);  // INTID 27: byte 3 of GICD_IPRIORITYR6
  EXPECT_EQ(regs.regs[0x400], 0x80000000u);  // INTID 3: byte 3 of GICD_IPRIORITYR0
  for (const Access& w : regs.Writes()) {
    EXPECT_FALSE(w.offset >= 0x800 && w.offset < 0x820) << "GICD_ITARGETSR0..7 are read-only";
    EXPECT_NE(w.offset, 0xC00u) << "GICD_ICFGR0 (SGIs) is read-only";
  }
  EXPECT_TRUE(regs.regs.count(0xC04));  // the PPI's GICD_ICFGR1 is written
}

TEST(Gicv2DistributorTest, OwnTargetMaskIsTheBankedByteOfItargetsr0) {
  FakeRegs regs;
  regs.regs[0x800] = 0x04040404;  // as read by CPU interface 2
  Distributor<FakeIo> gicd{FakeIo(&regs)};
  EXPECT_EQ(gicd.OwnTargetMask(), 0x04u);
}

TEST(Gicv2DistributorTest, RejectsUnimplementedIntids) {
  FakeRegs regs;
  regs.regs[0x004] = 2;
  Distributor<FakeIo> gicd{FakeIo(&regs)};
  EXPECT_EQ(gicd.Configure(96, 0, Trigger::kLevel, 1).error(), GicError::kBadIntid);
  EXPECT_EQ(gicd.Enable(1020, true).error(), GicError::kBadIntid);
  EXPECT_TRUE(regs.Writes().empty());
  EXPECT_EQ(gicd.SendSgiToSelf(16).error(), GicError::kBadIntid);
}

TEST(Gicv2DistributorTest, IntidLimitIsCappedAt1020) {
  FakeRegs regs;
  regs.regs[0x004] = 31;  // 32 * 32 = 1024 lines
  Distributor<FakeIo> gicd{FakeIo(&regs)};
  EXPECT_EQ(gicd.IntidLimit(), 1020u);
}

TEST(Gicv2DistributorTest, SgiToSelfUsesTargetListFilterSelf) {
  FakeRegs regs;
  Distributor<FakeIo> gicd{FakeIo(&regs)};
  ASSERT_TRUE(gicd.SendSgiToSelf(5).ok());
  const std::vector<Access> expected = {{true, 0xF00, (0b10u << 24) | 5u, 32}};
  EXPECT_EQ(regs.Writes(), expected);
}

TEST(Gicv2CpuInterfaceTest, InitFindsPriorityBitsMasksAllAndEnablesGroup0WithEoiMode0) {
  FakeRegs regs;
  regs.regs[0x0000] = 1u << 9;  // EOImode left set by someone: Init writes the whole register
  ImplementPriorityBits(regs, 5);
  CpuInterface<FakeIo> gicc{FakeIo(&regs)};
  auto r = gicc.Init();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 5u);
  const std::vector<Access> expected = {
      {true, 0x0000, 0, 32},     // GICC_CTLR: signalling off
      {true, 0x0004, 0xFF, 32},  // GICC_PMR: probe
      {true, 0x0004, 0, 32},     // GICC_PMR: every interrupt masked
      {true, 0x0008, 0, 32},     // GICC_BPR
      {true, 0x0000, 1, 32},     // GICC_CTLR: EnableGrp0, FIQEn 0, EOImode 0
  };
  EXPECT_EQ(regs.Writes(), expected);
  EXPECT_EQ(regs.regs[0x0004], 0u);
}

TEST(Gicv2CpuInterfaceTest, PriorityBitsFromWhatPmrKeeps) {
  for (unsigned bits = 4; bits <= 8; ++bits) {
    FakeRegs regs;
    ImplementPriorityBits(regs, bits);
    CpuInterface<FakeIo> gicc{FakeIo(&regs)};
    auto r = gicc.Init();
    ASSERT_TRUE(r.ok()) << bits;
    EXPECT_EQ(r.value(), bits);
  }
}

TEST(Gicv2CpuInterfaceTest, TooFewOrScatteredPriorityBitsAreNoCpuInterface) {
  FakeRegs three;
  ImplementPriorityBits(three, 3);
  EXPECT_EQ(CpuInterface<FakeIo>{FakeIo(&three)}.Init().error(), GicError::kBadPriorityBits);
  FakeRegs nothing;  // PMR reads as zero: nothing there
  nothing.on_write = [](uint32_t, uint64_t) { return true; };
  EXPECT_EQ(CpuInterface<FakeIo>{FakeIo(&nothing)}.Init().error(), GicError::kBadPriorityBits);
  FakeRegs scattered;
  scattered.on_read = [](uint32_t offset, uint64_t* v) {
    if (offset != 0x0004) return false;
    *v = 0xF1;
    return true;
  };
  EXPECT_EQ(CpuInterface<FakeIo>{FakeIo(&scattered)}.Init().error(), GicError::kBadPriorityBits);
}

TEST(Gicv2CpuInterfaceTest, PriorityMaskIsGiccPmr) {
  FakeRegs regs;
  CpuInterface<FakeIo> gicc{FakeIo(&regs)};
  gicc.SetPriorityMask(0xB0);
  EXPECT_EQ(regs.regs[0x0004], 0xB0u);
  EXPECT_EQ(gicc.PriorityMask(), 0xB0u);
}

TEST(Gicv2CpuInterfaceTest, EoiWritesBackTheAcknowledgedValueWithTheSgiSource) {
  FakeRegs regs;
  regs.regs[0x000C] = (2u << 10) | 5u;  // SGI 5 requested by CPU interface 2
  CpuInterface<FakeIo> gicc{FakeIo(&regs)};
  const gicc::Iar iar = gicc.Acknowledge();
  EXPECT_EQ(CpuInterface<FakeIo>::IntidOf(iar), 5u);
  gicc.EndOfInterrupt(iar);
  const std::vector<Access> expected = {{true, 0x0010, (2u << 10) | 5u, 32}};  // GICC_EOIR
  EXPECT_EQ(regs.Writes(), expected);
}

TEST(Gicv2CpuInterfaceTest, SpuriousIntids) {
  FakeRegs regs;
  CpuInterface<FakeIo> gicc{FakeIo(&regs)};
  for (uint32_t id : {1020u, 1021u, 1022u, 1023u}) {
    regs.regs[0x000C] = id;
    EXPECT_EQ(CpuInterface<FakeIo>::IntidOf(gicc.Acknowledge()), gicc::kSpurious) << id;
  }
  regs.regs[0x000C] = 39;
  EXPECT_EQ(CpuInterface<FakeIo>::IntidOf(gicc.Acknowledge()), 39u);
  regs.regs[0x0018] = 1023;
  EXPECT_EQ(gicc.HighestPending(), gicc::kSpurious);
}

TEST(Gicv2CpuInterfaceTest, HighestPendingOpensTheMaskForTheReadAndPutsItBack) {
  FakeRegs regs;
  regs.regs[0x0004] = 0x80;  // running at some level
  // A GICC_HPPIR that, as QEMU's, reports SGI 7 (priority 0xA0) only when PMR lets it through.
  regs.on_read = [&regs](uint32_t offset, uint64_t* v) {
    if (offset != 0x0018) return false;
    *v = regs.regs[0x0004] > 0xA0 ? (1u << 10) | 7u : 1023u;
    return true;
  };
  CpuInterface<FakeIo> gicc{FakeIo(&regs)};
  EXPECT_EQ(gicc.HighestPending(), 7u);
  EXPECT_EQ(regs.regs[0x0004], 0x80u);
  const std::vector<Access> expected = {{true, 0x0004, 0xFF, 32}, {true, 0x0004, 0x80, 32}};
  EXPECT_EQ(regs.Writes(), expected);
}

}  // namespace
}  // namespace tandem::drivers::gicv2
