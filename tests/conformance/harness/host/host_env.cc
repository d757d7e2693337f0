// The harness's seam on the host (harness.h, namespace env): failures are GoogleTest failures
// listing the trace, the system runs on the host port with the watchdog as its idle handler.
#include <stdarg.h>
#include <stdio.h>

#include <sstream>

#include "harness.h"
#include "tandem/host/host_port.h"

namespace tandem::test {
namespace {

std::string Steps(const String* steps, size_t count) {
  std::ostringstream s;
  for (size_t i = 0; i < count; ++i) s << "  " << i + 1 << ". " << steps[i] << "\n";
  return s.str();
}

}  // namespace

std::string TraceText() {
  const TraceList& trace = Trace();
  return Steps(trace.data(), trace.size());
}

namespace env {

void Fail(const Listing& listing, const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  std::string message(static_cast<size_t>(vsnprintf(nullptr, 0, format, args)), '\0');
  vsnprintf(message.data(), message.size() + 1, format, again);
  va_end(again);
  va_end(args);
  if (listing.what == Listing::What::kExpectedAndTrace) {
    message +=
        "\nexpected:\n" + Steps(listing.expected, listing.expected_count) + "got:\n" + TraceText();
  } else if (listing.what == Listing::What::kTraceSoFar) {
    message += "; trace so far:\n" + TraceText();
  }
  ADD_FAILURE() << message;
}

void RunSystem(AppModeType mode, void (*idle)()) {
  host::SetIdleHandler(idle);
  StartOS(mode);
  host::SetIdleHandler(nullptr);
}

void ResetSystem() {
  host::SetIdleHandler(nullptr);
  host::SetRealTime(false);
}

}  // namespace env
}  // namespace tandem::test
