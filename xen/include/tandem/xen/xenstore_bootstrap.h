// XenStoreBootstrap: brings the XenStore connection up, now or later.
//
// An `xl create`d domain has its store page and event channel from the start
// (HVM_PARAM_STORE_PFN / HVM_PARAM_STORE_EVTCHN). An enhanced dom0less domain
// (xen,enhanced = "enabled") has the event channel from boot but the page only once dom0 ran
// init-dom0less, which then signals the port. So: Start() at boot binds the port (if any) and
// tries to attach; the port's event (or any later retry) calls TryAttach() again until it
// succeeds. The RTOS's real-time tasks never wait for it.
//
// The store page lives in the guest's "magic" region (xen/arch-arm.h GUEST_MAGIC_BASE,
// 0x39000000..0x3a000000 for libxl and init-dom0less), outside the RAM the device tree
// describes: the injected mapper says where the page is visible, or nullptr if it is not.
#ifndef TANDEM_XEN_XENSTORE_BOOTSTRAP_H_
#define TANDEM_XEN_XENSTORE_BOOTSTRAP_H_

#include "tandem/xen/event_channel.h"
#include "tandem/xen/hypervisor.h"
#include "tandem/xen/notifier.h"
#include "tandem/xen/xenstore_connection.h"

namespace tandem::xen {

struct GfnMapper {
  // The address at which guest frame `gfn` is accessible, or nullptr.
  void* (*map)(void* context, uint64_t gfn) = nullptr;
  void* context = nullptr;
};

class XenStoreBootstrap {
 public:
  XenStoreBootstrap(Hypervisor& hv, EventChannels& channels, XenStoreConnection& connection,
                    GfnMapper mapper)
      : hv_(hv), channels_(channels), connection_(connection), mapper_(mapper) {}

  // Binds `on_event` to the store port (left masked: the caller unmasks it when its handler is
  // ready) and tries to attach. kNotReady = no store yet; call TryAttach() on the port's event.
  Result<void, XenStatus> Start(EventHandler on_event, void* context);
  // Attaches once the page exists; ok when attached (now or before). kNotReady = not yet.
  // kBadArgument if the mapper cannot reach the page.
  Result<void, XenStatus> TryAttach();

  bool attached() const { return connection_.attached(); }
  evtchn_port_t port() const { return notifier_.port; }

 private:
  Hypervisor& hv_;
  EventChannels& channels_;
  XenStoreConnection& connection_;
  GfnMapper mapper_;
  PortNotifier notifier_;
  bool bound_ = false;
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_XENSTORE_BOOTSTRAP_H_
