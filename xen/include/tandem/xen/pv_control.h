// PvControl: the guest's end of Xen's PV control protocol (xen docs/misc/xenstore-paths.md,
// "~/control/shutdown"). The toolstack (`xl shutdown`, `xl reboot`, `xl destroy` never) writes
// the request into the guest's control/shutdown and waits for the guest to acknowledge it by
// clearing the node; the guest then shuts down with SCHEDOP_shutdown and the matching reason.
// Without this, `xl shutdown` waits its full timeout and fails ("guest didn't acknowledge").
// `xl sysrq DOMAIN KEY` writes one character into control/sysrq, which the guest clears; Linux
// answers 'c' with a deliberate crash, and so does Tandem RT (the way to exercise on_crash).
#ifndef TANDEM_XEN_PV_CONTROL_H_
#define TANDEM_XEN_PV_CONTROL_H_

#include <stdint.h>

#include "tandem/result.h"
#include "tandem/xen/xenstore_client.h"
#include "tandem/xen/xenstore_status.h"

namespace tandem::xen {

enum class ShutdownRequest : uint8_t {
  kNone,      // control/shutdown empty or absent
  kPoweroff,  // "poweroff" or "halt": SHUTDOWN_poweroff
  kReboot,    // "reboot": SHUTDOWN_reboot (the toolstack re-creates the domain)
  kRefused,   // anything else ("suspend", "crash", a stray value): left unacknowledged
};

const char* ShutdownRequestName(ShutdownRequest request);

// The SCHEDOP_shutdown reason (xen/sched.h SHUTDOWN_*) for a request to honour.
unsigned ShutdownReason(ShutdownRequest request);

class PvControl {
 public:
  // The token PvControl's watch events carry (XsWatchEvent::token).
  static constexpr const char kWatchToken[] = "tandem/control";

  explicit PvControl(XenStoreClient& store) : store_(store) {}

  // Watches control/shutdown and control/sysrq (the first error is returned) and advertises
  // control/feature-poweroff and feature-reboot (best effort). The node's permissions are the
  // toolstack's: libxl and init-dom0less make control/ writable by the guest.
  Result<void, XsStatus> Start();
  bool started() const { return started_; }

  // Reads control/shutdown once (external input: any bytes). A request this guest honours is
  // acknowledged (the node written empty) before it is returned; a refused one is returned
  // once per distinct value and left for the toolstack to time out.
  Result<ShutdownRequest, XsStatus> Check();

  // Reads control/sysrq once: the key the toolstack wrote (any byte, untrusted), acknowledged
  // by clearing the node, or '\0' when there is none.
  Result<char, XsStatus> CheckSysrq();

 private:
  XenStoreClient& store_;
  bool started_ = false;
  unsigned watches_placed_ = 0;
  char last_refused_[16] = {};
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_PV_CONTROL_H_
