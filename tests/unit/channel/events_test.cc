// The event ring (events.h, protocol 1.6): subscription, the full ring (the new event dropped and
// counted), notification suppression, a reader that writes garbage where it should only keep its
// own indices, an RTOS whose channel restarts, and a poster and a reader on two threads.
#include "tandem/channel/events.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "tandem/channel/shared_access.h"
#include "test_support.h"

namespace tandem::channel {
namespace {

using testing::CountingNotifier;
using testing::Pages;

constexpr uint16_t kMiss = static_cast<uint16_t>(EventKind::kDeadlineMiss);
constexpr uint16_t kState = static_cast<uint16_t>(EventKind::kTaskState);
constexpr uint16_t kApp = 20;

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(server_.Init(testing::kTestBootId), ServerStatus::kOk);
    ASSERT_TRUE(client_.Connect().ok());
    server_.Poll();
    client_.Poll();
    ASSERT_TRUE(client_.connected());
  }
  PostStatus Post(uint16_t kind, uint32_t source, uint64_t time = 7) {
    const uint32_t data[2] = {source * 10, source * 100};
    return server_.events().Post(kind, source, data, sizeof(data), time);
  }
  std::vector<Event> TakeAll() {
    std::vector<Event> got(kEventSlots * 2);
    got.resize(reader_.Take(got.data(), static_cast<uint32_t>(got.size())));
    return got;
  }

  Pages pages_;
  CountingNotifier to_rtos_, to_linux_;
  Server server_{pages_.req.get(), pages_.rsp.get(), to_linux_};
  Client client_{pages_.req.get(), pages_.rsp.get(), to_rtos_};
  EventReader reader_{pages_.req.get(), pages_.rsp.get()};
};

TEST_F(EventsTest, NothingIsPostedUntilLinuxSubscribes) {
  EXPECT_TRUE(reader_.Available());
  EXPECT_EQ(Post(kMiss, 1), PostStatus::kNotSubscribed);
  reader_.Subscribe(EventKindBit(kMiss));
  EXPECT_EQ(Post(kState, 1), PostStatus::kNotSubscribed);  // another kind
  EXPECT_EQ(Post(kMiss, 2), PostStatus::kPostedNotify);    // Subscribe asked to be woken
  const std::vector<Event> got = TakeAll();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, kMiss);
  EXPECT_EQ(got[0].source, 2u);
  EXPECT_EQ(got[0].time_us, 7u);
  ASSERT_EQ(got[0].data_len, 8);
  uint32_t data[2];
  std::memcpy(data, got[0].data, 8);
  EXPECT_EQ(data[0], 20u);
  EXPECT_EQ(data[1], 200u);
  EXPECT_EQ(reader_.dropped(), 0u);
}

TEST_F(EventsTest, EventsBeforeTheSubscriptionAreNotDelivered) {
  reader_.Subscribe(EventKindBit(kApp));
  ASSERT_EQ(Post(kApp, 1), PostStatus::kPostedNotify);
  reader_.Subscribe(0);
  reader_.Subscribe(EventKindBit(kApp));  // a new subscription starts from the present
  EXPECT_TRUE(TakeAll().empty());
}

TEST_F(EventsTest, AFullRingDropsTheNewEventAndCountsIt) {
  reader_.Subscribe(EventKindBit(kApp));
  for (uint32_t i = 0; i < kEventSlots; ++i) {
    EXPECT_NE(Post(kApp, i), PostStatus::kDropped) << i;
  }
  EXPECT_EQ(Post(kApp, 1000), PostStatus::kDropped);
  EXPECT_EQ(Post(kApp, 1001), PostStatus::kDropped);
  EXPECT_EQ(reader_.dropped(), 2u);
  EXPECT_EQ(server_.events().dropped(), 2u);
  std::vector<Event> got = TakeAll();
  ASSERT_EQ(got.size(), kEventSlots);
  for (uint32_t i = 0; i < kEventSlots; ++i) EXPECT_EQ(got[i].source, i);  // the oldest kept
  EXPECT_EQ(Post(kApp, 33), PostStatus::kPosted);                          // room again
  got = TakeAll();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].source, 33u);
}

TEST_F(EventsTest, AnAwakeReaderIsNotNotified) {
  reader_.Subscribe(EventKindBit(kApp));
  EXPECT_EQ(Post(kApp, 1), PostStatus::kPostedNotify);
  // The reader has not re-armed: it is awake (or about to read), so no more notifications.
  EXPECT_EQ(Post(kApp, 2), PostStatus::kPosted);
  EXPECT_EQ(Post(kApp, 3), PostStatus::kPosted);
  EXPECT_EQ(TakeAll().size(), 3u);
  EXPECT_FALSE(reader_.PrepareWait());  // nothing there: asks to be woken
  EXPECT_EQ(Post(kApp, 4), PostStatus::kPostedNotify);
  EXPECT_TRUE(reader_.PrepareWait());  // something there: do not sleep
}

TEST_F(EventsTest, NoSessionNoEvents) {
  reader_.Subscribe(EventKindBit(kApp));
  client_.Disconnect();
  server_.Poll();
  EXPECT_EQ(Post(kApp, 1), PostStatus::kNotSubscribed);
  EXPECT_EQ(server_.events().dropped(), 0u);
}

TEST_F(EventsTest, ANewConnectForgetsADeadProcessesSubscription) {
  reader_.Subscribe(EventKindBit(kApp));
  // The subscriber dies; another process opens a session on the same pages.
  Client next{pages_.req.get(), pages_.rsp.get(), to_rtos_};
  ASSERT_TRUE(next.Connect().ok());
  server_.Poll();
  next.Poll();
  ASSERT_TRUE(next.connected());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(Post(kApp, 1), PostStatus::kNotSubscribed);
  EXPECT_EQ(server_.events().dropped(), 0u);  // nobody reads, so nothing may pile up as drops
}

TEST_F(EventsTest, BadKindsAndDataAreRefusedWithoutTouchingTheRing) {
  reader_.Subscribe(~0ull);
  uint8_t big[kEventDataMax + 1] = {};
  EXPECT_EQ(server_.events().Post(kEventKinds, 0, nullptr, 0, 0), PostStatus::kBadKind);
  EXPECT_EQ(server_.events().Post(kApp, 0, big, sizeof(big), 0), PostStatus::kBadKind);
  EXPECT_TRUE(TakeAll().empty());
}

TEST_F(EventsTest, AChannelRestartMakesTheReaderStartAgain) {
  reader_.Subscribe(EventKindBit(kApp));
  for (int i = 0; i < 10; ++i) Post(kApp, i);
  EXPECT_EQ(TakeAll().size(), 10u);
  // The RTOS re-initialises its channel: its index starts at 0 again, behind the reader's.
  ASSERT_EQ(server_.Init(testing::kTestBootId), ServerStatus::kOk);
  EXPECT_TRUE(TakeAll().empty());
  EXPECT_EQ(reader_.resyncs(), 1u);
}

// A reader that scribbles over its own event fields (indices, subscription) at random between
// posts: the RTOS never writes outside its event slots and evt_* header words, never posts
// more than the ring holds beyond what the reader claimed, and counts every event it did not
// post as dropped or unsubscribed.
TEST_F(EventsTest, AHostileReaderCannotMakeTheRtosWriteElsewhere) {
  std::mt19937 rng(12345);
  const ResponsePage before = *pages_.rsp;
  uint64_t posted = 0, dropped = 0, refused = 0;
  for (int i = 0; i < 200000; ++i) {
    RequestPageHeader& h = pages_.req->header;
    switch (rng() % 6) {
      case 5:  // a well-behaved moment: somewhere near what the RTOS posted
        StoreRelaxed(&h.evt_cons,
                     static_cast<uint32_t>(LoadRelaxed(&pages_.rsp->header.evt_prod) - rng() % 40));
        break;
      case 0:
        StoreRelaxed(&h.evt_cons, static_cast<uint32_t>(rng()));
        break;
      case 1:
        StoreRelaxed(&h.evt_event, static_cast<uint32_t>(rng()));
        break;
      case 2:
        StoreRelaxed(&h.evt_kinds_lo, static_cast<uint32_t>(rng()));
        break;
      case 3:
        StoreRelaxed(&h.evt_kinds_hi, static_cast<uint32_t>(rng()));
        break;
      default:
        break;
    }
    const PostStatus s = Post(static_cast<uint16_t>(rng() % kEventKinds), i);
    if (s == PostStatus::kPosted || s == PostStatus::kPostedNotify) ++posted;
    if (s == PostStatus::kDropped) ++dropped;
    if (s == PostStatus::kNotSubscribed) ++refused;
  }
  EXPECT_EQ(posted + dropped + refused, 200000u);
  EXPECT_GT(posted, 0u);
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(LoadRelaxed(&pages_.rsp->header.evt_prod), static_cast<uint32_t>(posted));
  EXPECT_EQ(LoadRelaxed(&pages_.rsp->header.evt_dropped), dropped);
  // Everything outside the event slots and the evt_* words is as it was.
  const ResponsePageHeader& a = before.header;
  const ResponsePageHeader& b = pages_.rsp->header;
  EXPECT_EQ(std::memcmp(&a, &b, offsetof(ResponsePageHeader, evt_prod)), 0);
  EXPECT_EQ(std::memcmp(before.reserved, pages_.rsp->reserved, sizeof(before.reserved)), 0);
  EXPECT_EQ(std::memcmp(before.ring, pages_.rsp->ring, sizeof(before.ring)), 0);
  // The channel itself is unaffected: a command still round-trips.
  auto id = client_.Submit(MakeRequest(Op::kPing, 5));
  ASSERT_TRUE(id.ok());
  client_.Flush();
  server_.Poll();
  client_.Poll();
  auto rsp = client_.Take(id.value());
  ASSERT_TRUE(rsp.ok());
  EXPECT_EQ(rsp.value().result[0], 5u);
}

TEST_F(EventsTest, AppEventKindsArePublished) {
  static constexpr AppEventSpec kPeriod = {kApp, "period-changed", "old-ms new-ms"};
  static constexpr AppEventSpec kBadKind = {3, "builtin-kind", ""};
  static constexpr AppEventSpec kBadFields = {21, "five", "a b c d e"};
  EXPECT_EQ(server_.RegisterAppEvent(kBadKind), ServerStatus::kBadSpec);
  EXPECT_EQ(server_.RegisterAppEvent(kBadFields), ServerStatus::kBadSpec);
  ASSERT_EQ(server_.RegisterAppEvent(kPeriod), ServerStatus::kOk);
  EXPECT_EQ(server_.RegisterAppEvent(kPeriod), ServerStatus::kAlreadyTaken);
  auto call = [&](uint32_t index, uint32_t part) {
    auto id = client_.Submit(MakeRequest(Op::kEventInfo, index, part));
    client_.Flush();
    server_.Poll();
    client_.Poll();
    return client_.Take(id.value()).value();
  };
  Response r = call(0, 0);
  EXPECT_EQ(r.result[0], 1u);
  EXPECT_EQ(r.result[1], kApp);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(r.payload), r.payload_len), "period-changed");
  r = call(0, 1);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(r.payload), r.payload_len), "old-ms new-ms");
  r = call(1, 0);
  EXPECT_EQ(r.result[0], 1u);
  EXPECT_EQ(r.result[1], 0u);
}

// A poster thread (the RTOS) and a reader thread (Linux) at full speed: every event posted
// arrives once and in order, and every one that did not arrive was counted as dropped.
TEST(EventThreads, EveryEventArrivesInOrderOrIsCountedAsDropped) {
  Pages pages;
  CountingNotifier n;
  Server server{pages.req.get(), pages.rsp.get(), n};
  Client client{pages.req.get(), pages.rsp.get(), n};
  ASSERT_EQ(server.Init(testing::kTestBootId), ServerStatus::kOk);
  ASSERT_TRUE(client.Connect().ok());
  server.Poll();
  client.Poll();
  ASSERT_TRUE(client.connected());
  EventReader reader{pages.req.get(), pages.rsp.get()};
  reader.Subscribe(EventKindBit(kApp));
  constexpr uint32_t kTotal = 20000;
  std::atomic<bool> done{false};
  uint64_t posted = 0;
  std::thread poster([&] {
    for (uint32_t i = 0; i < kTotal; ++i) {
      const PostStatus s = server.events().Post(kApp, i, nullptr, 0, i);
      if (s == PostStatus::kPosted || s == PostStatus::kPostedNotify) ++posted;
      if (s == PostStatus::kDropped) std::this_thread::yield();  // let the reader run
    }
    done = true;
  });
  uint32_t received = 0;
  int64_t last = -1;
  bool in_order = true;
  Event got[8];
  for (;;) {
    const bool finished = done.load();
    const uint32_t n = reader.Take(got, 8);
    for (uint32_t i = 0; i < n; ++i) {
      in_order = in_order && static_cast<int64_t>(got[i].source) > last;
      last = got[i].source;
    }
    received += n;
    if (finished && n == 0 && !reader.PrepareWait()) break;
  }
  poster.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(received, posted);
  EXPECT_EQ(received + reader.dropped(), kTotal);
  EXPECT_EQ(reader.resyncs(), 0u);
  std::printf("[ figures  ] %u events posted at full speed: %u read, %lu dropped (ring full)\n",
              kTotal, received, static_cast<unsigned long>(reader.dropped()));
}

}  // namespace
}  // namespace tandem::channel
