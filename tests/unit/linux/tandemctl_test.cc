// tandemctl end to end over the fake Xen: output, JSON, and one exit status per error class.
#include <gtest/gtest.h>
#include <unistd.h>
#include <xen/io/xenbus.h>

#include <sstream>

#include "libtandem/session.h"
#include "tandem/channel/incident.h"
#include "tandemctl_fixture.h"

namespace libtandem::testing {
namespace {

TEST_F(TandemctlTest, HelpAndVersionSucceedAndDocumentExitCodes) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_NE(out_.str().find("Exit status"), std::string::npos);
  EXPECT_NE(out_.str().find("11  busy"), std::string::npos);
  EXPECT_EQ(Run({"gpio", "set", "--help"}), 0);
  EXPECT_NE(out_.str().find("pin"), std::string::npos);
  EXPECT_NE(out_.str().find("7  refused by the RTOS"), std::string::npos);
  EXPECT_EQ(Run({"stats", "--help"}), 0);
  EXPECT_NE(out_.str().find("Exit status"), std::string::npos);
  EXPECT_EQ(Run({"--version"}), 0);
  EXPECT_NE(out_.str().find("protocol 1."), std::string::npos);
}

TEST_F(TandemctlTest, UsageErrorsExit2) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(Run({"gpio"}), 2);
  EXPECT_EQ(Run({"gpio", "set", "3"}), 2);
  EXPECT_EQ(Run({"gpio", "set", "3", "2"}), 2);
  EXPECT_NE(err_.str().find("--help"), std::string::npos);
  EXPECT_EQ(Run({"gpio", "set", "x", "1"}), 2);
  EXPECT_EQ(Run({"gpio", "configure", "3", "sideways"}), 2);
  EXPECT_EQ(Run({"--timeout", "0", "ping"}), 2);
  EXPECT_EQ(Run({"frobnicate"}), 2);
  EXPECT_EQ(rtos_.commands_seen, 0u);
}

TEST_F(TandemctlTest, GpioSetThenGet) {
  EXPECT_EQ(Run({"gpio", "set", "3", "1"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("pin 3 set to 1"), std::string::npos);
  EXPECT_EQ(rtos_.levels[3], 1u);
  EXPECT_EQ(Run({"gpio", "get", "3"}), 0);
  EXPECT_EQ(out_.str(), "pin 3: 1 (high)\n");
  EXPECT_EQ(Run({"--json", "gpio", "toggle", "3"}), 0);
  EXPECT_NE(out_.str().find("\"ok\":true"), std::string::npos);
  EXPECT_NE(out_.str().find("\"level\":0"), std::string::npos);
  EXPECT_NE(out_.str().find("\"name\":\"tandem-rt\""), std::string::npos);
  EXPECT_EQ(Run({"gpio", "configure", "2", "out", "--level", "1"}), 0) << err_.str();
  EXPECT_TRUE(rtos_.outputs[2]);
  // Nothing stays mapped or claimed between runs.
  EXPECT_TRUE(xen_.mapped.empty());
  EXPECT_EQ(xen_.store.count("/local/domain/0/backend/tandem/3/owner"), 0u);
}

TEST_F(TandemctlTest, HardwareErrorSaysWhatTheRtosConsoleSays) {
  ASSERT_EQ(Run({"gpio", "configure", "3", "in"}), 0) << err_.str();
  EXPECT_EQ(Run({"gpio", "set", "3", "1"}), 7);
  const std::string expected =
      "gpio set on pin 3: hardware error: pin 3 is configured as input (it reads 0)";
  EXPECT_NE(err_.str().find("tandemctl: error: the RTOS refused " + expected + "\n"),
            std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("tandemctl gpio configure 3 out"), std::string::npos) << err_.str();
  // The RTOS's channel recorded the same answer for its console: the same words.
  tandem::channel::Incident incident;
  ASSERT_TRUE(rtos_.server->incidents().Pop(&incident));
  char line[160];
  tandem::channel::FormatIncident(incident, line, sizeof(line));
  EXPECT_EQ(std::string(line),
            "channel: session " + std::to_string(incident.session) + ": " + expected);
  EXPECT_EQ(Run({"--json", "gpio", "toggle", "3"}), 7);
  EXPECT_NE(out_.str().find("gpio toggle on pin 3: hardware error: pin 3 is configured as input"),
            std::string::npos)
      << out_.str();
}

TEST_F(TandemctlTest, ListPingStats) {
  xen_.store["/local/domain/8/name"] = "other";
  EXPECT_EQ(Run({"list"}), 0);
  EXPECT_NE(out_.str().find("tandem-rt"), std::string::npos);
  EXPECT_NE(out_.str().find("other"), std::string::npos);
  EXPECT_EQ(Run({"--json", "list"}), 0);
  EXPECT_NE(out_.str().find("{\"id\":3,\"name\":\"tandem-rt\",\"tandem\":true"), std::string::npos);
  EXPECT_EQ(Run({"-d", "tandem-rt", "ping"}), 0);
  EXPECT_NE(out_.str().find("pong from tandem-rt (domain 3)"), std::string::npos);
  EXPECT_EQ(Run({"stats"}), 0);
  EXPECT_NE(out_.str().find("demo"), std::string::npos);
  EXPECT_NE(out_.str().find("command_server"), std::string::npos);
  EXPECT_EQ(Run({"--json", "stats"}), 0);
  EXPECT_NE(out_.str().find("\"deadline_misses\":0"), std::string::npos);
}

TEST_F(TandemctlTest, StatsResetShowsThenClears) {
  rtos_.tasks[0].misses = 4;
  EXPECT_EQ(Run({"stats", "--reset"}), 0);
  EXPECT_NE(out_.str().find("(counters now reset to 0)"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("1200"), std::string::npos);
  EXPECT_EQ(Run({"--json", "stats"}), 0);
  EXPECT_NE(out_.str().find("\"reset\":false"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("\"activations\":0,\"deadline_misses\":0"), std::string::npos)
      << out_.str();
  rtos_.stats_flags_supported = false;
  EXPECT_EQ(Run({"stats", "--reset"}), 7);
  EXPECT_NE(err_.str().find("cannot reset"), std::string::npos) << err_.str();
}

TEST_F(TandemctlTest, EachErrorClassHasItsExitStatus) {
  EXPECT_EQ(Run({"-d", "nope", "ping"}), 3);
  EXPECT_NE(err_.str().find("no domain named 'nope'"), std::string::npos);

  xen_.store["/local/domain/8/name"] = "plain-guest";
  EXPECT_EQ(Run({"-d", "plain-guest", "ping"}), 4);

  EXPECT_EQ(Run({"gpio", "set", "5", "1"}), 7);
  EXPECT_NE(err_.str().find("permission denied"), std::string::npos);

  rtos_.responsive = false;
  EXPECT_EQ(Run({"--timeout", "300", "ping"}), 6);
  EXPECT_NE(err_.str().find("no answer"), std::string::npos);
  rtos_.responsive = true;

  xen_.run_state[3] = DomainRunState::kPaused;
  EXPECT_EQ(Run({"--timeout", "300", "ping"}), 9);
  EXPECT_NE(err_.str().find("paused"), std::string::npos);
  xen_.run_state[3] = DomainRunState::kRunning;

  xen_.store["/local/domain/0/backend/tandem/3/owner"] = "4242";
  xen_.live_pids.insert(4242);
  EXPECT_EQ(Run({"--timeout", "50", "ping"}), 11);
  xen_.live_pids.erase(4242);

  no_xen_ = true;
  EXPECT_EQ(Run({"--json", "list"}), 8);
  EXPECT_NE(out_.str().find("\"code\":\"xen-error\",\"exit\":8"), std::string::npos);
  no_xen_ = false;

  xen_.store["/local/domain/3/data/tandem/version"] = std::to_string(7 << 16);
  EXPECT_EQ(Run({"ping"}), 5);
}

// Issue 11: a port bound by another dom0 process was "xenevtchn_bind_interdomain ... Invalid
// argument", exit 8. It is the channel being busy, like a live claim: exit 11, saying so.
TEST_F(TandemctlTest, EventChannelHeldElsewhereIsBusyNotAXenError) {
  ASSERT_TRUE(xen_.EvtchnBind(3, FakeRtos::kRemotePort).ok());
  xen_.evtchn_users = {{4242, "tandem-bench"}};
  EXPECT_EQ(Run({"--timeout", "50", "ping"}), 11) << err_.str();
  EXPECT_NE(err_.str().find("in use by another dom0 process"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("4242 (tandem-bench)"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"--json", "--timeout", "50", "ping"}), 11);
  EXPECT_NE(out_.str().find("\"code\":\"busy\",\"exit\":11"), std::string::npos) << out_.str();
}

TEST_F(TandemctlTest, AmbiguousDefaultDomainIsAUsageError) {
  FakeRtos second(xen_, 4, "tandem-rt-2");
  second.Publish();
  EXPECT_EQ(Run({"ping"}), 2);
  EXPECT_NE(err_.str().find("--domain"), std::string::npos);
  EXPECT_EQ(Run({"-d", "4", "ping"}), 0);
}

// Issue 11, point 1, end to end: a hostile client froze the ring (the RTOS publishes Closing);
// the next tandemctl run is served as if nothing happened, and nothing on the RTOS restarts.
TEST_F(TandemctlTest, CommandsWorkAfterAHostileClientFrozeTheRing) {
  {
    auto hostile = Session::Open(xen_, 3, 500'000'000);
    ASSERT_TRUE(hostile.ok()) << hostile.error().message;
    auto frozen = hostile.value()->InjectBadRequestIndex(tandem::channel::kSlotCount + 1,
                                                         xen_.NowNs() + 500'000'000);
    ASSERT_TRUE(frozen.ok()) << frozen.error().message;
  }
  ASSERT_EQ(xen_.store["/local/domain/3/data/tandem/state"], std::to_string(XenbusStateClosing));
  EXPECT_EQ(Run({"list"}), 0);
  EXPECT_NE(out_.str().find("closing"), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"ping"}), 0) << err_.str();
  EXPECT_EQ(Run({"gpio", "set", "1", "1"}), 0) << err_.str();
  EXPECT_EQ(rtos_.levels[1], 1u);
  EXPECT_EQ(rtos_.server->generation(), 1u);
  EXPECT_EQ(rtos_.server->counters().broken, 1u);
}

// Issue 11, point 6: the boot id is shown, and a script that recorded it is told when the RTOS
// it meant has restarted since (exit 12), before the command runs.
TEST_F(TandemctlTest, BootIdIsShownAndExpectBootIdCatchesARestart) {
  const std::string id = BootIdText(rtos_.boot_id);
  ASSERT_EQ(id.size(), 16u);
  EXPECT_EQ(Run({"list"}), 0);
  EXPECT_NE(out_.str().find("BOOT ID"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find(id), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"--json", "list"}), 0);
  EXPECT_NE(out_.str().find("\"boot_id\":\"" + id + "\""), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"--json", "ping"}), 0);
  EXPECT_NE(out_.str().find("\"boot_id\":\"" + id + "\",\"generation\":1"), std::string::npos)
      << out_.str();
  EXPECT_EQ(Run({"stats"}), 0);
  EXPECT_NE(out_.str().find("boot id " + id), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"--expect-boot-id", id.c_str(), "gpio", "set", "1", "1"}), 0) << err_.str();

  rtos_.Reboot();
  const std::string now = BootIdText(rtos_.boot_id);
  const uint64_t seen = rtos_.commands_seen;
  EXPECT_EQ(Run({"--expect-boot-id", id.c_str(), "gpio", "get", "1"}), 12);
  EXPECT_NE(err_.str().find("restarted"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find(id + " before, " + now + " now"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("--expect-boot-id " + now), std::string::npos) << err_.str();
  EXPECT_EQ(rtos_.commands_seen, seen) << "the command did not run";
  EXPECT_EQ(Run({"--json", "--expect-boot-id", id.c_str(), "ping"}), 12);
  EXPECT_NE(out_.str().find("\"code\":\"rtos-restarted\",\"exit\":12"), std::string::npos)
      << out_.str();
  EXPECT_EQ(Run({"--expect-boot-id", now.c_str(), "gpio", "get", "1"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), "pin 1: 0 (low)\n") << "a restarted RTOS starts with its pins low";

  for (const char* bad : {"", "xyz", "9F3A5C0E12B4D678", "0000000000000000"}) {
    EXPECT_EQ(Run({"--expect-boot-id", bad, "ping"}), 2) << bad;
    EXPECT_NE(err_.str().find("--expect-boot-id"), std::string::npos) << err_.str();
  }
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_NE(out_.str().find("12  the RTOS restarted"), std::string::npos);
}

TEST_F(TandemctlTest, RtosResetMidCommandIsAProtocolError) {
  // The RTOS reinitialises its channel while handling the command, before answering.
  rtos_.on_command = [&] { rtos_.ReinitChannel(); };
  EXPECT_EQ(Run({"gpio", "get", "1"}), 10) << err_.str();
}

}  // namespace
}  // namespace libtandem::testing

namespace libtandem::testing {
namespace {

TEST(TandemctlWatchdogDeathTest, HungXenCallEndsWithTimeoutStatus) {
  // A Xen library call that never returns (xs_read on xenbus without xenstored).
  auto hang = []() -> Result<std::unique_ptr<XenBackend>> {
    for (;;) pause();
  };
  const char* argv[] = {"tandemctl", "--timeout", "10", "list"};
  std::ostringstream out, err;
  EXPECT_EXIT(tandemctl::RunTandemctl(4, argv, hang, out, err, /*watchdog=*/true),
              ::testing::ExitedWithCode(6), "xenstored running");
}

}  // namespace
}  // namespace libtandem::testing
