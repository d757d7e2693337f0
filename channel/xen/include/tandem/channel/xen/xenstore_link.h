// XenStoreLink: XenStore for the channel frontend, reached without ever waiting. On the xl
// route the store ring exists at boot; on the dom0less route (xen,enhanced = "enabled")
// HVM_PARAM_STORE_PFN stays invalid until dom0 runs init-dom0less, possibly long after the RTOS
// started its real-time tasks (the two boot routes of docs/platform.md). TryConnect() is for a
// periodic, low-priority caller: it drives xen::XenStoreBootstrap (bind the store port, attach the
// connection when the page exists) and reports kNotYet until xenstored has connected the ring.
#ifndef TANDEM_CHANNEL_XEN_XENSTORE_LINK_H_
#define TANDEM_CHANNEL_XEN_XENSTORE_LINK_H_

#include <stdint.h>

#include "tandem/xen/event_channel.h"
#include "tandem/xen/hypervisor.h"
#include "tandem/xen/xenstore_bootstrap.h"
#include "tandem/xen/xenstore_connection.h"

namespace tandem::channel {

enum class LinkStatus : uint8_t {
  kConnected,   // the ring is attached and xenstored marked it connected
  kNotYet,      // no store page yet, or xenstored has not connected the ring: try again later
  kMapFailed,   // the mapper cannot reach the ring's frame
  kBindFailed,  // the store event channel could not be bound (see last_xen_error())
  kBrokenPeer,  // impossible ring indices (XSA-86) or store port: XenStore is not used
};

const char* LinkStatusName(LinkStatus status);

class XenStoreLink {
 public:
  // `mapper` maps the ring's frame as Normal write-back memory (xen/arch-arm.h: memory shared
  // with Xen and other domains), e.g. tandem::arm64::XenMagicFrame. `on_event` is bound to the
  // store's event channel: it runs in the upcall (ISR context) and should wake whoever waits
  // for XenStore replies (the XenStoreClient's Waiter).
  XenStoreLink(::tandem::xen::Hypervisor& hv, ::tandem::xen::EventChannels& events,
               ::tandem::xen::XenStoreConnection& connection, ::tandem::xen::GfnMapper mapper,
               ::tandem::xen::EventHandler on_event, void* event_context)
      : events_(events),
        connection_(connection),
        bootstrap_(hv, events, connection, mapper),
        on_event_(on_event),
        event_context_(event_context) {}

  // Non-blocking. The first call binds and unmasks the store port (XenStoreBootstrap::Start);
  // later ones retry the attach until the page exists (two HVMOP_get_param while it does not),
  // then only report whether xenstored has connected the ring.
  LinkStatus TryConnect();

  bool attached() const { return connection_.attached(); }
  evtchn_port_t port() const { return bootstrap_.port(); }
  uint32_t attempts() const { return attempts_; }
  ::tandem::xen::XenStatus last_xen_error() const { return last_xen_error_; }

 private:
  ::tandem::xen::EventChannels& events_;
  ::tandem::xen::XenStoreConnection& connection_;
  ::tandem::xen::XenStoreBootstrap bootstrap_;
  ::tandem::xen::EventHandler on_event_;
  void* event_context_;
  bool bound_ = false;
  uint32_t attempts_ = 0;
  ::tandem::xen::XenStatus last_xen_error_ = ::tandem::xen::XenStatus::kOk;
};

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_XEN_XENSTORE_LINK_H_
