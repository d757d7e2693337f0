#include "tandem/channel/xen/xenstore_link.h"

namespace tandem::channel {

using ::tandem::xen::XenStatus;

const char* LinkStatusName(LinkStatus status) {
  switch (status) {
    case LinkStatus::kConnected:
      return "connected";
    case LinkStatus::kNotYet:
      return "XenStore not available yet";
    case LinkStatus::kMapFailed:
      return "cannot map the XenStore ring";
    case LinkStatus::kBindFailed:
      return "cannot bind the XenStore event channel";
    case LinkStatus::kBrokenPeer:
      return "XenStore ring broken (impossible indices)";
  }
  return "unknown link status";
}

LinkStatus XenStoreLink::TryConnect() {
  if (attached_) {
    if (connection_.broken()) return LinkStatus::kBrokenPeer;
    return connection_.connected() ? LinkStatus::kConnected : LinkStatus::kNotYet;
  }
  ++attempts_;
  // kNotReady while the store PFN is 0 or ~0 (dom0less before init-dom0less). Any other error
  // is recorded and retried too: the caller is periodic and nothing real-time waits for this.
  auto params = ::tandem::xen::QueryXenStore(hv_);
  if (!params.ok()) {
    last_xen_error_ = params.error();
    return LinkStatus::kNotYet;
  }
  const evtchn_port_t port = params.value().port;
  void* ring = map_ring_(params.value().ring_gfn, map_context_);
  if (ring == nullptr || reinterpret_cast<uintptr_t>(ring) % ::tandem::xen::kPageSize != 0) {
    return LinkStatus::kMapFailed;
  }
  // EventChannels::Bind wants the port masked; it is unmasked once the connection is attached.
  auto masked = events_.Mask(port);
  if (!masked.ok()) {
    last_xen_error_ = masked.error();
    return LinkStatus::kBindFailed;
  }
  auto bound = events_.Bind(port, on_event_, event_context_);
  if (!bound.ok() && bound.error() != XenStatus::kExists) {
    last_xen_error_ = bound.error();
    return LinkStatus::kBindFailed;
  }
  notifier_ = ::tandem::xen::PortNotifier{&events_, port};
  connection_.Attach(static_cast<xenstore_domain_interface*>(ring), notifier_.AsNotifier());
  attached_ = true;
  auto unmasked = events_.Unmask(port);
  if (!unmasked.ok()) last_xen_error_ = unmasked.error();  // the Waiter's timeout still bounds us
  return connection_.connected() ? LinkStatus::kConnected : LinkStatus::kNotYet;
}

}  // namespace tandem::channel
