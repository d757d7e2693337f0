// The ISR/task split: the ISR masks and signals, DrainOnce polls and unmasks, Unmask re-checks
// pending; an event storm costs one interrupt per drained batch (XSA-391).
#include <deque>
#include <functional>
#include <vector>

#include "frontend_fixture.h"

namespace tandem::channel::testing {
namespace {

using DrainTest = HookedFrontendFixture;

TEST_F(DrainTest, IsrOnlyMasksCountsAndSignals) {
  const auto before = frontend_.counters();
  const uint64_t received_before = frontend_.server().counters().notify_received;
  world_.Dom0Send();
  ASSERT_TRUE(world_.ppi_asserted);
  const size_t calls_before = world_.hv.calls().size();
  ASSERT_TRUE(world_.TakeInterrupt());
  EXPECT_TRUE(world_.events.IsMasked(XenWorld::kChannelPort));
  EXPECT_FALSE(world_.events.IsPending(XenWorld::kChannelPort));  // cleared by the upcall
  EXPECT_EQ(world_.signals, signals_seen_ + 1);
  EXPECT_EQ(frontend_.counters().interrupts, before.interrupts + 1);
  EXPECT_EQ(frontend_.counters().batches, before.batches);  // no draining in the ISR
  EXPECT_EQ(frontend_.server().counters().notify_received, received_before + 1);
  EXPECT_EQ(world_.hv.calls().size(), calls_before) << "the ISR makes no hypercall";
}

TEST_F(DrainTest, DrainOnceAnswersAndUnmasksWithoutHypercallWhenNothingIsPending) {
  auto id = client_.Submit(Ping(7));
  ASSERT_TRUE(id.ok());
  client_.Flush();
  ASSERT_TRUE(world_.TakeInterrupt());
  ASSERT_TRUE(world_.events.IsMasked(XenWorld::kChannelPort));
  const int unmask_calls = world_.unmask_hypercalls;
  const DrainResult r = frontend_.DrainOnce();
  EXPECT_EQ(r.handled, 1u);
  EXPECT_FALSE(r.more);
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
  EXPECT_EQ(world_.unmask_hypercalls, unmask_calls);
  EXPECT_FALSE(world_.ppi_asserted);
  client_.Poll();
  auto rsp = client_.Take(id.value());
  ASSERT_TRUE(rsp.ok());
  EXPECT_EQ(rsp.value().result[0], 7u);
}

TEST_F(DrainTest, EventDuringDrainIsNotLost) {
  // While the server handles a request, dom0 sends another event (e.g. a request published on
  // another CPU after the server read req_prod). The port is masked: no interrupt now...
  bool sent = false;
  hook_.during = [&] {
    if (sent) return;
    sent = true;
    world_.Dom0Send();
    EXPECT_FALSE(world_.ppi_asserted) << "masked port must not interrupt";
  };
  Request r{};
  r.op = kHookOp;
  auto id = client_.Submit(r);
  ASSERT_TRUE(id.ok());
  client_.Flush();
  ASSERT_TRUE(world_.TakeInterrupt());
  const int unmask_calls = world_.unmask_hypercalls;
  const uint64_t batches = frontend_.counters().batches;
  EXPECT_EQ(frontend_.DrainOnce().handled, 1u);
  // ...but Unmask saw it pending and handed the mask to Xen (EVTCHNOP_unmask), which raised the
  // upcall again: the server runs once more.
  EXPECT_EQ(world_.unmask_hypercalls, unmask_calls + 1);
  EXPECT_TRUE(world_.ppi_asserted);
  EXPECT_EQ(RunRtos(), 1);
  EXPECT_EQ(frontend_.counters().batches, batches + 2);
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
  EXPECT_FALSE(world_.ppi_asserted);
}

TEST_F(DrainTest, RequestPublishedWhileMaskedIsServedByTheNextBatch) {
  // Linux publishes a request and notifies between the ISR and the drain: the pending bit
  // survives in shared_info and the drain picks the request up either way.
  auto first = client_.Submit(Ping(1));
  ASSERT_TRUE(first.ok());
  client_.Flush();
  ASSERT_TRUE(world_.TakeInterrupt());
  client_.Poll();
  auto second = client_.Submit(Ping(2));
  ASSERT_TRUE(second.ok());
  client_.Flush();
  RunRtos();
  client_.Poll();
  EXPECT_TRUE(client_.Take(first.value()).ok());
  EXPECT_TRUE(client_.Take(second.value()).ok());
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
}

TEST_F(DrainTest, EventStormCostsOneInterruptPerDrainedBatch) {
  const auto before = frontend_.counters();
  const int interrupts_before = world_.interrupts_taken;
  world_.Dom0Send();
  ASSERT_TRUE(world_.TakeInterrupt());
  // 10,000 EVTCHNOP_sends from a misbehaving dom0 while the server has not run yet.
  for (int i = 0; i < 10000; ++i) world_.Dom0Send();
  EXPECT_FALSE(world_.ppi_asserted);
  RunRtos();
  const auto after = frontend_.counters();
  // The first batch's unmask re-raised the upcall once (the storm left the port pending); the
  // second batch found nothing and unmasked quietly.
  EXPECT_EQ(world_.interrupts_taken - interrupts_before, 2);
  EXPECT_EQ(after.interrupts - before.interrupts, 2u);
  EXPECT_EQ(after.batches - before.batches, 2u);
  EXPECT_EQ(after.empty_batches - before.empty_batches, 2u);
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
}

TEST_F(DrainTest, InterleavedStormNeverCostsMoreInterruptsThanBatches) {
  const auto before = frontend_.counters();
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 50; ++i) world_.Dom0Send();
    // The server task gets the CPU only every now and then.
    if (round % 3 == 0) RunRtos();
    world_.TakeInterrupt();
  }
  RunRtos();
  const auto after = frontend_.counters();
  EXPECT_EQ(after.interrupts - before.interrupts, after.batches - before.batches);
  EXPECT_LE(after.interrupts - before.interrupts, 2u * 200u);
  EXPECT_GT(world_.from_dom0, 10000 - 1);
}

TEST_F(DrainTest, TenThousandCommandsCostFarFewerInterruptsThanCommands) {
  const auto before = frontend_.counters();
  const uint64_t sent_before = frontend_.server().counters().notify_sent;
  std::deque<uint64_t> pending;
  int done = 0, submitted = 0;
  for (int rounds = 0; done < 10000; ++rounds) {
    ASSERT_LT(rounds, 20000) << "no progress after " << done << " commands";
    while (submitted < 10000 && pending.size() < kSlotCount) {
      auto id = client_.Submit(Ping(static_cast<uint32_t>(submitted)));
      ASSERT_TRUE(id.ok()) << ClientStatusName(id.error());
      pending.push_back(id.value());
      ++submitted;
    }
    client_.Flush();
    RunRtos();
    client_.Poll();
    while (!pending.empty()) {
      auto r = client_.Take(pending.front());
      if (!r.ok()) break;
      ASSERT_EQ(r.value().result[0], static_cast<uint32_t>(done));
      pending.pop_front();
      ++done;
    }
  }
  const auto after = frontend_.counters();
  const uint64_t interrupts = after.interrupts - before.interrupts;
  EXPECT_EQ(after.requests - before.requests, 10000u);
  EXPECT_EQ(interrupts, after.batches - before.batches);
  EXPECT_LE(interrupts, 10000u / kSlotCount + 1);
  EXPECT_LE(frontend_.server().counters().notify_sent - sent_before, 10000u / kSlotCount + 1);
  RecordProperty("interrupts", static_cast<int>(interrupts));
}

TEST_F(DrainTest, PollLimitKeepsThePortMaskedUntilTheCallerComesBack) {
  std::vector<uint64_t> first;
  for (uint32_t i = 0; i < 16; ++i) {
    auto id = client_.Submit(Ping(i));
    ASSERT_TRUE(id.ok());
    first.push_back(id.value());
  }
  client_.Flush();
  EXPECT_FALSE(client_.PrepareWait());  // Linux asks to be woken for the responses
  // When the server publishes the 16 responses, Linux (on its CPU) collects them and refills the
  // ring before the server re-arms req_event: no notification, the server finds them itself.
  bool refilled = false;
  world_.on_dom0_notified = [&] {
    if (refilled) return;
    refilled = true;
    client_.Poll();
    for (uint64_t id : first) EXPECT_TRUE(client_.Take(id).ok());
    for (uint32_t i = 0; i < 20; ++i) EXPECT_TRUE(client_.Submit(Ping(100 + i)).ok());
    client_.Flush();
  };
  ASSERT_TRUE(world_.TakeInterrupt());
  const int raised = world_.ppi_raised;
  const DrainResult one = frontend_.DrainOnce(/*max_polls=*/1);
  EXPECT_TRUE(refilled);
  EXPECT_EQ(one.handled, kSlotCount);  // 16 + 16 of the 20: the poll budget ran out
  EXPECT_TRUE(one.more);
  EXPECT_TRUE(world_.events.IsMasked(XenWorld::kChannelPort));
  EXPECT_EQ(world_.ppi_raised, raised);
  const DrainResult two = frontend_.DrainOnce(/*max_polls=*/1);
  EXPECT_EQ(two.handled, 4u);
  EXPECT_FALSE(two.more);
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
  world_.on_dom0_notified = nullptr;
  EXPECT_EQ(client_.Poll(), 20u);
}

}  // namespace
}  // namespace tandem::channel::testing
