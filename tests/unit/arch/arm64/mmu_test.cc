// The identity-map builder of the arm64 port (arch/arm64/src/mmu.cc), on the host: descriptors
// per Arm ARM D8.3, largest blocks, overlap and exhaustion errors.
#include "mmu.h"

#include <gtest/gtest.h>

#include <memory>

namespace tandem::arm64 {
namespace {

struct alignas(4096) Pool {
  uint64_t tables[16][kEntries] = {};
};

class MmuTest : public ::testing::Test {
 protected:
  std::unique_ptr<Pool> pool_ = std::make_unique<Pool>();
  PageTables pt_{pool_->tables, 16};
};

TEST_F(MmuTest, RamUsesTheLargestBlocks) {
  // 16 MiB of RAM at 0x40000000 plus one 4 KiB page past a 2 MiB boundary.
  ASSERT_TRUE(pt_.Map(0x40000000, 0x1000000 + 0x1000, MemoryType::kNormal).ok());
  uint64_t block = 0;
  const uint64_t d = pt_.Lookup(0x40123456, &block);
  EXPECT_EQ(block, 2u << 20);
  EXPECT_EQ(d & desc::kAddressMask, 0x40000000u);
  EXPECT_EQ(d & 3u, 1u) << "a level-2 block descriptor";
  EXPECT_EQ(d & ~desc::kAddressMask, Attributes(MemoryType::kNormal) | 1u);
  EXPECT_EQ((d >> 2) & 7u, 1u) << "MAIR index 1: Normal write-back";
  EXPECT_EQ(d & desc::kShInner, desc::kShInner);
  EXPECT_EQ(d & (desc::kPxn | desc::kUxn), 0u) << "RAM holds code";
  const uint64_t p = pt_.Lookup(0x41000800, &block);
  EXPECT_EQ(block, 4096u);
  EXPECT_EQ(p & 3u, 3u) << "a level-3 page descriptor";
  EXPECT_EQ(pt_.Lookup(0x41001000, nullptr), 0u) << "nothing past the range";
  EXPECT_EQ(pt_.tables_used(), 3u);  // L1, one L2, one L3
}

TEST_F(MmuTest, GigabyteBlockWhenAligned) {
  ASSERT_TRUE(pt_.Map(0x80000000, 1ull << 30, MemoryType::kNormal).ok());
  uint64_t block = 0;
  EXPECT_NE(pt_.Lookup(0xBFFFFFFF, &block), 0u);
  EXPECT_EQ(block, 1ull << 30);
  EXPECT_EQ(pt_.tables_used(), 1u);
}

TEST_F(MmuTest, DevicesAreNeverExecutableAndUseMairZero) {
  ASSERT_TRUE(pt_.Map(0x03001000, 0x10000, MemoryType::kDevice).ok());
  const uint64_t d = pt_.Lookup(0x03001000, nullptr);
  EXPECT_EQ((d >> 2) & 7u, 0u);
  EXPECT_EQ(d & (desc::kPxn | desc::kUxn), desc::kPxn | desc::kUxn);
  EXPECT_NE(d & desc::kAf, 0u);
  EXPECT_EQ(pt_.Lookup(0x03000000, nullptr), 0u);
  EXPECT_EQ(pt_.Lookup(0x03011000, nullptr), 0u);
}

TEST_F(MmuTest, RemapSameTypeIsFineOtherTypeIsAnOverlap) {
  ASSERT_TRUE(pt_.Map(0x09030000, 0x1000, MemoryType::kDevice).ok());
  EXPECT_TRUE(pt_.Map(0x09030000, 0x1000, MemoryType::kDevice).ok());
  auto r = pt_.Map(0x09030000, 0x1000, MemoryType::kNormal);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), MapError::kOverlap);
  // A page inside a 2 MiB RAM block: same type is already covered, device is refused.
  ASSERT_TRUE(pt_.Map(0x40000000, 2u << 20, MemoryType::kNormal).ok());
  EXPECT_TRUE(pt_.Map(0x40001000, 0x1000, MemoryType::kNormal).ok());
  EXPECT_EQ(pt_.Map(0x40001000, 0x1000, MemoryType::kDevice).error(), MapError::kOverlap);
}

TEST_F(MmuTest, RejectsUnalignedOutOfRangeAndExhaustion) {
  EXPECT_EQ(pt_.Map(0x1001, 0x1000, MemoryType::kDevice).error(), MapError::kUnaligned);
  EXPECT_EQ(pt_.Map(0x1000, 0x800, MemoryType::kDevice).error(), MapError::kUnaligned);
  EXPECT_EQ(pt_.Map(1ull << 39, 0x1000, MemoryType::kDevice).error(), MapError::kOutOfRange);
  EXPECT_EQ(pt_.Map((1ull << 39) - 0x1000, 0x2000, MemoryType::kDevice).error(),
            MapError::kOutOfRange);
  auto small = std::make_unique<Pool>();
  PageTables two(small->tables, 2);
  ASSERT_TRUE(two.Map(0x40000000, 2u << 20, MemoryType::kNormal).ok());  // L1 + L2
  EXPECT_EQ(two.Map(0x40200000, 0x1000, MemoryType::kNormal).error(), MapError::kOutOfTables);
}

}  // namespace
}  // namespace tandem::arm64
