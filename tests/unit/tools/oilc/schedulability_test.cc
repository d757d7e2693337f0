// oilc's schedulability analysis (docs/oil.md, "Schedulability") against task sets whose
// response times are computed by hand in the comments: the textbook sets, blocking on a shared
// resource, a non-preemptable task and an internal resource (preemption thresholds), ISRs above
// and between tasks, the system tick with the default overheads, and unschedulable sets, in
// process and through the oilc binary. Times in the OIL texts are microseconds; the model's in
// nanoseconds.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "compiler.h"

namespace oilc {
namespace {

namespace fs = std::filesystem;

constexpr Overheads kNoOverheads{0, 0, 0, 0};
constexpr const char* kFull = "ACTIVATION = 1; SCHEDULE = FULL;";

std::string App(const std::string& cpu_body) {
  return "OIL_VERSION = \"2.5\";\nCPU cpu {\n  OS os;\n" + cpu_body + "};\n";
}

std::string AllDiagnostics(const CompileResult& r) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics.all()) out += Diagnostics::Format(d) + "\n";
  return out;
}

CompileResult Analyse(const std::string& cpu_body,
                      SchedulabilityMode mode = SchedulabilityMode::kReport,
                      const Overheads& overheads = kNoOverheads) {
  CompileOptions options;
  options.input = "app.oil";
  options.schedulability = mode;
  options.overheads = overheads;
  const std::string text = App(cpu_body);
  options.reader = [text](const std::string& path) -> std::optional<std::string> {
    if (path == "app.oil") return text;
    return std::nullopt;
  };
  return Compile(options);
}

const RtaRow& Row(const CompileResult& r, const std::string& name) {
  for (const RtaRow& row : r.schedulability.rows) {
    if (row.name == name) return row;
  }
  throw std::runtime_error("no row " + name + " in\n" + r.schedulability_table);
}

// Response times in microseconds, exactly.
void ExpectResponse(const CompileResult& r, const std::string& name, uint64_t response_us,
                    uint64_t blocking_us = 0) {
  const RtaRow& row = Row(r, name);
  EXPECT_TRUE(row.schedulable) << name << "\n" << r.schedulability_table;
  EXPECT_EQ(row.response_ns, response_us * 1000) << name << "\n" << r.schedulability_table;
  EXPECT_EQ(row.blocking_ns, blocking_us * 1000) << name << "\n" << r.schedulability_table;
}

// Burns & Wellings, "Real-Time Systems and Programming Languages", the three-task example of
// response-time analysis: a (T 7, C 3), b (T 12, C 3), c (T 20, C 5).
//   R_a = 3;  R_b = 3 + ceil(6/7)3 = 6;
//   R_c: 5+3+3 = 11 -> 5+6+3 = 14 -> 5+6+6 = 17 -> 5+9+6 = 20 -> 20.
const std::string kBurnsWellings =
    std::string("  TASK a { PRIORITY = 3; ") + kFull + " WCET = 3; PERIOD = 7; };\n" +
    "  TASK b { PRIORITY = 2; " + kFull + " WCET = 3; PERIOD = 12; };\n" +
    "  TASK c { PRIORITY = 1; " + kFull + " WCET = 5; PERIOD = 20; };\n";

TEST(Schedulability, BurnsWellingsThreeTasks) {
  const CompileResult r = Analyse(kBurnsWellings);
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  ASSERT_EQ(r.schedulability.rows.size(), 3u);
  ExpectResponse(r, "TASK a", 3);
  ExpectResponse(r, "TASK b", 6);
  ExpectResponse(r, "TASK c", 20);
  EXPECT_TRUE(r.schedulability.Schedulable());
  EXPECT_EQ(Row(r, "TASK c").deadline_ns, 20000u);     // the period
  EXPECT_EQ(r.schedulability.rows[0].name, "TASK a");  // highest level first
}

// Lehoczky's example of a deadline beyond the period (the busy period holds several jobs):
// t1 (T 70, C 26), t2 (T 100, C 62). The level-2 busy period is 694, 7 jobs of t2, whose
// responses are 114, 102, 116, 104, 118, 106, 94: the worst is the fifth's, 118 > T.
TEST(Schedulability, DeadlineBeyondThePeriodChecksEveryJobOfTheBusyPeriod) {
  const CompileResult r = Analyse(std::string("  TASK t1 { PRIORITY = 2; ") + kFull +
                                  " WCET = 26; PERIOD = 70; };\n  TASK t2 { PRIORITY = 1; " +
                                  "ACTIVATION = 2; SCHEDULE = FULL; WCET = 62; PERIOD = 100; "
                                  "DEADLINE = 120; };\n");
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  ExpectResponse(r, "TASK t2", 118);
}

// h (T 10, C 2) and l (T 30, C 4) share R, held at most 1; m (T 15, C 3) does not use it.
// ceiling(R) = level of h, so h and m can both be blocked once by l's critical section: B = 1.
//   R_h = 1 + 2 = 3;  R_m = 1 + 3 + 2 = 6;  R_l = 4 + 2 + 3 = 9 (no blocking, lowest).
const std::string kShared = std::string("  RESOURCE R { RESOURCEPROPERTY = STANDARD; ") +
                            "HOLDTIME = 1; };\n  TASK h { PRIORITY = 3; " + kFull +
                            " WCET = 2; PERIOD = 10; RESOURCE = R; };\n  TASK m { PRIORITY = 2; " +
                            kFull + " WCET = 3; PERIOD = 15; };\n  TASK l { PRIORITY = 1; " +
                            kFull + " WCET = 4; PERIOD = 30; RESOURCE = R; };\n";

TEST(Schedulability, PriorityCeilingBlockingFromASharedResource) {
  const CompileResult r = Analyse(kShared);
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  ExpectResponse(r, "TASK h", 3, 1);
  ExpectResponse(r, "TASK m", 6, 1);
  ExpectResponse(r, "TASK l", 9, 0);
}

TEST(Schedulability, ResourceWithoutHoldTimeIsHeldForTheWholeWcet) {
  // B = C_l = 4: R_h = 4 + 2 = 6, R_m = 4 + 3 + 2 = 9.
  std::string body = kShared;
  body.replace(body.find("HOLDTIME = 1; "), 14, "");
  const CompileResult r = Analyse(body);
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  ExpectResponse(r, "TASK h", 6, 4);
  ExpectResponse(r, "TASK m", 9, 4);
  EXPECT_NE(AllDiagnostics(r).find("note: RESOURCE R has no HOLDTIME: the analysis takes each "
                                   "user to hold it for its whole WCET"),
            std::string::npos)
      << AllDiagnostics(r);
}

// GetResource + ReleaseResource lengthen the critical section: B = 1 + 0.5 = 1.5,
// R_h = 1.5 + 2 = 3.5, R_m = 1.5 + 3 + 2 = 6.5.
TEST(Schedulability, ResourceOverheadLengthensTheCriticalSection) {
  const CompileResult r =
      Analyse(kShared, SchedulabilityMode::kReport, Overheads{0, 0, 0, /*resource_ns=*/500});
  EXPECT_EQ(Row(r, "TASK h").blocking_ns, 1500u);
  EXPECT_EQ(Row(r, "TASK h").response_ns, 3500u);
  EXPECT_EQ(Row(r, "TASK m").response_ns, 6500u);
}

// h (T 6, C 2), m (T 15, C 3), l (T 30, C 4).
// Fully preemptive: R_h = 2, R_m = 3 + 2 = 5, R_l: 9 -> 4 + 4 + 3 = 11 -> 11.
// l non-preemptable (its threshold is the highest task level): h and m are blocked by all of l,
// B = 4, and once l runs nothing preempts it.
//   R_h = 4 + 2 = 6.
//   R_m: start S = 4 + (floor(S/6)+1)2: 6 -> 8 -> 8; finish 8 + 3 = 11, h's next job at 12: 11.
//   R_l: start S = (floor(S/6)+1)2 + (floor(S/15)+1)3 = 5; finish 5 + 4 = 9.
const std::string kThreeTasks = std::string("  TASK h { PRIORITY = 3; ") + kFull +
                                " WCET = 2; PERIOD = 6; };\n  TASK m { PRIORITY = 2; " + kFull +
                                " WCET = 3; PERIOD = 15; };\n";

TEST(Schedulability, FullyPreemptiveReference) {
  const CompileResult r =
      Analyse(kThreeTasks + "  TASK l { PRIORITY = 1; " + kFull + " WCET = 4; PERIOD = 30; };\n");
  ExpectResponse(r, "TASK h", 2);
  ExpectResponse(r, "TASK m", 5);
  ExpectResponse(r, "TASK l", 11);
}

TEST(Schedulability, NonPreemptableTaskBlocksHigherOnesAndIsNotPreempted) {
  const CompileResult r = Analyse(
      kThreeTasks +
      "  TASK l { PRIORITY = 1; ACTIVATION = 1; SCHEDULE = NON; WCET = 4; PERIOD = 30; };\n");
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  ExpectResponse(r, "TASK h", 6, 4);
  ExpectResponse(r, "TASK m", 11, 4);
  ExpectResponse(r, "TASK l", 9);
  EXPECT_EQ(Row(r, "TASK l").threshold, 3);
  EXPECT_EQ(Row(r, "TASK l").level, 1);
  EXPECT_EQ(Row(r, "TASK h").largest.what,
            "blocking: TASK l, not preemptable (SCHEDULE = NON), at level 3");
}

// m and l share the internal resource G (ceiling: m's level 2): l's threshold is 2. h still
// preempts l, m is blocked by all of l and does not preempt it.
//   R_h = 2 (no blocking: l's threshold is below h).
//   R_m: B = 4, start 4 + 2 = 6 -> 4 + 4 = 8 -> 8; finish 8 + 3 = 11 (h's next at 12): 11.
//   R_l: start (floor(S/6)+1)2 + (floor(S/15)+1)3 = 5; finish 5 + 4 = 9, h released at 6
//        preempts: 11 -> 11.
TEST(Schedulability, InternalResourceIsAPreemptionThreshold) {
  const CompileResult r =
      Analyse(std::string("  RESOURCE G { RESOURCEPROPERTY = INTERNAL; };\n") +
              "  TASK h { PRIORITY = 3; " + kFull + " WCET = 2; PERIOD = 6; };\n" +
              "  TASK m { PRIORITY = 2; " + kFull + " WCET = 3; PERIOD = 15; RESOURCE = G; };\n" +
              "  TASK l { PRIORITY = 1; " + kFull + " WCET = 4; PERIOD = 30; RESOURCE = G; };\n");
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  ExpectResponse(r, "TASK h", 2, 0);
  ExpectResponse(r, "TASK m", 11, 4);
  ExpectResponse(r, "TASK l", 11, 0);
  EXPECT_EQ(Row(r, "TASK l").threshold, 2);
  EXPECT_EQ(Row(r, "TASK m").largest.what,
            "blocking: TASK l, holding its INTERNAL resource G, at level 2");
}

// Levels: b 1, ISR j (PRIORITY 2: below tasks of priority 2) 2, a 3, ISR i (no PRIORITY: above
// every task) 4. i (T 5, C 1), a (T 10, C 2), b (T 20, C 3), j (T 50, C 1).
//   R_i = 1.
//   R_a: j cannot preempt a but may be running when a is released: B = 1; start 1 + 1 = 2,
//        finish 2 + 2 = 4 (i's next at 5): 4.
//   R_j: a (masks j) and i delay its start: S = (floor(S/5)+1)1 + (floor(S/10)+1)2 = 3;
//        finish 3 + 1 = 4, only i could preempt it: 4.
//   R_b: S = 1 + 2 + 1 = 4; finish 4 + 3 = 7, i's second job at 5: 8 -> 8.
TEST(Schedulability, IsrsAboveAndBetweenTasks) {
  const CompileResult r = Analyse(std::string("  TASK a { PRIORITY = 2; ") + kFull +
                                  " WCET = 2; PERIOD = 10; };\n  TASK b { PRIORITY = 1; " + kFull +
                                  " WCET = 3; PERIOD = 20; };\n"
                                  "  ISR i { CATEGORY = 2; SOURCE = 40; WCET = 1; PERIOD = 5; };\n"
                                  "  ISR j { CATEGORY = 2; SOURCE = 41; PRIORITY = 2; WCET = 1; "
                                  "PERIOD = 50; };\n");
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  EXPECT_EQ(Row(r, "ISR j").level, 2);
  EXPECT_EQ(Row(r, "ISR i").level, 4);
  ExpectResponse(r, "ISR i", 1);
  ExpectResponse(r, "TASK a", 4, 1);
  ExpectResponse(r, "ISR j", 4);
  ExpectResponse(r, "TASK b", 8);
}

// The system tick (1 ms on SystemCounter) and the default overheads (overheads.h): the task's
// period comes from its cyclic alarm (10 ticks = 10 ms), its cost is 1000 us + 1.284 us per job,
// the tick costs 2.358 us every 1 ms above it.
//   R = 1001.284 + 2.358 = 1003.642 -> 1001.284 + 2 * 2.358 = 1006.000 -> 1006.000.
TEST(Schedulability, SystemTickAndDefaultOverheads) {
  const CompileResult r =
      Analyse(std::string("  COUNTER SystemCounter { MAXALLOWEDVALUE = 65535; TICKSPERBASE = 1; "
                          "MINCYCLE = 1; };\n  TASK t { PRIORITY = 1; ") +
                  kFull +
                  " WCET = 1000; };\n  ALARM tick_t { COUNTER = SystemCounter; ACTION = "
                  "ACTIVATETASK { TASK = t; }; AUTOSTART = TRUE { ALARMTIME = 1; CYCLETIME = 10; "
                  "}; };\n",
              SchedulabilityMode::kReport, kDefaultOverheads);
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  const RtaRow& t = Row(r, "TASK t");
  EXPECT_EQ(t.period_ns, 10000000u);
  EXPECT_EQ(t.deadline_ns, 10000000u);
  EXPECT_EQ(t.wcet_ns, 1001284u);
  EXPECT_EQ(t.response_ns, 1006000u);
  EXPECT_EQ(Row(r, "system tick").response_ns, 2358u);
  EXPECT_NE(r.schedulability_table.find("  TASK t                     1      1     1001.284"
                                        "        0.000     1006.000    10000.000     8994.000\n"),
            std::string::npos)
      << r.schedulability_table;
}

TEST(Schedulability, TasksWithoutAttributesAreLeftOutWithANote) {
  const CompileResult r =
      Analyse(kBurnsWellings + "  TASK idle { PRIORITY = 1; " + kFull + " };\n" +
              "  TASK sporadic { PRIORITY = 1; " + kFull + " WCET = 1; };\n" +
              "  ISR chan { CATEGORY = 2; SOURCE = 40; WCET = 1; };\n");
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  EXPECT_EQ(r.schedulability.rows.size(), 3u);
  const std::string d = AllDiagnostics(r);
  EXPECT_NE(d.find("app.oil:7:8: note: TASK idle is left out of the schedulability analysis: it "
                   "has no WCET (the others are analysed as if it never ran)"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("TASK sporadic is left out of the schedulability analysis: it has no PERIOD "
                   "and no autostarted cyclic ALARM releases it"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("ISR chan is left out of the schedulability analysis: it has no PERIOD"),
            std::string::npos)
      << d;
}

TEST(Schedulability, SilentAndNotRunByDefault) {
  const CompileResult r = Analyse(kBurnsWellings + "  TASK idle { PRIORITY = 1; " + kFull + " };\n",
                                  SchedulabilityMode::kOff);
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.diagnostics.all().empty()) << AllDiagnostics(r);
  EXPECT_TRUE(r.schedulability.rows.empty());
  EXPECT_TRUE(r.schedulability_table.empty());
}

// The Burns & Wellings set with c's WCET 6: R_c = 6 + 3 + 3 = 12 -> 6 + 6 + 3 = 15 ->
// 6 + 9 + 6 = 21 > 20. At 21, a has run 3 jobs (9 us) and b 2 (6 us): a is the largest.
const std::string kUnschedulable =
    std::string("  TASK a { PRIORITY = 3; ") + kFull + " WCET = 3; PERIOD = 7; };\n" +
    "  TASK b { PRIORITY = 2; " + kFull + " WCET = 3; PERIOD = 12; };\n" +
    "  TASK c { PRIORITY = 1; " + kFull + " WCET = 6; PERIOD = 20; };\n";
const std::string kMiss =
    "app.oil:6:8: error: TASK c misses its deadline of 20.000 us: worst-case response above "
    "21.000 us; the largest interference is TASK a (3 jobs), 9.000 us, expected a worst-case "
    "response within the deadline (a shorter WCET or critical section, a longer PERIOD or "
    "DEADLINE, or another PRIORITY; oilc --schedulability=report shows the table)\n";

TEST(Schedulability, MissIsAnErrorAtTheTaskNamingTheLargestInterference) {
  const CompileResult r = Analyse(kUnschedulable, SchedulabilityMode::kError);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(AllDiagnostics(r), kMiss);
  EXPECT_FALSE(Row(r, "TASK c").schedulable);
  EXPECT_TRUE(Row(r, "TASK b").schedulable);
}

TEST(Schedulability, MissIsAWarningInReportMode) {
  const CompileResult r = Analyse(kUnschedulable, SchedulabilityMode::kReport);
  EXPECT_TRUE(r.ok);
  EXPECT_NE(AllDiagnostics(r).find("app.oil:6:8: warning: TASK c misses its deadline"),
            std::string::npos);
  EXPECT_NE(r.schedulability_table.find(">21.000"), std::string::npos);
  EXPECT_NE(r.schedulability_table.find("MISS"), std::string::npos);
}

TEST(Schedulability, BlockingCanBeTheLargestInterference) {
  // h (T 5, C 3) misses behind l's critical section of 3 (deadline 5: 3 + 3 = 6).
  const CompileResult r =
      Analyse(std::string("  RESOURCE R { HOLDTIME = 3; };\n  TASK h { PRIORITY = 2; ") + kFull +
                  " WCET = 3; PERIOD = 5; RESOURCE = R; };\n  TASK l { PRIORITY = 1; " + kFull +
                  " WCET = 4; PERIOD = 100; RESOURCE = R; };\n",
              SchedulabilityMode::kError);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(AllDiagnostics(r).find("TASK h misses its deadline of 5.000 us: worst-case response "
                                   "above 6.000 us; the largest interference is blocking: "
                                   "RESOURCE R held by TASK l, 3.000 us"),
            std::string::npos)
      << AllDiagnostics(r);
}

TEST(Schedulability, OverloadIsUnbounded) {
  const CompileResult r = Analyse(std::string("  TASK a { PRIORITY = 2; ") + kFull +
                                      " WCET = 3; PERIOD = 4; };\n  TASK b { PRIORITY = 1; " +
                                      kFull + " WCET = 2; PERIOD = 8; };\n",
                                  SchedulabilityMode::kError);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(AllDiagnostics(r).find("error: TASK b misses its deadline of 8.000 us: worst-case "
                                   "response unbounded, the load at or above its level (100.0 % "
                                   "of the CPU)"),
            std::string::npos)
      << AllDiagnostics(r);
  EXPECT_TRUE(Row(r, "TASK a").schedulable);
}

// The example of docs/oil.md with the default overheads. Control: blocked by all of Logger
// (non-preemptable) and the Uart interrupts meanwhile, W = 301.284 + 13.434 = 314.718; then
// the tick: S = 317.076, F = 468.360. Server: S = 314.718 + 151.284 + 2.358, F = 569.644.
// Uart: after Server, Control and the tick, 268.360. Logger: S = 268.360, F = 569.644 plus one
// Uart (above its mask) = 583.078.
TEST(Schedulability, TheDocumentedExample) {
  CompileOptions options;
  options.input = std::string(OILC_GOOD_DIR) + "/control_rta.oil";
  options.schedulability = SchedulabilityMode::kReport;
  const CompileResult r = Compile(options);
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  EXPECT_EQ(AllDiagnostics(r), "");
  EXPECT_EQ(Row(r, "TASK Control").response_ns, 468360u);
  EXPECT_EQ(Row(r, "TASK Control").blocking_ns, 314718u);
  EXPECT_EQ(Row(r, "TASK Server").response_ns, 569644u);
  EXPECT_EQ(Row(r, "ISR Uart").response_ns, 268360u);
  EXPECT_EQ(Row(r, "TASK Logger").response_ns, 583078u);
  EXPECT_EQ(Row(r, "TASK Logger").threshold, 4);
  EXPECT_EQ(Row(r, "system tick").response_ns, 2358u);
}

// ---- through the binary ----

struct Outcome {
  int status = -1;
  std::string out, err;
};

// A path of this test's own: ctest runs each test of this file in a process of its own, in
// parallel, so no two tests may share a file.
fs::path OwnDir(const std::string& name) {
  return fs::path(testing::TempDir()) /
         ("oilc_rta_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()) +
          "_" + name);
}

Outcome Oilc(const std::string& args) {
  Outcome r;
  const fs::path err = OwnDir("stderr");
  FILE* pipe = popen((std::string(OILC_BINARY) + " " + args + " 2>" + err.string()).c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

fs::path Write(const std::string& name, const std::string& cpu_body) {
  const fs::path dir = OwnDir(name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "app.oil") << App(cpu_body);
  return dir;
}

TEST(SchedulabilityCli, HelpDocumentsTheOptions) {
  const Outcome r = Oilc("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--schedulability=MODE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--overhead NAME=NS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tick=2358 job=1284 isr=3434 resource=480"), std::string::npos) << r.out;
}

TEST(SchedulabilityCli, ReportPrintsTheTable) {
  const fs::path dir = Write("report", kBurnsWellings);
  const Outcome r = Oilc("--schedulability=report --overhead all=0 -o " + (dir / "gen").string() +
                         " " + (dir / "app.oil").string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("  task/ISR               level thresh         WCET     blocking     "
                       "response     deadline        slack\n"
                       "  TASK a                     3      3        3.000        0.000        "
                       "3.000        7.000        4.000\n"
                       "  TASK b                     2      2        3.000        0.000        "
                       "6.000       12.000        6.000\n"
                       "  TASK c                     1      1        5.000        0.000       "
                       "20.000       20.000        0.000\n"
                       "  every deadline holds\n"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(fs::exists(dir / "gen" / "os_cfg.h"));
}

TEST(SchedulabilityCli, SilentByDefaultAndOutputUnchanged) {
  const fs::path dir = Write("silent", kUnschedulable);
  const Outcome plain = Oilc("-o " + (dir / "a").string() + " " + (dir / "app.oil").string());
  EXPECT_EQ(plain.status, 0);
  EXPECT_EQ(plain.out + plain.err, "");
  const Outcome report =
      Oilc("--schedulability report -o " + (dir / "b").string() + " " + (dir / "app.oil").string());
  EXPECT_EQ(report.status, 0);
  for (const char* f : {"os_cfg.h", "os_cfg.cc"}) {
    std::ifstream a(dir / "a" / f), b(dir / "b" / f);
    const std::string ta((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
    const std::string tb((std::istreambuf_iterator<char>(b)), std::istreambuf_iterator<char>());
    EXPECT_EQ(ta, tb) << f;
  }
}

TEST(SchedulabilityCli, ErrorFailsNamingTheTaskAndTheInterferer) {
  const fs::path dir = Write("error", kUnschedulable);
  const Outcome r = Oilc("--schedulability=error --overhead all=0 -o " + (dir / "gen").string() +
                         " " + (dir / "app.oil").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, (dir / "app.oil").string() + kMiss.substr(std::string("app.oil").size()) +
                       "oilc: 1 error(s), nothing written\n");
  EXPECT_FALSE(fs::exists(dir / "gen"));
}

// What a build saves for tests that compare the analysis with measurements (apps/demo).
TEST(SchedulabilityCli, ReportFileHoldsTheTable) {
  const fs::path dir = Write("file", kBurnsWellings);
  const std::string in =
      " --overhead all=0 -o " + (dir / "gen").string() + " " + (dir / "app.oil").string();
  const fs::path file = dir / "table.txt";
  const Outcome report =
      Oilc("--schedulability=report --schedulability-report " + file.string() + in);
  EXPECT_EQ(report.status, 0) << report.err;
  std::ifstream saved(file);
  const std::string text((std::istreambuf_iterator<char>(saved)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, report.out);
  EXPECT_NE(text.find("every deadline holds"), std::string::npos) << text;
  fs::remove(file);
  // With error the table is not printed, but saved all the same...
  const Outcome error =
      Oilc("--schedulability=error --schedulability-report " + file.string() + in);
  EXPECT_EQ(error.status, 0) << error.err;
  EXPECT_EQ(error.out, "");
  EXPECT_TRUE(fs::exists(file));
  // ...and never without the analysis, nor on a miss (nothing is written then).
  EXPECT_EQ(Oilc("--schedulability-report " + file.string() + in).status, 2);
  const fs::path miss = Write("file_miss", kUnschedulable);
  EXPECT_EQ(Oilc("--schedulability=error --schedulability-report " + (miss / "t.txt").string() +
                 " -o " + (miss / "gen").string() + " " + (miss / "app.oil").string())
                .status,
            1);
  EXPECT_FALSE(fs::exists(miss / "t.txt"));
}

TEST(SchedulabilityCli, BadOptionValuesAreUsageErrors) {
  const fs::path dir = Write("usage", kBurnsWellings);
  const std::string in = " -o " + (dir / "gen").string() + " " + (dir / "app.oil").string();
  Outcome r = Oilc("--schedulability=maybe" + in);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--schedulability: 'maybe' is not off, report or error"), std::string::npos)
      << r.err;
  for (const char* bad : {"tick", "tick=", "tick=-1", "tick=1us", "cache=5"}) {
    r = Oilc(std::string("--overhead ") + bad + in);
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_NE(r.err.find("is not NAME=NANOSECONDS with NAME tick, job, isr, resource or all"),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(Oilc("--schedulability" + std::string()).status, 2);
}

}  // namespace
}  // namespace oilc
