// GICv3 register definitions against Arm IHI 0069's register descriptions: offsets and the bit
// positions of every field defined.
#include <gtest/gtest.h>

#include "field_span.h"
#include "irq/gicv3/gicd_registers.h"
#include "irq/gicv3/gicr_registers.h"
#include "irq/gicv3/icc_registers.h"

namespace tandem::drivers {
namespace {

using test::Spans;

TEST(GicdRegistersTest, OffsetsFromGicdBase) {
  EXPECT_EQ(gicd::Ctlr::kOffset, 0x0000u);
  EXPECT_EQ(gicd::Typer::kOffset, 0x0004u);
  EXPECT_EQ(gicd::Igroupr::OffsetOf(0), 0x0080u);
  EXPECT_EQ(gicd::Isenabler::OffsetOf(0), 0x0100u);
  EXPECT_EQ(gicd::Icenabler::OffsetOf(0), 0x0180u);
  EXPECT_EQ(gicd::Icpendr::OffsetOf(0), 0x0280u);
  EXPECT_EQ(gicd::Ipriorityr::OffsetOf(0), 0x0400u);
  EXPECT_EQ(gicd::Icfgr::OffsetOf(0), 0x0C00u);
  EXPECT_EQ(gicd::Irouter::OffsetOf(32), 0x6100u);  // GICD_IROUTER<n> at 0x6000 + 8n
}

TEST(GicdRegistersTest, PerIntidBanks) {
  // A bit per INTID: INTID 39 is bit 7 of the second register.
  EXPECT_EQ(gicd::Isenabler::OffsetOf(39), 0x0104u);
  EXPECT_EQ(gicd::Isenabler::SlotOf(39), 7u);
  // A byte per INTID: INTID 39 is byte 3 of GICD_IPRIORITYR9.
  EXPECT_EQ(gicd::Ipriorityr::OffsetOf(39), 0x0424u);
  EXPECT_EQ(gicd::Ipriorityr{}.Set(gicd::Ipriorityr::kItem, 3, 0xE0).raw(), 0xE0000000u);
  // Two bits per INTID, Int_config[1] the upper one: INTID 39 is field 7 of GICD_ICFGR2, bit 15.
  EXPECT_EQ(gicd::Icfgr::OffsetOf(39), 0x0C08u);
  EXPECT_EQ(gicd::Icfgr{}.Set(gicd::Icfgr::kEdgeTriggered, gicd::Icfgr::SlotOf(39), 1).raw(),
            1u << 15);
}

TEST(GicdRegistersTest, Fields) {
  EXPECT_TRUE(Spans(gicd::Ctlr::kEnableGrp1, 0, 0));
  EXPECT_TRUE(Spans(gicd::Ctlr::kEnableGrp1A, 1, 1));
  EXPECT_TRUE(Spans(gicd::Ctlr::kAreNs, 4, 4));
  EXPECT_TRUE(Spans(gicd::Ctlr::kRwp, 31, 31));
  EXPECT_TRUE(Spans(gicd::Typer::kItLinesNumber, 4, 0));
  EXPECT_TRUE(Spans(gicd::Typer::kCpuNumber, 7, 5));
  EXPECT_TRUE(Spans(gicd::Typer::kIdBits, 23, 19));
  EXPECT_TRUE(Spans(gicd::Irouter::kAff0, 7, 0));
  EXPECT_TRUE(Spans(gicd::Irouter::kAff1, 15, 8));
  EXPECT_TRUE(Spans(gicd::Irouter::kAff2, 23, 16));
  EXPECT_TRUE(Spans(gicd::Irouter::kInterruptRoutingMode, 31, 31));
  EXPECT_TRUE(Spans(gicd::Irouter::kAff3, 39, 32));
}

TEST(GicrRegistersTest, OffsetsFromRdBaseAndSgiBase) {
  EXPECT_EQ(gicr::Ctlr::kOffset, 0x0000u);
  EXPECT_EQ(gicr::Typer::kOffset, 0x0008u);
  EXPECT_EQ(gicr::Waker::kOffset, 0x0014u);
  EXPECT_EQ(gicr::kSgiBase, 0x10000u);
  EXPECT_EQ(gicr::kFrameStride, 0x20000u);
  EXPECT_EQ(gicr::Igroupr0::OffsetOf(0), 0x10080u);
  EXPECT_EQ(gicr::Isenabler0::OffsetOf(31), 0x10100u);
  EXPECT_EQ(gicr::Icenabler0::OffsetOf(31), 0x10180u);
  EXPECT_EQ(gicr::Ipriorityr::OffsetOf(27), 0x10418u);
  EXPECT_EQ(gicr::Icfgr::OffsetOf(15), 0x10C00u);  // GICR_ICFGR0: SGIs
  EXPECT_EQ(gicr::Icfgr::OffsetOf(16), 0x10C04u);  // GICR_ICFGR1: PPIs
}

TEST(GicrRegistersTest, Fields) {
  EXPECT_TRUE(Spans(gicr::Ctlr::kEnableLpis, 0, 0));
  EXPECT_TRUE(Spans(gicr::Ctlr::kRwp, 3, 3));
  EXPECT_TRUE(Spans(gicr::Ctlr::kUwp, 31, 31));
  EXPECT_TRUE(Spans(gicr::Typer::kLast, 4, 4));
  EXPECT_TRUE(Spans(gicr::Typer::kProcessorNumber, 23, 8));
  EXPECT_TRUE(Spans(gicr::Typer::kAffinityValue, 63, 32));
  EXPECT_TRUE(Spans(gicr::Waker::kProcessorSleep, 1, 1));
  EXPECT_TRUE(Spans(gicr::Waker::kChildrenAsleep, 2, 2));
}

TEST(IccRegistersTest, Fields) {
  EXPECT_TRUE(Spans(icc::Sre::kSre, 0, 0));
  EXPECT_TRUE(Spans(icc::Sre::kDfb, 1, 1));
  EXPECT_TRUE(Spans(icc::Sre::kDib, 2, 2));
  EXPECT_TRUE(Spans(icc::Ctlr::kCbpr, 0, 0));
  EXPECT_TRUE(Spans(icc::Ctlr::kEoiMode, 1, 1));
  EXPECT_TRUE(Spans(icc::Ctlr::kPmhe, 6, 6));
  EXPECT_TRUE(Spans(icc::Ctlr::kPriBits, 10, 8));
  EXPECT_TRUE(Spans(icc::Ctlr::kIdBits, 13, 11));
  EXPECT_TRUE(Spans(icc::Ctlr::kSeis, 14, 14));
  EXPECT_TRUE(Spans(icc::Ctlr::kA3v, 15, 15));
  EXPECT_TRUE(Spans(icc::Pmr::kPriority, 7, 0));
  EXPECT_TRUE(Spans(icc::Bpr1::kBinaryPoint, 2, 0));
  EXPECT_TRUE(Spans(icc::Igrpen1::kEnable, 0, 0));
  EXPECT_TRUE(Spans(icc::Iar1::kIntid, 23, 0));
  EXPECT_TRUE(Spans(icc::Eoir1::kIntid, 23, 0));
}

TEST(IccRegistersTest, Sgi1rFields) {
  EXPECT_TRUE(Spans(icc::Sgi1r::kTargetList, 15, 0));
  EXPECT_TRUE(Spans(icc::Sgi1r::kAff1, 23, 16));
  EXPECT_TRUE(Spans(icc::Sgi1r::kIntid, 27, 24));
  EXPECT_TRUE(Spans(icc::Sgi1r::kAff2, 39, 32));
  EXPECT_TRUE(Spans(icc::Sgi1r::kIrm, 40, 40));
  EXPECT_TRUE(Spans(icc::Sgi1r::kRs, 47, 44));
  EXPECT_TRUE(Spans(icc::Sgi1r::kAff3, 55, 48));
  // Each field lands where the manual puts it, and nowhere else.
  using icc::Sgi1r;
  const uint64_t all = Sgi1r{}
                           .Set(Sgi1r::kTargetList, 0xFFFF)
                           .Set(Sgi1r::kAff1, 0xFF)
                           .Set(Sgi1r::kIntid, 0xF)
                           .Set(Sgi1r::kAff2, 0xFF)
                           .Set(Sgi1r::kIrm)
                           .Set(Sgi1r::kRs, 0xF)
                           .Set(Sgi1r::kAff3, 0xFF)
                           .raw();
  EXPECT_EQ(all, 0x00FFF1FF0FFFFFFFull);
}

TEST(IccRegistersTest, MpidrAffinityFields) {
  EXPECT_TRUE(Spans(Mpidr::kAff0, 7, 0));
  EXPECT_TRUE(Spans(Mpidr::kAff1, 15, 8));
  EXPECT_TRUE(Spans(Mpidr::kAff2, 23, 16));
  EXPECT_TRUE(Spans(Mpidr::kMt, 24, 24));
  EXPECT_TRUE(Spans(Mpidr::kU, 30, 30));
  EXPECT_TRUE(Spans(Mpidr::kAff3, 39, 32));
}

TEST(IccRegistersTest, OldNamesMatchTheFields) {
  EXPECT_EQ(gicd::kCtlrRwp, 1u << 31);
  EXPECT_EQ(gicr::kWakerChildrenAsleep, 1u << 2);
  EXPECT_EQ(icc::kCtlrEoiMode, 1u << 1);
  EXPECT_EQ(icc::kCtlrPriBitsShift, 8u);
}

}  // namespace
}  // namespace tandem::drivers
