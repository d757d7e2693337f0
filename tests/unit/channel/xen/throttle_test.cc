// The interrupt-rate limit for bare notifications: a storm of notifications with nothing on the
// ring costs a bounded number of server wake-ups per throttle period and no interrupts while it
// lasts; requests still get through within a period; a well-behaved Linux is never throttled;
// no notification is lost on the way out of the throttle.
#include <functional>

#include "frontend_fixture.h"

namespace tandem::channel::testing {
namespace {

constexpr uint32_t kRun = XenFrontend::kBareRunLimit;

class ThrottleTest : public HookedFrontendFixture {
 protected:
  // dom0 sends `n` bare notifications, and the RTOS gets the CPU after each one (the worst
  // case: every notification finds the port unmasked if nothing holds it masked).
  void BareStorm(int n) {
    for (int i = 0; i < n; ++i) {
      world_.Dom0Send();
      RunRtos();
    }
  }

  // Enters the throttle with a run of bare notifications.
  void Throttle() {
    BareStorm(static_cast<int>(kRun));
    ASSERT_TRUE(frontend_.throttled());
    ASSERT_TRUE(throttle_armed_);
    ASSERT_TRUE(world_.events.IsMasked(XenWorld::kChannelPort));
  }
};

TEST_F(ThrottleTest, StormCostsBoundedWakeUpsPerPeriodAndNoInterruptsOnceThrottled) {
  const auto before = frontend_.counters();
  // 100 periods of 1,000 bare notifications: 100,000, as the fault campaign's storm (which
  // cost ~84,000 interrupts before the limit).
  int first_period_interrupts = 0;
  for (int period = 0; period < 100; ++period) {
    const int interrupts = world_.interrupts_taken;
    const uint64_t batches = frontend_.counters().batches;
    BareStorm(1000);
    EndThrottlePeriod();
    // Each server wake-up is one batch: a drain after an interrupt, or the period's check.
    const uint64_t wakeups = frontend_.counters().batches - batches;
    if (period == 0) {
      first_period_interrupts = world_.interrupts_taken - interrupts;
      EXPECT_EQ(first_period_interrupts, static_cast<int>(kRun)) << "the run that throttles";
      EXPECT_EQ(wakeups, kRun + 1);
    } else {
      EXPECT_EQ(world_.interrupts_taken - interrupts, 0) << "period " << period;
      EXPECT_EQ(wakeups, 1u) << "period " << period;
    }
    EXPECT_TRUE(frontend_.throttled()) << "period " << period;
  }
  const auto during = frontend_.counters();
  EXPECT_EQ(during.interrupts - before.interrupts, kRun);
  EXPECT_EQ(during.bare_wakeups - before.bare_wakeups, kRun);
  EXPECT_EQ(during.throttles - before.throttles, 1u);
  EXPECT_EQ(during.throttle_periods - before.throttle_periods, 100u);
  EXPECT_EQ(world_.unmask_hypercalls, 0) << "the port was never unmasked during the storm";
  RecordProperty("interrupts_for_100000_bare_notifications", first_period_interrupts);

  // The storm stops: one quiet period unmasks the port...
  EXPECT_EQ(EndThrottlePeriod(), 1);
  EXPECT_FALSE(frontend_.throttled());
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
  EXPECT_FALSE(throttle_armed_);
  // ...and a request is served by its own interrupt again, with no period to wait for.
  const int interrupts = world_.interrupts_taken;
  EXPECT_EQ(CallRtos(Ping(42)).result[0], 42u);
  EXPECT_EQ(world_.interrupts_taken, interrupts + 1);
}

TEST_F(ThrottleTest, RequestDuringAStormIsServedAtTheNextCheck) {
  Throttle();
  BareStorm(500);
  auto id = client_.Submit(Ping(7));
  ASSERT_TRUE(id.ok());
  client_.Flush();  // notifies: the port is masked, only its pending bit is set
  BareStorm(500);
  client_.Poll();
  EXPECT_FALSE(client_.Take(id.value()).ok()) << "nothing runs the server before the period ends";
  // The period ends: the check finds the request, serves it and leaves the throttle.
  EndThrottlePeriod();
  client_.Poll();
  auto r = client_.Take(id.value());
  ASSERT_TRUE(r.ok()) << ClientStatusName(r.error());
  EXPECT_EQ(r.value().result[0], 7u);
  EXPECT_FALSE(frontend_.throttled());
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
  // If the storm goes on, it takes another full run to throttle again.
  const int interrupts = world_.interrupts_taken;
  BareStorm(100);
  EXPECT_EQ(world_.interrupts_taken - interrupts, static_cast<int>(kRun));
  EXPECT_TRUE(frontend_.throttled());
}

TEST_F(ThrottleTest, NotificationDuringTheCheckIsNotLost) {
  Throttle();
  // The request page holds a request when the period ends; while the check serves it, dom0
  // notifies again (on its own CPU): the check ends the throttle, and the unmask finds that
  // notification pending and has Xen raise the upcall (EVTCHNOP_unmask).
  Request r{};
  r.op = kHookOp;
  auto id = client_.Submit(r);
  ASSERT_TRUE(id.ok());
  client_.Flush();
  bool sent = false;
  hook_.during = [&] {
    if (sent) return;
    sent = true;
    world_.Dom0Send();
    EXPECT_FALSE(world_.ppi_asserted) << "masked port must not interrupt";
  };
  const int unmasks = world_.unmask_hypercalls;
  throttle_armed_ = false;
  const DrainResult check = frontend_.ThrottleCheck();
  EXPECT_EQ(check.handled, 1u);
  EXPECT_FALSE(check.throttled);
  EXPECT_TRUE(sent);
  EXPECT_EQ(world_.unmask_hypercalls, unmasks + 1);
  EXPECT_TRUE(world_.ppi_asserted) << "the notification sent during the check was lost";
  EXPECT_EQ(RunRtos(), 1);
  client_.Poll();
  EXPECT_TRUE(client_.Take(id.value()).ok());
}

TEST_F(ThrottleTest, NotificationAfterTheCheckClearedPendingWaitsForTheNextCheck) {
  Throttle();
  BareStorm(10);
  // The check clears the pending bit, finds the ring empty: still a storm, stays masked.
  EXPECT_EQ(EndThrottlePeriod(), 1);
  EXPECT_TRUE(frontend_.throttled());
  EXPECT_FALSE(world_.events.IsPending(XenWorld::kChannelPort));
  // A request published after that check: its notification only sets the pending bit...
  auto id = client_.Submit(Ping(9));
  ASSERT_TRUE(id.ok());
  client_.Flush();
  EXPECT_TRUE(world_.events.IsPending(XenWorld::kChannelPort));
  EXPECT_FALSE(world_.ppi_asserted);
  // ...and the next check serves it.
  EndThrottlePeriod();
  client_.Poll();
  EXPECT_TRUE(client_.Take(id.value()).ok());
  EXPECT_FALSE(frontend_.throttled());
}

TEST_F(ThrottleTest, AWellBehavedClientIsNeverThrottled) {
  const auto before = frontend_.counters();
  for (uint32_t i = 0; i < 300; ++i) {
    EXPECT_EQ(CallRtos(Ping(i)).result[0], i);
    if (i % 3 == 0) {
      // A notification for a request the previous drain already served (the race of
      // DrainTest.EventDuringDrainIsNotLost): one bare wake-up, never a run.
      world_.Dom0Send();
      RunRtos();
    }
    if (i % 50 == 0) {
      // Sessions come and go (each a notification with no request): not bare.
      client_.Disconnect();
      RunRtos();
      ConnectLinux();
    }
  }
  const auto after = frontend_.counters();
  EXPECT_EQ(after.throttles - before.throttles, 0u);
  EXPECT_EQ(after.bare_wakeups - before.bare_wakeups, 100u);
  EXPECT_FALSE(throttle_armed_);
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
}

TEST_F(ThrottleTest, ARunShorterThanTheLimitIsForgottenByARequest) {
  for (int round = 0; round < 20; ++round) {
    BareStorm(static_cast<int>(kRun) - 1);
    EXPECT_FALSE(frontend_.throttled()) << "round " << round;
    EXPECT_EQ(CallRtos(Ping(1)).result[0], 1u);
  }
  EXPECT_EQ(frontend_.counters().throttles, 0u);
}

TEST_F(ThrottleTest, CheckWithoutThrottleDoesNothing) {
  const auto before = frontend_.counters();
  const DrainResult r = frontend_.ThrottleCheck();
  EXPECT_EQ(r.handled, 0u);
  EXPECT_FALSE(r.throttled);
  EXPECT_EQ(frontend_.counters().batches, before.batches);
  EXPECT_EQ(frontend_.counters().throttle_periods, before.throttle_periods);
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
}

TEST_F(ThrottleTest, RestartLeavesTheThrottle) {
  Throttle();
  ASSERT_EQ(frontend_.Stop(nullptr), FrontendStatus::kOk);
  EXPECT_FALSE(frontend_.ThrottleCheck().throttled) << "no check on a stopped channel";
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  EXPECT_FALSE(frontend_.throttled());
  EXPECT_FALSE(world_.events.IsMasked(XenWorld::kChannelPort));
}

// A polled session (kSignalPolled): Linux sends nothing, the server task's periodic passes
// serve it. Empty passes are the normal case there: never bare wake-ups, never a throttle, and
// no interrupt at all in steady state.
class PolledSessionTest : public FrontendFixture {};

TEST_F(PolledSessionTest, PeriodicPassesServeItWithoutInterruptsOrThrottling) {
  ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
  Client polled{req_.get(), rsp_.get(), to_rtos_,
                ClientConfig{kProtocolVersion, 0, kSignalPolled, 1'000'000}};
  world_.linux_client = &polled;
  ASSERT_TRUE(polled.Connect().ok());
  RunRtos();  // the handshake comes by interrupt (Linux notifies every new session)
  polled.Poll();
  ASSERT_TRUE(polled.connected());
  ASSERT_TRUE(frontend_.server().peer_polls());
  const auto before = frontend_.counters();
  const int interrupts = world_.interrupts_taken;
  const uint64_t linux_woken = polled.counters().notify_received;  // the handshake's answer
  for (uint32_t period = 0; period < 100; ++period) {
    if (period % 3 == 0) {  // a command now and then; the other passes find nothing
      auto id = polled.Submit(Ping(period));
      ASSERT_TRUE(id.ok());
      polled.Flush();
      EXPECT_FALSE(world_.ppi_asserted) << "a polled session must not notify";
      EXPECT_EQ(frontend_.PolledPass().handled, 1u);
      polled.Poll();
      auto r = polled.Take(id.value());
      ASSERT_TRUE(r.ok()) << ClientStatusName(r.error());
      EXPECT_EQ(r.value().result[0], period);
    } else {
      EXPECT_EQ(frontend_.PolledPass().handled, 0u);
    }
  }
  EXPECT_EQ(world_.interrupts_taken, interrupts);
  EXPECT_EQ(frontend_.counters().bare_wakeups, before.bare_wakeups);
  EXPECT_FALSE(frontend_.throttled());
  EXPECT_EQ(polled.counters().notify_received, linux_woken) << "the RTOS notified a polling Linux";
}

}  // namespace
}  // namespace tandem::channel::testing
