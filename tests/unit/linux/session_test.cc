// Session over the fake Xen with the channel's real Server as the RTOS.
#include "libtandem/session.h"

#include <gtest/gtest.h>
#include <xen/io/xenbus.h>

#include "fake_xen.h"
#include "libtandem/commands.h"

namespace libtandem::testing {
namespace {

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kTimeout = 500 * kMs;

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() : rtos_(xen_, 3, "tandem-rt") { rtos_.Publish(); }
  std::unique_ptr<Session> Open() {
    auto s = Session::Open(xen_, 3, kTimeout);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(s.value()) : nullptr;
  }
  FakeXen xen_;
  FakeRtos rtos_;
};

TEST_F(SessionTest, OpenMapsRequestWritableResponseReadOnlyAndClaims) {
  auto s = Open();
  ASSERT_TRUE(s);
  ASSERT_EQ(xen_.map_log.size(), 2u);
  EXPECT_EQ(xen_.map_log[0].ref, FakeRtos::kRequestRef);
  EXPECT_TRUE(xen_.map_log[0].writable);
  EXPECT_EQ(xen_.map_log[1].ref, FakeRtos::kResponseRef);
  EXPECT_FALSE(xen_.map_log[1].writable);
  EXPECT_EQ(xen_.bound.size(), 1u);
  EXPECT_EQ(rtos_.server->state(), tandem::channel::ChannelState::kConnected);
  EXPECT_EQ(xen_.store["/local/domain/0/backend/tandem/3/owner"], "1000");
  EXPECT_EQ(xen_.store["/local/domain/0/backend/tandem/3/state"],
            std::to_string(XenbusStateConnected));
  EXPECT_EQ(xen_.store["/local/domain/0/backend/tandem/3/frontend-id"], "3");
  s->Close();
  EXPECT_TRUE(xen_.mapped.empty());
  EXPECT_TRUE(xen_.bound.empty());
  EXPECT_EQ(xen_.store.count("/local/domain/0/backend/tandem/3/owner"), 0u);
  // The RTOS saw us leave and is ready for the next client.
  rtos_.Run();
  EXPECT_EQ(rtos_.server->state(), tandem::channel::ChannelState::kInitWait);
}

TEST_F(SessionTest, CommandsRoundTrip) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  EXPECT_TRUE(Ping(port, kTimeout).ok());
  EXPECT_TRUE(GpioSet(port, 2, 1, kTimeout).ok());
  EXPECT_EQ(rtos_.levels[2], 1u);
  EXPECT_EQ(GpioGet(port, 2, kTimeout).value(), 1u);
  EXPECT_EQ(GpioToggle(port, 2, kTimeout).value(), 0u);
  EXPECT_TRUE(GpioConfigure(port, 1, tandem::channel::GpioDirection::kOutput, 1, kTimeout).ok());
  EXPECT_TRUE(rtos_.outputs[1]);
  EXPECT_EQ(rtos_.levels[1], 1u);
  auto stats = GetTaskStats(port, kTimeout);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  ASSERT_EQ(stats.value().size(), 2u);
  EXPECT_EQ(stats.value()[0].name, "demo");
  EXPECT_EQ(stats.value()[0].activations, 1200u);
  EXPECT_EQ(stats.value()[1].name, "command_server");
  EXPECT_EQ(stats.value()[0].worst_execution_us, 9u);
  EXPECT_EQ(stats.value()[1].worst_execution_us, 0u) << "reported, not measured";
}

TEST_F(SessionTest, StatsFromAnRtosWithoutExecutionTimesLeaveThemOut) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  rtos_.stats_execution_supported = false;  // a protocol 1.4 RTOS
  for (StatsMode mode : {StatsMode::kRead, StatsMode::kReadAndReset}) {
    auto stats = GetTaskStats(port, kTimeout, mode);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    ASSERT_EQ(stats.value().size(), 2u);
    EXPECT_EQ(stats.value()[0].name, "demo");
    EXPECT_FALSE(stats.value()[0].worst_execution_us.has_value());
    EXPECT_FALSE(stats.value()[1].worst_execution_us.has_value());
  }
  EXPECT_EQ(rtos_.tasks[0].activations, 0u) << "the reset still happened";
}

TEST_F(SessionTest, StatsResetReturnsTheFiguresAndClearsThem) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  rtos_.tasks[0].misses = 7;
  auto first = GetTaskStats(port, kTimeout, StatsMode::kReadAndReset);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first.value()[0].activations, 1200u);
  EXPECT_EQ(first.value()[0].deadline_misses, 7u);
  EXPECT_EQ(rtos_.tasks[0].misses, 0u);
  EXPECT_EQ(rtos_.tasks[1].activations, 0u);  // every task is read, so every task is cleared
  rtos_.tasks[0].activations = 3;
  auto second = GetTaskStats(port, kTimeout);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value()[0].activations, 3u);
  EXPECT_EQ(second.value()[0].deadline_misses, 0u);
}

TEST_F(SessionTest, StatsResetOnAnRtosWithoutTheFlagSaysSo) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  rtos_.stats_flags_supported = false;  // a protocol 1.0 RTOS
  auto r = GetTaskStats(port, kTimeout, StatsMode::kReadAndReset);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kRefused);
  EXPECT_NE(r.error().message.find("cannot reset"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().hint.find("1.1"), std::string::npos);
  EXPECT_EQ(rtos_.tasks[0].activations, 1200u);
}

TEST_F(SessionTest, IsolatedCallCostsOneNotificationEachWay) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  ASSERT_TRUE(Ping(port, kTimeout).ok());  // settle the event indices after the handshake
  const auto before = s->counters();
  const RtosCounters rtos_before = s->ReadRtosCounters();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Ping(port, kTimeout).ok());
  EXPECT_EQ(s->counters().notify_sent - before.notify_sent, 20u);
  EXPECT_EQ(s->counters().notify_received - before.notify_received, 20u);
  const RtosCounters rtos_after = s->ReadRtosCounters();
  EXPECT_EQ(rtos_after.notify_sent - rtos_before.notify_sent, 20u);
  EXPECT_EQ(rtos_after.requests - rtos_before.requests, 20u);
}

TEST_F(SessionTest, EveryCommandSignallingCostsOneNotificationPerCommandEachWay) {
  SessionOptions every;
  every.signalling = tandem::channel::kSignalEveryCommand;
  auto s = Session::Open(xen_, 3, kTimeout, nullptr, every);
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto before = s.value()->counters();
  std::vector<uint64_t> ids;
  for (uint32_t i = 0; i < 8; ++i) {
    auto id = s.value()->Submit(tandem::channel::Request{});
    ASSERT_TRUE(id.ok());
    ids.push_back(id.value());
  }
  s.value()->Flush();
  EXPECT_EQ(s.value()->counters().notify_sent - before.notify_sent, 8u);
}

TEST_F(SessionTest, PolledSessionNeedsNoNotificationInSteadyState) {
  // The RTOS's command server reads the ring every millisecond of (fake) time; Linux's waits
  // spin on the clock, 10 us a read.
  uint64_t next_pass = 0;
  xen_.now_step_ns = 10'000;
  xen_.on_now = [&] {
    if (rtos_.server && xen_.now_ns >= next_pass) {
      rtos_.server->Poll();
      next_pass = xen_.now_ns + 1'000'000;
    }
  };
  SessionOptions polled;
  polled.signalling = tandem::channel::kSignalPolled;
  auto s = Session::Open(xen_, 3, kTimeout, nullptr, polled);
  ASSERT_TRUE(s.ok()) << s.error().message;
  SessionPort port(*s.value());
  // From the first command on: no warm-up exchange with notifications.
  const auto before = s.value()->counters();
  const RtosCounters rtos_before = s.value()->ReadRtosCounters();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Ping(port, kTimeout).ok());
  EXPECT_EQ(s.value()->counters().notify_sent - before.notify_sent, 0u);
  EXPECT_EQ(s.value()->counters().notify_received - before.notify_received, 0u);
  const RtosCounters rtos_after = s.value()->ReadRtosCounters();
  EXPECT_EQ(rtos_after.notify_sent - rtos_before.notify_sent, 0u);
  EXPECT_EQ(rtos_after.requests - rtos_before.requests, 20u);
}

TEST_F(SessionTest, PolledSessionFallsBackToEventsWhenTheRtosDoesNotPoll) {
  // An RTOS whose polling stalled (its alarm failed, or it is busy): after its spin each wait
  // kicks it once, asks for an event and sleeps, and the command still completes.
  SessionOptions polled;
  polled.signalling = tandem::channel::kSignalPolled;
  polled.spin_ns = 100'000;
  xen_.now_step_ns = 10'000;
  auto s = Session::Open(xen_, 3, kTimeout, nullptr, polled);
  ASSERT_TRUE(s.ok()) << s.error().message;
  SessionPort port(*s.value());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Ping(port, kTimeout).ok());
}

TEST_F(SessionTest, UnexportedPinIsRefusedWithAClearMessage) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  auto r = GpioSet(port, 5, 1, kTimeout);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kRefused);
  EXPECT_NE(r.error().message.find("pin 5"), std::string::npos);
  EXPECT_NE(r.error().message.find("permission denied"), std::string::npos);
  EXPECT_NE(r.error().hint.find("export"), std::string::npos);
  EXPECT_EQ(GpioGet(port, 4000, kTimeout).error().code, Errc::kUsage);  // caught before sending
}

TEST_F(SessionTest, StuckRtosTimesOutWithinTheTimeout) {
  auto s = Open();
  ASSERT_TRUE(s);
  rtos_.responsive = false;
  SessionPort port(*s);
  const uint64_t start = xen_.NowNs();
  auto r = Ping(port, 300 * kMs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kTimeout);
  EXPECT_LE(xen_.NowNs() - start, 300 * kMs + Session::kLivenessSliceNs);
  EXPECT_GE(xen_.NowNs() - start, 300 * kMs);
  // The abandoned command does not poison the session once the RTOS is back.
  rtos_.responsive = true;
  rtos_.kicked = true;
  EXPECT_TRUE(Ping(port, kTimeout).ok());
}

TEST_F(SessionTest, PausedDomainIsReportedAsSuchAtTheDeadline) {
  auto s = Open();
  ASSERT_TRUE(s);
  xen_.run_state[3] = DomainRunState::kPaused;
  SessionPort port(*s);
  auto r = GpioGet(port, 1, 200 * kMs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kDomainDown);
  EXPECT_NE(r.error().message.find("paused"), std::string::npos);
  EXPECT_NE(r.error().hint.find("xl unpause 3"), std::string::npos);
}

TEST_F(SessionTest, UnpausedBeforeTheDeadlineStillSucceeds) {
  auto s = Open();
  ASSERT_TRUE(s);
  xen_.run_state[3] = DomainRunState::kPaused;
  int waits = 0;
  xen_.on_wait = [&] {
    if (++waits == 4) xen_.run_state[3] = DomainRunState::kRunning;  // `xl unpause` meanwhile
  };
  SessionPort port(*s);
  rtos_.levels[1] = 1;
  auto r = GpioGet(port, 1, 1000 * kMs);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), 1u);
  EXPECT_GE(waits, 4);
}

TEST_F(SessionTest, DomainDestroyedMidCommandFailsWithinOneSlice) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  // `xl destroy` after the request was published, before the RTOS ran.
  xen_.on_wait = [&] { xen_.run_state.erase(3); };
  const uint64_t start = xen_.NowNs();
  auto r = GpioSet(port, 1, 1, 5000 * kMs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kDomainDown);
  EXPECT_NE(r.error().message.find("destroyed"), std::string::npos);
  EXPECT_LE(xen_.NowNs() - start, 2 * Session::kLivenessSliceNs);
  s->Close();  // teardown still releases everything although the domain is gone
  EXPECT_TRUE(xen_.mapped.empty());
  EXPECT_TRUE(xen_.bound.empty());
}

TEST_F(SessionTest, RtosRestartMidCommandIsAProtocolError) {
  auto s = Open();
  ASSERT_TRUE(s);
  rtos_.responsive = false;
  const Request q = tandem::channel::MakeRequest(tandem::channel::Op::kPing);
  auto id = s->Submit(q);
  ASSERT_TRUE(id.ok());
  s->Flush();
  rtos_.ReinitChannel();  // the RTOS reinitialises its channel (new generation)
  rtos_.responsive = true;
  auto w = s->WaitProgress(xen_.NowNs() + kTimeout);
  auto got = s->TryTake(id.value());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, Errc::kProtocol);
  (void)w;
}

TEST_F(SessionTest, PersistentSessionSurvivesAnRtosRestartBetweenCalls) {
  auto s = Open();
  ASSERT_TRUE(s);
  SessionPort port(*s);
  ASSERT_TRUE(GpioSet(port, 1, 1, kTimeout).ok());
  const uint32_t generation = s->ReadRtosCounters().generation;
  rtos_.ReinitChannel();  // the RTOS restarts its channel while Linux is idle
  auto r = GpioGet(port, 1, kTimeout);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), 1u);
  EXPECT_EQ(s->ReadRtosCounters().generation, generation + 1);
  EXPECT_EQ(s->counters().sessions, 2u);
  // A restart that never comes back (RTOS stuck in Closed) is a clean error, not a hang.
  rtos_.server->Close();
  rtos_.responsive = false;
  auto dead = Ping(port, 200 * kMs);
  ASSERT_FALSE(dead.ok());
  EXPECT_EQ(dead.error().code, Errc::kProtocol) << dead.error().message;
  EXPECT_NE(dead.error().message.find("closed the channel"), std::string::npos);
}

TEST_F(SessionTest, ChannelNotReadyIsNotPublished) {
  xen_.store["/local/domain/3/data/tandem/state"] = std::to_string(XenbusStateClosed);
  auto s = Session::Open(xen_, 3, kTimeout);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kNotPublished);
  EXPECT_NE(s.error().message.find("closed"), std::string::npos);
  EXPECT_TRUE(xen_.mapped.empty());
}

TEST_F(SessionTest, PageVersionMismatchIsReported) {
  // XenStore says 1.x, but the page header says another major: believe the page.
  rtos_.response_page->header.version = (tandem::channel::kVersionMajor + 1) << 16;
  auto s = Session::Open(xen_, 3, kTimeout);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kVersionMismatch);
  EXPECT_TRUE(xen_.mapped.empty());
  EXPECT_TRUE(xen_.bound.empty());
}

TEST_F(SessionTest, LiveOwnerMakesItBusyDeadOwnerIsTakenOver) {
  xen_.store["/local/domain/0/backend/tandem/3/owner"] = "4242";
  xen_.live_pids.insert(4242);
  auto busy = Session::Open(xen_, 3, 100 * kMs);
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, Errc::kBusy);
  EXPECT_NE(busy.error().message.find("4242"), std::string::npos);
  xen_.live_pids.erase(4242);  // that process died without cleaning up
  auto s = Session::Open(xen_, 3, kTimeout);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(xen_.store["/local/domain/0/backend/tandem/3/owner"], "1000");
}

TEST_F(SessionTest, TransactMapsAndUnmapsPerCommand) {
  const Request q = tandem::channel::MakeRequest(tandem::channel::Op::kGpioGet, 3);
  rtos_.levels[3] = 1;
  for (int i = 0; i < 3; ++i) {
    auto r = Transact(xen_, 3, q, kTimeout);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().result[0], 1u);
    EXPECT_TRUE(xen_.mapped.empty());
    EXPECT_TRUE(xen_.bound.empty());
  }
  EXPECT_EQ(xen_.map_log.size(), 6u);
  TransactionPort port(xen_, 3);
  EXPECT_TRUE(Ping(port, kTimeout).ok());
}

TEST_F(SessionTest, MissingDomainFailsToOpen) {
  auto s = Session::Open(xen_, 9, kTimeout);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::kNotPublished);
}

}  // namespace
}  // namespace libtandem::testing

namespace libtandem::testing {
namespace {

// Another dom0 process holds the RTOS's event-channel port without the XenStore claim (it never
// took one, or its claim was lost): Xen refuses the bind. That is the channel being busy, as with
// a claim: waited for until the deadline, then status 11 naming who may hold it (issue 11).
TEST_F(SessionTest, EventChannelHeldByAnotherProcessIsBusy) {
  ASSERT_TRUE(xen_.EvtchnBind(3, FakeRtos::kRemotePort).ok());  // the other process's binding
  xen_.evtchn_users = {{4242, "tandem-bench"}, {312, "xenstored"}};
  const uint64_t start = xen_.NowNs();
  auto busy = Session::Open(xen_, 3, 100 * kMs);
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, Errc::kBusy) << busy.error().message;
  EXPECT_GE(xen_.NowNs() - start, 100 * kMs);  // waited, as for a live claim
  const std::string& m = busy.error().message;
  EXPECT_NE(m.find("in use by another dom0 process"), std::string::npos) << m;
  EXPECT_NE(m.find("event channel port 5"), std::string::npos) << m;
  EXPECT_NE(m.find("4242 (tandem-bench)"), std::string::npos) << m;
  EXPECT_EQ(m.find("Invalid argument"), std::string::npos) << m;
  EXPECT_NE(busy.error().hint.find("one client at a time"), std::string::npos);
  // Nothing of ours is left behind: no mapping, no claim.
  EXPECT_TRUE(xen_.mapped.empty());
  EXPECT_EQ(xen_.store.count("/local/domain/0/backend/tandem/3/owner"), 0u);
}

TEST_F(SessionTest, EventChannelFreedBeforeTheDeadlineIsTaken) {
  auto other = xen_.EvtchnBind(3, FakeRtos::kRemotePort);
  ASSERT_TRUE(other.ok());
  xen_.on_sleep = [&] { (void)xen_.EvtchnUnbind(other.value()); };  // the other client exits
  auto s = Session::Open(xen_, 3, kTimeout);
  ASSERT_TRUE(s.ok()) << s.error().message;
}

}  // namespace
}  // namespace libtandem::testing
