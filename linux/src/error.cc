// Names of libtandem's error codes and domain states.
#include "libtandem/error.h"

#include <stddef.h>

#include <iterator>

#include "libtandem/xen_backend.h"

namespace libtandem {

namespace {

// kErrcTable[i] is the code of value i: the exit statuses have no gap and ErrcName is an index.
constexpr bool TableIsDense() {
  for (size_t i = 0; i < std::size(kErrcTable); ++i) {
    if (static_cast<size_t>(kErrcTable[i].code) != i) return false;
  }
  return true;
}
static_assert(TableIsDense(), "LIBTANDEM_ERRC_TABLE: values must be 0, 1, 2, ... in order");

}  // namespace

const char* ErrcName(Errc code) {
  const size_t i = static_cast<size_t>(code);
  return i < std::size(kErrcTable) ? kErrcTable[i].name : "unknown";
}

const char* DomainRunStateName(DomainRunState state) {
  switch (state) {
    case DomainRunState::kRunning:
      return "running";
    case DomainRunState::kPaused:
      return "paused";
    case DomainRunState::kShutdown:
      return "shut down";
    case DomainRunState::kDying:
      return "being destroyed";
    case DomainRunState::kAbsent:
      return "destroyed (no longer exists)";
  }
  return "unknown";
}

}  // namespace libtandem
