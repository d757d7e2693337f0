// tandem-rt-watchdog: a second RTOS partition that watches the first one through the hardware.
//
// The demo partition (tandem-rt) toggles its control pin every millisecond. This partition, on
// a pCPU of its own, reads that pin every 3 ms through the PL061 both domains map: a live
// control loop shows a different level at every sample (an odd number of toggles between two
// samples); a level unchanged for kStallSamples samples in a row means the control loop
// stopped (the domain paused, crashed, or overran). It then drives its own "healthy" pin low,
// and high again once the pin moves. Nothing passes between the partitions but the pin: no
// shared memory, no hypercall, no dom0.
//
// The controller is shared, so this partition writes only its own pins: GPIODATA writes are
// masked by address (the PL061 changes only the pins the address selects), and the pin it
// watches is only read. GPIODIR is one register for all pins: a direction change is a
// read-modify-write, which the other partition's own change could undo if both ran at the same
// instant. SamplePin therefore checks the healthy pin's direction at every sample and restores it
// (counted as dir_restored).
#include <stdint.h>

#include "gpio/pl061/pl061.h"
#include "io/mmio.h"
#include "os.h"
#include "tandem/apps/command_server/command_server.h"
#include "tandem/arm64/platform.h"
#include "tandem/names.h"
#include "watchdog_config.h"

namespace {

using tandem::arm64::ConsolePrintf;
using tandem::drivers::GpioDirection;
using tandem::drivers::MmioIo;
using tandem::drivers::Pl061;

// 3 ms: an odd number of the watched pin's 1 ms toggles fall between two samples.
constexpr uint32_t kWatchPeriodMs = 3;
// Unchanged samples before the watched pin counts as stalled (30 ms): one sample may land on a
// toggle and read the old level, ten in a row do not.
constexpr uint32_t kStallSamples = 10;

Pl061<MmioIo> g_gpio{MmioIo(watchdog::kGpioBase)};
bool g_gpio_mapped = false;  // main(): the domain was given the controller
bool g_gpio_ok = false;
uint64_t g_period_counts = 0;

// Written by SamplePin (priority 10), read by PrintStatus (2): single words, each written by one
// task.
volatile bool g_last_level = false;
volatile uint32_t g_unchanged = 0;
volatile bool g_alive = false;
volatile uint64_t g_samples = 0;
volatile uint64_t g_changes = 0;
volatile uint64_t g_stalls = 0;
volatile uint64_t g_dir_restored = 0;
volatile uint64_t g_late_finishes = 0;
volatile uint64_t g_overruns = 0;
unsigned g_seconds = 0;
bool g_reported_alive = false;

enum StatsIndex : uint32_t { kStatsSample, kStatsStatus, kStatsCount };
tandem::apps::TaskStatsEntry g_stats_entries[kStatsCount] = {{.name = "SamplePin"},
                                                             {.name = "PrintStatus"}};
tandem::apps::TaskStats g_stats(g_stats_entries, kStatsCount);

uint64_t CountsToMicros(uint64_t counts) {
  const uint64_t per_us = tandem::arm64::CounterFrequency() / 1000000;
  return per_us == 0 ? 0 : counts / per_us;
}

void DriveHealthy(bool alive) {
  // The direction first: an input pin ignores data writes.
  auto dir = g_gpio.Direction(watchdog::kHealthyPin);
  if (dir.ok() && dir.value() != GpioDirection::kOutput) {
    (void)g_gpio.SetDirection(watchdog::kHealthyPin, GpioDirection::kOutput);
    g_dir_restored = g_dir_restored + 1;
  }
  (void)g_gpio.Set(watchdog::kHealthyPin, alive);
}

}  // namespace

TASK(FirstTask) {
  ConsolePrintf("tandem-wd: watchdog partition starting\n");
  g_period_counts = tandem::arm64::CounterFrequency() / 1000 * kWatchPeriodMs;
  if (!g_gpio_mapped) {
    ConsolePrintf("tandem-wd: no PL061 mapped at 0x%lx: nothing to watch\n",
                  static_cast<unsigned long>(watchdog::kGpioBase));
  } else if (auto probe = g_gpio.Probe(); !probe.ok()) {
    ConsolePrintf("tandem-wd: no PL061 at 0x%lx (%s): nothing to watch\n",
                  static_cast<unsigned long>(watchdog::kGpioBase),
                  tandem::drivers::GpioErrorName(probe.error()));
  } else {
    const tandem::apps::GpioExports linux_pins{watchdog::kLinuxPins};
    for (unsigned pin = 0; pin < 8; ++pin) {
      if (linux_pins.Allows(pin)) {
        (void)g_gpio.Set(pin, false);
        (void)g_gpio.SetDirection(pin, GpioDirection::kOutput);
      }
    }
    (void)g_gpio.Set(watchdog::kHealthyPin, false);  // low until the watched pin is seen moving
    (void)g_gpio.SetDirection(watchdog::kHealthyPin, GpioDirection::kOutput);
    auto level = g_gpio.Get(watchdog::kWatchedPin);
    g_last_level = level.ok() && level.value();
    g_gpio_ok = true;
    ConsolePrintf("tandem-wd: PL061 at 0x%lx, watching pin %u every %u ms, healthy pin %u\n",
                  static_cast<unsigned long>(watchdog::kGpioBase), watchdog::kWatchedPin,
                  kWatchPeriodMs, watchdog::kHealthyPin);
  }
  const StatusType started = SetRelAlarm(SamplePeriod, kWatchPeriodMs, kWatchPeriodMs);
  if (started != E_OK) {
    ConsolePrintf("tandem-wd: cannot start the watch alarm: %s\n", tandem::StatusName(started));
  }
  TerminateTask();
}

TASK(SamplePin) {
  const uint64_t release = tandem::arm64::LastTickCounter();
  g_stats.RecordActivation(kStatsSample);
  g_samples = g_samples + 1;
  if (g_gpio_ok) {
    auto level = g_gpio.Get(watchdog::kWatchedPin);
    const bool now = level.ok() && level.value();
    if (now != g_last_level) {
      g_last_level = now;
      g_changes = g_changes + 1;
      g_unchanged = 0;
      g_alive = true;
    } else if (g_unchanged < kStallSamples) {
      g_unchanged = g_unchanged + 1;
      if (g_unchanged == kStallSamples && g_alive) {
        g_alive = false;
        g_stalls = g_stalls + 1;
      }
    }
    DriveHealthy(g_alive);
  }
  const uint64_t done = tandem::arm64::CounterNow();
  g_stats.RecordResponse(kStatsSample, CountsToMicros(done - release));
  if (done >= release + g_period_counts) {
    g_late_finishes = g_late_finishes + 1;
    g_stats.RecordMiss(kStatsSample, CountsToMicros(done - release),
                       CountsToMicros(g_period_counts));
  }
  TerminateTask();
}

TASK(PrintStatus) {
  g_stats.RecordActivation(kStatsStatus);
  ++g_seconds;
  const bool alive = g_alive;
  if (alive != g_reported_alive) {
    g_reported_alive = alive;
    if (alive) {
      ConsolePrintf("tandem-wd: pin %u moving: healthy pin %u high\n", watchdog::kWatchedPin,
                    watchdog::kHealthyPin);
    } else {
      ConsolePrintf("tandem-wd: pin %u stalled (no change for %u ms): healthy pin %u low\n",
                    watchdog::kWatchedPin, kStallSamples * kWatchPeriodMs, watchdog::kHealthyPin);
    }
  }
  // Kept under ~128 characters: Xen's console splits longer guest lines.
  ConsolePrintf(
      "tandem-wd: t=%us samples=%lu alive=%u changes=%lu stalls=%lu misses=%lu "
      "dir_restored=%lu\n",
      g_seconds, static_cast<unsigned long>(g_samples), alive ? 1u : 0u,
      static_cast<unsigned long>(g_changes), static_cast<unsigned long>(g_stalls),
      static_cast<unsigned long>(g_late_finishes + g_overruns),
      static_cast<unsigned long>(g_dir_restored));
  TerminateTask();
}

extern "C" void ErrorHook(StatusType error) {
  if (error == E_OS_LIMIT && OSErrorGetServiceId() == OSServiceId_ActivateTask &&
      OSError_ActivateTask_TaskID() == SamplePin) {
    // The alarm found the previous sample still pending: an overrun, counted, not printed.
    g_overruns = g_overruns + 1;
    g_stats.RecordMissInHook(kStatsSample);
    return;
  }
  ConsolePrintf("tandem-wd: %s in %s\n", tandem::StatusName(error),
                tandem::ServiceName(OSErrorGetServiceId()));
}

int main() {
  g_gpio_mapped = watchdog::kGpioBase != 0 &&
                  tandem::arm64::MapAndProbeDevice("tandem-wd", watchdog::kGpioBase, 0x1000,
                                                   tandem::drivers::pl061::kPeriphId0);
  tandem::apps::CommandServerSetup setup;
  setup.gpio = g_gpio_mapped ? &g_gpio : nullptr;
  setup.exports = tandem::apps::GpioExports{watchdog::kLinuxPins};
  setup.stats = &g_stats;
  (void)tandem::apps::StartCommandServer(setup);
  StartOS(OSDEFAULTAPPMODE);
  return 0;
}
