// Issue 11, points 1 and 6, on the Linux side over the fake Xen (the channel's real Server as the
// RTOS): a ring frozen after a broken peer is re-opened by the next client, the broken client is
// told, and a client is told, once, that the RTOS it talks to restarted.
#include <gtest/gtest.h>
#include <xen/io/xenbus.h>

#include "fake_xen.h"
#include "libtandem/commands.h"
#include "libtandem/session.h"
#include "tandem/channel/shared_access.h"

namespace libtandem::testing {
namespace {

using tandem::channel::ConnectionError;
using tandem::channel::kSlotCount;

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kTimeout = 500 * kMs;

class RecoveryTest : public ::testing::Test {
 protected:
  RecoveryTest() : rtos_(xen_, 3, "tandem-rt") { rtos_.Publish(); }
  std::unique_ptr<Session> Open(const RtosIdentity* last_seen = nullptr, uint32_t domid = 3) {
    auto s = Session::Open(xen_, domid, kTimeout, last_seen);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(s.value()) : nullptr;
  }
  std::string StateKey(uint32_t domid = 3) {
    return xen_.store["/local/domain/" + std::to_string(domid) + "/data/tandem/state"];
  }
  // What a hostile (or buggy) client does: a producer index `offset` away from what it wrote.
  void FreezeWith(int32_t offset) {
    auto hostile = Open();
    ASSERT_TRUE(hostile);
    SessionPort port(*hostile);
    ASSERT_TRUE(Ping(port, kTimeout).ok());
    auto frozen = hostile->InjectBadRequestIndex(offset, xen_.NowNs() + kTimeout);
    ASSERT_TRUE(frozen.ok()) << frozen.error().message;
    EXPECT_EQ(frozen.value().state, static_cast<uint32_t>(XenbusStateClosing));
    EXPECT_EQ(frozen.value().error, static_cast<uint32_t>(ConnectionError::kBrokenPeer));
    hostile->Close();  // and leaves, as tandem-bench --hostile-index does
  }
  FakeXen xen_;
  FakeRtos rtos_;
};

// The case: after a broken peer the RTOS publishes Closing (5); every client used to get
// exit 4 until the RTOS restarted. Now the next client's session re-opens the ring.
TEST_F(RecoveryTest, RingFrozenByABrokenPeerIsReopenedByTheNextClient) {
  for (int32_t offset : {static_cast<int32_t>(kSlotCount) + 1, -1}) {  // ahead, then backwards
    SCOPED_TRACE(offset);
    const uint64_t broken_before = rtos_.server->counters().broken;
    FreezeWith(offset);
    EXPECT_EQ(rtos_.server->state(), tandem::channel::ChannelState::kClosing);
    EXPECT_EQ(rtos_.server->counters().broken, broken_before + 1);
    ASSERT_EQ(StateKey(), std::to_string(XenbusStateClosing));
    auto info = ReadChannel(xen_, 3);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info.value().state, static_cast<uint32_t>(XenbusStateClosing));

    auto next = Open();
    ASSERT_TRUE(next);
    SessionPort port(*next);
    ASSERT_TRUE(GpioSet(port, 2, 1, kTimeout).ok());
    EXPECT_EQ(rtos_.levels[2], 1u);
    EXPECT_EQ(rtos_.server->state(), tandem::channel::ChannelState::kConnected);
    EXPECT_EQ(StateKey(), std::to_string(XenbusStateConnected));
    EXPECT_EQ(rtos_.server->generation(), 1u) << "nothing on the RTOS was restarted";
    next->Close();
    rtos_.Run();
    EXPECT_EQ(StateKey(), std::to_string(XenbusStateInitWait));
  }
  // The self-contained transaction (every tandemctl run) takes the same path.
  FreezeWith(kSlotCount + 5);
  const Request ping = tandem::channel::MakeRequest(tandem::channel::Op::kPing);
  EXPECT_TRUE(Transact(xen_, 3, ping, kTimeout).ok());
}

// The broken client itself hears why, once, instead of waiting: its next command reports the
// freeze (and is not sent), the one after that runs on a new session.
TEST_F(RecoveryTest, BrokenClientIsToldOnceThenItsNextCommandReopens) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  ASSERT_TRUE(Ping(port, kTimeout).ok());
  ASSERT_TRUE(s->InjectBadRequestIndex(kSlotCount + 1, xen_.NowNs() + kTimeout).ok());
  const uint64_t seen = rtos_.commands_seen;
  const uint64_t start = xen_.NowNs();
  auto told = GpioSet(port, 1, 1, kTimeout);
  ASSERT_FALSE(told.ok());
  EXPECT_EQ(told.error().code, Errc::kProtocol);
  EXPECT_NE(told.error().message.find("declared this client's session broken"), std::string::npos)
      << told.error().message;
  EXPECT_NE(told.error().hint.find("next command opens a new session"), std::string::npos);
  EXPECT_LT(xen_.NowNs() - start, Session::kLivenessSliceNs) << "told at once, no waiting";
  EXPECT_EQ(rtos_.commands_seen, seen) << "the reported command was not sent";
  EXPECT_EQ(rtos_.server->state(), tandem::channel::ChannelState::kClosing)
      << "not re-opened behind its back";
  ASSERT_TRUE(GpioSet(port, 1, 1, kTimeout).ok());
  EXPECT_EQ(rtos_.levels[1], 1u);
  EXPECT_EQ(s->counters().sessions, 2u);
  EXPECT_TRUE(Ping(port, kTimeout).ok()) << "reported once only";
}

// A command in flight when the ring freezes fails at once with the reason, not at the timeout.
TEST_F(RecoveryTest, CommandInFlightWhenTheRingFreezesFailsAtOnce) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  ASSERT_TRUE(Ping(port, kTimeout).ok());
  // Something else scribbles on the request page after our request was published.
  bool scribbled = false;
  xen_.on_wait = [&] {
    if (scribbled) return;
    scribbled = true;
    auto* h = &rtos_.request_page->header;
    tandem::channel::StoreRelease(&h->req_prod, tandem::channel::LoadRelaxed(&h->req_prod) + 40);
  };
  const uint64_t start = xen_.NowNs();
  auto r = GpioSet(port, 3, 1, 5000 * kMs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kProtocol);
  EXPECT_NE(r.error().message.find("session broken"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("was not carried out"), std::string::npos);
  EXPECT_LT(xen_.NowNs() - start, Session::kLivenessSliceNs);
  EXPECT_EQ(rtos_.levels.count(3), 0u);
  xen_.on_wait = nullptr;
  EXPECT_TRUE(GpioSet(port, 3, 1, kTimeout).ok()) << "the freeze was reported with the command";
}

// Closing for a shutdown is not Closing after a broken peer: no session, and the message says
// that the RTOS shut the channel down (the page decides, whatever XenStore still says).
TEST_F(RecoveryTest, ChannelShutDownStaysRefusedWithAClearMessage) {
  rtos_.server->Close();
  rtos_.Run();
  ASSERT_EQ(StateKey(), std::to_string(XenbusStateClosed));
  auto closed = Session::Open(xen_, 3, kTimeout);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().code, Errc::kNotPublished);
  EXPECT_NE(closed.error().message.find("shut it down"), std::string::npos)
      << closed.error().message;
  // XenStore not updated yet (the RTOS writes it a tick later): the page is believed.
  xen_.store["/local/domain/3/data/tandem/state"] = std::to_string(XenbusStateClosing);
  auto stale = Session::Open(xen_, 3, 100 * kMs);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, Errc::kNotPublished);
  EXPECT_NE(stale.error().message.find("has shut its command channel down"), std::string::npos)
      << stale.error().message;
  EXPECT_TRUE(xen_.mapped.empty());
  EXPECT_EQ(xen_.store.count("/local/domain/0/backend/tandem/3/owner"), 0u);
}

// Issue 11, point 6: the RTOS restarts in place (same domain, same pages, a new boot). An open
// session reports it on the next command, once: the pins it had set are gone.
TEST_F(RecoveryTest, RestartInPlaceIsReportedOnceThenTheSessionGoesOn) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  ASSERT_TRUE(GpioSet(port, 1, 1, kTimeout).ok());
  const RtosIdentity before = s->identity();
  EXPECT_EQ(before.boot_id, rtos_.boot_id);
  rtos_.Reboot();
  auto r = GpioGet(port, 1, kTimeout);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kRtosRestarted);
  const std::string& m = r.error().message;
  EXPECT_NE(m.find("restarted"), std::string::npos) << m;
  EXPECT_NE(m.find(BootIdText(before.boot_id) + " before, " + BootIdText(rtos_.boot_id) + " now"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("pins"), std::string::npos) << m;
  EXPECT_EQ(s->identity().boot_id, rtos_.boot_id);
  auto again = GpioGet(port, 1, kTimeout);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again.value(), 0u) << "a restarted RTOS starts with its pins low";
}

// A channel re-initialised within the same boot (new generation, same boot id) lost nothing
// Linux set: not reported, the session just re-opens.
TEST_F(RecoveryTest, ChannelReinitialisedWithinTheBootIsNotARestart) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  ASSERT_TRUE(GpioSet(port, 1, 1, kTimeout).ok());
  rtos_.ReinitChannel();
  auto r = GpioGet(port, 1, kTimeout);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), 1u);
  EXPECT_EQ(s->identity().generation, 2u);
  EXPECT_EQ(s->identity().boot_id, rtos_.boot_id);
}

// A restart while a command waits: the command fails as a restart (it may or may not have run),
// and that counts as the report.
TEST_F(RecoveryTest, RestartWithACommandInFlightFailsItAsARestart) {
  auto s = Open();
  ASSERT_TRUE(s);
  rtos_.responsive = false;
  const Request q = tandem::channel::MakeRequest(tandem::channel::Op::kPing);
  auto id = s->Submit(q);
  ASSERT_TRUE(id.ok());
  s->Flush();
  rtos_.Reboot();
  rtos_.responsive = true;
  auto w = s->WaitProgress(xen_.NowNs() + kTimeout);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, Errc::kRtosRestarted);
  EXPECT_NE(w.error().message.find("in flight"), std::string::npos) << w.error().message;
  SessionPort port(*s);
  EXPECT_TRUE(Ping(port, kTimeout).ok()) << "reported once";
}

// A client that outlives the RTOS's domain (xl reboot, on_crash restart, xl destroy + create)
// opens a new session with what it knew; the first command says the RTOS restarted.
TEST_F(RecoveryTest, NewSessionWithTheLastSeenIdentityReportsARecreatedDomain) {
  RtosIdentity last;
  {
    auto s = Open();
    ASSERT_TRUE(s);
    SessionPort port(*s);
    ASSERT_TRUE(GpioSet(port, 1, 1, kTimeout).ok());
    last = s->identity();
  }
  // The domain is destroyed and created again: a new domid (5), a new boot, generation 1 again.
  for (auto it = xen_.store.begin(); it != xen_.store.end();) {
    it = it->first.rfind("/local/domain/3/", 0) == 0 ? xen_.store.erase(it) : std::next(it);
  }
  xen_.run_state.erase(3);
  FakeRtos recreated(xen_, 5, "tandem-rt");
  recreated.Publish();
  auto d = ResolveDomain(xen_, DomainSelector{DomainSelector::By::kName, 0, "tandem-rt"});
  ASSERT_TRUE(d.ok());
  auto s = Open(&last, d.value().domid);
  ASSERT_TRUE(s);
  SessionPort port(*s);
  auto r = GpioGet(port, 1, kTimeout);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kRtosRestarted);
  EXPECT_NE(r.error().message.find("domain 3 before, 5 now"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(recreated.commands_seen, 0u);
  EXPECT_EQ(GpioGet(port, 1, kTimeout).value(), 0u);
  // The same boot again is not a restart.
  const RtosIdentity now = s->identity();
  s->Close();
  auto same = Open(&now, 5);
  ASSERT_TRUE(same);
  SessionPort same_port(*same);
  EXPECT_TRUE(Ping(same_port, kTimeout).ok());
}

// dom0less: the re-created domain may get the same domid back. Only the boot id tells.
TEST_F(RecoveryTest, SameDomidNewBootIsARestart) {
  auto first = Open();
  ASSERT_TRUE(first);
  const RtosIdentity last = first->identity();
  first->Close();
  rtos_.Reboot();  // generation 1 again on fresh pages would look the same: only the id differs
  auto s = Open(&last);
  ASSERT_TRUE(s);
  SessionPort port(*s);
  EXPECT_EQ(Ping(port, kTimeout).error().code, Errc::kRtosRestarted);
  EXPECT_TRUE(Ping(port, kTimeout).ok());
}

// An RTOS of protocol 1.2 or older publishes no boot id: a new generation is all there is to go by,
// and the message says so.
TEST_F(RecoveryTest, WithoutABootIdTheGenerationIsUsed) {
  rtos_.boot_id = 0;
  rtos_.Publish();
  auto info = ReadChannel(xen_, 3);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info.value().boot_id, 0u);
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  ASSERT_TRUE(Ping(port, kTimeout).ok());
  rtos_.ReinitChannel();
  auto r = Ping(port, kTimeout);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kRtosRestarted);
  EXPECT_NE(r.error().message.find("publishes no boot id"), std::string::npos) << r.error().message;
  EXPECT_TRUE(Ping(port, kTimeout).ok());
}

TEST(RtosIdentity, RestartRule) {
  const RtosIdentity a{3, 0x1111, 1};
  EXPECT_FALSE(IsRestart(a, a));
  EXPECT_FALSE(IsRestart(a, RtosIdentity{3, 0x1111, 2})) << "channel re-initialised, same boot";
  EXPECT_TRUE(IsRestart(a, RtosIdentity{3, 0x2222, 1}));
  EXPECT_TRUE(IsRestart(a, RtosIdentity{4, 0x1111, 1}));
  EXPECT_TRUE(IsRestart(a, RtosIdentity{3, 0, 1})) << "now without a boot id: another image";
  EXPECT_FALSE(IsRestart(RtosIdentity{3, 0, 1}, RtosIdentity{3, 0, 1}));
  EXPECT_TRUE(IsRestart(RtosIdentity{3, 0, 1}, RtosIdentity{3, 0, 2}));
}

}  // namespace
}  // namespace libtandem::testing
