// tandem-rt-demo: the Tandem RT demo application on arm64 under Xen.
//
// Control runs at 1 kHz (alarm on the system counter) and toggles a PL061 GPIO pin. A deadline
// miss is either
//   - an overrun: the alarm activates Control while the previous job is still ready or running
//     (ActivateTask fails with E_OS_LIMIT; counted in the ErrorHook), or
//   - a late finish: a job completes at or after the release of the next job, i.e. more than
//     one period after the nominal time of the tick that released it (the tick's compare value
//     on the virtual counter, so timer latency counts against the job).
// Periods the system timer skipped as lost time (the domain did not run, e.g. `xl pause`;
// docs/arm64-port.md "Lost time") release no job and are no misses: they are shown apart, as
// skipped.
// Background does a chunk of work every 10 ms at the lowest priority (bg = chunks done; 100 a
// second means it is not starved); in between the CPU idles.
// Status prints one line a second, and once, after 3 s, when the late ticks of the first 3 s fell
// (tandem::arm64::SystemLateTicks; docs/platform.md, "Guest time").
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "demo_config.h"
#include "gpio/pl061/pl061.h"
#include "io/mmio.h"
#include "os.h"
#include "tandem/apps/command_server/command_server.h"
#include "tandem/arm64/platform.h"
#include "tandem/format.h"
#include "tandem/histogram.h"
#include "tandem/names.h"

namespace {

using tandem::arm64::ConsolePrintf;
using tandem::drivers::GpioDirection;
using tandem::drivers::MmioIo;
using tandem::drivers::Pl061;

Pl061<MmioIo> g_gpio{MmioIo(demo::kGpioBase)};
bool g_gpio_mapped = false;  // main(): the domain was given the controller (xl iomem / dom0less)
bool g_gpio_ok = false;
volatile uint64_t g_control_runs = 0;
volatile uint64_t g_overruns = 0;
volatile uint64_t g_late_finishes = 0;
volatile uint64_t g_background_loops = 0;
volatile uint64_t g_background_sum = 0;
volatile bool g_pin = false;
// Control jobs during which the channel's interrupt ran: must stay 0, because the channel ISR
// ranks below Control on the one priority scale (command_server.oil), whatever Linux does.
volatile uint64_t g_control_preempted_by_channel = 0;
uint64_t g_period_counts = 0;          // counts per tick (1 ms)
uint64_t g_control_period_counts = 0;  // Control's period and deadline (set-period changes it)
unsigned g_seconds = 0;

// What `tandemctl stats` shows (kTaskStats over the command channel).
enum StatsIndex : uint32_t { kStatsControl, kStatsBackground, kStatsStatus, kStatsCount };
tandem::apps::TaskStatsEntry g_stats_entries[kStatsCount] = {
    {"Control"}, {"Background"}, {"Status"}};
tandem::apps::TaskStats g_stats(g_stats_entries, kStatsCount);

// Each job's execution time (its time on the CPU, preemption by other tasks excluded), from the
// PreTaskHook/PostTaskHook below: the measurement behind the WCETs in demo.oil (docs/oil.md,
// "The demo").
tandem::apps::ExecutionTimer::Slot g_execution_slots[kStatsCount];
tandem::apps::ExecutionTimer g_execution(g_execution_slots, kStatsCount);

// StatusPeriod's CYCLETIME in demo.oil: Status's release is this many ticks after the previous.
constexpr TickType kStatusCycleTicks = 1000;

// The stats index of an OSEK task, kStatsCount for the tasks without figures.
uint32_t StatsIndexOf(TaskType task) {
  if (task == Control) return kStatsControl;
  if (task == Background) return kStatsBackground;
  if (task == Status) return kStatsStatus;
  return kStatsCount;
}

// Rounded up: a worst case compared with an analysed bound must not be shortened by the unit.
uint64_t CountsToMicros(uint64_t counts) {
  const uint64_t freq = tandem::arm64::CounterFrequency();
  return freq == 0 ? 0 : (counts * 1000000 + freq - 1) / freq;
}

void EndJob(uint32_t task, uint64_t release) {
  const uint64_t now = tandem::arm64::CounterNow();
  g_stats.RecordExecution(task, CountsToMicros(g_execution.End(task, now)));
  g_stats.RecordResponse(task, CountsToMicros(now - release));
}

// Each Control job's release delay (its start after its tick's deadline: Xen's delivery of the
// timer interrupt, the tick, the dispatch) and response time (its end after that deadline), in
// 1 us bins up to 100 us: printed once a second by Status ("tandem-rt: hist ..."), cleared with
// the task's figures (`tandemctl stats --reset`). For bench/eval's P3.
constexpr size_t kHistogramBins = 101;
tandem::Histogram<kHistogramBins> g_release_us;
tandem::Histogram<kHistogramBins> g_response_us;
uint64_t g_histogram_resets = 0;

uint64_t CountsToMicrosExact(uint64_t counts) {
  const uint64_t freq = tandem::arm64::CounterFrequency();
  return freq == 0 ? 0 : counts * 1000000 / freq;
}

void RecordJob(uint64_t release_delay, uint64_t response) {
  const uint64_t resets = g_stats.resets(kStatsControl);
  if (resets != g_histogram_resets) {
    g_histogram_resets = resets;
    g_release_us.Reset();
    g_response_us.Reset();
  }
  g_release_us.Record(CountsToMicrosExact(release_delay));
  g_response_us.Record(CountsToMicrosExact(response));
}

// Appends to a line buffer; what does not fit is cut off (the buffer stays terminated).
template <size_t kSize>
void Append(char (&line)[kSize], size_t& len, const char* format, ...)
    __attribute__((format(printf, 3, 4)));
template <size_t kSize>
void Append(char (&line)[kSize], size_t& len, const char* format, ...) {
  if (len + 1 >= kSize) return;
  va_list args;
  va_start(args, format);
  len += tandem::FormatV(line + len, kSize - len, format, args);  // what it wrote: len < kSize
  va_end(args);
}

// "tandem-rt: hist t=S NAME n=N max=M:" then " bin:count" for every non-empty bin, continued on
// "tandem-rt: hist t=S NAME+" lines (Xen's console splits lines over ~128 characters).
void PrintHistogram(const char* name, const tandem::Histogram<kHistogramBins>& h) {
  char line[100] = "";
  size_t len = 0;
  Append(line, len, " n=%lu max=%lu:", static_cast<unsigned long>(h.count()),
         static_cast<unsigned long>(h.max()));
  bool first = true;
  for (size_t i = 0; i < kHistogramBins; ++i) {
    if (h.bin(i) == 0) continue;
    if (len > 80) {
      ConsolePrintf("tandem-rt: hist t=%u %s%s%s\n", g_seconds, name, first ? "" : "+", line);
      first = false;
      len = 0;
      line[0] = '\0';
    }
    Append(line, len, " %lu:%lu", static_cast<unsigned long>(i),
           static_cast<unsigned long>(h.bin(i)));
  }
  ConsolePrintf("tandem-rt: hist t=%u %s%s%s\n", g_seconds, name, first ? "" : "+", line);
}

// The late-tick record, printed once: per 100 ms slot since the tick started "late/worst_us"
// (late = at least 100 us), ten slots a line, then the worst ticks at their deadline on the
// physical counter, which Xen's NOW() and console time stamps also count (in ms since reset).
void PrintLateTicks() {
  const tandem::arm64::LateTicks rec = tandem::arm64::SystemLateTicks();
  const uint64_t per_us = tandem::arm64::CounterFrequency() / 1000000;
  if (per_us == 0) return;
  constexpr unsigned kPerLine = 10;
  for (unsigned first = 0; first < rec.kSlotCount; first += kPerLine) {
    char line[100] = "";
    size_t len = 0;
    for (unsigned i = first; i < first + kPerLine && i < rec.kSlotCount; ++i) {
      Append(line, len, " %u/%lu", rec.slot(i).late,
             static_cast<unsigned long>(rec.slot(i).max_latency / per_us));
    }
    ConsolePrintf("tandem-rt: late ticks %u.%u-%u.%us:%s\n", first / 10, first % 10,
                  (first + kPerLine) / 10, (first + kPerLine) % 10, line);
  }
  // CNTVOFF_EL2 (virtual = physical - offset) is fixed for the domain's life.
  const uint64_t offset = tandem::arm64::PhysicalCounterNow() - tandem::arm64::CounterNow();
  for (unsigned first = 0; first < rec.worst_count(); first += 4) {
    char line[100] = "";
    size_t len = 0;
    for (unsigned i = first; i < first + 4 && i < rec.worst_count(); ++i) {
      const uint64_t at_us = (rec.worst(i).deadline + offset) / per_us;
      Append(line, len, " %lu.%03lums+%luus", static_cast<unsigned long>(at_us / 1000),
             static_cast<unsigned long>(at_us % 1000),
             static_cast<unsigned long>(rec.worst(i).latency / per_us));
    }
    ConsolePrintf("tandem-rt: worst ticks (due at +late):%s\n", line);
  }
}

// The pins Linux may drive over the command channel (pin 0 is the control task's). The QEMU
// platform's description lists the same pins (platform/tandem-qemu.conf, [gpio] exported_pins).
constexpr tandem::apps::GpioExports kLinuxPins{0b0000'1110};

// The demo's application commands and events (docs/app-commands.md, docs/events.md).
namespace app {
using tandem::channel::AppCommandSpec;
using tandem::channel::AppEventSpec;
using tandem::channel::CommandHandler;
using tandem::channel::Request;
using tandem::channel::Response;
using tandem::channel::WireStatus;

constexpr uint16_t kPeriodChanged = 16;
constexpr uint16_t kTestEvent = 17;
constexpr AppEventSpec kEvents[] = {
    {kPeriodChanged, "period-changed", "old-ms new-ms"},
    {kTestEvent, "test-event", "seq"},
};

// The control period in ms (1..kMaxPeriodMs; oilc analysed 1 ms, the shortest: a longer period
// only lightens the load). Written by the ChannelServer task, read by Control.
constexpr uint32_t kMaxPeriodMs = 10;
uint32_t g_period_ms = 1;

class SetPeriod final : public CommandHandler {
 public:
  WireStatus Handle(const Request& r, Response& rsp) override {
    const uint32_t old_ms = __atomic_load_n(&g_period_ms, __ATOMIC_RELAXED);
    const uint32_t new_ms = r.arg[0];  // within 1..kMaxPeriodMs: the channel checked the spec
    rsp.result[0] = old_ms;
    if (new_ms == old_ms) return WireStatus::kOk;
    // Control (priority 10) may run between these calls; a job released on the old period and
    // checked against the new, longer one is judged leniently once, never falsely missed.
    (void)CancelAlarm(ControlPeriod);
    __atomic_store_n(&g_control_period_counts, tandem::arm64::CounterFrequency() / 1000 * new_ms,
                     __ATOMIC_RELAXED);
    __atomic_store_n(&g_period_ms, new_ms, __ATOMIC_RELAXED);
    if (SetRelAlarm(ControlPeriod, new_ms, new_ms) != E_OK) return WireStatus::kInternal;
    const uint32_t fields[2] = {old_ms, new_ms};
    (void)tandem::apps::PostEvent(kPeriodChanged, kStatsControl, fields, sizeof(fields));
    return WireStatus::kOk;
  }
};

// Test-only (TANDEM_DEMO_TEST_COMMANDS): the first Control job that starts `delay-ms` from now
// spins `spin-us`, so a spin above the period makes it miss its deadline on purpose (and post
// the deadline-miss event). The delay lets a client that holds the channel meanwhile (a
// watcher) be the one connected when it happens.
uint32_t g_burn_us = 0;
uint64_t g_burn_at = 0;  // counter value
class TestOverrun final : public CommandHandler {
 public:
  WireStatus Handle(const Request& r, Response&) override {
    __atomic_store_n(
        &g_burn_at,
        tandem::arm64::CounterNow() + tandem::arm64::CounterFrequency() / 1000 * uint64_t{r.arg[1]},
        __ATOMIC_RELAXED);
    __atomic_store_n(&g_burn_us, r.arg[0], __ATOMIC_RELEASE);
    return WireStatus::kOk;
  }
};

// Test-only: Background posts this many test-event events, as fast as the ring takes them
// (a full ring ends its turn; the drop is counted and it goes on 10 ms later).
uint32_t g_events_left = 0;
uint32_t g_events_seq = 0;
class TestEvents final : public CommandHandler {
 public:
  WireStatus Handle(const Request& r, Response&) override {
    __atomic_store_n(&g_events_left, r.arg[0], __ATOMIC_RELAXED);
    return WireStatus::kOk;
  }
};

SetPeriod g_set_period;
TestOverrun g_test_overrun;
TestEvents g_test_events;
constexpr AppCommandSpec kSetPeriodSpec = {0x8000,
                                           "set-period",
                                           1,
                                           1,
                                           {1, 0, 0, 0},
                                           {kMaxPeriodMs, 0, 0, 0},
                                           0,
                                           "control task period in ms",
                                           "period-ms"};
constexpr AppCommandSpec kTestOverrunSpec = {0x8001,
                                             "test-overrun",
                                             2,
                                             0,
                                             {1, 0, 0, 0},
                                             {100000, 60000, 0, 0},
                                             0,
                                             "test: a Control job spins",
                                             "spin-us delay-ms"};
constexpr AppCommandSpec kTestEventsSpec = {
    0x8002,       "test-events",      1, 0,
    {1, 0, 0, 0}, {1000000, 0, 0, 0}, 0, "test: post test-event events",
    "count"};
constexpr tandem::apps::AppCommand kCommands[] = {
    {&kSetPeriodSpec, &g_set_period},
#if TANDEM_DEMO_TEST_COMMANDS
    {&kTestOverrunSpec, &g_test_overrun},
    {&kTestEventsSpec, &g_test_events},
#endif
};

void BurnIfAsked() {
  if (__atomic_load_n(&g_burn_us, __ATOMIC_ACQUIRE) == 0 ||
      tandem::arm64::CounterNow() < __atomic_load_n(&g_burn_at, __ATOMIC_RELAXED)) {
    return;
  }
  const uint32_t us = __atomic_exchange_n(&g_burn_us, 0, __ATOMIC_RELAXED);
  if (us == 0) return;
  // 64-bit product: the frequency is a uint32_t, and 62.5 MHz x 4,500 us overflows 32 bits.
  const uint64_t until =
      tandem::arm64::CounterNow() + uint64_t{tandem::arm64::CounterFrequency()} * us / 1000000;
  while (tandem::arm64::CounterNow() < until) {
  }
}

void PostTestEvents() {
  uint32_t left = __atomic_load_n(&g_events_left, __ATOMIC_RELAXED);
  while (left != 0) {
    const uint32_t seq = g_events_seq++;
    const auto s = tandem::apps::PostEvent(kTestEvent, 0, &seq, sizeof(seq));
    --left;
    if (s == tandem::channel::PostStatus::kDropped ||
        s == tandem::channel::PostStatus::kNotSubscribed) {
      break;
    }
  }
  // A set-events command meanwhile wins: it is the newer wish.
  uint32_t expected = __atomic_load_n(&g_events_left, __ATOMIC_RELAXED);
  (void)__atomic_compare_exchange_n(&g_events_left, &expected, left, false, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED);
}
}  // namespace app

}  // namespace

TASK(FirstTask) {
  ConsolePrintf("tandem-rt: first task running\n");
  ConsolePrintf("tandem-rt: milestone first-task %lu us\n",
                static_cast<unsigned long>(tandem::arm64::MicrosSincePowerOn()));
  g_period_counts = tandem::arm64::CounterFrequency() / 1000;
  g_control_period_counts = g_period_counts;
  if (demo::kGpioBase != 0 && !g_gpio_mapped) {
    ConsolePrintf(
        "tandem-rt: PL061 at 0x%lx not mapped (no iomem/passthrough): running without the pin\n",
        static_cast<unsigned long>(demo::kGpioBase));
  } else if (demo::kGpioBase != 0) {
    auto probe = g_gpio.Probe();
    // The pins exported to Linux start as low outputs, so `tandemctl gpio set` drives them
    // right away (a PL061 ignores data writes to input pins).
    for (unsigned pin = 0; probe.ok() && pin < 8; ++pin) {
      if (kLinuxPins.Allows(pin)) {
        (void)g_gpio.Set(pin, false);
        (void)g_gpio.SetDirection(pin, GpioDirection::kOutput);
      }
    }
    if (probe.ok() && g_gpio.SetDirection(demo::kGpioPin, GpioDirection::kOutput).ok()) {
      g_gpio_ok = true;
      ConsolePrintf("tandem-rt: PL061 at 0x%lx, toggling pin %u at 1 kHz\n",
                    static_cast<unsigned long>(demo::kGpioBase), demo::kGpioPin);
    } else {
      ConsolePrintf("tandem-rt: no PL061 at 0x%lx (%s): running without the pin\n",
                    static_cast<unsigned long>(demo::kGpioBase),
                    probe.ok() ? "bad pin" : tandem::drivers::GpioErrorName(probe.error()));
    }
  }
  // The control loop starts now that its pin is ready: this task ranks above the tick, so
  // releases during the set-up above (console lines trap to Xen) would be late from the start.
  const StatusType started = SetRelAlarm(ControlPeriod, 1, 1);
  if (started != E_OK) {
    ConsolePrintf("tandem-rt: cannot start the control alarm: %s\n", tandem::StatusName(started));
  }
  TerminateTask();
}

TASK(Control) {
  const uint64_t start = tandem::arm64::CounterNow();
  g_execution.Begin(kStatsControl, start);
  const uint64_t release = tandem::arm64::LastTickCounter();
  const uint64_t channel_irqs = tandem::apps::CommandServerFrontend().counters().interrupts;
  const uint64_t period = __atomic_load_n(&g_control_period_counts, __ATOMIC_RELAXED);
  app::BurnIfAsked();
  if (g_gpio_ok) {
    auto v = g_gpio.Toggle(demo::kGpioPin);
    if (v.ok()) g_pin = v.value();
  } else {
    g_pin = !g_pin;
  }
  g_control_runs = g_control_runs + 1;
  g_stats.RecordActivation(kStatsControl);
  if (tandem::apps::CommandServerFrontend().counters().interrupts != channel_irqs) {
    g_control_preempted_by_channel = g_control_preempted_by_channel + 1;
  }
  const uint64_t done = tandem::arm64::CounterNow();
  RecordJob(start - release, done - release);
  if (done >= release + period) {
    g_late_finishes = g_late_finishes + 1;
    g_stats.RecordMiss(kStatsControl, CountsToMicros(done - release), CountsToMicros(period));
  }
  EndJob(kStatsControl, release);
  TerminateTask();
}

// Status's release: the tick whose alarm expiry activated it. Control (above it) and ticks may
// have run since, so it is found from the alarm: the ticks still to go of its cycle say how many
// passed since the release. Read until no tick came in between (no interrupt masking: that
// would delay Control).
uint64_t StatusRelease() {
  for (;;) {
    const uint64_t tick = tandem::arm64::LastTickCounter();
    TickType left = 0;
    if (GetAlarm(StatusPeriod, &left) != E_OK || left > kStatusCycleTicks) return tick;
    if (tandem::arm64::LastTickCounter() == tick) {
      return tick - (kStatusCycleTicks - left) * g_period_counts;
    }
  }
}

TASK(Status) {
  g_execution.Begin(kStatsStatus, tandem::arm64::CounterNow());
  const uint64_t release = StatusRelease();
  g_stats.RecordActivation(kStatsStatus);
  ++g_seconds;
  const uint64_t misses = g_overruns + g_late_finishes;
  const tandem::arm64::TickStats ticks = tandem::arm64::SystemTickStats();
  const uint64_t per_us = tandem::arm64::CounterFrequency() / 1000000;
  // Kept under ~128 characters: Xen's console splits longer guest lines.
  ConsolePrintf(
      "tandem-rt: t=%us ctrl=%lu misses=%lu bg=%lu pin=%u over=%lu late=%lu tick_late=%lu "
      "tick_max_us=%lu skipped=%lu\n",
      g_seconds, static_cast<unsigned long>(g_control_runs), static_cast<unsigned long>(misses),
      static_cast<unsigned long>(g_background_loops), g_pin ? 1u : 0u,
      static_cast<unsigned long>(g_overruns), static_cast<unsigned long>(g_late_finishes),
      static_cast<unsigned long>(ticks.ticks_late),
      static_cast<unsigned long>(per_us == 0 ? 0 : ticks.max_latency / per_us),
      static_cast<unsigned long>(ticks.periods_skipped));
  const tandem::channel::FrontendCounters& ch = tandem::apps::CommandServerFrontend().counters();
  // bare: wake-ups by dom0 notifications that brought nothing; throttled: throttle periods
  // (docs/rtos-channel.md, "Bare notifications").
  ConsolePrintf(
      "tandem-rt: channel irq=%lu batches=%lu requests=%lu max_batch=%lu ctrl_preempted=%lu "
      "bare=%lu throttled=%lu\n",
      static_cast<unsigned long>(ch.interrupts), static_cast<unsigned long>(ch.batches),
      static_cast<unsigned long>(ch.requests), static_cast<unsigned long>(ch.max_batch),
      static_cast<unsigned long>(g_control_preempted_by_channel),
      static_cast<unsigned long>(ch.bare_wakeups), static_cast<unsigned long>(ch.throttle_periods));
  PrintHistogram("release", g_release_us);
  PrintHistogram("response", g_response_us);
  if (g_seconds == 3) PrintLateTicks();
  if (g_seconds % 10 == 0) {
    const uint64_t* h = ticks.latency_histogram;
    ConsolePrintf("tandem-rt: tick latency <10us=%lu <100us=%lu <1ms=%lu >=1ms=%lu\n",
                  static_cast<unsigned long>(h[0]), static_cast<unsigned long>(h[1]),
                  static_cast<unsigned long>(h[2]), static_cast<unsigned long>(h[3]));
  }
  EndJob(kStatsStatus, release);
  if (demo::kRunSeconds != 0 && g_seconds >= demo::kRunSeconds) ShutdownOS(E_OK);
  TerminateTask();
}

TASK(Background) {
  g_execution.Begin(kStatsBackground, tandem::arm64::CounterNow());
  // A fixed chunk of work (a checksum over the loop counter); bg counts completed chunks, so
  // at 100 per second the background work is not starved.
  uint64_t sum = 0;
  for (uint32_t i = 0; i < demo::kBackgroundChunk; ++i) {
    sum = sum * 31 + i;
    asm volatile("" : "+r"(sum));
  }
  g_background_sum = sum;
  app::PostTestEvents();
  g_stats.RecordActivation(kStatsBackground);
  g_background_loops = g_background_loops + 1;
  // Its execution time only: below the channel its response depends on dom0 (demo.oil), and
  // its release tick is not known here (the channel may delay its start by several ticks).
  g_stats.RecordExecution(kStatsBackground, CountsToMicros(g_execution.End(
                                                kStatsBackground, tandem::arm64::CounterNow())));
  TerminateTask();
}

// The execution-time hooks (OSEK OS 2.2.3 11.8.2): the kernel calls them around every task
// switch, so a task's job time excludes the tasks that preempted it.
extern "C" void PreTaskHook(void) {
  TaskType task = INVALID_TASK;
  if (GetTaskID(&task) != E_OK) return;
  const uint32_t index = StatsIndexOf(task);
  g_execution.Resume(index, tandem::arm64::CounterNow());
  if (index < kStatsCount) tandem::apps::PostTaskState(index, g_stats_entries[index].name, true);
}

extern "C" void PostTaskHook(void) {
  TaskType task = INVALID_TASK;
  if (GetTaskID(&task) != E_OK) return;
  const uint32_t index = StatsIndexOf(task);
  g_execution.Suspend(index, tandem::arm64::CounterNow());
  if (index < kStatsCount) tandem::apps::PostTaskState(index, g_stats_entries[index].name, false);
}

extern "C" void ErrorHook(StatusType error) {
  if (error == E_OS_LIMIT && OSErrorGetServiceId() == OSServiceId_ActivateTask) {
    // An alarm found its task still pending: an overrun. Counted, never printed (under load
    // there can be many, and printing would make it worse).
    if (OSError_ActivateTask_TaskID() == Control) {
      g_overruns = g_overruns + 1;
      g_stats.RecordMissInHook(kStatsControl);
    } else if (OSError_ActivateTask_TaskID() == Background) {
      g_stats.RecordMissInHook(kStatsBackground);
    }
    return;
  }
  ConsolePrintf("tandem-rt: %s in %s\n", tandem::StatusName(error),
                tandem::ServiceName(OSErrorGetServiceId()));
}

extern "C" void ShutdownHook(StatusType error) {
  ConsolePrintf("tandem-rt: demo done after %us: ctrl=%lu misses=%lu skipped=%lu\n", g_seconds,
                static_cast<unsigned long>(g_control_runs),
                static_cast<unsigned long>(g_overruns + g_late_finishes),
                static_cast<unsigned long>(tandem::arm64::SystemTickStats().periods_skipped));
  (void)error;
}

int main() {
  g_gpio_mapped =
      demo::kGpioBase != 0 && tandem::arm64::MapAndProbeDevice("tandem-rt", demo::kGpioBase, 0x1000,
                                                               tandem::drivers::pl061::kPeriphId0);
  // The command channel. The rest of the system runs even if the channel cannot start (it says
  // why on the console).
  tandem::apps::CommandServerSetup setup;
  setup.gpio = g_gpio_mapped ? &g_gpio : nullptr;
  setup.exports = kLinuxPins;
  setup.stats = &g_stats;
  setup.commands = app::kCommands;
  setup.command_count = sizeof(app::kCommands) / sizeof(app::kCommands[0]);
  setup.events = app::kEvents;
  setup.event_count = sizeof(app::kEvents) / sizeof(app::kEvents[0]);
  // setup.store_mapper unset: the XenStore ring is found in Xen's magic region, which the port
  // maps Normal write-back (tandem::arm64::XenMagicFrame).
  (void)tandem::apps::StartCommandServer(setup);
  StartOS(OSDEFAULTAPPMODE);
  return 0;
}
