// The PV console ring (xen/io/console.h struct xencons_interface), the second console option:
// page and event channel come from HVM_PARAM_CONSOLE_PFN / HVM_PARAM_CONSOLE_EVTCHN, and
// xenconsoled in dom0 is the other end. The guest produces into `out`, consumes from `in`.
//
// The peer's indices are read once per call and checked: prod - cons larger than the ring means
// a broken peer (XSA-86); the console then stops (kBrokenPeer) rather than trust them. Our own
// indices are kept privately and only written to the page, never read back from it.
#ifndef TANDEM_XEN_PV_CONSOLE_H_
#define TANDEM_XEN_PV_CONSOLE_H_

#include <stddef.h>
#include <stdint.h>

#include "tandem/xen/abi.h"
#include "tandem/xen/hypervisor.h"
#include "tandem/xen/notifier.h"

namespace tandem::xen {

struct PvConsoleParams {
  uint64_t ring_gfn = 0;
  evtchn_port_t port = 0;
};

// Reads HVM_PARAM_CONSOLE_PFN/EVTCHN. kNotReady if the domain has no PV console (PFN 0 or ~0).
XenResult<PvConsoleParams> QueryPvConsole(Hypervisor& hv);

class PvConsole {
 public:
  // `ring` addresses the page of `ring_gfn` (the caller maps it, identity on Tandem).
  PvConsole(xencons_interface* ring, Notifier notify);

  // Copies as much of `data` as fits into `out` and notifies; returns the bytes taken (0 when
  // the ring is full).
  XenResult<size_t> Write(const char* data, size_t n);
  // Write() until everything is taken, waiting with `wait` while the ring is full.
  // kAgain if `wait` gave up.
  XenResult<size_t> WriteAll(const char* data, size_t n, Waiter wait);
  // Copies up to `n` bytes of input out of `in`; notifies the producer if anything was taken.
  XenResult<size_t> Read(char* data, size_t n);

 private:
  xencons_interface* ring_;
  Notifier notify_;
  XENCONS_RING_IDX out_prod_ = 0;
  XENCONS_RING_IDX in_cons_ = 0;
  bool broken_ = false;
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_PV_CONSOLE_H_
