// The scheduling trace on the dom0 side (docs/trace.md): ReadTrace over a session to the fake
// RTOS running the real kTraceRead handler (trace_command.h) on a scripted ring, the Chrome JSON
// converter (parsed back and checked track by track), and `tandemctl trace` end to end.
#include "libtandem/trace.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "fake_trace_source.h"
#include "libtandem/session.h"
#include "mini_json.h"
#include "tandemctl_fixture.h"

namespace libtandem::testing {
namespace {

using tandem::TraceKind;
using tandem::apps::TraceCommand;
using tandem::apps::testing::FakeTraceSource;

constexpr uint64_t kMs = 1'000'000;
constexpr uint16_t kControl = 0, kBackground = 1, kXenEvents = 0, kControlPeriod = 0;
constexpr uint8_t kActivateTask = 1, kTerminateTask = 2;
constexpr uint8_t kReady = 2, kSuspended = 3;

// One 1 ms control period as the demo's kernel records it (times in 1 MHz ticks = us): the tick
// with the alarm's expiry, Control preempting Background, Control's TerminateTask, and a channel
// interrupt that activates nothing but calls a service.
void WritePeriod(FakeTraceSource& s, uint64_t t) {
  s.Write(TraceKind::kIsrEnter, 0, tandem::kTraceSystemTimer, 0, t);
  s.Write(TraceKind::kAlarmExpiry, 0, kControlPeriod, 0, t + 2);
  s.Write(TraceKind::kIsrExit, 0, tandem::kTraceSystemTimer, 0, t + 5);
  s.Write(TraceKind::kTaskSwitch, kReady, kControl, kBackground, t + 6);
  s.Write(TraceKind::kService, kTerminateTask, 0, 0, t + 20);
  s.Write(TraceKind::kTaskSwitch, kSuspended, kBackground, kControl, t + 21);
  s.Write(TraceKind::kIsrEnter, 0, kXenEvents, 0, t + 500);
  s.Write(TraceKind::kService, kActivateTask, 0, 7, t + 501);
  s.Write(TraceKind::kIsrExit, 0, kXenEvents, 0, t + 503);
}

// The events of one track (pid, tid) and phase, in file order.
std::vector<const Json*> Events(const Json& doc, uint32_t tid, const std::string& ph) {
  std::vector<const Json*> out;
  for (const Json& e : doc["traceEvents"].array) {
    if (e["ph"].string == ph && e["tid"].number == tid) out.push_back(&e);
  }
  return out;
}

std::string TrackName(const Json& doc, uint32_t tid) {
  for (const Json& e : doc["traceEvents"].array) {
    if (e["ph"].string == "M" && e["name"].string == "thread_name" && e["tid"].number == tid) {
      return e["args"]["name"].string;
    }
  }
  return "<none>";
}

TEST(ChromeTraceJson, OneNamedTrackPerTaskAndIsrWithSlicesAndInstants) {
  FakeTraceSource source(64);
  WritePeriod(source, 1000);
  WritePeriod(source, 2000);
  TraceCapture c;
  c.clock_hz = 1'000'000;
  c.capacity = 64;
  uint32_t n = 0;
  c.records.resize(18);
  (void)source.CopyRecords(0, c.records.data(), 18, &n);
  ASSERT_EQ(n, 18u);
  c.tasks = {"Control", "Background", "Status \"quoted\"\n"};
  c.isrs = {"XenEvents"};
  c.alarms = {"ControlPeriod"};
  c.services = {"?", "ActivateTask", "TerminateTask"};

  const Json doc = JsonReader::Parse(ChromeTraceJson(c, {3, "tandem-rt (domain 3)"}));
  const uint32_t control = kChromeTidTaskBase + kControl;
  const uint32_t background = kChromeTidTaskBase + kBackground;
  const uint32_t xen_events = kChromeTidIsrBase + kXenEvents;
  EXPECT_EQ(TrackName(doc, control), "Control");
  EXPECT_EQ(TrackName(doc, background), "Background");
  EXPECT_EQ(TrackName(doc, kChromeTidTaskBase + 2), "Status \"quoted\"\n");  // no event, a track
  EXPECT_EQ(TrackName(doc, xen_events), "ISR XenEvents");
  EXPECT_EQ(TrackName(doc, kChromeTidSystemTimer), "ISR system timer (tick)");
  for (const Json& e : doc["traceEvents"].array) EXPECT_EQ(e["pid"].number, 3);

  // Control ran 6..21 us after each tick; times are relative to the first record (t = 1000).
  const auto control_slices = Events(doc, control, "X");
  ASSERT_EQ(control_slices.size(), 2u);
  EXPECT_DOUBLE_EQ((*control_slices[0])["ts"].number, 6.0);
  EXPECT_DOUBLE_EQ((*control_slices[0])["dur"].number, 15.0);
  EXPECT_EQ((*control_slices[0])["args"]["left_as"].string, "terminated");
  EXPECT_DOUBLE_EQ((*control_slices[1])["ts"].number, 1006.0);
  // Background: from the first record (its start was not recorded) until Control preempts it,
  // again until the next period, and open at the end.
  const auto background_slices = Events(doc, background, "X");
  ASSERT_EQ(background_slices.size(), 3u);
  EXPECT_DOUBLE_EQ((*background_slices[0])["ts"].number, 0.0);
  EXPECT_EQ((*background_slices[0])["args"]["left_as"].string, "preempted");
  EXPECT_TRUE((*background_slices[2])["args"]["open_at_end"].boolean);
  // ISRs nest above the task they interrupt; the tick's slices carry the alarm's instant.
  const auto ticks = Events(doc, kChromeTidSystemTimer, "X");
  ASSERT_EQ(ticks.size(), 2u);
  EXPECT_DOUBLE_EQ((*ticks[1])["dur"].number, 5.0);
  const auto alarms = Events(doc, kChromeTidSystemTimer, "i");
  ASSERT_EQ(alarms.size(), 2u);
  EXPECT_EQ((*alarms[0])["name"].string, "alarm ControlPeriod");
  EXPECT_EQ((*alarms[0])["s"].string, "t");
  // Services on the track of whoever called them.
  const auto control_calls = Events(doc, control, "i");
  ASSERT_EQ(control_calls.size(), 2u);
  EXPECT_EQ((*control_calls[0])["name"].string, "TerminateTask");
  const auto isr_calls = Events(doc, xen_events, "i");
  ASSERT_EQ(isr_calls.size(), 2u);
  EXPECT_EQ((*isr_calls[0])["name"].string, "ActivateTask");
  EXPECT_EQ((*isr_calls[0])["args"]["param"].number, 7);
  EXPECT_EQ(Events(doc, xen_events, "X").size(), 2u);
  EXPECT_EQ(doc["otherData"]["records"].number, 18);
}

TEST(ChromeTraceJson, AnEmptyCaptureStillListsTheTracks) {
  TraceCapture c;
  c.clock_hz = 62'500'000;
  c.tasks = {"Only"};
  const Json doc = JsonReader::Parse(ChromeTraceJson(c, {1, "x"}));
  EXPECT_EQ(TrackName(doc, kChromeTidTaskBase), "Only");
  EXPECT_TRUE(Events(doc, kChromeTidTaskBase, "X").empty());
}

class TraceReadTest : public TandemctlTest {
 protected:
  TraceReadTest() {
    (void)rtos_.server->SetHandler(tandem::channel::Op::kTraceRead, &hooked_);
    // The RTOS keeps running while dom0 reads: every command the server task handles is kernel
    // activity (the channel's ISR, ...) that lands in the ring unless it is frozen, before the
    // handler runs.
    hook_ = [this] {
      source_.Write(TraceKind::kIsrEnter, 0, kXenEvents, 0, ++now_);
      source_.Write(TraceKind::kIsrExit, 0, kXenEvents, 0, ++now_);
    };
  }
  // The real handler, with the kernel's activity around each command and a count of them.
  class Hooked final : public tandem::channel::CommandHandler {
   public:
    explicit Hooked(TraceReadTest& t) : t_(t) {}
    tandem::channel::WireStatus Handle(const Request& q, Response& a) override {
      ++t_.trace_commands_;
      if (t_.hook_) t_.hook_();
      return t_.command_.Handle(q, a);
    }

   private:
    TraceReadTest& t_;
  };
  void WritePeriods(int n) {
    for (int i = 0; i < n; ++i) {
      WritePeriod(source_, now_);
      now_ += 1000;
    }
  }
  std::string ReadFile(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  FakeTraceSource source_{4096};
  TraceCommand command_{source_};
  Hooked hooked_{*this};
  std::function<void()> hook_;
  uint64_t trace_commands_ = 0;
  uint64_t now_ = 5000;
  std::string path_ =
      ::testing::TempDir() + "/tandem-trace-test-" + std::to_string(getpid()) + ".json";
};

TEST_F(TraceReadTest, ReadTraceTakesOneConsistentSnapshotWhileTheKernelWritesOn) {
  WritePeriods(3);  // 27 records
  auto s = Session::Open(xen_, 3, 500 * kMs);
  ASSERT_TRUE(s.ok());
  SessionPort port(*s.value());
  std::vector<uint32_t> seen;
  Result<TraceCapture> r =
      ReadTrace(port, 500 * kMs, [&](uint32_t done, uint32_t) { seen.push_back(done); });
  ASSERT_TRUE(r.ok()) << r.error().message;
  const TraceCapture& c = r.value();
  // The info and freeze commands' activity came before the freeze (2 records each), nothing after.
  ASSERT_EQ(c.records.size(), 31u);
  EXPECT_EQ(c.records[0].kind, static_cast<uint8_t>(TraceKind::kIsrEnter));
  EXPECT_EQ(c.records[0].object, tandem::kTraceSystemTimer);
  EXPECT_GE(c.dropped, 2u * 15);  // every read and name command after the freeze
  EXPECT_EQ(c.overwritten, 0u);
  EXPECT_EQ(c.clock_hz, 1'000'000u);
  EXPECT_EQ(c.tasks, (std::vector<std::string>{"Control", "Background"}));
  EXPECT_EQ(c.isrs, (std::vector<std::string>{"XenEvents"}));
  ASSERT_EQ(c.services.size(), 3u);  // only ids that occur are named
  EXPECT_EQ(c.services[2], "TerminateTask");
  EXPECT_EQ(seen.back(), 31u);
  // Resumed and emptied afterwards: recording goes on.
  const auto status = source_.RingStatus();
  EXPECT_FALSE(status.frozen);
  EXPECT_EQ(status.dropped, 0u);
}

TEST_F(TraceReadTest, AReaderThatSeesTheSnapshotChangeSaysSo) {
  WritePeriods(3);
  auto s = Session::Open(xen_, 3, 500 * kMs);
  ASSERT_TRUE(s.ok());
  SessionPort port(*s.value());
  int commands = 0;
  hook_ = [&] {
    if (++commands == 4) source_.ResumeRing();  // another client resumed it mid-pull
    source_.Write(TraceKind::kIsrEnter, 0, kXenEvents, 0, ++now_);
  };
  Result<TraceCapture> r = ReadTrace(port, 500 * kMs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kProtocol);
  EXPECT_NE(r.error().message.find("changed while it was being read"), std::string::npos);
}

TEST_F(TraceReadTest, TandemctlTraceWritesAFilePerfettoOpens) {
  WritePeriods(400);  // 3,600 records (+4 of the pull itself): long enough for progress lines
  ASSERT_EQ(Run({"trace", "--out", path_.c_str()}), 0) << err_.str();
  EXPECT_NE(out_.str().find("3604 records"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("ui.perfetto.dev"), std::string::npos);
  EXPECT_NE(err_.str().find("tandemctl: trace: 3604/3604 records read"), std::string::npos)
      << err_.str();
  const Json doc = JsonReader::Parse(ReadFile(path_));
  EXPECT_EQ(TrackName(doc, kChromeTidTaskBase + kControl), "Control");
  EXPECT_EQ(TrackName(doc, kChromeTidTaskBase + kBackground), "Background");
  EXPECT_EQ(TrackName(doc, kChromeTidIsrBase + kXenEvents), "ISR XenEvents");
  EXPECT_EQ(Events(doc, kChromeTidTaskBase + kControl, "X").size(), 400u);
  for (const Json& e : doc["traceEvents"].array) {
    if (e["ph"].string == "M" && e["name"].string == "process_name") {
      EXPECT_EQ(e["args"]["name"].string, "tandem-rt (domain 3)");
    }
  }
  EXPECT_FALSE(source_.RingStatus().frozen);

  ASSERT_EQ(Run({"--json", "trace", "-o", path_.c_str()}), 0) << err_.str();
  const Json result = JsonReader::Parse(out_.str());
  EXPECT_TRUE(result["ok"].boolean);
  EXPECT_EQ(result["command"].string, "trace");
  EXPECT_EQ(result["records"].number, 4);  // the ring was emptied by the first pull
  std::remove(path_.c_str());
}

TEST_F(TraceReadTest, TandemctlTraceOnAnRtosWithoutTracingSaysHowToEnableIt) {
  (void)rtos_.server->SetHandler(tandem::channel::Op::kTraceRead, nullptr);
  EXPECT_EQ(Run({"trace", "--out", path_.c_str()}), 7);
  EXPECT_NE(err_.str().find("this RTOS image was built without tracing"), std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("TRACE <records>"), std::string::npos) << err_.str();
  EXPECT_NE(access(path_.c_str(), F_OK), 0) << "no file is left behind";
  EXPECT_EQ(Run({"--json", "trace", "--out", path_.c_str()}), 7);
  EXPECT_NE(out_.str().find("\"code\":\"refused\""), std::string::npos) << out_.str();
}

TEST_F(TraceReadTest, TandemctlTraceChecksTheFileBeforeAskingTheRtos) {
  const uint64_t before = trace_commands_;
  EXPECT_EQ(Run({"trace", "--out", "/nonexistent-dir/t.json"}), 2);
  EXPECT_NE(err_.str().find("cannot write the trace file '/nonexistent-dir/t.json'"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(trace_commands_, before);
  EXPECT_FALSE(source_.RingStatus().frozen);
  EXPECT_EQ(Run({"trace"}), 2);
  EXPECT_NE(err_.str().find("--out"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"trace", "--help"}), 0);
  EXPECT_NE(out_.str().find("Chrome JSON trace"), std::string::npos) << out_.str();
}

}  // namespace
}  // namespace libtandem::testing
