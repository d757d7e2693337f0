// The record of late ticks the demo prints once: the worst ticks and the per-slot timeline.
#include "timer/generic_timer/late_tick_record.h"

#include <gtest/gtest.h>

namespace tandem::drivers {
namespace {

using Record = LateTickRecord<3, 4>;

TEST(LateTickRecordTest, KeepsTheWorstTicksInDeadlineOrder) {
  Record r;
  r.Start(1000, 100, 10);
  r.Record(1000, 5);
  r.Record(1100, 50);
  r.Record(1200, 20);
  r.Record(1300, 1);   // smaller than all three kept: dropped
  r.Record(1400, 40);  // replaces the 5
  r.Record(1050, 30);  // replaces the 20
  ASSERT_EQ(r.worst_count(), 3u);
  EXPECT_EQ(r.worst(0).deadline, 1050u);
  EXPECT_EQ(r.worst(0).latency, 30u);
  EXPECT_EQ(r.worst(1).deadline, 1100u);
  EXPECT_EQ(r.worst(1).latency, 50u);
  EXPECT_EQ(r.worst(2).deadline, 1400u);
  EXPECT_EQ(r.worst(2).latency, 40u);
  EXPECT_EQ(r.worst(3).latency, 0u) << "beyond the count: an empty tick";
}

TEST(LateTickRecordTest, SlotsCountLateTicksAndTheirWorstFromTheOrigin) {
  Record r;
  r.Start(1000, 100, 10);
  r.Record(999, 500);   // before the origin: in no slot
  r.Record(1000, 9);    // under the threshold: not counted late, but its lateness is seen
  r.Record(1099, 10);   // slot 0, late
  r.Record(1250, 70);   // slot 2
  r.Record(1260, 15);   // slot 2
  r.Record(1400, 900);  // beyond the last slot
  EXPECT_EQ(r.slot(0).late, 1u);
  EXPECT_EQ(r.slot(0).max_latency, 10u);
  EXPECT_EQ(r.slot(1).late, 0u);
  EXPECT_EQ(r.slot(1).max_latency, 0u);
  EXPECT_EQ(r.slot(2).late, 2u);
  EXPECT_EQ(r.slot(2).max_latency, 70u);
  EXPECT_EQ(r.slot(3).late, 0u);
  EXPECT_EQ(r.worst(2).latency, 900u) << "ticks outside the slots still count among the worst";
}

TEST(LateTickRecordTest, StartForgetsEverything) {
  Record r;
  r.Start(0, 100, 1);
  r.Record(50, 60);
  r.Start(0, 0, 1);  // no slots
  EXPECT_EQ(r.worst_count(), 0u);
  EXPECT_EQ(r.slot(0).late, 0u);
  r.Record(50, 60);
  EXPECT_EQ(r.slot(0).late, 0u);
  EXPECT_EQ(r.worst_count(), 1u);
}

}  // namespace
}  // namespace tandem::drivers
