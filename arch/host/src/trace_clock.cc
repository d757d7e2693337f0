// The scheduling trace's clock (arch.h) on the host port: CLOCK_MONOTONIC in nanoseconds. A file
// of its own, so only the traced kernel pulls it in.
#include <time.h>

#include "tandem/arch.h"

namespace tandem::arch {

uint64_t TraceClock() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}
uint64_t TraceClockHz() { return 1'000'000'000u; }

}  // namespace tandem::arch
