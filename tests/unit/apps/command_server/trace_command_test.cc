// kTraceRead's handler (trace_command.h) over a scripted ring: each action's results, the cursor
// window, names, and the validation the op table does before the handler sees a request.
#include "tandem/apps/command_server/trace_command.h"

#include <gtest/gtest.h>

#include "fake_trace_source.h"

namespace {

using tandem::TraceKind;
using tandem::apps::TraceCommand;
using tandem::apps::testing::FakeTraceSource;
using tandem::channel::MakeRequest;
using tandem::channel::Op;
using tandem::channel::Response;
using tandem::channel::TraceAction;
using tandem::channel::TraceObject;
using tandem::channel::WireStatus;

class TraceCommandTest : public ::testing::Test {
 protected:
  WireStatus Send(TraceAction action, uint32_t arg0) {
    const auto request = MakeRequest(Op::kTraceRead, arg0, static_cast<uint32_t>(action));
    const WireStatus valid = tandem::channel::ValidateRequest(request);
    if (valid != WireStatus::kOk) return valid;
    rsp_ = Response{};
    return command_.Handle(request, rsp_);
  }
  void WriteServices(uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) source_.Write(TraceKind::kService, 1, 0, i, 100 + i);
  }

  FakeTraceSource source_{8};
  TraceCommand command_{source_};
  Response rsp_{};
};

TEST_F(TraceCommandTest, InfoGivesTheClockTheCapacityAndTheObjectCounts) {
  ASSERT_EQ(Send(TraceAction::kInfo, 0), WireStatus::kOk);
  EXPECT_EQ(rsp_.result[0], 1'000'000u);
  EXPECT_EQ(rsp_.result[1], 8u);
  EXPECT_EQ(rsp_.result[2], 2u | 1u << 16);  // two tasks, one ISR
  EXPECT_EQ(rsp_.result[3], 1u);
  EXPECT_EQ(Send(TraceAction::kInfo, 1), WireStatus::kBadArgument);
}

TEST_F(TraceCommandTest, FreezeThenReadGivesTwoRecordsPerChunkAndDropsNewOnes) {
  WriteServices(3);
  ASSERT_EQ(Send(TraceAction::kFreeze, 0), WireStatus::kOk);
  EXPECT_EQ(rsp_.result[0], 0u);
  EXPECT_EQ(rsp_.result[1], 3u);
  EXPECT_EQ(rsp_.result[3], tandem::channel::kTraceFrozen);
  ASSERT_EQ(rsp_.payload_len, 32u);
  EXPECT_EQ(tandem::DecodeTraceRecord(rsp_.payload).arg, 0u);
  EXPECT_EQ(tandem::DecodeTraceRecord(rsp_.payload + 16).arg, 1u);
  WriteServices(5);  // the kernel goes on: dropped, the snapshot stays
  ASSERT_EQ(Send(TraceAction::kRead, 2), WireStatus::kOk);
  EXPECT_EQ(rsp_.result[1], 3u);
  EXPECT_EQ(rsp_.result[2], 5u);
  ASSERT_EQ(rsp_.payload_len, 16u);  // only record 2 is left
  const tandem::TraceRecord r = tandem::DecodeTraceRecord(rsp_.payload);
  EXPECT_EQ(r.kind, static_cast<uint8_t>(TraceKind::kService));
  EXPECT_EQ(r.detail, 1u);
  EXPECT_EQ(r.arg, 2u);
  EXPECT_EQ(r.time, 102u);
  ASSERT_EQ(Send(TraceAction::kRead, 3), WireStatus::kOk);  // the end: no payload
  EXPECT_EQ(rsp_.payload_len, 0u);
}

TEST_F(TraceCommandTest, ACursorBeforeTheOldestRecordGetsNothing) {
  WriteServices(11);  // an 8-record ring: 0..2 overwritten
  ASSERT_EQ(Send(TraceAction::kFreeze, 2), WireStatus::kOk);
  EXPECT_EQ(rsp_.result[0], 3u);
  EXPECT_EQ(rsp_.result[1], 11u);
  EXPECT_EQ(rsp_.payload_len, 0u);
  ASSERT_EQ(Send(TraceAction::kRead, 0xFFFFFFFF), WireStatus::kOk);  // "before" modulo 2^32
  EXPECT_EQ(rsp_.payload_len, 0u);
  ASSERT_EQ(Send(TraceAction::kRead, 3), WireStatus::kOk);
  ASSERT_EQ(rsp_.payload_len, 32u);
  EXPECT_EQ(tandem::DecodeTraceRecord(rsp_.payload).arg, 3u);
}

TEST_F(TraceCommandTest, ResumeEmptiesTheRingAndRecordsAgain) {
  WriteServices(3);
  ASSERT_EQ(Send(TraceAction::kFreeze, 0), WireStatus::kOk);
  WriteServices(1);
  EXPECT_EQ(Send(TraceAction::kResume, 5), WireStatus::kBadArgument);
  ASSERT_EQ(Send(TraceAction::kResume, 0), WireStatus::kOk);
  EXPECT_EQ(rsp_.result[1], 0u);
  EXPECT_EQ(rsp_.result[2], 0u);
  EXPECT_EQ(rsp_.result[3], 0u);
  WriteServices(1);
  ASSERT_EQ(Send(TraceAction::kRead, 0), WireStatus::kOk);
  EXPECT_EQ(rsp_.result[1], 1u);
  EXPECT_EQ(rsp_.payload_len, 16u);
}

TEST_F(TraceCommandTest, NamesOfEveryKindAndRefusalsForTheRest) {
  auto name = [&](TraceObject kind, uint32_t index) {
    const uint32_t object = static_cast<uint32_t>(kind) << 16 | index;
    if (Send(TraceAction::kName, object) != WireStatus::kOk) return std::string("<refused>");
    return std::string(reinterpret_cast<const char*>(rsp_.payload), rsp_.payload_len);
  };
  EXPECT_EQ(name(TraceObject::kTask, 1), "Background");
  EXPECT_EQ(name(TraceObject::kIsr, 0), "XenEvents");
  EXPECT_EQ(name(TraceObject::kAlarm, 0), "ControlPeriod");
  EXPECT_EQ(name(TraceObject::kService, 2), "TerminateTask");
  EXPECT_EQ(name(TraceObject::kTask, 2), "<refused>");
  EXPECT_EQ(Send(TraceAction::kName, 4u << 16), WireStatus::kBadArgument);  // no such kind
  source_.tasks[0] = std::string(40, 'x');                                  // cut to the payload
  EXPECT_EQ(name(TraceObject::kTask, 0), std::string(32, 'x'));
}

TEST_F(TraceCommandTest, TheOpTableRefusesUnknownActionsAndUnusedWords) {
  EXPECT_EQ(Send(static_cast<TraceAction>(5), 0), WireStatus::kBadArgument);
  auto request = MakeRequest(Op::kTraceRead, 0, 0, 1);
  EXPECT_EQ(tandem::channel::ValidateRequest(request), WireStatus::kBadArgument);
  request = MakeRequest(Op::kTraceRead);
  request.payload_len = 1;
  EXPECT_EQ(tandem::channel::ValidateRequest(request), WireStatus::kBadPayload);
}

}  // namespace
