// The application command table (app_commands.h): what a spec may declare, how the server
// validates requests against it, and how it publishes the table (kCommandInfo, protocol 1.6).
#include "tandem/channel/app_commands.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "test_support.h"

namespace tandem::channel {
namespace {

using testing::CountingNotifier;
using testing::Pages;

// Echoes its argument words doubled into the results and its payload back.
class Recorder final : public CommandHandler {
 public:
  int calls = 0;
  WireStatus Handle(const Request& r, Response& rsp) override {
    ++calls;
    for (int i = 0; i < 4; ++i) rsp.result[i] = r.arg[i] * 2;
    rsp.payload_len = r.payload_len;
    std::memcpy(rsp.payload, r.payload, r.payload_len);
    return WireStatus::kOk;
  }
};

constexpr AppCommandSpec kSetPeriod = {0x8000, "set-period",           1,
                                       1,      {1, 0, 0, 0},           {10, 0, 0, 0},
                                       0,      "control period in ms", "period-ms"};
constexpr AppCommandSpec kBlob = {0x8001,           "blob",    2, 0, {0, 5, 0, 0}, {3, 9, 0, 0}, 8,
                                  "stores 8 bytes", "slot tag"};

static_assert(CheckSpec(kSetPeriod) == SpecError::kNone);
static_assert(CheckSpec(kBlob) == SpecError::kNone);

class AppCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(server_.RegisterAppCommand(kSetPeriod, &set_period_), ServerStatus::kOk);
    ASSERT_EQ(server_.RegisterAppCommand(kBlob, &blob_), ServerStatus::kOk);
    ASSERT_EQ(server_.Init(testing::kTestBootId), ServerStatus::kOk);
    ASSERT_TRUE(client_.Connect().ok());
    server_.Poll();
    client_.Poll();
    ASSERT_TRUE(client_.connected());
  }
  Response Call(const Request& r) {
    auto id = client_.Submit(r);
    EXPECT_TRUE(id.ok());
    client_.Flush();
    server_.Poll();
    client_.Poll();
    auto rsp = client_.Take(id.value());
    EXPECT_TRUE(rsp.ok());
    return rsp.ok() ? rsp.value() : Response{};
  }
  static Request App(uint16_t op, uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0,
                     uint32_t a3 = 0) {
    Request r{};
    r.op = op;
    r.arg[0] = a0;
    r.arg[1] = a1;
    r.arg[2] = a2;
    r.arg[3] = a3;
    return r;
  }
  static std::string Text(const Response& r) {
    return std::string(reinterpret_cast<const char*>(r.payload), r.payload_len);
  }

  Pages pages_;
  CountingNotifier to_rtos_, to_linux_;
  Server server_{pages_.req.get(), pages_.rsp.get(), to_linux_};
  Client client_{pages_.req.get(), pages_.rsp.get(), to_rtos_};
  Recorder set_period_, blob_;
};

TEST_F(AppCommandsTest, ArgumentsWithinTheSpecReachTheHandler) {
  const Response rsp = Call(App(0x8000, 10));
  EXPECT_EQ(rsp.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(rsp.result[0], 20u);
  EXPECT_EQ(set_period_.calls, 1);
  EXPECT_EQ(Call(App(0x8000, 1)).status, static_cast<uint32_t>(WireStatus::kOk));
}

TEST_F(AppCommandsTest, ArgumentsOutsideTheSpecAreRefusedBeforeTheHandler) {
  const uint64_t rejected_before = server_.counters().rejected;
  EXPECT_EQ(Call(App(0x8000, 0)).status, static_cast<uint32_t>(WireStatus::kBadArgument));
  EXPECT_EQ(Call(App(0x8000, 11)).status, static_cast<uint32_t>(WireStatus::kBadArgument));
  // An unused word must be zero, as for the built-in ops.
  EXPECT_EQ(Call(App(0x8000, 5, 1)).status, static_cast<uint32_t>(WireStatus::kBadArgument));
  EXPECT_EQ(Call(App(0x8001, 3, 4)).status, static_cast<uint32_t>(WireStatus::kBadArgument));
  Request long_payload = App(0x8001, 0, 5);
  long_payload.payload_len = 9;
  EXPECT_EQ(Call(long_payload).status, static_cast<uint32_t>(WireStatus::kBadPayload));
  Request no_payload_allowed = App(0x8000, 5);
  no_payload_allowed.payload_len = 1;
  EXPECT_EQ(Call(no_payload_allowed).status, static_cast<uint32_t>(WireStatus::kBadPayload));
  EXPECT_EQ(set_period_.calls, 0);
  EXPECT_EQ(blob_.calls, 0);
  EXPECT_EQ(server_.counters().rejected, rejected_before + 6);
  Request fits = App(0x8001, 3, 9);
  fits.payload_len = 8;
  std::memcpy(fits.payload, "8 bytes!", 8);
  const Response rsp = Call(fits);
  EXPECT_EQ(rsp.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(Text(rsp), "8 bytes!");
}

TEST_F(AppCommandsTest, UnregisteredAppOpIsUnknown) {
  EXPECT_EQ(Call(App(0x8002)).status, static_cast<uint32_t>(WireStatus::kUnknownOp));
}

TEST_F(AppCommandsTest, TheTableIsPublishedPartByPart) {
  Response id0 = Call(MakeRequest(Op::kCommandInfo, 0, 0));
  ASSERT_EQ(id0.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(id0.result[0], 2u);
  EXPECT_EQ(id0.result[1], PackCommandIdentity(0x8000, 1, 1));
  EXPECT_EQ(id0.result[2], 0u);
  EXPECT_EQ(Text(id0), "set-period");

  Response limits = Call(MakeRequest(Op::kCommandInfo, 1, 1));
  EXPECT_EQ(limits.result[0], 0u);
  EXPECT_EQ(limits.result[1], 5u);
  ASSERT_EQ(limits.payload_len, 16);
  uint32_t max[4];
  std::memcpy(max, limits.payload, 16);
  EXPECT_EQ(max[0], 3u);
  EXPECT_EQ(max[1], 9u);
  EXPECT_EQ(max[2], 0u);

  EXPECT_EQ(Text(Call(MakeRequest(Op::kCommandInfo, 0, 2))), "control period in ms");
  EXPECT_EQ(Text(Call(MakeRequest(Op::kCommandInfo, 1, 3))), "slot tag");
  EXPECT_EQ(Call(MakeRequest(Op::kCommandInfo, 1, 0)).result[2], 8u);

  // Beyond the table: the count alone, no op.
  Response beyond = Call(MakeRequest(Op::kCommandInfo, 2, 0));
  EXPECT_EQ(beyond.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(beyond.result[0], 2u);
  EXPECT_EQ(beyond.result[1], 0u);
  EXPECT_EQ(beyond.payload_len, 0);
  // A part that does not exist is refused like any out-of-range argument.
  EXPECT_EQ(Call(MakeRequest(Op::kCommandInfo, 0, 4)).status,
            static_cast<uint32_t>(WireStatus::kBadArgument));
}

TEST(AppCommandSpecTest, MalformedSpecsAreRefusedWithTheReason) {
  AppCommandSpec s = kSetPeriod;
  s.op = 0x7FFF;
  EXPECT_EQ(CheckSpec(s), SpecError::kOpOutOfRange);
  for (const char* bad : {"", "Set", "1st", "set_period", "a-name-that-is-far-too-long", "x y"}) {
    s = kSetPeriod;
    s.name = bad;
    EXPECT_EQ(CheckSpec(s), SpecError::kBadName) << bad;
  }
  s = kSetPeriod;
  s.name = nullptr;
  EXPECT_EQ(CheckSpec(s), SpecError::kBadName);
  s = kSetPeriod;
  s.arg_count = 5;
  EXPECT_EQ(CheckSpec(s), SpecError::kBadArgCount);
  s = kSetPeriod;
  s.arg_min[0] = 11;
  EXPECT_EQ(CheckSpec(s), SpecError::kBadLimits);
  s = kSetPeriod;
  s.arg_max[2] = 1;  // a bound on a word the command does not use
  EXPECT_EQ(CheckSpec(s), SpecError::kBadLimits);
  s = kSetPeriod;
  s.payload_max = kMaxPayload + 1;
  EXPECT_EQ(CheckSpec(s), SpecError::kBadPayloadMax);
  s = kSetPeriod;
  s.summary = "a summary that is longer than one payload";
  EXPECT_EQ(CheckSpec(s), SpecError::kTextTooLong);
  s = kSetPeriod;
  s.arg_names = "period-ms extra";
  EXPECT_EQ(CheckSpec(s), SpecError::kArgNamesMismatch);
}

TEST(AppCommandSpecTest, ServerRefusesBadSpecsAndDuplicateNames) {
  Pages pages;
  CountingNotifier n;
  Server server{pages.req.get(), pages.rsp.get(), n};
  Recorder h;
  AppCommandSpec bad = kSetPeriod;
  bad.name = "Bad";
  EXPECT_EQ(server.RegisterAppCommand(bad, &h), ServerStatus::kBadSpec);
  EXPECT_EQ(server.RegisterAppCommand(kSetPeriod, nullptr), ServerStatus::kBadOp);
  EXPECT_EQ(server.RegisterAppCommand(kSetPeriod, &h), ServerStatus::kOk);
  AppCommandSpec same_name = kBlob;
  same_name.name = "set-period";
  EXPECT_EQ(server.RegisterAppCommand(same_name, &h), ServerStatus::kNameTaken);
  AppCommandSpec same_op = kBlob;
  same_op.op = kSetPeriod.op;
  EXPECT_EQ(server.RegisterAppCommand(same_op, &h), ServerStatus::kAlreadyTaken);
}

}  // namespace
}  // namespace tandem::channel
