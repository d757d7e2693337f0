// What oilc generated for good/rich.oil, compiled and linked (without the kernel): the tables
// of tandem::kAppConfig hold the expected levels, ceilings, queues and entry points.
#include <gtest/gtest.h>

#include "good/rich_app.h"
#include "os.h"
#include "tandem/config.h"

namespace tandem {
extern const Config kAppConfig;
}  // namespace tandem

extern "C" {
TaskType RichServerId(void);
EventMaskType RichStopMask(void);
TickType RichSystemMax(void);
void (*RichServerEntry(void))(void);
}

namespace {

using tandem::kAppConfig;

// Levels on the one scale (docs/oil.md walks through this example):
//   1 Background(1)  2 Channel ISR(10)  3 Server, Logger(10)  4 system timer(15)
//   5 Control(20)    6 Gpio0 ISR(25)    7 Timer0 cat1 ISR(30)
TEST(GeneratedRich, Identifiers) {
  EXPECT_EQ(Background, 0);
  EXPECT_EQ(Server, 1);
  EXPECT_EQ(Logger, 2);
  EXPECT_EQ(Control, 3);
  EXPECT_EQ(RES_SCHEDULER, 0);
  EXPECT_EQ(Ring, 1);
  EXPECT_EQ(LogAlias, 3);
  EXPECT_EQ(Group, 5);
  EXPECT_EQ(Go, 0x1u);
  EXPECT_EQ(Stop, 0x80u);
  EXPECT_EQ(Request, 0x1u);
  EXPECT_EQ(Shutdown, 0x2u);
  EXPECT_EQ(Normal, 1);
  EXPECT_EQ(Maintenance, 2);
  EXPECT_EQ(OSDEFAULTAPPMODE, 0);
  EXPECT_EQ(Slow, 1);
  EXPECT_EQ(Beat, 3);
  EXPECT_EQ(Timer0, 0);  // declared in rich_objects.oil, included before Channel
  EXPECT_EQ(Gpio0, 2);
  EXPECT_EQ(OSMAXALLOWEDVALUE_Slow, 1000u);
  EXPECT_EQ(OSTICKSPERBASE_Slow, 10u);
  EXPECT_EQ(OSMINCYCLE_Slow, 2u);
  EXPECT_EQ(OSMAXALLOWEDVALUE, 0xFFFFu);
  EXPECT_EQ(OSTICKDURATION, 500000u);
  // The same through the C translation unit.
  EXPECT_EQ(RichServerId(), Server);
  EXPECT_EQ(RichStopMask(), Stop);
  EXPECT_EQ(RichSystemMax(), 0xFFFFu);
  EXPECT_EQ(RichServerEntry(), &FuncServer);
}

TEST(GeneratedRich, OsAndHooks) {
  EXPECT_STREQ(kAppConfig.name, "rich");
  EXPECT_TRUE(kAppConfig.extended_status);
  ASSERT_NE(kAppConfig.hooks.startup, nullptr);
  ASSERT_NE(kAppConfig.hooks.post_task, nullptr);
  kAppConfig.hooks.startup();
  kAppConfig.hooks.shutdown(E_OK);
  kAppConfig.hooks.error(E_OS_ID);
  kAppConfig.hooks.pre_task();
  kAppConfig.hooks.post_task();
  EXPECT_EQ(rich::g_ran[rich::kStartupHook], 1);
  EXPECT_EQ(rich::g_ran[rich::kShutdownHook], 1);
  EXPECT_EQ(rich::g_ran[rich::kErrorHook], 1);
  EXPECT_EQ(rich::g_ran[rich::kPreTaskHook], 1);
  EXPECT_EQ(rich::g_ran[rich::kPostTaskHook], 1);
  EXPECT_EQ(kAppConfig.app_mode_count, 3);
}

TEST(GeneratedRich, Tasks) {
  ASSERT_EQ(kAppConfig.task_count, 4);
  const tandem::TaskConfig* t = kAppConfig.tasks;
  EXPECT_STREQ(t[Background].name, "Background");
  EXPECT_EQ(t[Background].base_level, 1);
  EXPECT_EQ(t[Server].base_level, 3);
  EXPECT_EQ(t[Logger].base_level, 3);
  EXPECT_EQ(t[Control].base_level, 5);
  EXPECT_FALSE(t[Background].preemptive);
  EXPECT_TRUE(t[Server].preemptive);
  EXPECT_EQ(t[Background].max_activations, 4);
  EXPECT_EQ(t[Server].max_activations, 1);  // the application's IMPLEMENTATION default
  EXPECT_EQ(t[Logger].max_activations, 2);
  EXPECT_TRUE(t[Server].extended);
  EXPECT_FALSE(t[Logger].extended);
  EXPECT_EQ(t[Background].autostart_modes, (1u << OSDEFAULTAPPMODE) | (1u << Normal));
  EXPECT_EQ(t[Server].autostart_modes, 0u);
  EXPECT_EQ(t[Server].internal_ceiling, 5);  // Group: Server(3), Control(5)
  EXPECT_EQ(t[Control].internal_ceiling, 5);
  EXPECT_EQ(t[Logger].internal_ceiling, 0);
  EXPECT_EQ(t[Background].stack_size, 8192u);
  EXPECT_EQ(t[Server].stack_size, 16384u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t[Server].stack) % 16, 0u);
  EXPECT_NE(t[Server].stack, t[Logger].stack);
  EXPECT_NE(kAppConfig.task_controls, nullptr);
  t[Control].entry();
  EXPECT_EQ(rich::g_ran[rich::kControl], 1);
}

TEST(GeneratedRich, Isrs) {
  ASSERT_EQ(kAppConfig.isr_count, 3);
  const tandem::IsrConfig* i = kAppConfig.isrs;
  EXPECT_EQ(i[Timer0].category, tandem::IsrCategory::kOne);
  EXPECT_EQ(i[Timer0].level, 7);
  EXPECT_EQ(i[Timer0].source, 30u);
  EXPECT_EQ(i[Channel].category, tandem::IsrCategory::kTwo);
  EXPECT_EQ(i[Channel].level, 2);  // below Server: a notification never preempts it
  EXPECT_EQ(i[Channel].source, 48u);
  EXPECT_EQ(i[Gpio0].level, 6);
  i[Channel].entry();
  EXPECT_EQ(rich::g_ran[rich::kChannel], 1);
}

TEST(GeneratedRich, Resources) {
  ASSERT_EQ(kAppConfig.resource_count, 6);
  const tandem::ResourceConfig* r = kAppConfig.resources;
  EXPECT_STREQ(r[0].name, "RES_SCHEDULER");
  EXPECT_EQ(r[RES_SCHEDULER].ceiling, 5);  // the top task level
  EXPECT_EQ(r[Ring].ceiling, 3);           // Server(3), Channel(2)
  EXPECT_EQ(r[Log].ceiling, 3);            // Background(1), Logger(3) through LogAlias
  EXPECT_EQ(r[LogAlias].kind, tandem::ResourceKind::kLinked);
  EXPECT_EQ(r[LogAlias].linked, Log);
  EXPECT_EQ(r[LogAlias].ceiling, 3);
  EXPECT_EQ(r[Gpio].ceiling, 6);  // Control(5), Gpio0(6)
  EXPECT_EQ(r[Group].kind, tandem::ResourceKind::kInternal);
  EXPECT_EQ(r[Group].ceiling, 5);
  EXPECT_EQ(r[Ring].linked, tandem::kNone);
}

TEST(GeneratedRich, PrioritySpaceSummary) {
  EXPECT_EQ(kAppConfig.top_task_level, 5);
  EXPECT_EQ(kAppConfig.cat2_top_level, 6);
  EXPECT_EQ(kAppConfig.system_timer_level, 4);
  EXPECT_EQ(kAppConfig.system_counter, SystemCounter);
}

TEST(GeneratedRich, ReadyQueues) {
  // capacity(L) = activations based at L + tasks based below L.
  const uint16_t capacity[] = {0, 4, 1, 1 + 2 + 1, 3, 1 + 3};
  uint16_t offset = 0;
  for (int level = 0; level <= 5; ++level) {
    EXPECT_EQ(kAppConfig.ready_queues[level].capacity, capacity[level]) << level;
    EXPECT_EQ(kAppConfig.ready_queues[level].offset, offset) << level;
    offset = static_cast<uint16_t>(offset + capacity[level]);
  }
  EXPECT_NE(kAppConfig.ready_storage, nullptr);
}

TEST(GeneratedRich, CountersAndAlarms) {
  ASSERT_EQ(kAppConfig.counter_count, 2);
  EXPECT_EQ(kAppConfig.counters[SystemCounter].tick_duration_ns, 500000u);
  EXPECT_EQ(kAppConfig.counters[Slow].tick_duration_ns, 0u);
  EXPECT_EQ(kAppConfig.counters[Slow].ticks_per_base, 10u);
  ASSERT_EQ(kAppConfig.alarm_count, 4);
  const tandem::AlarmConfig* a = kAppConfig.alarms;
  EXPECT_EQ(a[Poll].action, tandem::AlarmAction::kSetEvent);
  EXPECT_EQ(a[Poll].task, Server);
  EXPECT_EQ(a[Poll].event, Request);
  EXPECT_EQ(a[Poll].autostart_modes, 1u << Normal);
  EXPECT_EQ(a[Poll].autostart_time, 10u);
  EXPECT_EQ(a[Poll].autostart_cycle, 10u);
  EXPECT_FALSE(a[Poll].autostart_absolute);
  EXPECT_EQ(a[Divide].action, tandem::AlarmAction::kIncrementCounter);
  EXPECT_EQ(a[Divide].counter_to_increment, Slow);
  EXPECT_TRUE(a[Divide].autostart_absolute);
  EXPECT_EQ(a[Divide].autostart_modes, (1u << Normal) | (1u << Maintenance));
  EXPECT_EQ(a[Flush].action, tandem::AlarmAction::kActivateTask);
  EXPECT_EQ(a[Flush].counter, Slow);
  EXPECT_EQ(a[Flush].task, Logger);
  EXPECT_EQ(a[Flush].autostart_modes, 0u);
  EXPECT_EQ(a[Beat].action, tandem::AlarmAction::kCallback);
  ASSERT_NE(a[Beat].callback, nullptr);
  a[Beat].callback();
  EXPECT_EQ(rich::g_ran[rich::kHeartbeat], 1);
}

}  // namespace
