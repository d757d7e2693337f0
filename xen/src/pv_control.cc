// The guest's end of the PV control protocol. See pv_control.h.
#include "tandem/xen/pv_control.h"

#include <xen/sched.h>

namespace tandem::xen {
namespace {

constexpr const char kShutdownNode[] = "control/shutdown";
constexpr const char kSysrqNode[] = "control/sysrq";

bool Equal(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

ShutdownRequest Classify(const char* value) {
  if (value[0] == '\0') return ShutdownRequest::kNone;
  if (Equal(value, "poweroff") || Equal(value, "halt")) return ShutdownRequest::kPoweroff;
  if (Equal(value, "reboot")) return ShutdownRequest::kReboot;
  return ShutdownRequest::kRefused;
}

}  // namespace

const char* ShutdownRequestName(ShutdownRequest request) {
  switch (request) {
    case ShutdownRequest::kNone:
      return "none";
    case ShutdownRequest::kPoweroff:
      return "poweroff";
    case ShutdownRequest::kReboot:
      return "reboot";
    case ShutdownRequest::kRefused:
      return "refused";
  }
  return "unknown";
}

unsigned ShutdownReason(ShutdownRequest request) {
  return request == ShutdownRequest::kReboot ? SHUTDOWN_reboot : SHUTDOWN_poweroff;
}

Result<void, XsStatus> PvControl::Start() {
  if (started_) return {};
  // One at a time, remembered: a retry after a refused second watch must not place the first
  // again (xenstored refuses a duplicate path + token with EEXIST).
  const char* const nodes[] = {kShutdownNode, kSysrqNode};
  for (; watches_placed_ < sizeof(nodes) / sizeof(nodes[0]); ++watches_placed_) {
    auto watched = store_.Watch(nodes[watches_placed_], kWatchToken);
    if (!watched.ok()) return MakeError(watched.error());
  }
  started_ = true;
  // What Linux advertises too (drivers/xen/manage.c), for toolstacks that look; the protocol
  // works without them, so a refusal (a toolstack that keeps control/ read-only) is no error.
  for (const char* feature : {"control/feature-poweroff", "control/feature-reboot"}) {
    (void)store_.Write(feature, "1");
  }
  return {};
}

Result<ShutdownRequest, XsStatus> PvControl::Check() {
  char value[sizeof(last_refused_)] = {};
  auto r = store_.Read(kShutdownNode, value, sizeof(value));
  if (!r.ok()) {
    if (r.error() == XsStatus::kNoEntry) return ShutdownRequest::kNone;
    // A value longer than any request we know: refused like any other unknown value.
    if (r.error() != XsStatus::kBufferTooSmall) return MakeError(r.error());
    value[0] = '?';
    value[1] = '\0';
  }
  const ShutdownRequest request = Classify(value);
  if (request == ShutdownRequest::kNone) {
    last_refused_[0] = '\0';
    return ShutdownRequest::kNone;
  }
  if (request == ShutdownRequest::kRefused) {
    if (Equal(value, last_refused_)) return ShutdownRequest::kNone;  // already reported
    for (size_t i = 0; i < sizeof(last_refused_); ++i) last_refused_[i] = value[i];
    return ShutdownRequest::kRefused;
  }
  // Acknowledge first: the toolstack stops waiting as soon as the node is empty, and a guest
  // that then fails to shut down is the toolstack's `xl destroy` case, not a hang.
  auto ack = store_.Write(kShutdownNode, "");
  if (!ack.ok()) return MakeError(ack.error());
  return request;
}

Result<char, XsStatus> PvControl::CheckSysrq() {
  char value[2] = {};
  auto r = store_.Read(kSysrqNode, value, sizeof(value));
  if (!r.ok()) {
    if (r.error() == XsStatus::kNoEntry) return '\0';
    // More than one character is no key xl writes: cleared and ignored like an unknown key.
    if (r.error() != XsStatus::kBufferTooSmall) return MakeError(r.error());
    value[0] = '?';
  }
  if (value[0] == '\0') return '\0';
  auto ack = store_.Write(kSysrqNode, "");
  if (!ack.ok()) return MakeError(ack.error());
  return value[0];
}

}  // namespace tandem::xen
