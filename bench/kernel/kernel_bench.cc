// Kernel service costs on the host port (Google Benchmark). The driver itself runs inside the
// lowest-priority OSEK task, so every figure includes the real kernel path and, where a task
// switch happens, two real context switches (there and back). Host figures show relative costs
// and regressions; target figures come from the arm64 port.
#include <benchmark/benchmark.h>

#include <cstdio>

#include "os.h"
#include "tandem/host/host_port.h"

namespace {
int g_argc;
char** g_argv;
volatile int g_worker_runs;
}  // namespace

TASK(Worker) {
  g_worker_runs = g_worker_runs + 1;
  TerminateTask();
}

TASK(Waiter) {
  for (;;) {
    WaitEvent(Wake);
    ClearEvent(Wake);
  }
}

// ActivateTask of a higher-priority task: activate, dispatch to it, it terminates, dispatch back.
static void BM_ActivateTaskDispatch(benchmark::State& state) {
  for (auto _ : state) ActivateTask(Worker);
  benchmark::DoNotOptimize(g_worker_runs);
}
BENCHMARK(BM_ActivateTaskDispatch);

// SetEvent to a waiting higher-priority task: switch to it, it waits again, switch back.
static void BM_SetEventSwitch(benchmark::State& state) {
  for (auto _ : state) SetEvent(Waiter, Wake);
}
BENCHMARK(BM_SetEventSwitch);

// GetResource + ReleaseResource pair (priority ceiling up and down, no switch).
static void BM_GetReleaseResource(benchmark::State& state) {
  for (auto _ : state) {
    GetResource(Shared);
    ReleaseResource(Shared);
  }
}
BENCHMARK(BM_GetReleaseResource);

// Alarm expiry: arm a one-tick alarm, deliver one system timer interrupt; the alarm activates
// Worker, which runs and terminates before the interrupted task resumes.
static void BM_AlarmExpiryActivate(benchmark::State& state) {
  for (auto _ : state) {
    SetRelAlarm(Timeout, 1, 0);
    tandem::host::AdvanceTicks(1);
  }
}
BENCHMARK(BM_AlarmExpiryActivate);

// One system timer tick with no alarm due (the cost of time passing).
static void BM_TickNoExpiry(benchmark::State& state) {
  for (auto _ : state) tandem::host::AdvanceTicks(1);
}
BENCHMARK(BM_TickNoExpiry);

TASK(Bench) {
  ActivateTask(Waiter);  // let it reach its first WaitEvent
  benchmark::Initialize(&g_argc, g_argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  ShutdownOS(E_OK);
}

int main(int argc, char** argv) {
  g_argc = argc;
  g_argv = argv;
  StartOS(OSDEFAULTAPPMODE);
  return 0;
}
