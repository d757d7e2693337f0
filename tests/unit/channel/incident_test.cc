// Incidents: the Server records what the console should hear about where it detects it (broken
// peer, refused version, malformed request, handler fault, hardware error) with the details a
// person needs, and nothing for ordinary traffic; the IncidentReporter turns them into lines,
// rate-limited per kind, with the held-back ones counted.
#include "tandem/channel/incident.h"

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "tandem/channel/incident_reporter.h"
#include "tandem/channel/shared_access.h"
#include "test_support.h"

namespace tandem::channel {
namespace {

using testing::CountingNotifier;
using testing::FakeGpio;
using testing::Pages;

std::string Text(const Incident& incident) {
  char line[IncidentReporter::kMaxLine];
  FormatIncident(incident, line, sizeof(line));
  return line;
}

// Answers kHardwareError as GpioCommands does for a set on an input pin (level read in
// result[0], GpioFault in result[1]); or returns an oversized payload for arg[1] == 1.
class FaultyHandler final : public CommandHandler {
 public:
  WireStatus Handle(const Request& r, Response& rsp) override {
    if (r.op == static_cast<uint16_t>(Op::kGpioSet)) {
      rsp.result[0] = 0;
      rsp.result[1] = static_cast<uint32_t>(GpioFault::kPinIsInput);
      return WireStatus::kHardwareError;
    }
    if (r.arg[1] == 1) {
      rsp.payload_len = kMaxPayload + 8;
      return WireStatus::kOk;
    }
    rsp.result[0] = 0xAB;
    rsp.result[1] = 0xCD;
    return WireStatus::kHardwareError;
  }
};

class IncidentTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(server_.Init(testing::kTestBootId), ServerStatus::kOk); }
  void Connect() {
    ASSERT_TRUE(client_.Connect().ok());
    server_.Poll();
    client_.Poll();
    ASSERT_TRUE(client_.connected());
  }
  Response Call(const Request& r) {
    Result<uint64_t, ClientStatus> id = client_.Submit(r);
    EXPECT_TRUE(id.ok());
    client_.Flush();
    server_.Poll();
    client_.Poll();
    Result<Response, ClientStatus> rsp = client_.Take(id.ok() ? id.value() : 0);
    EXPECT_TRUE(rsp.ok());
    return rsp.ok() ? rsp.value() : Response{};
  }
  std::vector<Incident> Drain() {
    std::vector<Incident> out;
    Incident i;
    while (server_.incidents().Pop(&i)) out.push_back(i);
    return out;
  }

  Pages pages_;
  CountingNotifier to_rtos_, to_linux_;
  Server server_{pages_.req.get(), pages_.rsp.get(), to_linux_};
  Client client_{pages_.req.get(), pages_.rsp.get(), to_rtos_};
};

TEST_F(IncidentTest, OrdinaryTrafficRecordsNothing) {
  FakeGpio gpio(0x0F);
  testing::InstallGpio(server_, gpio);
  Connect();
  for (int i = 0; i < 40; ++i) Call(MakeRequest(Op::kPing, i));
  Call(MakeRequest(Op::kGpioSet, 2, 1));
  EXPECT_EQ(Call(MakeRequest(Op::kGpioSet, 9, 1)).status,
            static_cast<uint32_t>(WireStatus::kPermissionDenied));  // tandemctl says it all
  client_.Disconnect();
  server_.Poll();
  Connect();
  EXPECT_TRUE(server_.incidents().empty());
  EXPECT_EQ(server_.incidents().recorded(), 0u);
}

TEST_F(IncidentTest, ProducerAheadRecordsTheSessionAndHowFarAhead) {
  Connect();
  RequestPageHeader& h = pages_.req->header;
  const uint32_t cons = h.req_prod;
  StoreRelease(&h.req_prod, cons + kSlotCount + 1);
  server_.Poll();
  ASSERT_EQ(server_.counters().broken, 1u);
  const std::vector<Incident> got = Drain();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, IncidentKind::kBrokenPeer);
  EXPECT_EQ(got[0].session, client_.session());
  EXPECT_EQ(got[0].value[0], cons + kSlotCount + 1);
  EXPECT_EQ(got[0].value[1], cons);
  EXPECT_EQ(Text(got[0]), "channel: session " + std::to_string(client_.session()) +
                              " is a broken peer: req_prod " + std::to_string(cons + 33) +
                              " is 33 ahead of req_cons " + std::to_string(cons) + " (at most 32)");
  server_.Poll();  // frozen: not recorded again on every pass
  EXPECT_TRUE(Drain().empty());
}

TEST_F(IncidentTest, ProducerMovingBackwardsIsNamedSo) {
  Client client(pages_.req.get(), pages_.rsp.get(), to_rtos_,
                ClientConfig{kProtocolVersion, 0x10});  // first index 16
  ASSERT_TRUE(client.Connect().ok());
  server_.Poll();
  client.Poll();
  ASSERT_TRUE(client.connected());
  StoreRelease(&pages_.req->header.req_prod, 0x10u - 3);
  server_.Poll();
  const std::vector<Incident> got = Drain();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(Text(got[0]), "channel: session " + std::to_string(client.session()) +
                              " is a broken peer: req_prod 13 moved back 3 behind req_cons 16");
}

TEST_F(IncidentTest, RefusedVersionRecordsBothVersionsOncePerSession) {
  RequestPageHeader& h = pages_.req->header;
  h.magic = kRequestPageMagic;
  h.version = (2u << 16) | 3;
  h.generation = server_.generation();
  h.session = 41;
  h.state = static_cast<uint32_t>(ChannelState::kConnected);
  server_.Poll();
  server_.Poll();
  const std::vector<Incident> got = Drain();
  ASSERT_EQ(got.size(), 1u) << "once per session, not per pass";
  EXPECT_EQ(got[0].kind, IncidentKind::kVersionRefused);
  EXPECT_EQ(got[0].session, 41u);
  EXPECT_EQ(Text(got[0]), "channel: session 41 refused: it speaks protocol 2.3, this RTOS " +
                              std::to_string(kVersionMajor) + "." + std::to_string(kVersionMinor) +
                              " (the majors must match)");
  h.magic = 0xDEADBEEF;
  h.session = 42;
  server_.Poll();
  const std::vector<Incident> magic = Drain();
  ASSERT_EQ(magic.size(), 1u);
  EXPECT_EQ(Text(magic[0]),
            "channel: session 42 refused: its request page's magic is 0xdeadbeef, not 0x51444e54");
}

TEST_F(IncidentTest, MalformedRequestsNameTheOpAndWhatWasWrong) {
  Connect();
  Request bad_flags = MakeRequest(Op::kGpioGet, 1);
  bad_flags.flags = 4;
  Call(bad_flags);
  Call(MakeRequest(static_cast<Op>(0x0777)));
  Call(MakeRequest(static_cast<Op>(0x8123)));  // app op nobody registered
  const std::vector<Incident> got = Drain();
  ASSERT_EQ(got.size(), 3u);
  const std::string session = std::to_string(client_.session());
  EXPECT_EQ(Text(got[0]),
            "channel: session " + session + ": request refused: op 0x0101 (gpio get): bad flags");
  EXPECT_EQ(Text(got[1]),
            "channel: session " + session + ": request refused: op 0x0777: unknown operation");
  EXPECT_EQ(Text(got[2]),
            "channel: session " + session + ": request refused: op 0x8123: unknown operation");
}

TEST_F(IncidentTest, HardwareErrorsRecordWhatTheResponseSays) {
  FaultyHandler faulty;
  ASSERT_EQ(server_.SetHandler(Op::kGpioSet, &faulty), ServerStatus::kOk);
  const AppCommandSpec spec = testing::AnyArgsSpec(0x8002, "faulty");
  ASSERT_EQ(server_.RegisterAppCommand(spec, &faulty), ServerStatus::kOk);
  Connect();
  const Response rsp = Call(MakeRequest(Op::kGpioSet, 3, 1));
  ASSERT_EQ(rsp.status, static_cast<uint32_t>(WireStatus::kHardwareError));
  Request app{};
  app.op = 0x8002;
  app.arg[0] = 5;
  Call(app);
  const std::vector<Incident> got = Drain();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, IncidentKind::kHardwareError);
  EXPECT_EQ(got[0].op, static_cast<uint16_t>(Op::kGpioSet));
  EXPECT_EQ(got[0].value[0], 3u);  // the pin
  EXPECT_EQ(got[0].value[1], rsp.result[0]);
  EXPECT_EQ(got[0].value[2], rsp.result[1]);
  const std::string session = std::to_string(client_.session());
  EXPECT_EQ(Text(got[0]), "channel: session " + session +
                              ": gpio set on pin 3: hardware error: pin 3 is configured as input "
                              "(it reads 0)");
  EXPECT_EQ(Text(got[1]), "channel: session " + session +
                              ": op 0x8002: hardware error (arg[0] 0x5, result[0] 0xab, "
                              "result[1] 0xcd)");
}

TEST_F(IncidentTest, HandlerReturningTooLongAPayloadIsRecorded) {
  FaultyHandler faulty;
  const AppCommandSpec spec = testing::AnyArgsSpec(0x8003, "faulty");
  ASSERT_EQ(server_.RegisterAppCommand(spec, &faulty), ServerStatus::kOk);
  Connect();
  Request r{};
  r.op = 0x8003;
  r.arg[1] = 1;
  EXPECT_EQ(Call(r).status, static_cast<uint32_t>(WireStatus::kInternal));
  const std::vector<Incident> got = Drain();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(Text(got[0]), "channel: session " + std::to_string(client_.session()) +
                              ": the handler of op 0x8003 returned a 40-byte payload (at most 32): "
                              "answered internal error");
}

TEST(IncidentLogTest, FullLogDropsAndCountsPerKind) {
  IncidentLog log;
  for (uint32_t i = 0; i < IncidentLog::kCapacity; ++i) {
    log.Record({IncidentKind::kRejectedRequest, 1, i, {}});
  }
  log.Record({IncidentKind::kRejectedRequest, 1, 100, {}});
  log.Record({IncidentKind::kRejectedRequest, 1, 101, {}});
  log.Record({IncidentKind::kBrokenPeer, 0, 102, {}});
  EXPECT_EQ(log.recorded(), IncidentLog::kCapacity + 3);
  EXPECT_EQ(log.TakeDropped(IncidentKind::kRejectedRequest), 2u);
  EXPECT_EQ(log.TakeDropped(IncidentKind::kRejectedRequest), 0u) << "taken once";
  EXPECT_EQ(log.TakeDropped(IncidentKind::kBrokenPeer), 1u);
  Incident i;
  for (uint32_t n = 0; n < IncidentLog::kCapacity; ++n) {
    ASSERT_TRUE(log.Pop(&i));
    EXPECT_EQ(i.session, n) << "oldest first";
  }
  EXPECT_FALSE(log.Pop(&i));
  log.Record({IncidentKind::kHandlerFault, 1, 7, {}});  // room again, wrapping
  ASSERT_TRUE(log.Pop(&i));
  EXPECT_EQ(i.session, 7u);
}

TEST(IncidentLogTest, LinesAreCutToTheBufferAndEndWithNul) {
  const Incident incident{IncidentKind::kBrokenPeer, 0, 4000000000u, {4000000000u, 1}};
  char small[24];
  const size_t n = FormatIncident(incident, small, sizeof(small));
  EXPECT_EQ(n, sizeof(small) - 1);
  EXPECT_EQ(std::string(small), "channel: session 400000");
}

// The reporter's output, collected.
struct Lines {
  static void Write(void* context, const char* line) {
    static_cast<Lines*>(context)->lines.push_back(line);
  }
  LineSink sink() { return LineSink{&Write, this}; }
  std::vector<std::string> lines;
};

Incident Broken(uint32_t session) { return {IncidentKind::kBrokenPeer, 0, session, {100, 0}}; }
Incident Hardware(uint32_t pin) {
  return {IncidentKind::kHardwareError,
          static_cast<uint16_t>(Op::kGpioSet),
          1,
          {pin, 0, static_cast<uint32_t>(GpioFault::kPinIsInput)}};
}

TEST(IncidentReporterTest, BurstThenHeldBackThenOneSummaryAfterThePeriod) {
  Lines out;
  IncidentReporter reporter(out.sink(), /*burst=*/2, /*period_ms=*/1000);
  IncidentLog log;
  for (uint32_t s = 1; s <= 6; ++s) log.Record(Broken(s));
  EXPECT_EQ(reporter.Report(log, 0), 2u);
  ASSERT_EQ(out.lines.size(), 2u);
  EXPECT_EQ(out.lines[0], Text(Broken(1)));
  EXPECT_EQ(out.lines[1], Text(Broken(2)));
  EXPECT_EQ(reporter.Report(log, 500), 0u) << "nothing new, no token yet";
  EXPECT_EQ(reporter.Report(log, 1000), 1u) << "the summary, on its own";
  EXPECT_EQ(out.lines.back(), "channel: (4 more broken peers suppressed)");
  EXPECT_EQ(reporter.Report(log, 9000), 0u) << "said once";
}

TEST(IncidentReporterTest, HeldBackCountComesBeforeTheNextLineOfItsKind) {
  Lines out;
  IncidentReporter reporter(out.sink(), 1, 1000);
  IncidentLog log;
  log.Record(Broken(1));
  log.Record(Broken(2));
  reporter.Report(log, 0);
  log.Record(Broken(3));
  EXPECT_EQ(reporter.Report(log, 1200), 2u);
  ASSERT_EQ(out.lines.size(), 3u);
  EXPECT_EQ(out.lines[1], "channel: (1 more broken peer suppressed)");
  EXPECT_EQ(out.lines[2], Text(Broken(3)));
}

TEST(IncidentReporterTest, OneKindFloodingDoesNotSilenceAnother) {
  Lines out;
  IncidentReporter reporter(out.sink(), 1, 1000);
  IncidentLog log;
  for (uint32_t s = 1; s <= 5; ++s) log.Record(Broken(s));
  log.Record(Hardware(3));
  reporter.Report(log, 0);
  ASSERT_EQ(out.lines.size(), 2u);
  EXPECT_EQ(out.lines[0], Text(Broken(1)));
  EXPECT_EQ(out.lines[1], Text(Hardware(3)));
  EXPECT_NE(out.lines[1].find("pin 3 is configured as input"), std::string::npos);
}

TEST(IncidentReporterTest, IncidentsTheLogDroppedAreCountedToo) {
  Lines out;
  IncidentReporter reporter(out.sink(), 1, 1000);
  IncidentLog log;
  for (uint32_t s = 1; s <= IncidentLog::kCapacity + 4; ++s) log.Record(Broken(s));
  reporter.Report(log, 0);
  reporter.Report(log, 1000);
  ASSERT_EQ(out.lines.size(), 2u);
  EXPECT_EQ(out.lines[1], "channel: (" + std::to_string(IncidentLog::kCapacity + 3) +
                              " more broken peers suppressed)");
}

TEST(IncidentReporterTest, ASustainedFloodCostsTwoLinesPerPeriod) {
  Lines out;
  IncidentReporter reporter(out.sink());  // the defaults the RTOS uses
  IncidentLog log;
  // 10 s of a client sending a malformed request every millisecond, reported every 10 ms.
  uint64_t recorded = 0;
  for (uint64_t ms = 0; ms < 10'000; ++ms) {
    log.Record({IncidentKind::kRejectedRequest, 0x0777, 9, {1}});
    ++recorded;
    if (ms % 10 == 9) reporter.Report(log, ms);
  }
  // The burst, then each second one fresh line, preceded by the count of those held back.
  EXPECT_LE(out.lines.size(), IncidentReporter::kBurst + 2 * 10);
  EXPECT_GE(out.lines.size(), IncidentReporter::kBurst + 2 * 9);
  reporter.Report(log, 60'000);  // whatever was still held back
  uint64_t accounted = 0;
  for (const std::string& line : out.lines) {
    uint64_t n = 0;
    accounted += sscanf(line.c_str(), "channel: (%" SCNu64 " more", &n) == 1 ? n : 1;
  }
  EXPECT_EQ(accounted, recorded) << "every incident is either a line or in a count";
}

}  // namespace
}  // namespace tandem::channel
