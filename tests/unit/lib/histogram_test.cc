#include "tandem/histogram.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

TEST(HistogramTest, UnitBinsThenOneOverflowBin) {
  Histogram<4> h;  // bins 0, 1, 2 and ">= 3"
  for (uint64_t v : {0u, 1u, 1u, 2u, 3u, 1000u}) h.Record(v);
  EXPECT_EQ(h.bin(0), 1u);
  EXPECT_EQ(h.bin(1), 2u);
  EXPECT_EQ(h.bin(2), 1u);
  EXPECT_EQ(h.bin(3), 2u);
  EXPECT_EQ(h.bin(4), 0u) << "past the end reads 0";
  EXPECT_EQ(h.count(), 6u);
  EXPECT_EQ(h.max(), 1000u);
}

TEST(HistogramTest, ResetClearsEverything) {
  Histogram<8> h;
  h.Record(5);
  h.Reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.max(), 0u);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(h.bin(i), 0u);
}

}  // namespace
}  // namespace tandem
