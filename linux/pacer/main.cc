// tandem-pacer: a dom0 process that wakes every --period-us microseconds, for boots that run
// QEMU with -icount and `[qemu] icount_pacer = dom0` (docs/platform.md, "Guest time"). The
// default, icount_pacer = qemu, keeps a QEMU timer instead, which works from power-on: this
// process only starts with dom0's /init, after dom0's kernel has booted, so a dom0less RTOS
// misses deadlines until then. Kept for A/B runs (`platform/run --pacer dom0`).
//
// Why: under -icount QEMU runs all vCPUs in one host thread, in turns, and a turn lasts until
// the next guest timer event (at most half the time to it per vCPU). A vCPU that spins on a lock
// the other vCPU holds (Xen's spinlocks end in WFE, which yields the turn) waits for the whole
// turn of the other, up to ~0.5 ms of guest time with a 1 ms RTOS tick: a stall real parallel
// CPUs never see. A timer in dom0 every 20 us bounds every turn to about that, so the emulated
// CPUs interleave finely. It is ordinary Linux activity: the RTOS must (and does) ignore it.
// It runs SCHED_FIFO: the next wake-up is armed only when this process runs again, and a busy
// dom0 (xenstored, xenconsoled) would otherwise keep it waiting for a CFS slice (~1 ms).
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {
  uint32_t period_us = 20;
  double duration_s = 0;
  CLI::App app{"tandem-pacer: wake every PERIOD microseconds (bounds QEMU -icount turns)",
               "tandem-pacer"};
  app.footer("Exit status: 0 after --duration-s (or killed by a signal), 2 usage error");
  app.add_option("-p,--period-us", period_us, "wake-up period in microseconds")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1000000u));
  app.add_option("-d,--duration-s", duration_s,
                 "stop after this many seconds (0: run until killed)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  // CLI11_PARSE would exit with CLI11's own codes (105, 109, ...); a usage error is 2 here, as
  // for tandemctl and tandem-bench, and says which program refused what.
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "tandem-pacer: error: %s\n  hint: run `tandem-pacer --help`\n", e.what());
    return 2;
  }

  sched_param fifo{};
  fifo.sched_priority = 50;
  if (sched_setscheduler(0, SCHED_FIFO, &fifo) != 0) {
    perror("tandem-pacer: warning: SCHED_FIFO (wake-ups may wait for other processes)");
  }
  // Default timer slack is 50 us: without this the wake-ups would drift to ~70 us apart.
  if (prctl(PR_SET_TIMERSLACK, 1UL) != 0) perror("tandem-pacer: warning: PR_SET_TIMERSLACK");
  timespec next{};
  clock_gettime(CLOCK_MONOTONIC, &next);
  const int64_t start_ns = next.tv_sec * 1000000000LL + next.tv_nsec;
  const int64_t stop_ns = duration_s > 0 ? start_ns + static_cast<int64_t>(duration_s * 1e9) : 0;
  for (;;) {
    next.tv_nsec += static_cast<long>(period_us) * 1000;
    while (next.tv_nsec >= 1000000000L) {
      next.tv_nsec -= 1000000000L;
      ++next.tv_sec;
    }
    // Absolute deadlines: a late wake-up does not push every later one back.
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr) != 0) {
    }
    if (stop_ns != 0 && next.tv_sec * 1000000000LL + next.tv_nsec >= stop_ns) return 0;
  }
}
