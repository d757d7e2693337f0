// tandemctl commands / call / watch (issue 14: application commands and events) against the
// fake Xen, whose RTOS runs the real channel Server with the demo's set-period command and
// period-changed event kind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <string>

#include "libtandem/app_commands.h"
#include "libtandem/events.h"
#include "tandemctl_fixture.h"

namespace libtandem::testing {
namespace {

using tandem::channel::EventKind;
using tandem::channel::PostStatus;

constexpr uint16_t kMiss = static_cast<uint16_t>(EventKind::kDeadlineMiss);

class AppPlatformTest : public TandemctlTest {
 protected:
  // Runs `post` once, on the first wait after tandemctl subscribed (as the RTOS would post
  // while the watcher sleeps).
  void PostOnceSubscribed(std::function<void()> post) {
    xen_.on_wait = [this, post, done = false]() mutable {
      if (done || rtos_.request_page->header.evt_kinds_lo == 0) return;
      done = true;
      post();
    };
  }
  int Lines(const std::string& text, const std::string& needle) {
    int n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
      ++n;
    return n;
  }
};

TEST_F(AppPlatformTest, CommandsListsTheTableWithLimitsAndEventKinds) {
  ASSERT_EQ(Run({"commands"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("set-period <period-ms 1..10>"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("control task period in ms"), std::string::npos);
  EXPECT_NE(out_.str().find("deadline-miss task-state period-changed"), std::string::npos)
      << out_.str();
  ASSERT_EQ(Run({"--json", "commands"}), 0);
  EXPECT_NE(out_.str().find(R"("name":"set-period","op":32768)"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find(R"("args":[{"name":"period-ms","min":1,"max":10}])"),
            std::string::npos);
}

TEST_F(AppPlatformTest, CallRunsTheCommandByName) {
  ASSERT_EQ(Run({"call", "set-period", "5"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "set-period: ok, results 1\n");
  EXPECT_EQ(rtos_.period_ms, 5u);
  ASSERT_EQ(Run({"--json", "call", "set-period", "0x7"}), 0);
  EXPECT_NE(out_.str().find(R"("name":"set-period","results":[5])"), std::string::npos)
      << out_.str();
  EXPECT_EQ(rtos_.period_ms, 7u);
}

TEST_F(AppPlatformTest, CallRefusesBadInputBeforeSendingAndNamesWhatIsWrong) {
  const uint64_t before = rtos_.server->counters().requests;
  EXPECT_EQ(Run({"call", "set-period", "11"}), 2);
  EXPECT_NE(err_.str().find("set-period: period-ms 11 is out of range (1..10)"), std::string::npos)
      << err_.str();
  EXPECT_EQ(Run({"call", "set-period", "five"}), 2);
  EXPECT_NE(err_.str().find("period-ms 'five' is not a number"), std::string::npos);
  EXPECT_EQ(Run({"call", "set-period"}), 2);
  EXPECT_NE(err_.str().find("set-period takes 1 argument(s), 0 given"), std::string::npos)
      << err_.str();
  EXPECT_EQ(Run({"call", "set-period", "2", "3"}), 2);
  EXPECT_NE(err_.str().find("1 argument(s), 2 given"), std::string::npos);
  EXPECT_EQ(Run({"call", "reboot"}), 2);
  EXPECT_NE(err_.str().find("the RTOS has no command 'reboot'"), std::string::npos);
  EXPECT_NE(err_.str().find("it has: set-period"), std::string::npos);
  char path[] = "/tmp/tandem-payload-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "abc", 3), 3);
  close(fd);
  EXPECT_EQ(Run({"call", "set-period", "2", "--payload", path}), 2);
  EXPECT_NE(err_.str().find("set-period takes at most 0 payload bytes, 3 given"), std::string::npos)
      << err_.str();
  unlink(path);
  EXPECT_EQ(Run({"call", "set-period", "2", "--payload", "/nonexistent/file"}), 2);
  EXPECT_NE(err_.str().find("cannot read --payload file '/nonexistent/file'"), std::string::npos);
  EXPECT_EQ(rtos_.period_ms, 1u);
  // Only the table was read: no set-period reached the RTOS.
  EXPECT_EQ(rtos_.server->counters().rejected, 0u);
  EXPECT_GT(rtos_.server->counters().requests, before);
}

TEST_F(AppPlatformTest, TheRtosRefusesWhatTheSpecForbidsEvenFromARawClient) {
  // A client that skips libtandem's checks: the channel validates against the spec itself.
  auto session = Session::Open(xen_, rtos_.domid, 1'000'000'000);
  ASSERT_TRUE(session.ok()) << session.error().message;
  Request r{};
  r.op = 0x8000;
  r.arg[0] = 99;
  auto rsp = session.value()->Call(r, 1'000'000'000);
  ASSERT_TRUE(rsp.ok());
  EXPECT_EQ(rsp.value().status, static_cast<uint32_t>(tandem::channel::WireStatus::kBadArgument));
  EXPECT_EQ(rtos_.period_ms, 1u);
}

TEST_F(AppPlatformTest, WatchPrintsEventsAsJsonLines) {
  PostOnceSubscribed([&] {
    rtos_.PostEvent(kMiss, 0, {1500, 1000}, 2'000'000);
    rtos_.PostEvent(16, 0, {1, 4}, 2'000'100);
  });
  ASSERT_EQ(Run({"--json", "watch", "--count", "2", "--duration", "60000"}), 0)
      << out_.str() << err_.str();
  const std::string out = out_.str();
  EXPECT_NE(out.find(R"({"event":"deadline-miss","time_us":2000000,"task":0,"response_us":1500,)"
                     R"("deadline_us":1000})"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(R"({"event":"period-changed","time_us":2000100,"source":0,"old-ms":1,)"
                     R"("new-ms":4})"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(R"("command":"watch")"), std::string::npos);
  EXPECT_NE(out.find(R"("events":2,"dropped":0)"), std::string::npos) << out;
}

TEST_F(AppPlatformTest, WatchNamesTheApplicationsFields) {
  // A watcher in text mode names the application's fields.
  PostOnceSubscribed([&] { rtos_.PostEvent(16, 0, {1, 3}, 5'000'000); });
  ASSERT_EQ(Run({"watch", "-n", "1", "--duration", "60000"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "5.000000 period-changed source=0 old-ms=1 new-ms=3\n");
  EXPECT_NE(err_.str().find("1 events, 0 dropped"), std::string::npos) << err_.str();
}

TEST_F(AppPlatformTest, WatchSaysWhenTheRtosDroppedEvents) {
  // 40 at once into a 32-slot ring that nobody reads meanwhile: 8 dropped, visibly.
  PostOnceSubscribed([&] {
    for (uint32_t i = 0; i < 40; ++i) rtos_.PostEvent(16, i, {i, i});
  });
  ASSERT_EQ(Run({"--json", "watch", "--count", "32", "--duration", "60000"}), 0) << out_.str();
  EXPECT_EQ(Lines(out_.str(), R"("event":"period-changed")"), 32);
  EXPECT_NE(out_.str().find(R"({"event":"dropped","count":8,"total":8})"), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find(R"("events":32,"dropped":8)"), std::string::npos);
}

TEST_F(AppPlatformTest, WatchSubscribesOnlyToTheKindsAsked) {
  PostOnceSubscribed([&] {
    EXPECT_EQ(rtos_.PostEvent(16, 0, {1, 2}), PostStatus::kNotSubscribed);
    EXPECT_NE(rtos_.PostEvent(kMiss, 2, {5, 1}), PostStatus::kNotSubscribed);
  });
  ASSERT_EQ(Run({"watch", "--kinds", "deadline-miss", "-n", "1", "--duration", "60000"}), 0)
      << err_.str();
  EXPECT_NE(out_.str().find("deadline-miss task=2 response_us=5 deadline_us=1"), std::string::npos)
      << out_.str();
  EXPECT_EQ(Run({"watch", "--kinds", "deadline-miss,nonsense"}), 2);
  EXPECT_NE(err_.str().find("no event kind 'nonsense' on this RTOS"), std::string::npos);
  EXPECT_NE(err_.str().find("it has: deadline-miss, task-state, period-changed"), std::string::npos)
      << err_.str();
}

TEST_F(AppPlatformTest, WatchEndsAfterItsDurationWithNothingToSay) {
  ASSERT_EQ(Run({"--json", "watch", "--duration", "500"}), 0) << out_.str();
  EXPECT_NE(out_.str().find(R"("events":0,"dropped":0)"), std::string::npos) << out_.str();
}

TEST(AppCommandParsing, ArgumentsAreCheckedAgainstTheLimits) {
  AppCommandInfo c;
  c.name = "blink";
  c.arg_names = {"pin", "count"};
  c.arg_min = {0, 1, 0, 0};
  c.arg_max = {7, 100, 0, 0};
  EXPECT_EQ(ParseAppArgument(c, 0, "7").value(), 7u);
  EXPECT_EQ(ParseAppArgument(c, 1, "0x10").value(), 16u);
  EXPECT_FALSE(ParseAppArgument(c, 1, "0").ok());
  EXPECT_FALSE(ParseAppArgument(c, 0, "-1").ok());
  EXPECT_FALSE(ParseAppArgument(c, 0, "").ok());
  EXPECT_FALSE(ParseAppArgument(c, 0, "99999999999").ok());
  EXPECT_EQ(ParseAppArgument(c, 0, "8").error().message, "blink: pin 8 is out of range (0..7)");
}

TEST(EventDescription, ForeignBytesAreBoundedAndPrintable) {
  tandem::channel::Event e{};
  e.kind = kMiss;
  e.data_len = 200;  // a broken RTOS
  const uint32_t words[2] = {7, 9};
  memcpy(e.data, words, 8);
  memcpy(e.data + 8, "Ctl\x01\x7f", 5);
  const EventView v = DescribeEvent(e, {});
  EXPECT_EQ(v.kind, "deadline-miss");
  ASSERT_EQ(v.texts.size(), 1u);
  EXPECT_EQ(v.texts[0].second, "Ctl??");
  tandem::channel::Event unknown{};
  unknown.kind = 40;
  unknown.data_len = 2;
  unknown.data[0] = 0xab;
  EXPECT_EQ(DescribeEvent(unknown, {}).kind, "kind-40");
  EXPECT_EQ(DescribeEvent(unknown, {}).raw_hex, "ab00");
}

}  // namespace
}  // namespace libtandem::testing
