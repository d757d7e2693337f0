// Late XenStore (dom0less): the channel works without XenStore and is published once XenStore
// appears; until then TryAttach is cheap and never waits.
#include <string>

#include "frontend_fixture.h"

namespace tandem::channel::testing {
namespace {

class AttachTest : public FrontendFixture {};

TEST_F(AttachTest, TryAttachBeforeStartIsRefused) {
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kBadState);
}

TEST_F(AttachTest, NotYetIsCheapWhileTheStorePfnIsInvalid) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  // The first try binds the store port (valid from boot, also on dom0less) and unmasks it.
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kNotYet);
  EXPECT_EQ(link_.port(), XenWorld::kStorePort);
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kStorePort));
  for (uint64_t invalid : {uint64_t{0}, ~uint64_t{0}}) {  // never set / init-dom0less pending
    world_.store_pfn = invalid;
    world_.hv.ClearCalls();
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kNotYet);
    }
    // Two HVMOP_get_param per try, nothing else: no mapping, no XenStore traffic, no waiting.
    EXPECT_EQ(world_.hv.calls().size(), 20u);
    EXPECT_EQ(world_.hv.CountOf(Call::kHvmOp, HVMOP_get_param), 20u);
  }
  EXPECT_TRUE(mapped_gfns_.empty());
  EXPECT_TRUE(xenstored_.requests.empty());
  EXPECT_EQ(waiter_.waits, 0);
  EXPECT_EQ(frontend_.counters().attach_not_yet, 21u);
  EXPECT_FALSE(frontend_.published());
}

TEST_F(AttachTest, ChannelWorksBeforeXenStoreAndIsPublishedWhenItAppears) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kNotYet);
  // The event path is live without XenStore (real-time tasks never depend on it).
  world_.Dom0Send();
  EXPECT_TRUE(world_.TakeInterrupt());
  EXPECT_EQ(RunRtos(), 1);
  // init-dom0less sets the store page; the next tick attaches and publishes.
  world_.store_pfn = XenWorld::kStoreGfn;
  ASSERT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kOk);
  EXPECT_EQ(mapped_gfns_, std::vector<uint64_t>{XenWorld::kStoreGfn});
  EXPECT_EQ(xenstored_.store["data/tandem/event-channel"], std::to_string(XenWorld::kChannelPort));
  EXPECT_EQ(xenstored_.store["data/tandem/state"], std::to_string(XenbusStateInitWait));
  // The store port is bound (its own handler) and unmasked.
  EXPECT_EQ(link_.port(), XenWorld::kStorePort);
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kStorePort));
  world_.XenSetPending(XenWorld::kStorePort);
  EXPECT_TRUE(world_.TakeInterrupt());
  EXPECT_EQ(store_events_, 1);
  EXPECT_EQ(world_.signals, signals_seen_);  // not the channel's signal
  // Linux can now connect and talk.
  ConnectLinux();
  const Request ping = MakeRequest(Op::kPing, 0, 9);
  EXPECT_EQ(CallRtos(ping).result[1], 9u);
}

TEST_F(AttachTest, UnmappableRingIsReportedAndRetried) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  world_.store_pfn = 0x12345;  // MapRing maps only kStoreGfn
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kStoreFailed);
  EXPECT_FALSE(link_.attached());
  world_.store_pfn = XenWorld::kStoreGfn;
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kOk);
}

TEST_F(AttachTest, RingNotYetConnectedByXenstoredIsNotYet) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  store_page_->connection = XENSTORE_RECONNECT;
  world_.store_pfn = XenWorld::kStoreGfn;
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kNotYet);
  EXPECT_TRUE(link_.attached());
  EXPECT_TRUE(xenstored_.requests.empty());
  store_page_->connection = XENSTORE_CONNECTED;
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kOk);
  EXPECT_EQ(mapped_gfns_.size(), 1u);  // attached once
}

TEST_F(AttachTest, SilentXenstoredTimesOutAndTheAbandonedReplyIsCollectedLater) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  world_.store_pfn = XenWorld::kStoreGfn;
  waiter_.xs = nullptr;  // xenstored does not run
  waiter_.limit = 3;
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kStoreFailed);
  EXPECT_EQ(frontend_.last_store_error(), xen::XsStatus::kTimeout);
  // xenstored wakes up and answers the abandoned TRANSACTION_START; the next tick succeeds.
  xenstored_.Step();
  waiter_.xs = &xenstored_;
  waiter_.waits = 0;
  waiter_.limit = 64;
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kOk)
      << xen::XsStatusName(frontend_.last_store_error());
  EXPECT_TRUE(frontend_.published());
}

// Issue 11, point 4: dom0 deletes the keys (`xenstore-rm .../data/tandem`); the watch set at
// the first publish fires and the keys come back, the same values, in one transaction.
TEST_F(AttachTest, KeysDeletedByDom0ArePublishedAgain) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  world_.store_pfn = XenWorld::kStoreGfn;
  ASSERT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kOk);
  const auto published = xenstored_.store;
  ASSERT_EQ(xenstored_.watches.size(), 1u);
  EXPECT_EQ(xenstored_.watches[0].first, "data/tandem");
  EXPECT_EQ(xenstored_.watches[0].second, XenFrontend::kKeysWatchToken);

  // The watch's first firing (at registration) finds every key: nothing is written.
  const size_t before = xenstored_.requests.size();
  EXPECT_EQ(frontend_.CheckPublished(store_), FrontendStatus::kOk);
  for (size_t i = before; i < xenstored_.requests.size(); ++i) {
    EXPECT_EQ(xenstored_.requests[i].header.type, uint32_t{XS_READ});
  }
  EXPECT_EQ(frontend_.counters().republishes, 0u);

  for (const char* deleted :
       {"data/tandem", "data/tandem/event-channel", "data/tandem/state", "data/tandem/boot-id"}) {
    xenstored_.store.erase(deleted);
    if (std::string(deleted) == "data/tandem") {
      for (auto it = xenstored_.store.begin(); it != xenstored_.store.end();) {
        it = it->first.rfind("data/tandem/", 0) == 0 ? xenstored_.store.erase(it) : std::next(it);
      }
    }
    EXPECT_EQ(frontend_.CheckPublished(store_), FrontendStatus::kOk) << deleted;
    for (const auto& [key, value] : published) {
      EXPECT_EQ(xenstored_.store[key], value) << key << " after deleting " << deleted;
    }
  }
  EXPECT_EQ(frontend_.counters().republishes, 4u);
  EXPECT_EQ(xenstored_.watches.size(), 1u) << "the watch is set once";
}

TEST_F(AttachTest, CheckBeforePublishingWritesNothing) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  EXPECT_EQ(frontend_.CheckPublished(store_), FrontendStatus::kOk);
  EXPECT_TRUE(xenstored_.requests.empty());
}

}  // namespace
}  // namespace tandem::channel::testing
