// oilc's semantic model from good inputs: the one priority space, ceilings, linked and internal
// resources, event masks, implementation defaults, #include search, ready queues, warnings.
// Inputs live in an in-memory file table, so each test shows its whole OIL text.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "compiler.h"

namespace oilc {
namespace {

struct Files {
  std::map<std::string, std::string> files;
  std::vector<std::string> include_dirs;
  uint32_t stack_min = 0;

  CompileResult Compile(const std::string& main = "app.oil") const {
    CompileOptions options;
    options.input = main;
    options.include_dirs = include_dirs;
    options.stack_min = stack_min;
    options.reader = [this](const std::string& path) -> std::optional<std::string> {
      auto it = files.find(path);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    return oilc::Compile(options);
  }
};

std::string AllDiagnostics(const CompileResult& r) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics.all()) out += Diagnostics::Format(d) + "\n";
  return out;
}

// Compiles one OIL text, expecting success.
CompileResult Good(const std::string& cpu_body) {
  Files f;
  f.files["app.oil"] = "OIL_VERSION = \"2.5\";\nCPU cpu {\n  OS os;\n" + cpu_body + "};\n";
  CompileResult r = f.Compile();
  EXPECT_TRUE(r.ok) << AllDiagnostics(r);
  return r;
}

const Task& TaskNamed(const Model& m, const std::string& name) {
  for (const Task& t : m.tasks) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no task " + name);
}
const Isr& IsrNamed(const Model& m, const std::string& name) {
  for (const Isr& i : m.isrs) {
    if (i.name == name) return i;
  }
  throw std::runtime_error("no isr " + name);
}
const Resource& ResNamed(const Model& m, const std::string& name) {
  for (const Resource& r : m.resources) {
    if (r.name == name) return r;
  }
  throw std::runtime_error("no resource " + name);
}
uint64_t MaskOf(const Model& m, const std::string& name) {
  for (const Event& e : m.events) {
    if (e.name == name) return e.mask;
  }
  throw std::runtime_error("no event " + name);
}

constexpr const char* kTask = "ACTIVATION = 1; SCHEDULE = FULL;";

TEST(Levels, IsrsInterleaveWithTasksOnOneScale) {
  // Keys: task q -> (q,1), ISR p -> (p,0). Sorted: A(1,1) I3(3,0) I5(5,0) B(5,1) I7(7,0)=J7
  // C(10,1) I11(11,0).
  const CompileResult r = Good(std::string() + "  TASK A { PRIORITY = 1; " + kTask +
                               " };\n"
                               "  TASK B { PRIORITY = 5; " +
                               kTask +
                               " };\n"
                               "  TASK C { PRIORITY = 10; " +
                               kTask +
                               " };\n"
                               "  ISR I3 { CATEGORY = 2; SOURCE = 1; PRIORITY = 3; };\n"
                               "  ISR I5 { CATEGORY = 2; SOURCE = 2; PRIORITY = 5; };\n"
                               "  ISR I7 { CATEGORY = 2; SOURCE = 3; PRIORITY = 7; };\n"
                               "  ISR J7 { CATEGORY = 2; SOURCE = 4; PRIORITY = 7; };\n"
                               "  ISR I11 { CATEGORY = 2; SOURCE = 5; PRIORITY = 11; };\n");
  const Model& m = r.model;
  EXPECT_EQ(TaskNamed(m, "A").level, 1);
  EXPECT_EQ(IsrNamed(m, "I3").level, 2);
  EXPECT_EQ(IsrNamed(m, "I5").level, 3);  // same PRIORITY as B: just below it
  EXPECT_EQ(TaskNamed(m, "B").level, 4);
  EXPECT_EQ(IsrNamed(m, "I7").level, 5);
  EXPECT_EQ(IsrNamed(m, "J7").level, 5);  // equal priorities share a level
  EXPECT_EQ(TaskNamed(m, "C").level, 6);
  EXPECT_EQ(IsrNamed(m, "I11").level, 7);
  EXPECT_EQ(m.top_task_level, 6);
  EXPECT_EQ(m.top_level, 7);
  EXPECT_EQ(m.cat2_top_level, 7);
  EXPECT_EQ(m.system_timer_level, 0);  // no system counter, no timer level
}

// The rule itself, over many random configurations: an ISR of PRIORITY p is above exactly the
// tasks of PRIORITY < p; order among tasks and among ISRs is kept; levels are dense from 1.
TEST(Levels, PropertyIsrPreemptsExactlyTheLowerTasks) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    std::uniform_int_distribution<uint32_t> prio(0, 12);
    std::vector<uint32_t> tasks(1 + rng() % 8), isrs(1 + rng() % 6);
    std::string body;
    for (size_t i = 0; i < tasks.size(); ++i) {
      tasks[i] = prio(rng);
      body += "  TASK T" + std::to_string(i) + " { PRIORITY = " + std::to_string(tasks[i]) + "; " +
              kTask + " };\n";
    }
    for (size_t i = 0; i < isrs.size(); ++i) {
      isrs[i] = prio(rng);
      body += "  ISR I" + std::to_string(i) + " { CATEGORY = 2; SOURCE = " + std::to_string(i) +
              "; PRIORITY = " + std::to_string(isrs[i]) + "; };\n";
    }
    const CompileResult r = Good(body);
    ASSERT_TRUE(r.ok) << body;
    const Model& m = r.model;
    std::set<int> levels;
    for (size_t t = 0; t < tasks.size(); ++t) {
      levels.insert(m.tasks[t].level);
      for (size_t i = 0; i < isrs.size(); ++i) {
        EXPECT_EQ(m.isrs[i].level > m.tasks[t].level, isrs[i] > tasks[t]) << body;
        EXPECT_NE(m.isrs[i].level, m.tasks[t].level) << body;
      }
      for (size_t u = 0; u < tasks.size(); ++u) {
        EXPECT_EQ(m.tasks[t].level < m.tasks[u].level, tasks[t] < tasks[u]) << body;
      }
    }
    for (size_t i = 0; i < isrs.size(); ++i) {
      levels.insert(m.isrs[i].level);
      for (size_t j = 0; j < isrs.size(); ++j) {
        EXPECT_EQ(m.isrs[i].level < m.isrs[j].level, isrs[i] < isrs[j]) << body;
      }
    }
    EXPECT_EQ(*levels.begin(), 1);
    EXPECT_EQ(*levels.rbegin(), static_cast<int>(levels.size())) << "levels are dense";
    EXPECT_EQ(m.top_level, static_cast<int>(levels.size()));
  }
}

TEST(Levels, IsrsWithoutPriorityRankAboveAllTasks) {
  const CompileResult r =
      Good(std::string() + "  TASK A { PRIORITY = 2; " + kTask +
           " };\n"
           "  TASK B { PRIORITY = 9; " +
           kTask +
           " };\n"
           "  ISR Cat2 { CATEGORY = 2; SOURCE = 1; };\n"
           "  ISR Cat1 { CATEGORY = 1; SOURCE = 2; };\n"
           "  COUNTER SystemCounter { MAXALLOWEDVALUE = 99; TICKSPERBASE = 1; MINCYCLE = 1; };\n");
  const Model& m = r.model;
  EXPECT_EQ(TaskNamed(m, "A").level, 1);
  EXPECT_EQ(TaskNamed(m, "B").level, 2);
  EXPECT_EQ(IsrNamed(m, "Cat2").level, 3);  // key (9+1, 0)
  EXPECT_EQ(m.system_timer_level, 3);       // the default timer shares it
  EXPECT_EQ(IsrNamed(m, "Cat1").level, 4);  // key (9+2, 0)
  EXPECT_EQ(m.cat2_top_level, 3);
  EXPECT_EQ(m.top_level, 4);
}

TEST(Levels, TimerPriorityPlacesTheSystemTimer) {
  Files f;
  f.files["app.oil"] =
      std::string(
          "CPU cpu {\n  OS os { TIMERPRIORITY = 3; };\n"
          "  TASK A { PRIORITY = 1; ") +
      kTask +
      " };\n"
      "  TASK B { PRIORITY = 3; " +
      kTask +
      " };\n"
      "  COUNTER Tick { SYSTEMCOUNTER = TRUE; MAXALLOWEDVALUE = 99; TICKSPERBASE = 1;\n"
      "                 MINCYCLE = 1; TICKDURATION = 250000; };\n};\n";
  const CompileResult r = f.Compile();
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  EXPECT_EQ(r.model.system_timer_level, 2);  // above A, below B
  EXPECT_EQ(TaskNamed(r.model, "B").level, 3);
  EXPECT_EQ(r.model.cat2_top_level, 2);
  EXPECT_EQ(r.model.system_counter, 0);
  EXPECT_EQ(r.model.counters[0].tick_duration_ns, 250000u);
  EXPECT_NE(r.output.header.find("#define OSTICKDURATION ((uint32_t)250000u)"), std::string::npos);
}

TEST(Resources, CeilingIsTheHighestUserLevelTasksAndIsrs) {
  const CompileResult r =
      Good(std::string() + "  TASK A { PRIORITY = 1; " + kTask +
           " RESOURCE = R; RESOURCE = OnlyTasks; };\n"
           "  TASK B { PRIORITY = 4; " +
           kTask +
           " RESOURCE = OnlyTasks; };\n"
           "  TASK C { PRIORITY = 8; " +
           kTask +
           " };\n"
           "  ISR I { CATEGORY = 2; SOURCE = 1; PRIORITY = 2; RESOURCE = R; };\n"
           "  RESOURCE R;\n  RESOURCE OnlyTasks;\n");
  const Model& m = r.model;
  // Levels: A 1, I 2, B 3, C 4.
  EXPECT_EQ(ResNamed(m, "R").ceiling, 2);
  EXPECT_EQ(ResNamed(m, "OnlyTasks").ceiling, 3);
  EXPECT_EQ(m.resources[0].name, "RES_SCHEDULER");
  EXPECT_EQ(m.resources[0].ceiling, 4);                // the top task level
  EXPECT_EQ(TaskNamed(m, "A").resource_bits, 0b111u);  // RES_SCHEDULER, R, OnlyTasks
  EXPECT_EQ(TaskNamed(m, "C").resource_bits, 0b1u);    // RES_SCHEDULER only
  EXPECT_EQ(IsrNamed(m, "I").resource_bits, 0b10u);
}

TEST(Resources, LinkedResourcesShareTheResolvedTargetsCeiling) {
  const CompileResult r =
      Good(std::string() + "  TASK A { PRIORITY = 1; " + kTask +
           " RESOURCE = Base; };\n"
           "  TASK B { PRIORITY = 6; " +
           kTask +
           " RESOURCE = L2; };\n"
           "  TASK C { PRIORITY = 9; " +
           kTask +
           " };\n"
           "  RESOURCE L2 { RESOURCEPROPERTY = LINKED { LINKEDRESOURCE = L1; }; };\n"
           "  RESOURCE L1 { RESOURCEPROPERTY = LINKED { LINKEDRESOURCE = Base; }; };\n"
           "  RESOURCE Base { RESOURCEPROPERTY = STANDARD; };\n");
  const Model& m = r.model;
  const int base = 3;  // RES_SCHEDULER, L2, L1, Base
  EXPECT_EQ(m.resources[base].name, "Base");
  EXPECT_EQ(ResNamed(m, "Base").ceiling, 2);  // B uses it through L2 -> L1 -> Base
  EXPECT_EQ(ResNamed(m, "L2").ceiling, 2);
  EXPECT_EQ(ResNamed(m, "L1").ceiling, 2);
  EXPECT_EQ(ResNamed(m, "L2").linked, base);  // resolved transitively
  EXPECT_EQ(ResNamed(m, "L1").linked, base);
  EXPECT_EQ(ResNamed(m, "Base").linked, kNoId);
  EXPECT_EQ(ResNamed(m, "L2").kind, ResourceKind::kLinked);
}

TEST(Resources, InternalResourceCeilingComesFromItsTasks) {
  const CompileResult r = Good(std::string() + "  TASK A { PRIORITY = 1; " + kTask +
                               " RESOURCE = Group; };\n"
                               "  TASK B { PRIORITY = 3; " +
                               kTask +
                               " RESOURCE = Group; };\n"
                               "  TASK C { PRIORITY = 7; " +
                               kTask +
                               " };\n"
                               "  RESOURCE Group { RESOURCEPROPERTY = INTERNAL; };\n");
  const Model& m = r.model;
  EXPECT_EQ(ResNamed(m, "Group").kind, ResourceKind::kInternal);
  EXPECT_EQ(ResNamed(m, "Group").ceiling, 2);
  EXPECT_EQ(TaskNamed(m, "A").internal_ceiling, 2);
  EXPECT_EQ(TaskNamed(m, "B").internal_ceiling, 2);
  EXPECT_EQ(TaskNamed(m, "C").internal_ceiling, 0);
}

TEST(Events, AutoMasksAvoidTheBitsOfEveryOwningTask) {
  const CompileResult r = Good(std::string() + "  TASK A { PRIORITY = 1; " + kTask +
                               " EVENT = Fixed; EVENT = A1; EVENT = Shared; };\n"
                               "  TASK B { PRIORITY = 2; " +
                               kTask +
                               " EVENT = B1; EVENT = Shared; EVENT = B2; };\n"
                               "  EVENT Fixed { MASK = 0x1; };\n"
                               "  EVENT A1 { MASK = AUTO; };\n"
                               "  EVENT B1;\n"
                               "  EVENT Shared { MASK = AUTO; };\n"
                               "  EVENT B2 { MASK = 0x100000000; };\n");
  const Model& m = r.model;
  EXPECT_EQ(MaskOf(m, "Fixed"), 0x1u);  // explicit masks are kept
  EXPECT_EQ(MaskOf(m, "B2"), 0x100000000u);
  EXPECT_EQ(MaskOf(m, "A1"), 0x2u);      // lowest bit free in A
  EXPECT_EQ(MaskOf(m, "B1"), 0x1u);      // lowest bit free in B
  EXPECT_EQ(MaskOf(m, "Shared"), 0x4u);  // free in both A (0x3 used) and B (0x1 used)
  EXPECT_EQ(TaskNamed(m, "A").event_mask, 0x7u);
  EXPECT_EQ(TaskNamed(m, "B").event_mask, 0x100000005u);
  EXPECT_TRUE(TaskNamed(m, "A").extended());
  EXPECT_NE(r.output.header.find("#define B2 ((EventMaskType)0x100000000ull)"), std::string::npos);
  EXPECT_NE(r.output.header.find("#define Shared ((EventMaskType)0x4u)"), std::string::npos);
}

TEST(Implementation, DefaultsOfTheImplementationPartApply) {
  Files f;
  f.files["app.oil"] =
      "OIL_VERSION = \"2.5\";\n"
      "IMPLEMENTATION Mine {\n"
      "  TASK {\n"
      "    UINT32 [1..255] ACTIVATION = 4 : \"four unless told\";\n"
      "    ENUM [NON, FULL] SCHEDULE = NON;\n"
      "    UINT32 STACKSIZE = 2048;\n"
      "    FLOAT [0.0..1.0] LOAD = 0.5 : \"a vendor attribute of this application\";\n"
      "    STRING OWNER = \"nobody\";\n"
      "    INT32 [-10..10] OFFSET = -3;\n"
      "  };\n"
      "  OS { ENUM [STANDARD, EXTENDED] STATUS = EXTENDED; BOOLEAN ERRORHOOK = TRUE; };\n"
      "};\n"
      "CPU cpu {\n"
      "  OS os;\n"
      "  TASK T { PRIORITY = 1; LOAD = 0.25; OWNER = \"me\"; OFFSET = -10; };\n"
      "  TASK U { PRIORITY = 2; STACKSIZE = 8192; SCHEDULE = FULL; };\n"
      "};\n";
  const CompileResult r = f.Compile();
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  EXPECT_TRUE(r.diagnostics.all().empty()) << AllDiagnostics(r);  // vendor attributes declared
  const Task& t = TaskNamed(r.model, "T");
  EXPECT_EQ(t.activation, 4u);
  EXPECT_FALSE(t.preemptive);
  EXPECT_EQ(t.stack_size, 2048u);
  EXPECT_FALSE(t.autostart);  // tandem.oil's AUTOSTART = FALSE still applies
  EXPECT_TRUE(TaskNamed(r.model, "U").preemptive);
  EXPECT_EQ(TaskNamed(r.model, "U").stack_size, 8192u);
  EXPECT_TRUE(r.model.os.extended_status);
  EXPECT_TRUE(r.model.os.error_hook);
  EXPECT_FALSE(r.model.os.startup_hook);
}

TEST(Implementation, TandemDefaultsAndStackMinimum) {
  Files f;
  f.files["app.oil"] = std::string("CPU cpu { OS os;\n") + "  TASK Small { PRIORITY = 1; " + kTask +
                       " STACKSIZE = 1024; };\n"
                       "  TASK Big { PRIORITY = 1; " +
                       kTask +
                       " STACKSIZE = 65536; };\n"
                       "  TASK Plain { PRIORITY = 1; " +
                       kTask + " };\n};\n";
  CompileResult r = f.Compile();
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  EXPECT_EQ(TaskNamed(r.model, "Plain").stack_size, 16384u);
  EXPECT_FALSE(r.model.os.extended_status);  // STATUS = STANDARD by default
  f.stack_min = 32768;
  r = f.Compile();
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(TaskNamed(r.model, "Small").stack_size, 32768u);
  EXPECT_EQ(TaskNamed(r.model, "Big").stack_size, 65536u);
  EXPECT_EQ(TaskNamed(r.model, "Plain").stack_size, 32768u);
  EXPECT_NE(r.output.source.find("alignas(16) uint8_t stack_Small[32768];"), std::string::npos);
}

TEST(Include, QuotedAngledNestedAndBuiltin) {
  Files f;
  f.include_dirs = {"inc"};
  f.files["app/main.oil"] =
      "OIL_VERSION = \"2.5\";\n"
      "#include <tandem.oil>\n"        // no inc/tandem.oil: the copy built into oilc
      "#include \"parts/impl.oil\"\n"  // relative to app/
      "CPU cpu {\n"
      "  OS os;\n"
      "#include <tasks.oil>\n"  // from -I inc
      "};\n";
  f.files["app/parts/impl.oil"] = "#include \"more.oil\"\n";  // relative to app/parts/
  f.files["app/parts/more.oil"] =
      "IMPLEMENTATION Extra { TASK { UINT32 [1..255] ACTIVATION = 2; }; };\n";
  f.files["inc/tasks.oil"] = "TASK T { PRIORITY = 3; SCHEDULE = FULL; };\n";
  const CompileResult r = f.Compile("app/main.oil");
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  ASSERT_EQ(r.model.tasks.size(), 1u);
  EXPECT_EQ(r.model.tasks[0].activation, 2u);
}

TEST(Include, ErrorsInIncludedFilesCarryThatFilesLocation) {
  Files f;
  f.files["main.oil"] = "OIL_VERSION = \"2.5\";\nCPU cpu {\n  OS os;\n#include \"t.oil\"\n};\n";
  f.files["t.oil"] = "\n  TASK T { PRIORITY = 1; ACTIVATION = 1; SCHEDULE = SOMETIMES; };\n";
  const CompileResult r = f.Compile("main.oil");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(Diagnostics::Format(r.diagnostics.all()[0]),
            "t.oil:2:53: error: 'SOMETIMES' is not a valid value for SCHEDULE of TASK T, "
            "expected NON or FULL");
}

TEST(ReadyQueues, CapacityIsOwnActivationsPlusOneSlotPerLowerTask) {
  const CompileResult r = Good(
      "  TASK A { PRIORITY = 1; ACTIVATION = 3; SCHEDULE = FULL; };\n"
      "  TASK B { PRIORITY = 1; ACTIVATION = 2; SCHEDULE = FULL; };\n"
      "  ISR I { CATEGORY = 2; SOURCE = 1; PRIORITY = 2; };\n"
      "  TASK C { PRIORITY = 2; ACTIVATION = 4; SCHEDULE = NON; };\n"
      "  TASK D { PRIORITY = 7; ACTIVATION = 1; SCHEDULE = FULL; };\n");
  const Model& m = r.model;
  // Levels: A,B 1; I 2; C 3; D 4.
  ASSERT_EQ(m.ready_queues.size(), 5u);
  const int expected_capacity[] = {0, 5, 2, 4 + 2, 1 + 3};
  int offset = 0;
  for (int level = 0; level < 5; ++level) {
    EXPECT_EQ(m.ready_queues[static_cast<size_t>(level)].capacity, expected_capacity[level])
        << "level " << level;
    EXPECT_EQ(m.ready_queues[static_cast<size_t>(level)].offset, offset) << "level " << level;
    offset += expected_capacity[level];
  }
  EXPECT_EQ(m.ready_storage_size, 17);
  EXPECT_NE(r.output.source.find("TaskType oilc_ready_storage[17];"), std::string::npos);
}

TEST(Warnings, UnknownVendorAttributesAreWarnedAboutAndIgnored) {
  Files f;
  f.files["app.oil"] =
      "CPU cpu {\n"
      "  OS os { FANCYMODE = TRUE; };\n"
      "  TASK T { PRIORITY = 1; ACTIVATION = 1; SCHEDULE = FULL; CORE = 2;\n"
      "           AUTOSTART = TRUE { APPMODE = OSDEFAULTAPPMODE; DELAY = 5; }; };\n"
      "};\n";
  const CompileResult r = f.Compile();
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  EXPECT_EQ(AllDiagnostics(r),
            "app.oil:1:1: warning: no OIL_VERSION; assuming \"2.5\"\n"
            "app.oil:2:11: warning: unknown attribute FANCYMODE in OS os (not in the "
            "implementation part), ignored\n"
            "app.oil:3:59: warning: unknown attribute CORE in TASK T (not in the implementation "
            "part), ignored\n"
            "app.oil:4:59: warning: unknown attribute DELAY in AUTOSTART = TRUE of TASK T (not "
            "in the implementation part), ignored\n");
  EXPECT_EQ(r.model.tasks[0].autostart_bits, 1u);
}

TEST(Warnings, UnusedResourcesAndUnownedEvents) {
  Files f;
  f.files["app.oil"] =
      "OIL_VERSION = \"2.5\";\n"
      "CPU cpu { OS os;\n"
      "  TASK T { PRIORITY = 1; ACTIVATION = 1; SCHEDULE = FULL; };\n"
      "  RESOURCE Idle;\n"
      "  EVENT Lonely;\n"
      "  NM net;\n"
      "};\n";
  const CompileResult r = f.Compile();
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  EXPECT_EQ(AllDiagnostics(r),
            "app.oil:6:3: warning: NM net: OSEK COM/NM objects are not supported by Tandem RT, "
            "ignored\n"
            "app.oil:5:9: warning: EVENT Lonely is not owned by any TASK\n"
            "app.oil:4:12: warning: RESOURCE Idle is not used by any TASK or ISR\n");
}

TEST(AppModes, AutostartBitsAndDefaultMode) {
  const CompileResult r =
      Good(std::string() +
           "  APPMODE Normal;\n  APPMODE Service;\n"
           "  TASK A { PRIORITY = 1; " +
           kTask +
           " AUTOSTART = TRUE { APPMODE = Service; "
           "APPMODE = OSDEFAULTAPPMODE; }; };\n"
           "  TASK B { PRIORITY = 1; " +
           kTask +
           " AUTOSTART = TRUE; };\n"
           "  TASK C { PRIORITY = 1; " +
           kTask +
           " AUTOSTART = FALSE; };\n"
           "  COUNTER K { MAXALLOWEDVALUE = 50; TICKSPERBASE = 1; MINCYCLE = 2; };\n"
           "  ALARM Al { COUNTER = K; ACTION = ACTIVATETASK { TASK = C; };\n"
           "    AUTOSTART = TRUE { ALARMTIME = 50; CYCLETIME = 2; APPMODE = Normal; TYPE = "
           "ABSOLUTE; }; };\n");
  const Model& m = r.model;
  EXPECT_EQ(m.app_modes.size(), 3u);
  EXPECT_EQ(TaskNamed(m, "A").autostart_bits, 0b101u);
  EXPECT_EQ(TaskNamed(m, "B").autostart_bits, 0b001u);  // no APPMODE: OSDEFAULTAPPMODE
  EXPECT_EQ(TaskNamed(m, "C").autostart_bits, 0u);
  EXPECT_EQ(m.alarms[0].autostart_bits, 0b010u);
  EXPECT_EQ(m.alarms[0].alarm_time, 50u);
  EXPECT_EQ(m.alarms[0].cycle_time, 2u);
  EXPECT_TRUE(m.alarms[0].absolute);
  EXPECT_NE(r.output.header.find("#define Service ((AppModeType)2)"), std::string::npos);
  EXPECT_EQ(r.output.header.find("#define OSDEFAULTAPPMODE"), std::string::npos);
}

TEST(AppModes, DeclaringOsDefaultAppModeKeepsItAtZero) {
  const CompileResult r =
      Good(std::string() +
           "  APPMODE First;\n  APPMODE OSDEFAULTAPPMODE {};\n  APPMODE Second;\n"
           "  TASK A { PRIORITY = 1; " +
           kTask +
           " AUTOSTART = TRUE { APPMODE = OSDEFAULTAPPMODE; "
           "APPMODE = Second; }; };\n");
  ASSERT_EQ(r.model.app_modes.size(), 3u);
  EXPECT_EQ(r.model.app_modes[0].name, "OSDEFAULTAPPMODE");
  EXPECT_EQ(TaskNamed(r.model, "A").autostart_bits, 0b101u);
  EXPECT_NE(r.output.header.find("#define First ((AppModeType)1)"), std::string::npos);
  EXPECT_NE(r.output.header.find("#define Second ((AppModeType)2)"), std::string::npos);
  EXPECT_EQ(r.output.header.find("#define OSDEFAULTAPPMODE"), std::string::npos);
  EXPECT_NE(r.output.source.find("/*app_mode_count=*/3,"), std::string::npos);
  EXPECT_EQ(AllDiagnostics(r), "");
}

// Issue 10 item 5: OIL written for other OSEK kernels declares its modes, none named
// OSDEFAULTAPPMODE, and calls StartOS(OSDEFAULTAPPMODE): the first declared mode is that one.
TEST(AppModes, FirstDeclaredModeIsTheDefaultWhenTheFileNeverNamesIt) {
  const CompileResult r =
      Good(std::string() + "  APPMODE Normal;\n  APPMODE Service;\n" + "  TASK A { PRIORITY = 1; " +
           kTask + " AUTOSTART = TRUE { APPMODE = Normal; }; };\n" + "  TASK B { PRIORITY = 1; " +
           kTask + " AUTOSTART = TRUE; };\n" + "  TASK C { PRIORITY = 1; " + kTask +
           " AUTOSTART = TRUE { APPMODE = Service; }; };\n");
  const Model& m = r.model;
  ASSERT_EQ(m.app_modes.size(), 2u);
  EXPECT_EQ(TaskNamed(m, "A").autostart_bits, 0b01u);
  EXPECT_EQ(TaskNamed(m, "B").autostart_bits, 0b01u);  // no APPMODE: OSDEFAULTAPPMODE = Normal
  EXPECT_EQ(TaskNamed(m, "C").autostart_bits, 0b10u);
  EXPECT_NE(r.output.header.find("#define Normal ((AppModeType)0)\n"), std::string::npos);
  EXPECT_NE(r.output.header.find("#define Service ((AppModeType)1)\n"), std::string::npos);
  EXPECT_NE(r.output.source.find("/*app_mode_count=*/2,"), std::string::npos);
  EXPECT_EQ(AllDiagnostics(r),
            "app.oil:4:11: note: APPMODE Normal is OSDEFAULTAPPMODE, the mode "
            "StartOS(OSDEFAULTAPPMODE) starts: no APPMODE is named OSDEFAULTAPPMODE, so the "
            "first one declared is the default (as in other OSEK implementations)\n");
}

TEST(AppModes, TheDefaultModeNamedStdIsAMacroInCOnly) {
  // `APPMODE std` is the common form; a macro std would hide namespace std in C++ code, which
  // names the mode OSDEFAULTAPPMODE instead.
  const CompileResult r =
      Good(std::string() + "  APPMODE std { };\n" + "  TASK A { PRIORITY = 1; " + kTask +
           " AUTOSTART = TRUE { APPMODE = std; }; };\n");
  EXPECT_EQ(TaskNamed(r.model, "A").autostart_bits, 0b1u);
  EXPECT_NE(r.output.header.find("#ifndef __cplusplus\n#define std ((AppModeType)0)\n#endif\n"),
            std::string::npos)
      << r.output.header;
  EXPECT_NE(AllDiagnostics(r).find(
                "app.oil:4:11: note: APPMODE std is OSDEFAULTAPPMODE, the mode "
                "StartOS(OSDEFAULTAPPMODE) starts: no APPMODE is named OSDEFAULTAPPMODE, so the "
                "first one declared is the default (as in other OSEK implementations); C++ code "
                "names it OSDEFAULTAPPMODE (a macro std would hide namespace std)\n"),
            std::string::npos)
      << AllDiagnostics(r);
}

TEST(AppModes, AnyOtherObjectNamedStdIsWarnedAbout) {
  // C++ code cannot name it at all; C code can.
  const CompileResult r = Good(std::string() + "  TASK std { PRIORITY = 1; " + kTask + " };\n");
  EXPECT_NE(r.output.header.find("#ifndef __cplusplus\n#define std ((TaskType)0)\n#endif\n"),
            std::string::npos)
      << r.output.header;
  EXPECT_EQ(AllDiagnostics(r),
            "app.oil:4:8: warning: TASK std has no identifier in C++ code (a macro std would hide "
            "namespace std); C code names it std\n");
}

TEST(AppModes, ANamedButUndeclaredDefaultModeStaysAModeOfItsOwn) {
  // The file names OSDEFAULTAPPMODE besides its declared modes: its author means a mode of its
  // own (mode 0), and oilc says so.
  const CompileResult r =
      Good(std::string() + "  APPMODE Normal;\n" + "  TASK A { PRIORITY = 1; " + kTask +
           " AUTOSTART = TRUE { APPMODE = OSDEFAULTAPPMODE; }; };\n"
           "  TASK B { PRIORITY = 1; " +
           kTask + " AUTOSTART = TRUE { APPMODE = Normal; }; };\n");
  ASSERT_EQ(r.model.app_modes.size(), 2u);
  EXPECT_EQ(TaskNamed(r.model, "A").autostart_bits, 0b01u);
  EXPECT_EQ(TaskNamed(r.model, "B").autostart_bits, 0b10u);
  EXPECT_NE(r.output.header.find("#define Normal ((AppModeType)1)\n"), std::string::npos);
  EXPECT_EQ(AllDiagnostics(r),
            "app.oil:5:88: note: OSDEFAULTAPPMODE is named but not declared: it is a mode of "
            "its own (mode 0), not the first declared APPMODE Normal\n");
}

TEST(Resources, DeclaringResSchedulerKeepsItAtZero) {
  const CompileResult r = Good(std::string() +
                               "  RESOURCE R;\n  RESOURCE RES_SCHEDULER;\n"
                               "  TASK A { PRIORITY = 4; " +
                               kTask + " RESOURCE = RES_SCHEDULER; RESOURCE = R; };\n");
  ASSERT_EQ(r.model.resources.size(), 2u);
  EXPECT_EQ(r.model.resources[0].name, "RES_SCHEDULER");
  EXPECT_EQ(r.model.resources[1].name, "R");
  EXPECT_EQ(TaskNamed(r.model, "A").resource_bits, 0b11u);
}

TEST(Syntax, CommentsDescriptionsAndNumberForms) {
  Files f;
  f.files["app.oil"] =
      "OIL_VERSION = \"2.5\" : \"a description\";\n"
      "/* block\n   comment */ CPU cpu { // line comment\n"
      "  OS os { STATUS = EXTENDED : \"why\"; } : \"the OS\";\n"
      "  TASK T { PRIORITY = 0x0A; ACTIVATION = 010; SCHEDULE = FULL; } : \"hex and octal\";\n"
      "  COUNTER K { MAXALLOWEDVALUE = 0xFFFFFFFF; TICKSPERBASE = 1; MINCYCLE = 0; };\n"
      "} : \"the cpu\";\n";
  const CompileResult r = f.Compile();
  ASSERT_TRUE(r.ok) << AllDiagnostics(r);
  EXPECT_EQ(r.model.tasks[0].priority, 10u);
  EXPECT_EQ(r.model.tasks[0].activation, 8u);
  EXPECT_EQ(r.model.counters[0].max_allowed_value, 0xFFFFFFFFu);
  EXPECT_NE(r.output.header.find("#define OSMAXALLOWEDVALUE_K ((TickType)4294967295u)"),
            std::string::npos);
}

TEST(Errors, SemanticErrorsAreAllReported) {
  Files f;
  f.files["app.oil"] =
      "CPU cpu { OS os;\n"
      "  TASK T { PRIORITY = 1; ACTIVATION = 1; SCHEDULE = FULL; EVENT = E1; RESOURCE = R1; };\n"
      "  ISR I { CATEGORY = 2; };\n"
      "};\n";
  const CompileResult r = f.Compile();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.diagnostics.error_count(), 3) << AllDiagnostics(r);
}

TEST(Errors, AnIncompleteCounterDoesNotCascadeIntoItsAlarms) {
  Files f;
  f.files["app.oil"] =
      "OIL_VERSION = \"2.5\";\n"
      "CPU cpu { OS os;\n"
      "  TASK T { PRIORITY = 1; ACTIVATION = 1; SCHEDULE = FULL; };\n"
      "  COUNTER C { TICKSPERBASE = 1; MINCYCLE = 1; };\n"
      "  ALARM A { COUNTER = C; ACTION = ACTIVATETASK { TASK = T; };\n"
      "            AUTOSTART = TRUE { ALARMTIME = 5; CYCLETIME = 5; }; };\n"
      "};\n";
  const CompileResult r = f.Compile();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(AllDiagnostics(r),
            "app.oil:4:11: error: COUNTER C has no MAXALLOWEDVALUE, expected "
            "'MAXALLOWEDVALUE = <ticks>;' in COUNTER C\n");
}

TEST(Generate, HeaderDefinesObjectsInDeclarationOrder) {
  const CompileResult r = Good(
      std::string() + "  TASK T1 { PRIORITY = 1; " + kTask +
      " };\n"
      "  TASK T2 { PRIORITY = 2; " +
      kTask +
      " };\n"
      "  ISR Rx { CATEGORY = 2; SOURCE = 9; };\n"
      "  COUNTER Soft { MAXALLOWEDVALUE = 10; TICKSPERBASE = 2; MINCYCLE = 1; };\n"
      "  ALARM Al { COUNTER = Soft; ACTION = ALARMCALLBACK { ALARMCALLBACKNAME = \"Beep\"; }; };\n"
      "  RESOURCE R;\n");
  const std::string& h = r.output.header;
  for (const char* line :
       {"#define T1 ((TaskType)0)\n", "#define T2 ((TaskType)1)\n",
        "#define RES_SCHEDULER ((ResourceType)0)\n", "#define R ((ResourceType)1)\n",
        "#define Rx ((ISRType)0)\n", "#define Soft ((CounterType)0)\n",
        "#define Al ((AlarmType)0)\n", "#define OSTICKSPERBASE_Soft ((TickType)2u)\n",
        "void FuncT1(void);\n", "void IsrFuncRx(void);\n", "void AlarmCallbackBeep(void);\n",
        "extern \"C\" {\n"}) {
    EXPECT_NE(h.find(line), std::string::npos) << line;
  }
  // No system counter: no OSTICKDURATION, and no table for absent objects.
  EXPECT_EQ(h.find("OSTICKDURATION"), std::string::npos);
  EXPECT_NE(r.output.source.find("/*system_counter=*/tandem::kNone"), std::string::npos);
  EXPECT_NE(r.output.source.find("/*resource_count=*/2"), std::string::npos);
}

TEST(Generate, ZeroObjectsGiveNullTables) {
  const CompileResult r = Good("");
  const std::string& s = r.output.source;
  for (const char* text :
       {"/*tasks=*/nullptr", "/*task_count=*/0", "/*isrs=*/nullptr", "/*alarms=*/nullptr",
        "/*counters=*/nullptr", "/*ready_storage=*/nullptr", "/*resources=*/oilc_resources"}) {
    EXPECT_NE(s.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(s.find("[0]"), std::string::npos);
}

}  // namespace
}  // namespace oilc
