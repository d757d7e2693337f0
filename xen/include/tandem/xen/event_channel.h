// Event channels, 2-level ABI (xen/event_channel.h; pending/mask bitmaps in struct shared_info,
// selector and upcall flag in vcpu_info, xen/xen.h "Event channel endpoints ...").
//
// Xen writes the same pending/mask/selector words as the guest, so every guest update is an
// atomic read-modify-write on the whole word (std::atomic_ref), never a plain load/store pair.
// HandleUpcall() is what the kernel's category 2 ISR for the event-channel PPI (the device
// tree's /hypervisor interrupts) calls. Single vCPU: only vcpu_info[0] is used.
#ifndef TANDEM_XEN_EVENT_CHANNEL_H_
#define TANDEM_XEN_EVENT_CHANNEL_H_

#include <stdint.h>

#include <atomic>

#include "tandem/xen/abi.h"
#include "tandem/xen/hypervisor.h"

namespace tandem::xen {

// Called from the upcall (interrupt context) with the port's pending bit already cleared.
using EventHandler = void (*)(evtchn_port_t port, void* context);

class EventChannels {
 public:
  static constexpr uint32_t kMaxBindings = 16;
  static constexpr uint32_t kPorts = EVTCHN_2L_NR_CHANNELS;
  static constexpr uint32_t kBitsPerWord = sizeof(xen_ulong_t) * 8;

  EventChannels(Hypervisor& hv, shared_info* shared) : hv_(hv), shared_(shared) {}

  // Masks every port (Tandem starts with all events off, as Linux's xen_init_IRQ does).
  void MaskAll();

  // EVTCHNOP_alloc_unbound: a fresh local port that `remote` (e.g. dom0) may bind to.
  XenResult<evtchn_port_t> AllocUnbound(domid_t remote);
  // EVTCHNOP_bind_interdomain: connect to `remote_port` of `remote`; returns the local port.
  XenResult<evtchn_port_t> BindInterdomain(domid_t remote, evtchn_port_t remote_port);
  // EVTCHNOP_send: notify the other end of `port`.
  Result<void, XenStatus> Send(evtchn_port_t port);
  // EVTCHNOP_close.
  Result<void, XenStatus> Close(evtchn_port_t port);

  // The static port -> handler table (no heap). Bind while the port is masked; the port stays
  // masked until Unmask(). kNoSpace when the table is full, kExists if the port is bound.
  Result<void, XenStatus> Bind(evtchn_port_t port, EventHandler handler, void* context);
  Result<void, XenStatus> Unbind(evtchn_port_t port);

  // Atomic bit operations on shared_info (no hypercall). kBadArgument for ports >= kPorts.
  Result<void, XenStatus> Mask(evtchn_port_t port);
  Result<void, XenStatus> ClearPending(evtchn_port_t port);
  bool IsPending(evtchn_port_t port) const;
  bool IsMasked(evtchn_port_t port) const;

  // Unmasks `port` without a hypercall when nothing is pending: clear the mask bit, then
  // re-check pending. If an event is (or became) pending, the mask is left to Xen:
  // EVTCHNOP_unmask clears it and raises the upcall, so no event is lost.
  Result<void, XenStatus> Unmask(evtchn_port_t port);

  // The upcall. Clears vcpu_info.evtchn_upcall_pending FIRST (an event arriving during the scan
  // then raises a new upcall instead of being lost), takes the selector with an atomic exchange,
  // and for each pending and unmasked port clears its pending bit and calls its handler. Repeats
  // while Xen set evtchn_upcall_pending again meanwhile.
  void HandleUpcall();

  // Events seen on ports with no handler (cleared and counted, not delivered).
  uint32_t unhandled_events() const { return unhandled_.load(std::memory_order_relaxed); }

 private:
  struct Binding {
    std::atomic<EventHandler> handler{nullptr};
    void* context = nullptr;
    evtchn_port_t port = 0;
  };
  static bool Valid(evtchn_port_t port) { return port < kPorts; }
  static xen_ulong_t Bit(evtchn_port_t port) { return xen_ulong_t{1} << (port % kBitsPerWord); }
  std::atomic_ref<xen_ulong_t> PendingWord(uint32_t word) const;
  std::atomic_ref<xen_ulong_t> MaskWord(uint32_t word) const;
  void Dispatch(evtchn_port_t port);

  Hypervisor& hv_;
  shared_info* shared_;
  Binding bindings_[kMaxBindings];
  std::atomic<uint32_t> unhandled_{0};
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_EVENT_CHANNEL_H_
