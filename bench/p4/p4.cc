// P4 (issue 12): Tandem RT measures its own kernel paths, and Xen's share of its interrupts and
// hypercalls, on the arm64 port inside Xen. Each measurement repeats an operation N times
// between two reads of the virtual counter and prints the counter ticks it took:
//
//   p4: <name> n=<N> ticks=<counter ticks>
//
// bench/eval/p4.py turns them into nanoseconds of guest time per operation (= instructions
// under QEMU -icount shift=0, where the 62.5 MHz counter advances once per 16 instructions; the
// sum over N operations averages that granularity out) and subtracts the loop's own cost.
// "p4: done" ends the run; then the domain shuts down.
#include <stdint.h>

#include "os.h"
#include "tandem/arm64/platform.h"
#include "tandem/xen/arm64_hypervisor.h"
#include "tandem/xen/event_channel.h"
#include "tandem/xen/shared_info.h"

namespace {

using tandem::arm64::ConsolePrintf;
using tandem::arm64::CounterNow;

constexpr uint64_t kN = 10000;
// The tick measurement: a window of kTickWindowTicks system ticks (1 ms each).
constexpr uint64_t kTickWindowTicks = 10000;

volatile uint64_t g_isr_at = 0;
volatile uint64_t g_task_at = 0;

template <typename Op>
void Measure(const char* name, uint64_t n, Op op) {
  const uint64_t t0 = CounterNow();
  for (uint64_t i = 0; i < n; ++i) op();
  const uint64_t t1 = CounterNow();
  ConsolePrintf("p4: %s n=%lu ticks=%lu\n", name, static_cast<unsigned long>(n),
                static_cast<unsigned long>(t1 - t0));
}

void Report(const char* name, uint64_t n, uint64_t ticks) {
  ConsolePrintf("p4: %s n=%lu ticks=%lu\n", name, static_cast<unsigned long>(n),
                static_cast<unsigned long>(ticks));
}

// One body for both windows of the tick measurement (no inlining, no constant-propagated
// clone), so an iteration costs the same instructions in each.
__attribute__((noinline, noclone)) void Spin(uint64_t iterations) {
  for (uint64_t i = 0; i < iterations; ++i) asm volatile("" ::: "memory");
}

// An interrupt from a device, as the GIC delivers it: SGI 1 made pending on this CPU (the write
// of ICC_SGI1R_EL1 traps to Xen, which emulates the virtual GIC). The ISR activates a task that
// ranks above it, which runs as the ISR returns.
void MeasureInterruptPath() {
  uint64_t to_isr = 0, to_task = 0;
  for (uint64_t i = 0; i < kN; ++i) {
    const uint64_t t0 = CounterNow();
    if (!tandem::arm64::RaiseSoftwareInterrupt(1)) {
      ConsolePrintf("p4: sgi skipped: cannot raise SGI 1\n");
      return;
    }
    to_isr += g_isr_at - t0;
    to_task += g_task_at - g_isr_at;
  }
  Report("sgi_raise_to_isr", kN, to_isr);
  Report("isr_to_activated_task", kN, to_task);
}

// Hypercalls: the cheapest one, and an event-channel send to a loopback pair of our own
// (bound to ourselves, masked: Xen sets the pending bit and raises nothing).
void MeasureXen() {
  tandem::xen::Arm64Hypervisor hv;
  Measure("hypercall_xen_version", kN, [&] { (void)hv.XenVersion(XENVER_version, nullptr); });
  alignas(4096) static uint8_t shared_page[4096];
  auto shared =
      tandem::xen::MapSharedInfo(hv, shared_page, reinterpret_cast<uintptr_t>(shared_page));
  if (!shared.ok()) {
    ConsolePrintf("p4: evtchn skipped: shared_info: %s\n",
                  tandem::xen::XenStatusName(shared.error()));
    return;
  }
  static tandem::xen::EventChannels events{hv, shared.value()};
  events.MaskAll();
  auto a = events.AllocUnbound(DOMID_SELF);
  if (!a.ok()) {
    ConsolePrintf("p4: evtchn skipped: alloc_unbound: %s\n", tandem::xen::XenStatusName(a.error()));
    return;
  }
  auto b = events.BindInterdomain(DOMID_SELF, a.value());
  if (!b.ok()) {
    ConsolePrintf("p4: evtchn skipped: bind_interdomain: %s\n",
                  tandem::xen::XenStatusName(b.error()));
    return;
  }
  const uint32_t from = b.value(), to = a.value();
  Measure("clear_pending", kN, [&] { (void)events.ClearPending(to); });
  Measure("evtchn_send_clear_pending", kN, [&] {
    (void)events.Send(from);
    (void)events.ClearPending(to);
  });
  if (!events.IsPending(to)) {
    (void)events.Send(from);
    if (!events.IsPending(to))
      ConsolePrintf("p4: warning: the loopback send set nothing pending\n");
  }
}

// The system tick: what each tick takes away from a task (Xen's delivery of the timer
// interrupt, the port's entry and exit, the kernel's counter and alarm check), by the loop
// iterations it steals in a window, against the same loop with interrupts suspended; and the
// mean delay from each tick's deadline to the handler's Acknowledge (Xen's part plus the
// guest's entry), from the timer's own sums.
void MeasureTick() {
  const uint64_t freq = tandem::arm64::CounterFrequency();
  // The loop's own cost, interrupts suspended (a short window: the timer catches up after).
  constexpr uint64_t kQuiet = 2'000'000;
  SuspendAllInterrupts();
  const uint64_t q0 = CounterNow();
  Spin(kQuiet);
  const uint64_t q1 = CounterNow();
  ResumeAllInterrupts();
  // Iterations for about kTickWindowTicks ms with interrupts on.
  const uint64_t per_iteration = (q1 - q0) == 0 ? 1 : (q1 - q0);
  const uint64_t iterations = kQuiet * (kTickWindowTicks * (freq / 1000)) / per_iteration;
  const tandem::arm64::TickStats before = tandem::arm64::SystemTickStats();
  const uint64_t t0 = CounterNow();
  Spin(iterations);
  const uint64_t t1 = CounterNow();
  const tandem::arm64::TickStats after = tandem::arm64::SystemTickStats();
  ConsolePrintf(
      "p4: tick_window quiet_n=%lu quiet_ticks=%lu n=%lu ticks=%lu delivered=%lu "
      "skipped=%lu\n",
      static_cast<unsigned long>(kQuiet), static_cast<unsigned long>(q1 - q0),
      static_cast<unsigned long>(iterations), static_cast<unsigned long>(t1 - t0),
      static_cast<unsigned long>(after.delivered - before.delivered),
      static_cast<unsigned long>(after.periods_skipped - before.periods_skipped));
  Report("tick_deadline_to_handler", after.delivered - before.delivered,
         after.latency_sum - before.latency_sum);
}

}  // namespace

TASK(Main) {
  ConsolePrintf("p4: start freq=%u n=%lu\n", tandem::arm64::CounterFrequency(),
                static_cast<unsigned long>(kN));
  Measure("loop", kN, [] { asm volatile("" ::: "memory"); });
  Measure("activate_dispatch_terminate", kN, [] { (void)ActivateTask(Hi); });
  Measure("setevent_switch_waitevent", kN, [] { (void)SetEvent(Waiter, Wake); });
  Measure("get_release_resource", kN, [] {
    (void)GetResource(Guard);
    (void)ReleaseResource(Guard);
  });
  MeasureInterruptPath();
  MeasureXen();
  MeasureTick();
  ConsolePrintf("p4: done\n");
  ShutdownOS(E_OK);
}

TASK(Hi) { TerminateTask(); }

TASK(Waiter) {
  for (;;) {
    (void)WaitEvent(Wake);
    (void)ClearEvent(Wake);
  }
}

TASK(IsrTarget) {
  g_task_at = CounterNow();
  TerminateTask();
}

ISR(Sgi) {
  g_isr_at = CounterNow();
  (void)ActivateTask(IsrTarget);
}

int main() {
  StartOS(OSDEFAULTAPPMODE);
  return 0;
}
