// The simulated interrupt controller of the host port: lines with levels, a priority mask
// (SetLevel) and a global gate (DisableAll), with the same rules as the GIC on arm64: a line is
// taken when it is pending, the gate is open and its level is above the current level; the
// highest level first. In real-time mode the system timer is a POSIX timer signal whose handler
// delivers like a hardware interrupt on the interrupted stack.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <new>

#include "tandem/arch.h"
#include "tandem/host/host_port.h"

namespace tandem::arch {

namespace {

constexpr int kMaxSources = 64;
constexpr uint32_t kTimerSource = 0xFFFFFFFFu;  // internal line of the system timer

struct Source {
  bool configured;
  uint32_t id;
  Level level;
  ISRType isr;
  volatile sig_atomic_t pending;  // count for the timer (no tick lost), flag for lines
};

struct Cpu {
  volatile sig_atomic_t disabled = 1;
  volatile sig_atomic_t level = 0;
  Source sources[kMaxSources] = {};
  int source_count = 0;
  int timer_index = -1;
  uint64_t ticks_delivered = 0;
  bool timer_running = false;
  bool real_time = false;
  bool real_time_next = false;
  timer_t posix_timer{};
  bool posix_timer_created = false;
  std::function<void()> idle_handler;
};

Cpu g_cpu;

int FindSource(uint32_t id) {
  for (int i = 0; i < g_cpu.source_count; ++i) {
    if (g_cpu.sources[i].id == id) return i;
  }
  return -1;
}

int AddSource(uint32_t id, Level level, ISRType isr) {
  int i = FindSource(id);
  if (i < 0) {
    if (g_cpu.source_count == kMaxSources) Panic("too many interrupt sources for the host port");
    i = g_cpu.source_count++;
  }
  g_cpu.sources[i] = Source{true, id, level, isr, 0};
  return i;
}

int HighestDeliverable() {
  int best = -1;
  for (int i = 0; i < g_cpu.source_count; ++i) {
    const Source& s = g_cpu.sources[i];
    if (s.configured && s.pending > 0 && s.level > g_cpu.level &&
        (best < 0 || s.level > g_cpu.sources[best].level)) {
      best = i;
    }
  }
  return best;
}

// Takes every deliverable interrupt, highest level first, like the CPU does when the gate opens
// or the mask drops. Each handler runs with the gate closed; the kernel reopens it for nesting.
void DeliverPending() {
  for (;;) {
    if (g_cpu.disabled) return;
    g_cpu.disabled = 1;
    const int i = HighestDeliverable();
    if (i < 0) {
      g_cpu.disabled = 0;
      if (HighestDeliverable() < 0) return;
      continue;
    }
    Source& s = g_cpu.sources[i];
    s.pending = s.pending - 1;
    if (i == g_cpu.timer_index) {
      ++g_cpu.ticks_delivered;
      kernel::HandleSystemTick();
    } else {
      kernel::HandleIsr(s.isr);
    }
    g_cpu.disabled = 0;
  }
}

void OnTimerSignal(int) {
  if (g_cpu.timer_index < 0 || !g_cpu.timer_running) return;
  Source& t = g_cpu.sources[g_cpu.timer_index];
  if (t.pending == 0) t.pending = 1;  // a real timer line coalesces while masked
  DeliverPending();
}

void StopPosixTimer() {
  if (!g_cpu.posix_timer_created) return;
  timer_delete(g_cpu.posix_timer);
  g_cpu.posix_timer_created = false;
}

}  // namespace

void Init() {
  StopPosixTimer();
  auto handler = std::move(g_cpu.idle_handler);
  const bool real_time = g_cpu.real_time_next;
  g_cpu.~Cpu();
  new (&g_cpu) Cpu();
  g_cpu.idle_handler = std::move(handler);
  g_cpu.real_time = real_time;
  g_cpu.real_time_next = real_time;
}

void DisableAll() { g_cpu.disabled = 1; }

void EnableAll() {
  g_cpu.disabled = 0;
  DeliverPending();
}

bool AllDisabled() { return g_cpu.disabled != 0; }

void SetLevel(Level level) {
  const bool lowered = level < g_cpu.level;
  g_cpu.level = level;
  if (lowered) DeliverPending();
}

void ConfigureSource(uint32_t source, Level level, ISRType isr) {
  if (source == kTimerSource) Panic("interrupt source 0xFFFFFFFF is reserved by the host port");
  AddSource(source, level, isr);
}

void StartSystemTimer(uint32_t tick_ns, Level level) {
  g_cpu.timer_index = AddSource(kTimerSource, level, INVALID_ISR);
  g_cpu.timer_running = true;
  if (!g_cpu.real_time) return;
  struct sigaction sa = {};
  sa.sa_handler = &OnTimerSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, nullptr);
  struct sigevent sev = {};
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = SIGALRM;
  if (timer_create(CLOCK_MONOTONIC, &sev, &g_cpu.posix_timer) != 0) {
    Panic("timer_create failed");
  }
  g_cpu.posix_timer_created = true;
  struct itimerspec its = {};
  its.it_interval.tv_sec = tick_ns / 1000000000u;
  its.it_interval.tv_nsec = tick_ns % 1000000000u;
  its.it_value = its.it_interval;
  timer_settime(g_cpu.posix_timer, 0, &its, nullptr);
}

void StopSystemTimer() {
  g_cpu.timer_running = false;
  StopPosixTimer();
}

void Idle() {
  if (g_cpu.real_time) {
    // A tick arriving between the check and pause() only delays idle by one tick period.
    if (HighestDeliverable() < 0) pause();
    DeliverPending();
    return;
  }
  if (g_cpu.idle_handler) {
    g_cpu.idle_handler();
    return;
  }
  if (g_cpu.timer_running) {
    host::AdvanceTicks(1);
    return;
  }
  Panic(
      "every task is idle, no interrupt is pending and no time source runs: "
      "install an idle handler (tandem::host::SetIdleHandler) or call ShutdownOS");
}

void Shutdown(StatusType) {
  g_cpu.timer_running = false;
  StopPosixTimer();
  for (int i = 0; i < g_cpu.source_count; ++i) g_cpu.sources[i].pending = 0;
}

}  // namespace tandem::arch

namespace tandem::host {

using arch::g_cpu;

void RaiseInterrupt(uint32_t source) {
  const int i = arch::FindSource(source);
  if (i < 0) {
    std::fprintf(stderr, "tandem-rt host port: interrupt line %u has no ISR configured\n", source);
    return;
  }
  g_cpu.sources[i].pending = 1;
  arch::DeliverPending();
}

void AdvanceTicks(uint32_t ticks) {
  if (g_cpu.timer_index < 0 || !g_cpu.timer_running) return;
  for (uint32_t n = 0; n < ticks; ++n) {
    arch::Source& t = g_cpu.sources[g_cpu.timer_index];
    t.pending = t.pending + 1;
    arch::DeliverPending();
  }
}

void SetIdleHandler(std::function<void()> handler) { g_cpu.idle_handler = std::move(handler); }

void SetRealTime(bool real_time) { g_cpu.real_time_next = real_time; }

uint8_t CurrentLevel() { return static_cast<uint8_t>(g_cpu.level); }

bool InterruptsDisabled() { return g_cpu.disabled != 0; }

uint64_t TicksDelivered() { return g_cpu.ticks_delivered; }

bool IsPending(uint32_t source) {
  const int i = arch::FindSource(source);
  return i >= 0 && g_cpu.sources[i].pending > 0;
}

}  // namespace tandem::host
