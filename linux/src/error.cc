// Names of libtandem's error codes and domain states.
#include "libtandem/error.h"

#include "libtandem/xen_backend.h"

namespace libtandem {

const char* ErrcName(Errc code) {
  switch (code) {
    case Errc::kOk:
      return "ok";
    case Errc::kInternal:
      return "internal";
    case Errc::kUsage:
      return "usage";
    case Errc::kDomainNotFound:
      return "domain-not-found";
    case Errc::kNotPublished:
      return "channel-not-published";
    case Errc::kVersionMismatch:
      return "version-mismatch";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kRefused:
      return "refused";
    case Errc::kXen:
      return "xen-error";
    case Errc::kDomainDown:
      return "domain-down";
    case Errc::kProtocol:
      return "protocol-error";
    case Errc::kBusy:
      return "busy";
    case Errc::kRtosRestarted:
      return "rtos-restarted";
  }
  return "unknown";
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
