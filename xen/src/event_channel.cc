#include "tandem/xen/event_channel.h"

namespace tandem::xen {

std::atomic_ref<xen_ulong_t> EventChannels::PendingWord(uint32_t word) const {
  return std::atomic_ref<xen_ulong_t>(shared_->evtchn_pending[word]);
}
std::atomic_ref<xen_ulong_t> EventChannels::MaskWord(uint32_t word) const {
  return std::atomic_ref<xen_ulong_t>(shared_->evtchn_mask[word]);
}

void EventChannels::MaskAll() {
  for (uint32_t w = 0; w < kPorts / kBitsPerWord; ++w) {
    MaskWord(w).store(~xen_ulong_t{0}, std::memory_order_seq_cst);
  }
}

XenResult<evtchn_port_t> EventChannels::AllocUnbound(domid_t remote) {
  evtchn_alloc_unbound_t op{};
  op.dom = DOMID_SELF;
  op.remote_dom = remote;
  auto rc = hv_.EventChannelOp(EVTCHNOP_alloc_unbound, &op);
  if (!rc.ok()) return MakeError(rc.error());
  if (!Valid(op.port)) return MakeError(XenStatus::kOther);  // 2-level ABI has 4096 ports
  return op.port;
}

XenResult<evtchn_port_t> EventChannels::BindInterdomain(domid_t remote, evtchn_port_t remote_port) {
  evtchn_bind_interdomain_t op{};
  op.remote_dom = remote;
  op.remote_port = remote_port;
  auto rc = hv_.EventChannelOp(EVTCHNOP_bind_interdomain, &op);
  if (!rc.ok()) return MakeError(rc.error());
  if (!Valid(op.local_port)) return MakeError(XenStatus::kOther);
  return op.local_port;
}

Result<void, XenStatus> EventChannels::Send(evtchn_port_t port) {
  if (!Valid(port)) return MakeError(XenStatus::kBadArgument);
  evtchn_send_t op{};
  op.port = port;
  auto rc = hv_.EventChannelOp(EVTCHNOP_send, &op);
  if (!rc.ok()) return MakeError(rc.error());
  return {};
}

Result<void, XenStatus> EventChannels::Close(evtchn_port_t port) {
  if (!Valid(port)) return MakeError(XenStatus::kBadArgument);
  evtchn_close_t op{};
  op.port = port;
  auto rc = hv_.EventChannelOp(EVTCHNOP_close, &op);
  if (!rc.ok()) return MakeError(rc.error());
  return {};
}

Result<void, XenStatus> EventChannels::Bind(evtchn_port_t port, EventHandler handler,
                                            void* context) {
  if (!Valid(port) || handler == nullptr) return MakeError(XenStatus::kBadArgument);
  Binding* free_slot = nullptr;
  for (auto& b : bindings_) {
    EventHandler h = b.handler.load(std::memory_order_acquire);
    if (h != nullptr && b.port == port) return MakeError(XenStatus::kExists);
    if (h == nullptr && free_slot == nullptr) free_slot = &b;
  }
  if (free_slot == nullptr) return MakeError(XenStatus::kNoSpace);
  free_slot->port = port;
  free_slot->context = context;
  // Publishing the handler last makes the slot visible to the upcall only when complete.
  free_slot->handler.store(handler, std::memory_order_release);
  return {};
}

Result<void, XenStatus> EventChannels::Unbind(evtchn_port_t port) {
  for (auto& b : bindings_) {
    if (b.handler.load(std::memory_order_acquire) != nullptr && b.port == port) {
      b.handler.store(nullptr, std::memory_order_release);
      return {};
    }
  }
  return MakeError(XenStatus::kNoEntry);
}

Result<void, XenStatus> EventChannels::Mask(evtchn_port_t port) {
  if (!Valid(port)) return MakeError(XenStatus::kBadArgument);
  MaskWord(port / kBitsPerWord).fetch_or(Bit(port), std::memory_order_seq_cst);
  return {};
}

Result<void, XenStatus> EventChannels::ClearPending(evtchn_port_t port) {
  if (!Valid(port)) return MakeError(XenStatus::kBadArgument);
  PendingWord(port / kBitsPerWord).fetch_and(~Bit(port), std::memory_order_seq_cst);
  return {};
}

bool EventChannels::IsPending(evtchn_port_t port) const {
  return Valid(port) &&
         (PendingWord(port / kBitsPerWord).load(std::memory_order_seq_cst) & Bit(port)) != 0;
}

bool EventChannels::IsMasked(evtchn_port_t port) const {
  return Valid(port) &&
         (MaskWord(port / kBitsPerWord).load(std::memory_order_seq_cst) & Bit(port)) != 0;
}

Result<void, XenStatus> EventChannels::Unmask(evtchn_port_t port) {
  if (!Valid(port)) return MakeError(XenStatus::kBadArgument);
  if (!IsPending(port)) {
    MaskWord(port / kBitsPerWord).fetch_and(~Bit(port), std::memory_order_seq_cst);
    // Xen tests the mask after setting pending (evtchn_2l_set_pending): an event that arrived
    // before our clear saw the mask set and raised nothing. Re-check to catch it.
    if (!IsPending(port)) return {};
    MaskWord(port / kBitsPerWord).fetch_or(Bit(port), std::memory_order_seq_cst);
  }
  // Xen's EVTCHNOP_unmask test-and-clears the mask and, if the port is pending, sets the
  // selector bit and raises the upcall; it does nothing if the mask is already clear, which is
  // why the mask is handed back to Xen set.
  evtchn_unmask_t op{};
  op.port = port;
  auto rc = hv_.EventChannelOp(EVTCHNOP_unmask, &op);
  if (!rc.ok()) return MakeError(rc.error());
  return {};
}

void EventChannels::Dispatch(evtchn_port_t port) {
  for (auto& b : bindings_) {
    EventHandler h = b.handler.load(std::memory_order_acquire);
    if (h != nullptr && b.port == port) {
      h(port, b.context);
      return;
    }
  }
  unhandled_.fetch_add(1, std::memory_order_relaxed);
}

void EventChannels::HandleUpcall() {
  vcpu_info& vcpu = shared_->vcpu_info[0];
  std::atomic_ref<uint8_t> upcall_pending(vcpu.evtchn_upcall_pending);
  std::atomic_ref<xen_ulong_t> selector(vcpu.evtchn_pending_sel);
  do {
    upcall_pending.store(0, std::memory_order_seq_cst);
    xen_ulong_t words = selector.exchange(0, std::memory_order_seq_cst);
    while (words != 0) {
      const auto word = static_cast<uint32_t>(__builtin_ctzll(words));
      words &= words - 1;
      xen_ulong_t active = PendingWord(word).load(std::memory_order_seq_cst) &
                           ~MaskWord(word).load(std::memory_order_seq_cst);
      while (active != 0) {
        const auto bit = static_cast<uint32_t>(__builtin_ctzll(active));
        active &= active - 1;
        const evtchn_port_t port = word * kBitsPerWord + bit;
        // Cleared before the handler runs: an event during the handler is not lost.
        PendingWord(word).fetch_and(~Bit(port), std::memory_order_seq_cst);
        Dispatch(port);
      }
    }
  } while (upcall_pending.load(std::memory_order_seq_cst) != 0);
}

}  // namespace tandem::xen
