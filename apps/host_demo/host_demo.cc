// tandem-sim: the demo OSEK application running on the host port in real time.
// Control toggles a simulated pin at 1 kHz and counts deadline misses (an activation that finds
// the previous one still pending: E_OS_LIMIT from the alarm); Background counts idle work;
// Status prints one line a second. Stops after --seconds N (default 5). On a loaded PC a miss
// now and then is expected: the host is not real-time; the arm64 target is where misses count.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "os.h"
#include "tandem/host/host_port.h"

namespace {
unsigned long g_control_runs;
unsigned long g_deadline_misses;
unsigned long g_background_loops;
unsigned g_pin;
unsigned g_seconds;
unsigned g_limit_seconds = 5;
}  // namespace

TASK(Control) {
  g_pin ^= 1u;
  ++g_control_runs;
  TerminateTask();
}

TASK(Status) {
  GetResource(Stats);
  const unsigned long bg = g_background_loops;
  ReleaseResource(Stats);
  ++g_seconds;
  std::printf("tandem-rt: t=%us ctrl=%lu misses=%lu bg=%lu pin=%u\n", g_seconds, g_control_runs,
              g_deadline_misses, bg, g_pin);
  std::fflush(stdout);
  if (g_seconds >= g_limit_seconds) ShutdownOS(E_OK);
  TerminateTask();
}

TASK(Background) {
  for (;;) {
    GetResource(Stats);
    ++g_background_loops;
    ReleaseResource(Stats);
  }
}

extern "C" void StartupHook(void) {
  std::printf("tandem-rt: host port up, 1 kHz control task, status every second\n");
}

extern "C" void ErrorHook(StatusType error) {
  if (error == E_OS_LIMIT && OSErrorGetServiceId() == OSServiceId_ActivateTask &&
      OSError_ActivateTask_TaskID() == Control) {
    ++g_deadline_misses;
  }
}

extern "C" void ShutdownHook(StatusType error) {
  std::printf("tandem-rt: shutdown (%s), %lu control runs, %lu deadline misses\n",
              error == E_OK ? "E_OK" : "error", g_control_runs, g_deadline_misses);
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) {
      std::printf(
          "usage: tandem-sim [--seconds N]\n"
          "Runs the Tandem RT demo application on the host port in real time.\n");
      return 0;
    }
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      char* end = nullptr;
      const unsigned long n = std::strtoul(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0' || n == 0 || n > 86400) {
        std::fprintf(stderr, "tandem-sim: --seconds wants a number from 1 to 86400, got '%s'\n",
                     argv[i]);
        return 2;
      }
      g_limit_seconds = static_cast<unsigned>(n);
      continue;
    }
    std::fprintf(stderr, "tandem-sim: unknown argument '%s' (try --help)\n", argv[i]);
    return 2;
  }
  tandem::host::SetRealTime(true);
  StartOS(OSDEFAULTAPPMODE);
  return 0;
}
