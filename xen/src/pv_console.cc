#include "tandem/xen/pv_console.h"

#include <atomic>

namespace tandem::xen {
namespace {

constexpr XENCONS_RING_IDX kOutSize = sizeof(xencons_interface::out);
constexpr XENCONS_RING_IDX kInSize = sizeof(xencons_interface::in);
static_assert((kOutSize & (kOutSize - 1)) == 0 && (kInSize & (kInSize - 1)) == 0,
              "io/console.h: MASK_XENCONS_IDX needs power-of-two rings");

XENCONS_RING_IDX LoadPeer(XENCONS_RING_IDX& index) {
  // acquire: the ring bytes the peer wrote before moving its index are visible after this load
  return std::atomic_ref<XENCONS_RING_IDX>(index).load(std::memory_order_acquire);
}
void StoreOwn(XENCONS_RING_IDX& index, XENCONS_RING_IDX value) {
  // release: the ring bytes are written (or read) before the peer sees the index move
  std::atomic_ref<XENCONS_RING_IDX>(index).store(value, std::memory_order_release);
}

}  // namespace

XenResult<PvConsoleParams> QueryPvConsole(Hypervisor& hv) {
  auto pfn = GetHvmParam(hv, HVM_PARAM_CONSOLE_PFN);
  if (!pfn.ok()) return MakeError(pfn.error());
  auto port = GetHvmParam(hv, HVM_PARAM_CONSOLE_EVTCHN);
  if (!port.ok()) return MakeError(port.error());
  if (pfn.value() == 0 || pfn.value() == ~uint64_t{0}) return MakeError(XenStatus::kNotReady);
  if (port.value() >= EVTCHN_2L_NR_CHANNELS) return MakeError(XenStatus::kBrokenPeer);
  return PvConsoleParams{pfn.value(), static_cast<evtchn_port_t>(port.value())};
}

PvConsole::PvConsole(xencons_interface* ring, Notifier notify) : ring_(ring), notify_(notify) {
  // Start from the indices the toolstack left (normally 0); they are ours from now on.
  out_prod_ = LoadPeer(ring_->out_prod);
  in_cons_ = LoadPeer(ring_->in_cons);
}

XenResult<size_t> PvConsole::Write(const char* data, size_t n) {
  if (broken_) return MakeError(XenStatus::kBrokenPeer);
  const XENCONS_RING_IDX cons = LoadPeer(ring_->out_cons);
  const XENCONS_RING_IDX used = out_prod_ - cons;
  if (used > kOutSize) {
    broken_ = true;
    return MakeError(XenStatus::kBrokenPeer);
  }
  size_t count = kOutSize - used;
  if (count > n) count = n;
  for (size_t i = 0; i < count; ++i) {
    ring_->out[MASK_XENCONS_IDX(out_prod_ + i, ring_->out)] = data[i];
  }
  if (count == 0) return size_t{0};
  out_prod_ += static_cast<XENCONS_RING_IDX>(count);
  StoreOwn(ring_->out_prod, out_prod_);
  notify_();
  return count;
}

XenResult<size_t> PvConsole::WriteAll(const char* data, size_t n, Waiter wait) {
  size_t done = 0;
  while (done < n) {
    auto wrote = Write(data + done, n - done);
    if (!wrote.ok()) return MakeError(wrote.error());
    done += wrote.value();
    if (done < n && wrote.value() == 0 && !wait()) return MakeError(XenStatus::kAgain);
  }
  return done;
}

XenResult<size_t> PvConsole::Read(char* data, size_t n) {
  if (broken_) return MakeError(XenStatus::kBrokenPeer);
  const XENCONS_RING_IDX prod = LoadPeer(ring_->in_prod);
  const XENCONS_RING_IDX avail = prod - in_cons_;
  if (avail > kInSize) {
    broken_ = true;
    return MakeError(XenStatus::kBrokenPeer);
  }
  size_t count = avail < n ? avail : n;
  for (size_t i = 0; i < count; ++i) {
    data[i] = ring_->in[MASK_XENCONS_IDX(in_cons_ + i, ring_->in)];
  }
  if (count == 0) return size_t{0};
  in_cons_ += static_cast<XENCONS_RING_IDX>(count);
  StoreOwn(ring_->in_cons, in_cons_);
  notify_();
  return count;
}

}  // namespace tandem::xen
