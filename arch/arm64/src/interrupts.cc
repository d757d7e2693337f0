// Interrupts of the arm64 port: the GIC found in the device tree (GICv2 or GICv3, gic.h), the
// one priority space on its priority mask, the virtual timer as the system tick, and the IRQ
// entry from vectors.S.
//
// Acknowledge, then end the interrupt at once (EOImode 0: one write to ICC_EOIR1_EL1 or
// GICC_EOIR drops the running priority and deactivates), then call the kernel. The running
// priority is thus always idle and only the priority mask (ICC_PMR_EL1, GICC_PMR) decides what
// may interrupt what: the kernel raises it to the ISR's level before it re-enables interrupts
// (kernel/src/interrupt.cc RunIsr), so a level-triggered source that is still asserted stays
// masked until its ISR is done, and the kernel may switch tasks from inside the handler without
// leaving an active interrupt behind on the old task.
#include "gic.h"
#include "irq/priority_map.h"
#include "port_internal.h"
#include "sysreg.h"
#include "tandem/arm64/platform.h"
#include "timer/generic_timer/generic_timer.h"

namespace tandem::arm64 {

namespace {

using drivers::PriorityMap;

constexpr unsigned kMaxSources = 64;

struct Source {
  uint32_t intid;
  Level level;
  ISRType isr;
};

struct Gic {
  unsigned priority_bits = 0;
  Source sources[kMaxSources] = {};
  unsigned source_count = 0;
  uint64_t source_levels = 0;  // bit L: some source (ISR or the timer) has level L
  PriorityMap map;
  Level level = 0;
  uint32_t timer_intid = 0;
  Level timer_level = 0;
  bool timer_running = false;
  uint64_t unexpected = 0;
  uint64_t latency_histogram[4] = {};
  uint64_t latency_bounds[3] = {};  // counter ticks for 10 us, 100 us, 1 ms
};

Gic g_gic;
drivers::GenericTimer<TimerSysregs> g_timer{TimerSysregs{}};
LateTicks g_late_ticks;

void Program(uint32_t intid, Level level, bool enable) {
  gic::Program(intid, g_gic.map.SourcePriority(level), enable);
}

void Disable(uint32_t intid) { gic::Disable(intid); }

// Recomputes the level -> priority map for the current set of source levels and reprograms
// every source, then the mask of the current level.
void RebuildMap() {
  auto map = PriorityMap::Make(g_gic.source_levels, g_gic.priority_bits);
  if (!map.ok()) {
    // Short lines: Xen's console splits guest lines longer than about 128 characters.
    ConsolePrintf("tandem-rt: %u distinct interrupt levels (ISRs + system timer) configured;\n",
                  drivers::CountLevels(g_gic.source_levels));
    ConsolePrintf("tandem-rt: the GIC has %u priority bits: at most %u (%s).\n",
                  g_gic.priority_bits, PriorityMap::MaxSourceLevels(g_gic.priority_bits),
                  drivers::PriorityMapErrorName(map.error()));
    ConsolePrintf("tandem-rt: give several ISRs the same PRIORITY in the OIL file.\n");
    arch::Panic("too many interrupt levels for the GIC");
  }
  g_gic.map = map.value();
  for (unsigned i = 0; i < g_gic.source_count; ++i) {
    Program(g_gic.sources[i].intid, g_gic.sources[i].level, true);
  }
  if (g_gic.timer_running) Program(g_gic.timer_intid, g_gic.timer_level, true);
  arch::SetLevel(g_gic.level);
}

}  // namespace

void InterruptsBoot(const xen::GuestPlatform& platform) {
  g_gic.timer_intid = platform.timer_virt_intid;
  g_gic.priority_bits = gic::Boot(platform);
  auto map = PriorityMap::Make(0, g_gic.priority_bits);
  if (!map.ok()) arch::Panic("GIC reports an unusable number of priority bits");
  g_gic.map = map.value();
  auto timer = g_timer.Init(platform.timer_frequency_hz);
  if (!timer.ok()) {
    ConsolePrintf("tandem-rt: %s\n", drivers::TimerErrorName(timer.error()));
    arch::Panic("no usable generic timer");
  }
  const uint64_t per_us = g_timer.frequency_hz() / 1000000;
  g_gic.latency_bounds[0] = 10 * per_us;
  g_gic.latency_bounds[1] = 100 * per_us;
  g_gic.latency_bounds[2] = 1000 * per_us;
}

bool RaiseSoftwareInterrupt(uint32_t sgi) { return gic::SendSgiToSelf(sgi); }

uint32_t HighestPendingInterrupt() { return gic::HighestPending(); }

unsigned GicVersion() { return static_cast<unsigned>(gic::Version()); }

unsigned GicPriorityBits() { return g_gic.priority_bits; }

Level MaskedLevel() { return g_gic.level; }

bool SystemTimerRunning() { return g_gic.timer_running; }

void DiscardPendingInterrupts() {
  // Interrupts are masked at the CPU (PSTATE.I, ShutdownOS disabled them), so acknowledging
  // takes an interrupt off the pending list without running anything. The priority mask is
  // opened for the reads (ICC_IAR1_EL1 only returns interrupts above ICC_PMR_EL1, GICv3
  // architecture specification 12.2.9; GICC_IAR likewise, IHI 0048B); with EOImode 0 the
  // write of the EOI register ends it. The system timer is already stopped and disabled
  // (ShutdownOS), so no line stays asserted; the bound only guards against a device that keeps
  // asserting its line.
  gic::SetPriorityMask(g_gic.map.Mask(0));
  for (unsigned n = 0; n < 4 * kMaxSources; ++n) {
    const gic::Ack ack = gic::Acknowledge();
    if (ack.intid == gic::kSpurious) break;
    gic::EndOfInterrupt(ack);
  }
  for (unsigned i = 0; i < g_gic.source_count; ++i) Disable(g_gic.sources[i].intid);
  arch::SetLevel(g_gic.level);
}

uint64_t CounterNow() { return g_timer.Now(); }
uint64_t PhysicalCounterNow() {
  Isb();  // counter reads may be speculated (Arm ARM D11.2.2): read it here, not earlier
  return TANDEM_MRS(cntpct_el0);
}
uint32_t CounterFrequency() { return g_timer.frequency_hz(); }
uint64_t MicrosSincePowerOn() {
  const uint64_t freq = g_timer.frequency_hz();
  if (freq == 0) return 0;
  const uint64_t c = PhysicalCounterNow();
  return c / freq * 1'000'000 + c % freq * 1'000'000 / freq;  // no overflow for centuries
}
TickStats SystemTickStats() {
  // Masked while copying: the timer interrupt updates the sums.
  uint64_t daif;
  asm volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
  TickStats stats{
      g_timer.late_ticks(), g_timer.max_latency(), g_timer.skipped_periods(), g_timer.skips(), {},
      g_timer.delivered(),  g_timer.latency_sum()};
  asm volatile("msr daif, %0" ::"r"(daif) : "memory");
  for (unsigned i = 0; i < 4; ++i) stats.latency_histogram[i] = g_gic.latency_histogram[i];
  return stats;
}

LateTicks SystemLateTicks() {
  // Masked while copying: the timer interrupt writes the record.
  uint64_t daif;
  asm volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
  const LateTicks copy = g_late_ticks;
  asm volatile("msr daif, %0" ::"r"(daif) : "memory");
  return copy;
}

uint64_t LastTickCounter() { return g_timer.period_ticks() == 0 ? 0 : g_timer.last_tick(); }

}  // namespace tandem::arm64

namespace tandem::arch {

using arm64::g_gic;
using arm64::g_timer;

void Init() {
  for (unsigned i = 0; i < g_gic.source_count; ++i) arm64::Disable(g_gic.sources[i].intid);
  if (g_gic.timer_running) StopSystemTimer();
  g_gic.source_count = 0;
  g_gic.source_levels = 0;
  g_gic.level = 0;
  arm64::RebuildMap();
}

void SetLevel(Level level) {
  g_gic.level = level;
  arm64::gic::SetPriorityMask(g_gic.map.Mask(level));
}

void ConfigureSource(uint32_t source, Level level, ISRType isr) {
  if (level == 0 || level >= 64) Panic("interrupt source level outside 1..63");
  if (source == g_gic.timer_intid) Panic("an ISR uses the system timer's INTID");
  if (source >= 1020) Panic("ISR SOURCE is not a GIC INTID (0..1019)");
  unsigned i = 0;
  while (i < g_gic.source_count && g_gic.sources[i].intid != source) ++i;
  if (i == arm64::kMaxSources) Panic("too many interrupt sources for the arm64 port");
  if (i == g_gic.source_count) ++g_gic.source_count;
  g_gic.sources[i] = arm64::Source{source, level, isr};
  g_gic.source_levels = 0;
  for (unsigned j = 0; j < g_gic.source_count; ++j) {
    g_gic.source_levels |= uint64_t{1} << g_gic.sources[j].level;
  }
  arm64::RebuildMap();
}

void StartSystemTimer(uint32_t tick_ns, Level level) {
  if (level == 0 || level >= 64) Panic("system timer level outside 1..63");
  g_gic.timer_level = level;
  g_gic.timer_running = true;
  g_gic.source_levels |= uint64_t{1} << level;
  arm64::RebuildMap();
  if (arm64::g_test_hooks.ticks != nullptr) {
    g_timer.Stop();
    arm64::g_test_hooks.ticks->start();
    return;
  }
  auto r = g_timer.Start(tick_ns);
  if (!r.ok()) {
    arm64::ConsolePrintf("tandem-rt: system timer tick of %u ns: %s\n", tick_ns,
                         drivers::TimerErrorName(r.error()));
    Panic("cannot start the system timer");
  }
  const uint64_t per_ms = g_timer.frequency_hz() / 1000;
  arm64::g_late_ticks.Start(g_timer.deadline() - g_timer.period_ticks(), 100 * per_ms, per_ms / 10);
}

void StopSystemTimer() {
  g_timer.Stop();
  if (arm64::g_test_hooks.ticks != nullptr) arm64::g_test_hooks.ticks->stop();
  arm64::Disable(g_gic.timer_intid);
  g_gic.timer_running = false;
}

}  // namespace tandem::arch

// IRQ entry from vectors.S, interrupts masked (DAIF.I set by the exception).
extern "C" void tandem_arm64_irq(tandem::arm64::ExceptionFrame*) {
  using namespace tandem;
  using namespace tandem::arm64;
  const gic::Ack ack = gic::Acknowledge();
  const uint32_t intid = ack.intid;
  if (intid == gic::kSpurious) return;
  if (intid == g_gic.timer_intid && g_test_hooks.ticks != nullptr) {  // test images only
    const bool tick = g_test_hooks.ticks->take();
    gic::EndOfInterrupt(ack);
    if (tick) kernel::HandleSystemTick();
    return;
  }
  if (intid == g_gic.timer_intid) {
    // Re-arm before EOI so a level-sensitive timer line is no longer asserted.
    const uint64_t due = g_timer.deadline();
    const bool tick = g_gic.timer_running && g_timer.Acknowledge();
    gic::EndOfInterrupt(ack);
    if (tick) {
      const uint64_t latency = g_timer.last_latency();
      unsigned bucket = 0;
      while (bucket < 3 && latency >= g_gic.latency_bounds[bucket]) ++bucket;
      ++g_gic.latency_histogram[bucket];
      g_late_ticks.Record(due, latency);
    } else if (g_gic.timer_running && g_timer.deadline() != due) {
      const uint64_t now = g_timer.Now();
      g_late_ticks.Record(due, now > due ? now - due : 0);  // skipped as lost time
    }
    if (tick) kernel::HandleSystemTick();
    return;
  }
  for (unsigned i = 0; i < g_gic.source_count; ++i) {
    if (g_gic.sources[i].intid == intid) {
      const ISRType isr = g_gic.sources[i].isr;
      gic::EndOfInterrupt(ack);
      kernel::HandleIsr(isr);
      return;
    }
  }
  // Enabled by someone else (or left over from a previous StartOS): switch it off.
  gic::EndOfInterrupt(ack);
  Disable(intid);
  if (g_gic.unexpected++ == 0)
    ConsolePrintf("tandem-rt: unexpected interrupt %u disabled\n", intid);
}
