// XenStoreLink: finds the domain's XenStore ring when it exists and attaches the connection to
// it, without ever waiting. On the xl route the ring exists at boot; on the dom0less route
// (xen,enhanced = "enabled") HVM_PARAM_STORE_PFN stays invalid until dom0 runs init-dom0less,
// possibly long after the RTOS started its real-time tasks (DESIGN.md, "Two boot routes").
// TryConnect() is meant for a periodic, low-priority caller: while XenStore is absent it costs two
// HVMOP_get_param hypercalls and returns kNotYet.
#ifndef TANDEM_CHANNEL_XEN_XENSTORE_LINK_H_
#define TANDEM_CHANNEL_XEN_XENSTORE_LINK_H_

#include <stdint.h>

#include "tandem/xen/event_channel.h"
#include "tandem/xen/hypervisor.h"
#include "tandem/xen/notifier.h"
#include "tandem/xen/xenstore_connection.h"

namespace tandem::channel {

enum class LinkStatus : uint8_t {
  kConnected,   // the ring is attached and xenstored marked it connected
  kNotYet,      // no store page yet, or xenstored has not connected the ring: try again later
  kMapFailed,   // the platform could not map the ring's frame
  kBindFailed,  // the store event channel could not be bound (see last_xen_error())
  kBrokenPeer,  // the connection saw impossible ring indices (XSA-86): XenStore is not used
};

const char* LinkStatusName(LinkStatus status);

// Maps the store ring's guest frame as normal write-back memory (xen/arch-arm.h: pages shared
// with Xen and other domains must be Normal Inner/Outer Write-Back Inner-Shareable) and returns
// its address, or nullptr.
using MapRingFn = void* (*)(uint64_t gfn, void* context);

class XenStoreLink {
 public:
  // `on_event` is bound to the store's event channel: it runs in the upcall (ISR context) and
  // should wake whoever waits for XenStore replies (the XenStoreClient's Waiter).
  XenStoreLink(::tandem::xen::Hypervisor& hv, ::tandem::xen::EventChannels& events,
               ::tandem::xen::XenStoreConnection& connection, MapRingFn map_ring, void* map_context,
               ::tandem::xen::EventHandler on_event, void* event_context)
      : hv_(hv),
        events_(events),
        connection_(connection),
        map_ring_(map_ring),
        map_context_(map_context),
        on_event_(on_event),
        event_context_(event_context) {}

  // Non-blocking. Attaches once (query, map, bind + unmask the store port, attach); afterwards
  // only reports whether xenstored has connected the ring.
  LinkStatus TryConnect();

  bool attached() const { return attached_; }
  evtchn_port_t port() const { return notifier_.port; }
  uint32_t attempts() const { return attempts_; }
  ::tandem::xen::XenStatus last_xen_error() const { return last_xen_error_; }

 private:
  ::tandem::xen::Hypervisor& hv_;
  ::tandem::xen::EventChannels& events_;
  ::tandem::xen::XenStoreConnection& connection_;
  MapRingFn map_ring_;
  void* map_context_;
  ::tandem::xen::EventHandler on_event_;
  void* event_context_;
  ::tandem::xen::PortNotifier notifier_;
  bool attached_ = false;
  uint32_t attempts_ = 0;
  ::tandem::xen::XenStatus last_xen_error_ = ::tandem::xen::XenStatus::kOk;
};

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_XEN_XENSTORE_LINK_H_
