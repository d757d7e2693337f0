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
      return "XenStore ring or port broken";
  }
  return "unknown link status";
}

LinkStatus XenStoreLink::TryConnect() {
  if (!connection_.attached()) {
    ++attempts_;
    // Start binds the store port (valid from boot even on dom0less) and tries to attach; once
    // bound, only the attach is retried. kNotReady while the store PFN is 0 or ~0.
    auto attached = bound_ ? bootstrap_.TryAttach() : bootstrap_.Start(on_event_, event_context_);
    if (!bound_ && bootstrap_.port() != 0) {
      bound_ = true;
      // Bootstrap leaves the port masked until the handler is ready: it is.
      auto unmasked = events_.Unmask(bootstrap_.port());
      if (!unmasked.ok()) last_xen_error_ = unmasked.error();
    }
    if (!attached.ok()) {
      last_xen_error_ = attached.error();
      switch (attached.error()) {
        case XenStatus::kNotReady:
          return LinkStatus::kNotYet;
        case XenStatus::kBadArgument:
          return LinkStatus::kMapFailed;
        case XenStatus::kBrokenPeer:
          return LinkStatus::kBrokenPeer;
        default:
          return bound_ ? LinkStatus::kNotYet : LinkStatus::kBindFailed;
      }
    }
  }
  if (connection_.broken()) return LinkStatus::kBrokenPeer;
  return connection_.connected() ? LinkStatus::kConnected : LinkStatus::kNotYet;
}

}  // namespace tandem::channel
