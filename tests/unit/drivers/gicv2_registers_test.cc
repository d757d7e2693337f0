// GICv2 register definitions against Arm IHI 0048B's register maps (Tables 4-1 and 4-2) and
// register descriptions (4.3, 4.4): offsets and the bit positions of every field defined.
#include <gtest/gtest.h>

#include "field_span.h"
#include "irq/gicv2/gicc_registers.h"
#include "irq/gicv2/gicd_registers.h"

namespace tandem::drivers::gicv2 {
namespace {

using test::Spans;

TEST(Gicv2GicdRegistersTest, OffsetsFromGicdBase) {
  EXPECT_EQ(gicd::Ctlr::kOffset, 0x000u);
  EXPECT_EQ(gicd::Typer::kOffset, 0x004u);
  EXPECT_EQ(gicd::Isenabler::OffsetOf(0), 0x100u);
  EXPECT_EQ(gicd::Icenabler::OffsetOf(0), 0x180u);
  EXPECT_EQ(gicd::Icpendr::OffsetOf(0), 0x280u);
  EXPECT_EQ(gicd::Ipriorityr::OffsetOf(0), 0x400u);
  EXPECT_EQ(gicd::Itargetsr::OffsetOf(0), 0x800u);
  EXPECT_EQ(gicd::Icfgr::OffsetOf(0), 0xC00u);
  EXPECT_EQ(gicd::Sgir::kOffset, 0xF00u);
}

TEST(Gicv2GicdRegistersTest, PerIntidBanks) {
  // A bit per INTID: INTID 39 is bit 7 of GICD_ISENABLER1.
  EXPECT_EQ(gicd::Isenabler::OffsetOf(39), 0x104u);
  EXPECT_EQ(gicd::Icenabler::SlotOf(39), 7u);
  // A byte per INTID: INTID 39 is byte 3 of GICD_IPRIORITYR9 and of GICD_ITARGETSR9 (4.3.11,
  // 4.3.12: "byte offset = INTID MOD 4").
  EXPECT_EQ(gicd::Ipriorityr::OffsetOf(39), 0x424u);
  EXPECT_EQ(gicd::Itargetsr::OffsetOf(39), 0x824u);
  EXPECT_EQ(gicd::Itargetsr{}.Set(gicd::Itargetsr::kItem, 3, 0x01).raw(), 0x01000000u);
  // GICD_ITARGETSR0..7 hold the SGIs and PPIs: 0x800..0x81C.
  EXPECT_EQ(gicd::Itargetsr::OffsetOf(31), 0x81Cu);
  // Two bits per INTID, Int_config[1] the upper one: INTID 39 is field 7 of GICD_ICFGR2, bit 15.
  EXPECT_EQ(gicd::Icfgr::OffsetOf(39), 0xC08u);
  EXPECT_EQ(gicd::Icfgr{}.Set(gicd::Icfgr::kEdgeTriggered, gicd::Icfgr::SlotOf(39), 1).raw(),
            1u << 15);
}

TEST(Gicv2GicdRegistersTest, Fields) {
  EXPECT_TRUE(Spans(gicd::Ctlr::kEnable, 0, 0));
  EXPECT_TRUE(Spans(gicd::Typer::kItLinesNumber, 4, 0));
  EXPECT_TRUE(Spans(gicd::Typer::kCpuNumber, 7, 5));
  EXPECT_TRUE(Spans(gicd::Typer::kSecurityExtn, 10, 10));
  EXPECT_TRUE(Spans(gicd::Typer::kLspi, 15, 11));
  EXPECT_TRUE(Spans(gicd::Sgir::kSgiIntid, 3, 0));
  EXPECT_TRUE(Spans(gicd::Sgir::kNsatt, 15, 15));
  EXPECT_TRUE(Spans(gicd::Sgir::kCpuTargetList, 23, 16));
  EXPECT_TRUE(Spans(gicd::Sgir::kTargetListFilter, 25, 24));
  EXPECT_EQ(gicd::Sgir::kToTargetList, 0b00u);
  EXPECT_EQ(gicd::Sgir::kToAllOthers, 0b01u);
  EXPECT_EQ(gicd::Sgir::kToSelf, 0b10u);
}

TEST(Gicv2GiccRegistersTest, OffsetsFromGiccBase) {
  EXPECT_EQ(gicc::Ctlr::kOffset, 0x0000u);
  EXPECT_EQ(gicc::Pmr::kOffset, 0x0004u);
  EXPECT_EQ(gicc::Bpr::kOffset, 0x0008u);
  EXPECT_EQ(gicc::Iar::kOffset, 0x000Cu);
  EXPECT_EQ(gicc::Eoir::kOffset, 0x0010u);
  EXPECT_EQ(gicc::Hppir::kOffset, 0x0018u);
}

TEST(Gicv2GiccRegistersTest, Fields) {
  EXPECT_TRUE(Spans(gicc::Ctlr::kEnableGrp0, 0, 0));
  EXPECT_TRUE(Spans(gicc::Ctlr::kEnableGrp1, 1, 1));
  EXPECT_TRUE(Spans(gicc::Ctlr::kAckCtl, 2, 2));
  EXPECT_TRUE(Spans(gicc::Ctlr::kFiqEn, 3, 3));
  EXPECT_TRUE(Spans(gicc::Ctlr::kCbpr, 4, 4));
  EXPECT_TRUE(Spans(gicc::Ctlr::kEoiMode, 9, 9));
  EXPECT_TRUE(Spans(gicc::Pmr::kPriority, 7, 0));
  EXPECT_TRUE(Spans(gicc::Bpr::kBinaryPoint, 2, 0));
  EXPECT_TRUE(Spans(gicc::Iar::kInterruptId, 9, 0));
  EXPECT_TRUE(Spans(gicc::Iar::kCpuId, 12, 10));
  EXPECT_TRUE(Spans(gicc::Eoir::kEoiIntid, 9, 0));
  EXPECT_TRUE(Spans(gicc::Eoir::kCpuId, 12, 10));
  EXPECT_TRUE(Spans(gicc::Hppir::kPendIntid, 9, 0));
  EXPECT_TRUE(Spans(gicc::Hppir::kCpuId, 12, 10));
  EXPECT_EQ(gicc::kSpurious, 1023u);
}

}  // namespace
}  // namespace tandem::drivers::gicv2
