// A hostile Linux: random indices, sizes, opcodes and header fields written into the request
// page, with a fixed seed and many iterations. The server must never crash, never read outside
// the ring (ASan builds check that), answer every consumed request exactly once, and never let
// an unvalidated argument reach a handler.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "tandem/channel/shared_access.h"
#include "test_support.h"

namespace tandem::channel {
namespace {

using testing::CountingNotifier;
using testing::FakeGpio;
using testing::Pages;

class Attacker {
 public:
  Attacker(RequestPage* page, uint32_t seed) : page_(page), rng_(seed) {}

  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  uint32_t Any() { return static_cast<uint32_t>(rng_()); }

  // One random action against the request page.
  void Act(uint32_t generation) {
    RequestPageHeader* h = &page_->header;
    switch (Pick(12)) {
      case 0:  // a random header word
        StoreRelaxed(&reinterpret_cast<uint32_t*>(h)[Pick(16)], Any());
        break;
      case 1:  // a plausible handshake, possibly with a bad version
        StoreRelaxed(&h->magic, Pick(8) ? kRequestPageMagic : Any());
        StoreRelaxed(&h->version, Pick(4) ? kProtocolVersion : Any());
        StoreRelaxed(&h->generation, Pick(4) ? generation : Any());
        StoreRelaxed(&h->req_prod, Any());
        StoreRelease(&h->session, Any());
        StoreRelease(&h->state,
                     Pick(4) ? static_cast<uint32_t>(ChannelState::kConnected) : Pick(9));
        break;
      case 2:  // req_prod anywhere
        StoreRelease(&h->req_prod, Any());
        break;
      case 3:
      case 4:  // req_prod a little ahead (within or just beyond the ring)
        StoreRelease(&h->req_prod, LoadRelaxed(&h->req_prod) + Pick(kSlotCount + 3));
        break;
      case 5:
      case 6: {  // random bytes in a slot
        Slot s;
        for (uint64_t& w : s.word) w = (static_cast<uint64_t>(Any()) << 32) | Any();
        CopyIn(&page_->ring[Pick(kSlotCount)], s);
        break;
      }
      default: {  // a near-valid request submitted properly (or into a random slot)
        Request r{};
        r.id = Any();
        const uint16_t ops[] = {0x0001, 0x0100, 0x0101, 0x0102,
                                0x0103, 0x0200, 0x8001, static_cast<uint16_t>(Any())};
        r.op = ops[Pick(8)];
        r.payload_len = static_cast<uint16_t>(Pick(2)   ? 0
                                              : Pick(4) ? Pick(kMaxPayload + 1)
                                                        : Any());
        r.flags = Pick(8) ? 0 : Any();
        for (uint32_t& a : r.arg) a = Pick(8) ? Pick(2) : Any();
        r.arg[0] = Pick(8) ? Pick(12) : r.arg[0];
        if (Pick(4)) {
          const uint32_t prod = LoadRelaxed(&h->req_prod);
          CopyIn(&page_->ring[prod & kSlotMask], r);
          StoreRelease(&h->req_prod, prod + 1);
        } else {
          CopyIn(&page_->ring[Pick(kSlotCount)], r);
        }
        break;
      }
    }
  }

 private:
  RequestPage* page_;
  std::mt19937 rng_;
};

TEST(Malformed, RandomRingsAreAnsweredWithoutCrash) {
  Pages pages;
  CountingNotifier to_linux;
  Server server(pages.req.get(), pages.rsp.get(), to_linux);
  ASSERT_EQ(server.Init(testing::kTestBootId), ServerStatus::kOk);
  FakeGpio gpio(0xFF);
  testing::InstallGpio(server, gpio);
  Attacker attacker(pages.req.get(), 20261125);
  constexpr int kIterations = 200000;
  uint64_t handled = 0;
  int connected_polls = 0;
  for (int i = 0; i < kIterations; ++i) {
    attacker.Act(server.generation());
    const uint64_t before = server.counters().requests;
    const PollResult r = server.Poll(attacker.Pick(2 * kSlotCount) + 1);
    handled += r.handled;
    ASSERT_LE(r.handled, 2 * kSlotCount);
    ASSERT_EQ(server.counters().requests - before, r.handled);
    const ChannelState s = server.state();
    ASSERT_TRUE(s == ChannelState::kInitWait || s == ChannelState::kConnected ||
                s == ChannelState::kClosing);
    if (s == ChannelState::kConnected) {
      ++connected_polls;
      // One response per consumed request, all published by the end of the pass.
      const ResponsePageHeader& h = pages.rsp->header;
      ASSERT_EQ(LoadRelaxed(&h.rsp_prod), LoadRelaxed(&h.req_cons));
    }
  }
  EXPECT_EQ(gpio.unvalidated, 0u);
  // The campaign must actually have reached the interesting paths.
  EXPECT_GT(handled, 10000u);
  EXPECT_GT(connected_polls, 1000);
  EXPECT_GT(server.counters().broken, 100u);
  EXPECT_GT(server.counters().rejected, 1000u);
  EXPECT_GT(server.counters().version_refused, 10u);
  EXPECT_GT(gpio.calls, 100u);
  std::printf(
      "[ figures  ] %d iterations: %llu requests consumed, %llu rejected, %llu broken, "
      "%llu version refusals, %llu handler calls\n",
      kIterations, static_cast<unsigned long long>(server.counters().requests),
      static_cast<unsigned long long>(server.counters().rejected),
      static_cast<unsigned long long>(server.counters().broken),
      static_cast<unsigned long long>(server.counters().version_refused),
      static_cast<unsigned long long>(gpio.calls));
}

// The same attacker writing concurrently while the server polls (the TOCTOU case: fields change
// between any two reads). Under TSan this also shows every shared access is atomic.
TEST(Malformed, ConcurrentScribblerCannotCrashServer) {
  Pages pages;
  CountingNotifier to_linux;
  Server server(pages.req.get(), pages.rsp.get(), to_linux);
  ASSERT_EQ(server.Init(testing::kTestBootId), ServerStatus::kOk);
  FakeGpio gpio(0xFF);
  testing::InstallGpio(server, gpio);
  std::atomic<bool> stop{false};
  const uint32_t generation = server.generation();
  std::thread scribbler([&] {
    Attacker attacker(pages.req.get(), 42);
    while (!stop.load(std::memory_order_relaxed)) attacker.Act(generation);
  });
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(700);
  uint64_t polls = 0;
  while (std::chrono::steady_clock::now() < end) {
    server.Poll();
    ++polls;
  }
  stop = true;
  scribbler.join();
  EXPECT_EQ(gpio.unvalidated, 0u);
  EXPECT_GT(polls, 100u);
  std::printf("[ figures  ] %llu polls under a concurrent scribbler: %llu requests, %llu broken\n",
              static_cast<unsigned long long>(polls),
              static_cast<unsigned long long>(server.counters().requests),
              static_cast<unsigned long long>(server.counters().broken));
}

// A Linux flipping req_prod between "nothing new" and "one more" as fast as it can: every Poll
// must still return after a bounded amount of work.
TEST(Malformed, FlippingProducerCannotKeepPollBusy) {
  Pages pages;
  CountingNotifier to_rtos, to_linux;
  Server server(pages.req.get(), pages.rsp.get(), to_linux);
  ASSERT_EQ(server.Init(testing::kTestBootId), ServerStatus::kOk);
  Client client(pages.req.get(), pages.rsp.get(), to_rtos);
  ASSERT_TRUE(client.Connect().ok());
  server.Poll();
  client.Poll();
  ASSERT_TRUE(client.connected());
  std::atomic<bool> stop{false};
  std::thread flipper([&] {
    RequestPageHeader* h = &pages.req->header;
    uint32_t base = LoadRelaxed(&h->req_prod);
    while (!stop.load(std::memory_order_relaxed)) {
      StoreRelease(&h->req_prod, base);
      StoreRelease(&h->req_prod, base + 1);
      // Follow the server so "base" stays "nothing new" for it.
      base = LoadAcquire(&pages.rsp->header.req_cons);
    }
  });
  uint64_t polls = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  while (std::chrono::steady_clock::now() < end) {
    const PollResult r = server.Poll(4);
    EXPECT_LE(r.handled, 4u);
    ++polls;
  }
  stop = true;
  flipper.join();
  EXPECT_GT(polls, 10u);
}

}  // namespace
}  // namespace tandem::channel
