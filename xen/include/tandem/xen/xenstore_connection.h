// XenStoreConnection: the non-blocking core of the XenStore client. It moves one request at a
// time into the request ring and assembles replies and watch events from the response ring of
// struct xenstore_domain_interface (xen/io/xs_wire.h; protocol in Xen's docs/misc/xenstore.txt
// and xenstore-ring.txt). Poll() is driven by "the store event channel fired" (or any other
// reason to look); nothing here blocks or makes a hypercall: the notify is injected.
//
// Everything read from the page is external input (docs/xen-layer.md):
// - each Poll reads the peer's index once; prod - cons above XENSTORE_RING_SIZE is a broken
//   peer (XSA-86, Zephyr's check_indexes): the connection stops for good (kBrokenPeer);
// - a message header claiming more than XENSTORE_PAYLOAD_MAX bytes is a broken peer too;
// - our own indices are kept privately, written to the page, never read back from it;
// - bytes are copied out of the ring once, then parsed from the private copy.
#ifndef TANDEM_XEN_XENSTORE_CONNECTION_H_
#define TANDEM_XEN_XENSTORE_CONNECTION_H_

#include <stddef.h>
#include <stdint.h>

#include "tandem/xen/abi.h"
#include "tandem/xen/hypervisor.h"
#include "tandem/xen/notifier.h"
#include "tandem/xen/xenstore_status.h"

namespace tandem::xen {

// Bytes appended to a request payload as given.
struct XsPart {
  const char* data = nullptr;
  size_t len = 0;
};
// A C string with its NUL (paths, tokens, perms), or without it (a written value).
XsPart XsString(const char* s);
XsPart XsBytes(const char* s);

struct XsReply {
  uint32_t type = XS_INVALID;
  uint32_t tx_id = 0;
  const char* payload = nullptr;  // valid until the next Poll() or Submit()
  uint32_t len = 0;
};

struct XsWatchEvent {
  static constexpr size_t kMaxPath = 256;
  static constexpr size_t kMaxToken = 64;
  char path[kMaxPath] = {};
  char token[kMaxToken] = {};
  bool TokenIs(const char* t) const {
    size_t i = 0;
    for (; t[i] != '\0' && i < kMaxToken; ++i) {
      if (token[i] != t[i]) return false;
    }
    return i < kMaxToken && token[i] == '\0';
  }
};

// Where the store ring is: HVM_PARAM_STORE_PFN / HVM_PARAM_STORE_EVTCHN (xen/arch-arm.h).
struct XenStoreParams {
  uint64_t ring_gfn = 0;
  evtchn_port_t port = 0;
};
// kNotReady while the domain has no store page yet: a dom0less domain with
// xen,enhanced = "enabled" gets its page only when dom0 runs init-dom0less; its event channel
// is valid from boot and fires when the page is ready, so query again on that event.
XenResult<XenStoreParams> QueryXenStore(Hypervisor& hv);

class XenStoreConnection {
 public:
  static constexpr size_t kHeaderSize = sizeof(xsd_sockmsg);
  static constexpr size_t kMaxMessage = kHeaderSize + XENSTORE_PAYLOAD_MAX;
  static constexpr size_t kWatchQueue = 4;

  // (Re)starts on `ring`, taking the page's current indices. Drops any request in flight.
  void Attach(xenstore_domain_interface* ring, Notifier notify);
  bool attached() const { return ring_ != nullptr; }
  bool broken() const { return broken_; }
  // xenstored marks the ring usable (xs_wire.h `connection`, XENSTORE_CONNECTED); until then
  // Poll() moves nothing.
  bool connected() const;
  bool in_flight() const { return in_flight_; }

  // Queues one request (header + the parts as payload) and starts sending it. Returns its
  // req_id. kBusy while another request waits for its reply, kTooLong above
  // XENSTORE_PAYLOAD_MAX.
  Result<uint32_t, XsStatus> Submit(uint32_t type, uint32_t tx_id, const XsPart* parts,
                                    size_t count);
  // Sends what fits, receives what is there; notifies the peer if either ring moved.
  Result<void, XsStatus> Poll();
  bool reply_ready() const { return reply_ready_; }
  // The reply to the request in flight; an XS_ERROR reply becomes its XsStatus.
  Result<XsReply, XsStatus> TakeReply();
  // Stop waiting for the reply in flight (timeout); it is discarded when it arrives, and
  // Submit() answers kBusy until then.
  void Abandon();

  // Watch events (XS_WATCH_EVENT: "path\0token\0") in arrival order. Events that do not fit
  // (queue full, path or token too long, malformed) are dropped and counted: a watch event
  // only says "look again", so the owner re-reads what it watches.
  bool PopWatchEvent(XsWatchEvent* out);
  uint32_t dropped_watch_events() const { return dropped_watch_events_; }
  uint32_t unexpected_replies() const { return unexpected_replies_; }

 private:
  Result<void, XsStatus> Break();
  Result<void, XsStatus> Push(bool* moved);
  Result<void, XsStatus> Pull(bool* moved);
  void CompleteMessage();
  void QueueWatchEvent(const char* payload, uint32_t len);

  xenstore_domain_interface* ring_ = nullptr;
  Notifier notify_;
  bool broken_ = false;
  // Request side: our producer index, the staged message, how much of it is in the ring.
  XENSTORE_RING_IDX req_prod_ = 0;
  uint8_t out_[kMaxMessage] = {};
  size_t out_len_ = 0;
  size_t out_sent_ = 0;
  // The last request id used (the first request gets 1). Zero-initialised on purpose: with every
  // member zero the connection's 9 KiB of buffers live in .bss, not in the loaded image.
  uint32_t last_req_id_ = 0;
  uint32_t req_id_ = 0;
  uint32_t req_type_ = 0;
  bool in_flight_ = false;
  bool abandoned_ = false;
  // Response side: our consumer index, the message being assembled.
  XENSTORE_RING_IDX rsp_cons_ = 0;
  uint8_t in_[kMaxMessage] = {};
  size_t in_have_ = 0;
  xsd_sockmsg in_header_ = {};
  bool reply_ready_ = false;
  // Watch events.
  XsWatchEvent watch_[kWatchQueue];
  size_t watch_head_ = 0;
  size_t watch_count_ = 0;
  uint32_t dropped_watch_events_ = 0;
  uint32_t unexpected_replies_ = 0;
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_XENSTORE_CONNECTION_H_
