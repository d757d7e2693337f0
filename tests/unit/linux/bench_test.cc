// tandem-bench's measurements over the fake Xen: percentiles, and the notification economy the
// issue asks for (2 per isolated round trip, far fewer than 1 per command in a burst).
#include <gtest/gtest.h>
#include <xen/io/xenbus.h>

#include <iostream>

#include "bench_core.h"
#include "fake_xen.h"

namespace libtandem::testing {
namespace {

TEST(Summarize, NearestRankPercentiles) {
  std::vector<uint64_t> v;
  for (uint64_t i = 100; i >= 1; --i) v.push_back(i);
  auto p = tandem_bench::Summarize(v);
  EXPECT_EQ(p.min_ns, 1u);
  EXPECT_EQ(p.p50_ns, 50u);
  EXPECT_EQ(p.p90_ns, 90u);
  EXPECT_EQ(p.p99_ns, 99u);
  EXPECT_EQ(p.max_ns, 100u);
  EXPECT_DOUBLE_EQ(p.mean_ns, 50.5);
  std::vector<uint64_t> one = {7};
  EXPECT_EQ(tandem_bench::Summarize(one).p99_ns, 7u);
}

// A published fake RTOS (domain 2) and a session to it.
class BenchTest : public ::testing::Test {
 protected:
  BenchTest() { rtos.Publish(); }
  Result<std::unique_ptr<Session>> Open() { return Session::Open(xen, 2, 1'000'000'000); }
  FakeXen xen;
  FakeRtos rtos{xen, 2, "tandem-rt"};
};

TEST_F(BenchTest, IsolatedIsTwoNotificationsPerCommandBurstIsFarFewer) {
  auto s = Open();
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto iso = tandem_bench::RunIsolated(*s.value(), 100, 1'000'000'000);
  ASSERT_TRUE(iso.ok()) << iso.error().message;
  EXPECT_EQ(iso.value().commands, 100u);
  EXPECT_EQ(iso.value().linux_notify_sent + iso.value().rtos_notify_sent, 200u);
  EXPECT_GT(iso.value().latency.p50_ns, 0u);
  auto burst = tandem_bench::RunBurst(*s.value(), 10000, 1'000'000'000);
  ASSERT_TRUE(burst.ok()) << burst.error().message;
  const auto& b = burst.value();
  EXPECT_EQ(b.commands, 10000u);
  EXPECT_EQ(rtos.server->counters().requests, 10000u + 100u);
  EXPECT_LT(b.PerCommand(b.linux_notify_sent), 0.1);
  EXPECT_LT(b.PerCommand(b.rtos_notify_sent), 0.1);
  std::cout << tandem_bench::ToText(iso.value()) << tandem_bench::ToText(b);
  const std::string json = tandem_bench::ToJson(b);
  EXPECT_NE(json.find("\"phase\":\"burst\""), std::string::npos);
  EXPECT_NE(json.find("\"commands\":10000"), std::string::npos);
  s.value()->Close();
  auto tx = tandem_bench::RunTransactions(xen, 2, 5, 1'000'000'000);
  ASSERT_TRUE(tx.ok()) << tx.error().message;
  EXPECT_EQ(tx.value().commands, 5u);
  EXPECT_EQ(tandem_bench::ToJson(tx.value()).find("notify"), std::string::npos);
  EXPECT_TRUE(xen.mapped.empty());
}

TEST_F(BenchTest, StormOfBareNotificationsLeavesTheChannelWorking) {
  auto s = Open();
  ASSERT_TRUE(s.ok()) << s.error().message;
  const uint64_t before = xen.notifies;
  auto storm = tandem_bench::RunStorm(*s.value(), 5000, 1'000'000'000);
  ASSERT_TRUE(storm.ok()) << storm.error().message;
  const auto& r = storm.value();
  EXPECT_EQ(r.name, "storm");
  EXPECT_NE(tandem_bench::ToJson(r).find("\"unit\":\"notification\""), std::string::npos);
  EXPECT_NE(tandem_bench::ToText(r).find("5000 notifications in"), std::string::npos);
  EXPECT_EQ(r.commands, 5000u);
  EXPECT_GE(xen.notifies - before, 5000u);  // every bare notification reached Xen
  EXPECT_GE(r.linux_notify_sent, 5000u);
  EXPECT_GT(r.latency.p50_ns, 0u);  // the ping after the storm came back
  EXPECT_EQ(rtos.server->counters().rejected, 0u);
  s.value()->Close();
  EXPECT_FALSE(s.value()->NotifyRaw().ok());  // closed: refused, not sent
}

// Issue 11, point 1: tandem-bench --hostile-index leaves the ring frozen, and the next client
// re-opens it without the RTOS restarting.
TEST_F(BenchTest, HostileIndexFreezesTheRingForTheNextClientToReopen) {
  for (int32_t offset : {static_cast<int32_t>(tandem::channel::kSlotCount) + 1, -1}) {
    auto s = Open();
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto r = tandem_bench::RunHostileIndex(*s.value(), offset, 1'000'000'000);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(rtos.server->state(), tandem::channel::ChannelState::kClosing);
    const std::string text = tandem_bench::ToText(r.value());
    EXPECT_NE(text.find("hostile-index: 1 bad index in"), std::string::npos) << text;
    EXPECT_NE(text.find("froze the ring"), std::string::npos) << text;
    EXPECT_NE(tandem_bench::ToJson(r.value()).find("\"note\":"), std::string::npos);
    s.value()->Close();
    EXPECT_EQ(rtos.server->state(), tandem::channel::ChannelState::kClosing) << "left frozen";
    auto next = Open();
    ASSERT_TRUE(next.ok()) << next.error().message;
    auto iso = tandem_bench::RunIsolated(*next.value(), 3, 1'000'000'000);
    ASSERT_TRUE(iso.ok()) << iso.error().message;
  }
  EXPECT_EQ(rtos.server->counters().broken, 2u);
  EXPECT_EQ(rtos.server->generation(), 1u);
}

// An RTOS that does not freeze the ring fails the phase (here: one that never runs).
TEST_F(BenchTest, HostileIndexFailsWhenTheRtosDoesNotFreezeTheRing) {
  auto s = Open();
  ASSERT_TRUE(s.ok()) << s.error().message;
  rtos.responsive = false;
  auto r = tandem_bench::RunHostileIndex(*s.value(), -1, 100'000'000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kProtocol);
  EXPECT_NE(r.error().message.find("did not freeze the ring"), std::string::npos);
}

}  // namespace
}  // namespace libtandem::testing
