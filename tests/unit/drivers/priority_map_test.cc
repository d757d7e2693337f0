// The one priority space on a GIC with few priority bits (drivers/irq/priority_map.h).
#include "irq/priority_map.h"

#include <gtest/gtest.h>

namespace tandem::drivers {
namespace {

// A source at level S is signalled at current level L iff priority(S) < mask(L) (IHI 0069
// 4.8.6). The port's rule is: signalled iff S > L. Check it exhaustively.
void ExpectOneScale(const PriorityMap& m, uint64_t sources, unsigned bits) {
  const unsigned step = 256u >> bits;
  for (unsigned s = 1; s < 64; ++s) {
    if (((sources >> s) & 1u) == 0) continue;
    EXPECT_EQ(m.SourcePriority(s) % step, 0u) << "priority uses unimplemented low bits";
    for (unsigned l = 0; l < 64; ++l) {
      const bool signalled = m.SourcePriority(s) < m.Mask(l);
      EXPECT_EQ(signalled, s > l) << "source level " << s << " at level " << l;
    }
  }
}

TEST(PriorityMapTest, FiveBitsKeepsEverySourceLevelDistinct) {
  const uint64_t sources = (1ull << 3) | (1ull << 10) | (1ull << 11) | (1ull << 63);
  auto m = PriorityMap::Make(sources, 5);
  ASSERT_TRUE(m.ok());
  ExpectOneScale(m.value(), sources, 5);
  EXPECT_EQ(m.value().Mask(0), 0xF8) << "idle lets every source through";
  EXPECT_EQ(m.value().SourcePriority(3), 0xF0);
  EXPECT_EQ(m.value().SourcePriority(63), 0xD8);
  EXPECT_EQ(m.value().Mask(9), m.value().Mask(3)) << "task-only levels share a mask";
}

TEST(PriorityMapTest, ThirtyOneLevelsFitFiveBitsThirtyTwoDoNot) {
  uint64_t sources = 0;
  for (unsigned l = 1; l <= 31; ++l) sources |= 1ull << (2 * l);  // levels 2..62
  auto m = PriorityMap::Make(sources, 5);
  ASSERT_TRUE(m.ok());
  ExpectOneScale(m.value(), sources, 5);
  EXPECT_EQ(m.value().SourcePriority(62), 0x00);
  auto too_many = PriorityMap::Make(sources | (1ull << 63), 5);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error(), PriorityMapError::kTooManyLevels);
}

TEST(PriorityMapTest, EightBitsExpressesAllLevels) {
  const uint64_t all = ~1ull;
  auto m = PriorityMap::Make(all, 8);
  ASSERT_TRUE(m.ok());
  ExpectOneScale(m.value(), all, 8);
}

TEST(PriorityMapTest, RejectsIdleLevelAndOddBitCounts) {
  EXPECT_EQ(PriorityMap::Make(1, 5).error(), PriorityMapError::kBadLevel);
  EXPECT_EQ(PriorityMap::Make(2, 3).error(), PriorityMapError::kBadPriorityBits);
  EXPECT_EQ(PriorityMap::Make(2, 9).error(), PriorityMapError::kBadPriorityBits);
}

TEST(PriorityMapTest, NoSourcesMasksNothing) {
  auto m = PriorityMap::Make(0, 5);
  ASSERT_TRUE(m.ok());
  for (unsigned l = 0; l < 64; ++l) EXPECT_EQ(m.value().Mask(l), 0xF8);
}

}  // namespace
}  // namespace tandem::drivers
