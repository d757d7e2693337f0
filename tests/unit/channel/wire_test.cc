// The wire format's pure parts: notification arithmetic, the op table, slot copies.
#include "tandem/channel/wire.h"

#include <gtest/gtest.h>

#include <cstddef>

#include "tandem/channel/ops.h"
#include "tandem/channel/shared_access.h"

namespace tandem::channel {
namespace {

TEST(NeedsNotify, EventInsidePublishedRange) {
  EXPECT_TRUE(NeedsNotify(0, 1, 1));  // idle consumer armed at cons + 1
  EXPECT_TRUE(NeedsNotify(0, 5, 3));
  EXPECT_TRUE(NeedsNotify(0, 5, 5));
  EXPECT_FALSE(NeedsNotify(0, 5, 6));  // consumer asked for later
  EXPECT_FALSE(NeedsNotify(1, 5, 1));  // event already passed: consumer is busy
  EXPECT_FALSE(NeedsNotify(5, 5, 5));  // nothing published
}

TEST(NeedsNotify, WrapsModulo32Bits) {
  EXPECT_TRUE(NeedsNotify(0xFFFFFFFE, 2, 0xFFFFFFFF));
  EXPECT_TRUE(NeedsNotify(0xFFFFFFFE, 2, 0));
  EXPECT_TRUE(NeedsNotify(0xFFFFFFFE, 2, 2));
  EXPECT_FALSE(NeedsNotify(0xFFFFFFFE, 2, 3));
  EXPECT_FALSE(NeedsNotify(0xFFFFFFFE, 2, 0xFFFFFFFE));
}

TEST(Layout, PagesAndSlots) {
  EXPECT_EQ(offsetof(RequestPage, ring), 0x800u);
  EXPECT_EQ(offsetof(ResponsePage, ring[kSlotCount - 1]) + sizeof(Slot), kPageSize);
  EXPECT_EQ(alignof(RequestPage), kPageSize);
}

TEST(SlotCopy, RoundTrip) {
  Request r{};
  r.id = 0x1122334455667788;
  r.op = 0x0102;
  r.payload_len = 3;
  r.arg[3] = 0xDEADBEEF;
  r.payload[31] = 0x5A;
  Slot slot{};
  CopyIn(&slot, r);
  const Request back = CopyOut<Request>(&slot);
  EXPECT_EQ(back.id, r.id);
  EXPECT_EQ(back.op, r.op);
  EXPECT_EQ(back.arg[3], r.arg[3]);
  EXPECT_EQ(back.payload[31], 0x5A);
  // Little-endian on the wire: the id's low byte comes first.
  EXPECT_EQ(slot.word[0] & 0xFF, 0x88u);
}

TEST(ValidateRequest, OpTable) {
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kPing, ~0u, ~0u, ~0u, ~0u)), WireStatus::kOk);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kGpioSet, kGpioMaxPin, 1)), WireStatus::kOk);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kGpioSet, kGpioMaxPin + 1, 1)),
            WireStatus::kBadArgument);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kGpioSet, 0, 2)), WireStatus::kBadArgument);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kGpioSet, 0, 1, 1)), WireStatus::kBadArgument);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kGpioGet, 0, 1)), WireStatus::kBadArgument);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kGpioToggle, 5)), WireStatus::kOk);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kGpioConfigure, 5, 1, 1)), WireStatus::kOk);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kGpioConfigure, 5, 2, 0)), WireStatus::kBadArgument);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kGpioConfigure, 5, 1, 0, 1)), WireStatus::kBadArgument);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kTaskStats, kMaxTaskIndex)), WireStatus::kOk);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kTaskStats, kMaxTaskIndex + 1)),
            WireStatus::kBadArgument);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kTaskStats, 0, kTaskStatsReset)), WireStatus::kOk);
  EXPECT_EQ(ValidateRequest(MakeRequest(Op::kTaskStats, 0, kTaskStatsFlagsMax + 1)),
            WireStatus::kBadArgument);
  EXPECT_EQ(ValidateRequest(MakeRequest(static_cast<Op>(0x7FFF))), WireStatus::kUnknownOp);
  EXPECT_EQ(ValidateRequest(MakeRequest(static_cast<Op>(0x8000), ~0u)), WireStatus::kOk);
}

TEST(ValidateRequest, FlagsAndPayload) {
  Request r = MakeRequest(Op::kPing);
  r.payload_len = kMaxPayload;
  EXPECT_EQ(ValidateRequest(r), WireStatus::kOk);
  r.payload_len = kMaxPayload + 1;
  EXPECT_EQ(ValidateRequest(r), WireStatus::kBadPayload);
  r = MakeRequest(static_cast<Op>(0x9000));
  r.payload_len = 0xFFFF;
  EXPECT_EQ(ValidateRequest(r), WireStatus::kBadPayload);
  r = MakeRequest(Op::kGpioGet);
  r.flags = 0x80000000;
  EXPECT_EQ(ValidateRequest(r), WireStatus::kBadFlags);
}

}  // namespace
}  // namespace tandem::channel
