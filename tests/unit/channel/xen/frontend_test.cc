// XenFrontend: what it grants, allocates and publishes, and how it gives the pages back.
#include <string>

#include "frontend_fixture.h"
#include "tandem/channel/shared_access.h"

namespace tandem::channel::testing {
namespace {

class FrontendTest : public FrontendFixture {
 protected:
  void StartAndPublish() {
    ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
    world_.store_pfn = XenWorld::kStoreGfn;
    ASSERT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kOk)
        << xen::XsStatusName(frontend_.last_store_error());
  }
  static std::string BootIdText(uint64_t id) {
    char text[kBootIdTextLength + 1];
    channel::BootIdToText(id, text);
    return text;
  }
  std::string Key(const std::string& key) {
    auto it = xenstored_.store.find("data/tandem/" + key);
    return it == xenstored_.store.end() ? "<missing>" : it->second;
  }
};

TEST_F(FrontendTest, StartGrantsRequestPageReadWriteAndResponsePageReadOnlyToDom0) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  const grant_ref_t rq = frontend_.request_ref(), rs = frontend_.response_ref();
  ASSERT_NE(rq, XenFrontend::kNoRef);
  ASSERT_NE(rs, XenFrontend::kNoRef);
  EXPECT_NE(rq, rs);
  EXPECT_GE(rq, static_cast<grant_ref_t>(GNTTAB_NR_RESERVED_ENTRIES));
  EXPECT_EQ(world_.Entry(rq).domid, 0);
  EXPECT_EQ(world_.Entry(rq).frame, XenWorld::kRequestGfn);
  EXPECT_EQ(world_.Entry(rq).flags, GTF_permit_access);
  EXPECT_EQ(world_.Entry(rs).domid, 0);
  EXPECT_EQ(world_.Entry(rs).frame, XenWorld::kResponseGfn);
  EXPECT_EQ(world_.Entry(rs).flags, GTF_permit_access | GTF_readonly);
}

TEST_F(FrontendTest, StartAllocatesUnboundPortForDom0BindsItAndUnmasksAfterInit) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  EXPECT_EQ(world_.alloc_remote, 0);
  EXPECT_EQ(frontend_.port(), XenWorld::kChannelPort);
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
  // The server is initialised (InitWait on the response page) and told Linux so.
  EXPECT_EQ(rsp_->header.magic, kResponsePageMagic);
  EXPECT_EQ(rsp_->header.state, static_cast<uint32_t>(XenbusStateInitWait));
  EXPECT_EQ(world_.to_dom0, 1);
  // The bound handler is ours: an event from dom0 reaches the ISR part.
  world_.Dom0Send();
  EXPECT_TRUE(world_.TakeInterrupt());
  EXPECT_EQ(world_.signals, 1);
  EXPECT_EQ(frontend_.counters().interrupts, 1u);
  EXPECT_EQ(world_.events.unhandled_events(), 0u);
}

TEST_F(FrontendTest, StartTwiceIsRefused) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  EXPECT_EQ(frontend_.Start(kBootId), FrontendStatus::kBadState);
}

TEST_F(FrontendTest, FailedAllocationGivesTheGrantsBack) {
  world_.alloc_fails = true;
  const uint32_t free_before = world_.grants.free_entries();
  EXPECT_EQ(frontend_.Start(kBootId), FrontendStatus::kEventFailed);
  EXPECT_EQ(frontend_.last_xen_error(), xen::XenStatus::kNoSpace);
  EXPECT_EQ(world_.grants.free_entries(), free_before);
  EXPECT_TRUE(frontend_.pages_reusable());
  EXPECT_FALSE(frontend_.running());
}

TEST_F(FrontendTest, MisalignedPagesAreRefusedBeforeAnythingIsGranted) {
  auto* odd = reinterpret_cast<RequestPage*>(reinterpret_cast<uint8_t*>(req_.get()) + 64);
  XenFrontend bad{world_.grants, world_.events,
                  FrontendPages{odd, rsp_.get(), XenWorld::kRequestGfn, XenWorld::kResponseGfn},
                  world_.AsSignal()};
  const uint32_t free_before = world_.grants.free_entries();
  EXPECT_EQ(bad.Start(kBootId), FrontendStatus::kMisaligned);
  EXPECT_EQ(world_.grants.free_entries(), free_before);
}

TEST_F(FrontendTest, PublishesAllKeysInOneTransaction) {
  StartAndPublish();
  EXPECT_EQ(Key("version"), "1.6");
  EXPECT_EQ(Key("ring-ref0"), std::to_string(frontend_.request_ref()));
  EXPECT_EQ(Key("ring-ref1"), std::to_string(frontend_.response_ref()));
  EXPECT_EQ(Key("event-channel"), std::to_string(XenWorld::kChannelPort));
  EXPECT_EQ(Key("state"), std::to_string(XenbusStateInitWait));
  EXPECT_EQ(Key("boot-id"), BootIdText(kBootId));
  // TRANSACTION_START, the six writes inside that transaction, TRANSACTION_END "T", then
  // (outside it, once) the watch that brings deleted keys back.
  const auto& rq = xenstored_.requests;
  ASSERT_EQ(rq.size(), 9u);
  EXPECT_EQ(rq[0].header.type, static_cast<uint32_t>(XS_TRANSACTION_START));
  const uint32_t tx = 1;  // the fake's first transaction id
  std::vector<std::string> written;
  for (size_t i = 1; i <= 6; ++i) {
    EXPECT_EQ(rq[i].header.type, static_cast<uint32_t>(XS_WRITE));
    EXPECT_EQ(rq[i].header.tx_id, tx);
    written.push_back(rq[i].payload.substr(0, rq[i].payload.find('\0')));
  }
  EXPECT_EQ(written, (std::vector<std::string>{"data/tandem/version", "data/tandem/ring-ref0",
                                               "data/tandem/ring-ref1", "data/tandem/event-channel",
                                               "data/tandem/state", "data/tandem/boot-id"}));
  EXPECT_EQ(rq[7].header.type, static_cast<uint32_t>(XS_TRANSACTION_END));
  EXPECT_EQ(rq[7].header.tx_id, tx);
  EXPECT_EQ(rq[7].payload, std::string("T", 2));
  EXPECT_EQ(rq[8].header.type, static_cast<uint32_t>(XS_WATCH));
  EXPECT_EQ(rq[8].header.tx_id, 0u);
  EXPECT_TRUE(frontend_.published());
  EXPECT_EQ(frontend_.counters().publishes, 1u);
  // Published once: later calls cost nothing.
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kOk);
  EXPECT_EQ(xenstored_.requests.size(), 9u);
}

TEST_F(FrontendTest, TransactionConflictIsRetriedWithEverythingRewritten) {
  xenstored_.transaction_end_eagain = 2;
  StartAndPublish();
  EXPECT_EQ(frontend_.counters().tx_conflicts, 2u);
  ASSERT_EQ(xenstored_.requests.size(), 3u * 8u + 1u);  // + the watch, after the commit
  EXPECT_EQ(xenstored_.requests[3 * 8 - 1].header.tx_id, 3u);
  EXPECT_EQ(Key("ring-ref1"), std::to_string(frontend_.response_ref()));
}

TEST_F(FrontendTest, EndlessConflictGivesUpBoundedAndRetriesOnTheNextCall) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  world_.store_pfn = XenWorld::kStoreGfn;
  xenstored_.transaction_end_eagain = 1000;
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kConflict);
  EXPECT_EQ(frontend_.counters().tx_conflicts, XenFrontend::kMaxTransactionAttempts);
  EXPECT_FALSE(frontend_.published());
  xenstored_.transaction_end_eagain = 0;
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kOk);
}

TEST_F(FrontendTest, FailedWriteAbortsTheTransaction) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  world_.store_pfn = XenWorld::kStoreGfn;
  xenstored_.override = [](FakeXenstored& xs, const FakeXenstored::Request& r) {
    if (r.header.type != XS_WRITE || r.payload.rfind("data/tandem/event-channel", 0) != 0) {
      return false;
    }
    xs.Reply(r.header, XS_ERROR, std::string("EACCES") + '\0');
    return true;
  };
  EXPECT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kStoreFailed);
  EXPECT_EQ(frontend_.last_store_error(), xen::XsStatus::kAccess);
  const auto& last = xenstored_.requests.back();
  EXPECT_EQ(last.header.type, static_cast<uint32_t>(XS_TRANSACTION_END));
  EXPECT_EQ(last.payload, std::string("F", 2));
  EXPECT_FALSE(frontend_.published());
}

TEST_F(FrontendTest, StateKeyFollowsTheServer) {
  StartAndPublish();
  ConnectLinux();
  EXPECT_TRUE(frontend_.state_dirty());
  EXPECT_EQ(frontend_.SyncState(store_), FrontendStatus::kOk);
  EXPECT_EQ(Key("state"), std::to_string(XenbusStateConnected));
  EXPECT_FALSE(frontend_.state_dirty());
  const size_t before = xenstored_.requests.size();
  EXPECT_EQ(frontend_.SyncState(store_), FrontendStatus::kOk);  // nothing changed: no request
  EXPECT_EQ(xenstored_.requests.size(), before);
  client_.Disconnect();
  RunRtos();
  EXPECT_EQ(frontend_.server().state(), ChannelState::kInitWait);
  EXPECT_EQ(frontend_.SyncState(store_), FrontendStatus::kOk);
  EXPECT_EQ(Key("state"), std::to_string(XenbusStateInitWait));
}

TEST_F(FrontendTest, StopRefusesToFreePagesDom0StillMaps) {
  StartAndPublish();
  ConnectLinux();
  const grant_ref_t rq = frontend_.request_ref(), rs = frontend_.response_ref();
  // dom0 maps both pages: Xen sets GTF_reading (and GTF_writing for the writable one).
  world_.Entry(rq).flags |= GTF_reading | GTF_writing;
  world_.Entry(rs).flags |= GTF_reading;
  EXPECT_EQ(frontend_.Stop(&store_), FrontendStatus::kInUse);
  EXPECT_EQ(rsp_->header.state, static_cast<uint32_t>(XenbusStateClosed));
  EXPECT_EQ(Key("state"), std::to_string(XenbusStateClosed));
  EXPECT_EQ(world_.closed, std::vector<evtchn_port_t>{XenWorld::kChannelPort});
  EXPECT_FALSE(frontend_.pages_reusable());
  EXPECT_EQ(frontend_.counters().revoke_refused, 2u);
  // The grants stay valid while mapped (XSA-396), and the pages cannot be handed out again.
  EXPECT_EQ(world_.Entry(rq).flags & GTF_permit_access, GTF_permit_access);
  EXPECT_EQ(frontend_.Start(kBootId), FrontendStatus::kInUse);
  // dom0 unmaps the request page only: one of two revoked.
  world_.Entry(rq).flags &= static_cast<uint16_t>(~(GTF_reading | GTF_writing));
  EXPECT_EQ(frontend_.TryRevoke(), FrontendStatus::kInUse);
  EXPECT_EQ(frontend_.request_ref(), XenFrontend::kNoRef);
  EXPECT_EQ(world_.Entry(rq).flags, 0);
  EXPECT_FALSE(frontend_.pages_reusable());
  // And the response page.
  world_.Entry(rs).flags &= static_cast<uint16_t>(~GTF_reading);
  EXPECT_EQ(frontend_.TryRevoke(), FrontendStatus::kOk);
  EXPECT_TRUE(frontend_.pages_reusable());
  EXPECT_EQ(world_.Entry(rs).flags, 0);
}

TEST_F(FrontendTest, RestartAfterRevokeRepublishesWithANewGeneration) {
  StartAndPublish();
  const uint32_t first_generation = rsp_->header.generation;
  ASSERT_EQ(frontend_.Stop(&store_), FrontendStatus::kOk);
  EXPECT_FALSE(frontend_.published());
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  EXPECT_EQ(rsp_->header.generation, first_generation + 1);
  ASSERT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kOk);
  EXPECT_EQ(Key("state"), std::to_string(XenbusStateInitWait));
  EXPECT_EQ(Key("ring-ref0"), std::to_string(frontend_.request_ref()));
  ConnectLinux();
  const Request ping = MakeRequest(Op::kPing, 42);
  EXPECT_EQ(CallRtos(ping).result[0], 42u);
}

// Issue 11, point 1, on the RTOS side: a client publishes a producer index beyond what it wrote;
// the Server freezes the ring (Closing, error BrokenPeer) and the state key says 5. A new client
// (a later tandemctl) opens a new session against the frozen ring: the RTOS attaches it, serves
// it, and the key says Connected again. Nothing on the RTOS restarts.
TEST_F(FrontendTest, BrokenPeerShowsClosingUntilANewClientReopensTheChannel) {
  StartAndPublish();
  ConnectLinux();
  ASSERT_EQ(frontend_.SyncState(store_), FrontendStatus::kOk);
  ASSERT_EQ(Key("state"), std::to_string(XenbusStateConnected));

  RequestPageHeader& h = req_->header;  // the hostile client writes its own page
  StoreRelease(&h.req_prod, LoadRelaxed(&h.req_prod) + kSlotCount + 7);
  world_.Dom0Send();
  RunRtos();
  EXPECT_EQ(frontend_.server().state(), ChannelState::kClosing);
  EXPECT_EQ(rsp_->header.error, static_cast<uint32_t>(ConnectionError::kBrokenPeer));
  EXPECT_EQ(frontend_.server().counters().broken, 1u);
  ASSERT_TRUE(frontend_.state_dirty());
  ASSERT_EQ(frontend_.SyncState(store_), FrontendStatus::kOk);
  EXPECT_EQ(Key("state"), std::to_string(XenbusStateClosing));

  // The hostile client goes away without fixing anything: the ring stays frozen.
  world_.linux_client = nullptr;
  client_.Disconnect();
  RunRtos();
  EXPECT_EQ(frontend_.server().state(), ChannelState::kClosing);
  EXPECT_FALSE(frontend_.state_dirty());

  // A well-behaved client: the frozen ring is re-opened by its new session.
  Client next{req_.get(), rsp_.get(), to_rtos_};
  world_.linux_client = &next;
  ASSERT_TRUE(next.Connect().ok()) << ClientStatusName(next.last_error());
  RunRtos();
  next.Poll();
  ASSERT_TRUE(next.connected()) << ClientStatusName(next.last_error());
  EXPECT_EQ(frontend_.server().state(), ChannelState::kConnected);
  ASSERT_EQ(frontend_.SyncState(store_), FrontendStatus::kOk);
  EXPECT_EQ(Key("state"), std::to_string(XenbusStateConnected));
  const Request ping = MakeRequest(Op::kPing, 77);
  auto id = next.Submit(ping);
  ASSERT_TRUE(id.ok());
  next.Flush();
  RunRtos();
  next.Poll();
  auto answer = next.Take(id.value());
  ASSERT_TRUE(answer.ok()) << ClientStatusName(answer.error());
  EXPECT_EQ(answer.value().result[0], 77u);
  EXPECT_EQ(frontend_.server().counters().broken, 1u);
  EXPECT_EQ(rsp_->header.generation, 1u) << "recovered without re-initialising the channel";
}

// Issue 11, point 6: the boot id is on the response page and in XenStore, published in the one
// transaction with the refs; a channel restart within the boot keeps it (only the generation
// moves), so a client can tell a re-initialised channel from a restarted RTOS.
TEST_F(FrontendTest, BootIdIsOnThePageAndInXenStoreAndOutlivesAChannelRestart) {
  StartAndPublish();
  EXPECT_EQ(rsp_->header.boot_id, kBootId);
  EXPECT_EQ(frontend_.boot_id(), kBootId);
  EXPECT_EQ(Key("boot-id"), BootIdText(kBootId));
  EXPECT_EQ(Key("boot-id").size(), kBootIdTextLength);
  const uint32_t generation = rsp_->header.generation;
  ASSERT_EQ(frontend_.Stop(&store_), FrontendStatus::kOk);
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  ASSERT_EQ(frontend_.TryAttach(link_, store_), FrontendStatus::kOk);
  EXPECT_EQ(rsp_->header.generation, generation + 1);
  EXPECT_EQ(rsp_->header.boot_id, kBootId);
  EXPECT_EQ(Key("boot-id"), BootIdText(kBootId));
}

TEST_F(FrontendTest, StopWithoutXenStoreStillClosesThePage) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  EXPECT_EQ(frontend_.Stop(nullptr), FrontendStatus::kOk);
  EXPECT_EQ(rsp_->header.state, static_cast<uint32_t>(XenbusStateClosed));
  EXPECT_EQ(frontend_.Stop(nullptr), FrontendStatus::kBadState);
}

}  // namespace
}  // namespace tandem::channel::testing
