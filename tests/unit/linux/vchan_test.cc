// tandem-vchan's measurement (linux/vchan/round_trip.h) over its real pipe transport and over
// scripted links that fail or alter the echo.
#include <gtest/gtest.h>
#include <string.h>

#include <deque>

#include "round_trip.h"

namespace tandem_vchan {
namespace {

// A link whose peer echoes through `mangle` and can go away after `lifetime` messages.
class ScriptedLink : public Link {
 public:
  int lifetime = 1 << 30;
  bool flip_byte = false;
  std::deque<uint8_t> queued;
  bool Send(const uint8_t* data, size_t size) override {
    if (lifetime-- <= 0) return false;
    for (size_t i = 0; i < size; ++i) queued.push_back(data[i]);
    if (flip_byte) queued.back() ^= 1;
    return true;
  }
  bool Receive(uint8_t* data, size_t size) override {
    if (queued.size() < size) return false;
    for (size_t i = 0; i < size; ++i, queued.pop_front()) data[i] = queued.front();
    return true;
  }
  size_t ReceiveSome(uint8_t* data, size_t max) override {
    size_t n = 0;
    for (; n < max && !queued.empty(); ++n, queued.pop_front()) data[n] = queued.front();
    return n;
  }
  std::string error() const override { return "the scripted peer went away"; }
};

uint64_t fake_now = 0;
uint64_t FakeClock() { return fake_now += 500; }

TEST(VchanRoundTrip, PipeFloorTimesEveryRoundTripAfterTheWarmup) {
  PipeLink link;
  ASSERT_TRUE(link.Start()) << link.error();
  const PingResult r = Ping(link, 200, 5, 64, MonotonicNs);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.round_trips, 200u);
  ASSERT_EQ(r.samples_ns.size(), 200u);
  EXPECT_TRUE(std::is_sorted(r.samples_ns.begin(), r.samples_ns.end()));
  EXPECT_GT(r.latency.min_ns, 0u);
  EXPECT_LE(r.latency.p50_ns, r.latency.p99_ns);
  EXPECT_EQ(r.latency.max_ns, r.samples_ns.back());
  EXPECT_EQ(link.Finish(), 0);  // the child echoed until the pipes closed
}

TEST(VchanRoundTrip, LargestMessageCrossesThePipe) {
  PipeLink link;
  ASSERT_TRUE(link.Start());
  const PingResult r = Ping(link, 10, 0, kMaxMessage, MonotonicNs);
  EXPECT_TRUE(r.ok) << r.error;
}

TEST(VchanRoundTrip, UsesTheGivenClockPerRoundTrip) {
  ScriptedLink link;
  fake_now = 0;
  // Each round trip reads the clock twice (before the send, after the receive): 500 ns apart.
  const PingResult r = Ping(link, 4, 2, 16, FakeClock);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.latency.min_ns, 500u);
  EXPECT_EQ(r.latency.max_ns, 500u);
}

TEST(VchanRoundTrip, AnAlteredEchoIsAnErrorThatSaysWhich) {
  ScriptedLink link;
  link.flip_byte = true;
  const PingResult r = Ping(link, 10, 0, 8, FakeClock);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "round trip 0: the echo differs from what was sent");
}

TEST(VchanRoundTrip, APeerThatGoesAwayIsAnErrorThatSaysWhenAndWhy) {
  ScriptedLink link;
  link.lifetime = 7;
  const PingResult r = Ping(link, 10, 3, 8, FakeClock);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "round trip 7: the scripted peer went away");
}

TEST(VchanRoundTrip, EchoSendsBackWhateverArrivesUntilThePeerGoes) {
  // The server's side: two arrivals of different sizes, then the client leaves.
  class Arrivals : public Link {
   public:
    std::deque<std::vector<uint8_t>> incoming = {{1, 2, 3}, {4, 5, 6, 7, 8}};
    std::vector<uint8_t> sent;
    bool Send(const uint8_t* data, size_t size) override {
      sent.insert(sent.end(), data, data + size);
      return true;
    }
    bool Receive(uint8_t*, size_t) override { return false; }
    size_t ReceiveSome(uint8_t* data, size_t max) override {
      if (incoming.empty()) return 0;
      const std::vector<uint8_t> m = incoming.front();
      incoming.pop_front();
      EXPECT_LE(m.size(), max);
      memcpy(data, m.data(), m.size());
      return m.size();
    }
    std::string error() const override { return "gone"; }
  } link;
  EXPECT_EQ(Echo(link), 8u);
  EXPECT_EQ(link.sent, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(VchanRoundTrip, JsonCarriesPercentilesSamplesOrTheEscapedError) {
  ScriptedLink link;
  fake_now = 0;
  const PingResult ok = Ping(link, 2, 0, 8, FakeClock);
  const std::string j = ToJson("vchan", 8, ok, true);
  EXPECT_NE(j.find("\"ok\":true,\"peer\":\"vchan\",\"size\":8,\"round_trips\":2"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find("\"latency_ns\":{\"min\":500,\"p50\":500"), std::string::npos) << j;
  EXPECT_NE(j.find("\"samples_ns\":[500,500]}"), std::string::npos) << j;
  EXPECT_EQ(ToJson("vchan", 8, ok, false).find("samples_ns"), std::string::npos);
  PingResult bad;
  bad.error = "path \"/x\\y\" gone";
  EXPECT_EQ(ToJson("pipe", 4, bad, true),
            "{\"ok\":false,\"peer\":\"pipe\",\"size\":4,\"error\":\"path \\\"/x\\\\y\\\" gone\"}");
}

}  // namespace
}  // namespace tandem_vchan
