#include "tandem/xen/xenstore_connection.h"

#include <atomic>

namespace tandem::xen {
namespace {

XENSTORE_RING_IDX LoadShared(XENSTORE_RING_IDX& index) {
  return std::atomic_ref<XENSTORE_RING_IDX>(index).load(std::memory_order_acquire);
}
void StoreShared(XENSTORE_RING_IDX& index, XENSTORE_RING_IDX value) {
  std::atomic_ref<XENSTORE_RING_IDX>(index).store(value, std::memory_order_release);
}
size_t Min(size_t a, size_t b) { return a < b ? a : b; }
size_t Length(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

}  // namespace

XsPart XsString(const char* s) { return XsPart{s, Length(s) + 1}; }
XsPart XsBytes(const char* s) { return XsPart{s, Length(s)}; }

XenResult<XenStoreParams> QueryXenStore(Hypervisor& hv) {
  auto port = GetHvmParam(hv, HVM_PARAM_STORE_EVTCHN);
  TANDEM_TRY(port);
  if (port.value() >= EVTCHN_2L_NR_CHANNELS) return MakeError(XenStatus::kBrokenPeer);
  auto pfn = GetHvmParam(hv, HVM_PARAM_STORE_PFN);
  TANDEM_TRY(pfn);
  // 0: never set; ~0: XENSTORE_PFN_LATE_ALLOC-style "not yet" (init-dom0less sets it later).
  if (pfn.value() == 0 || pfn.value() == ~uint64_t{0}) return MakeError(XenStatus::kNotReady);
  return XenStoreParams{pfn.value(), static_cast<evtchn_port_t>(port.value())};
}

void XenStoreConnection::Attach(xenstore_domain_interface* ring, Notifier notify) {
  ring_ = ring;
  notify_ = notify;
  broken_ = false;
  req_prod_ = LoadShared(ring->req_prod);
  rsp_cons_ = LoadShared(ring->rsp_cons);
  out_len_ = out_sent_ = in_have_ = 0;
  in_flight_ = abandoned_ = reply_ready_ = false;
  watch_head_ = watch_count_ = 0;
}

bool XenStoreConnection::connected() const {
  return ring_ != nullptr &&
         std::atomic_ref<uint32_t>(ring_->connection).load(std::memory_order_acquire) ==
             XENSTORE_CONNECTED;
}

Result<void, XsStatus> XenStoreConnection::Break() {
  broken_ = true;
  in_flight_ = false;
  reply_ready_ = false;
  return MakeError(XsStatus::kBrokenPeer);
}

Result<uint32_t, XsStatus> XenStoreConnection::Submit(uint32_t type, uint32_t tx_id,
                                                      const XsPart* parts, size_t count) {
  if (ring_ == nullptr) return MakeError(XsStatus::kNotConnected);
  if (broken_) return MakeError(XsStatus::kBrokenPeer);
  if (in_flight_) return MakeError(XsStatus::kBusy);
  size_t len = 0;
  for (size_t i = 0; i < count; ++i) {
    if (parts[i].len > XENSTORE_PAYLOAD_MAX - len) return MakeError(XsStatus::kTooLong);
    len += parts[i].len;
  }
  xsd_sockmsg header{};
  header.type = type;
  header.req_id = ++last_req_id_;
  header.tx_id = tx_id;
  header.len = static_cast<uint32_t>(len);
  __builtin_memcpy(out_, &header, kHeaderSize);
  size_t at = kHeaderSize;
  for (size_t i = 0; i < count; ++i) {
    if (parts[i].len != 0) __builtin_memcpy(out_ + at, parts[i].data, parts[i].len);
    at += parts[i].len;
  }
  out_len_ = at;
  out_sent_ = 0;
  req_id_ = header.req_id;
  req_type_ = type;
  in_flight_ = true;
  abandoned_ = false;
  auto polled = Poll();
  TANDEM_TRY(polled);
  return header.req_id;
}

Result<void, XsStatus> XenStoreConnection::Push(bool* moved) {
  if (out_sent_ == out_len_) return {};
  const XENSTORE_RING_IDX cons = LoadShared(ring_->req_cons);
  const XENSTORE_RING_IDX used = req_prod_ - cons;
  if (used > XENSTORE_RING_SIZE) return Break();
  const size_t n = Min(XENSTORE_RING_SIZE - used, out_len_ - out_sent_);
  for (size_t i = 0; i < n; ++i) {
    ring_->req[MASK_XENSTORE_IDX(req_prod_ + i)] = static_cast<char>(out_[out_sent_ + i]);
  }
  if (n == 0) return {};
  req_prod_ += static_cast<XENSTORE_RING_IDX>(n);
  out_sent_ += n;
  StoreShared(ring_->req_prod, req_prod_);  // release: the bytes before the index
  *moved = true;
  return {};
}

Result<void, XsStatus> XenStoreConnection::Pull(bool* moved) {
  // A finished reply holds the buffer until TakeReply(); the rest waits in the ring.
  while (!reply_ready_) {
    const XENSTORE_RING_IDX prod = LoadShared(ring_->rsp_prod);
    const XENSTORE_RING_IDX avail = prod - rsp_cons_;
    if (avail > XENSTORE_RING_SIZE) return Break();
    if (avail == 0) return {};
    const size_t want =
        in_have_ < kHeaderSize ? kHeaderSize - in_have_ : kHeaderSize + in_header_.len - in_have_;
    const size_t n = Min(avail, want);
    for (size_t i = 0; i < n; ++i) {
      in_[in_have_ + i] = static_cast<uint8_t>(ring_->rsp[MASK_XENSTORE_IDX(rsp_cons_ + i)]);
    }
    in_have_ += n;
    rsp_cons_ += static_cast<XENSTORE_RING_IDX>(n);
    // The bytes are copied before xenstored may overwrite them: the release store of rsp_cons
    // orders the loads above before it (the full barrier of xenstore-ring.txt is not needed
    // for load -> store ordering).
    StoreShared(ring_->rsp_cons, rsp_cons_);
    *moved = true;
    if (in_have_ == kHeaderSize) {
      __builtin_memcpy(&in_header_, in_, kHeaderSize);
      if (in_header_.len > XENSTORE_PAYLOAD_MAX) return Break();
    }
    if (in_have_ >= kHeaderSize && in_have_ == kHeaderSize + in_header_.len) CompleteMessage();
  }
  return {};
}

Result<void, XsStatus> XenStoreConnection::Poll() {
  if (ring_ == nullptr) return MakeError(XsStatus::kNotConnected);
  if (broken_) return MakeError(XsStatus::kBrokenPeer);
  if (!connected()) return {};  // xenstored still (re)connecting the ring
  bool moved = false;
  auto pushed = Push(&moved);
  if (pushed.ok()) {
    auto pulled = Pull(&moved);
    if (pulled.ok() && in_flight_)
      pushed = Push(&moved);  // Pull may have made room
    else if (!pulled.ok())
      pushed = pulled;
  }
  if (moved) notify_();
  return pushed;
}

void XenStoreConnection::CompleteMessage() {
  const auto* payload = reinterpret_cast<const char*>(in_ + kHeaderSize);
  if (in_header_.type == XS_WATCH_EVENT) {
    QueueWatchEvent(payload, in_header_.len);
  } else if (in_flight_ && out_sent_ == out_len_ && in_header_.req_id == req_id_) {
    if (abandoned_) {
      in_flight_ = false;  // the late reply of a timed-out request
    } else {
      reply_ready_ = true;
      return;  // keep in_ until TakeReply()
    }
  } else {
    ++unexpected_replies_;
  }
  in_have_ = 0;
}

void XenStoreConnection::QueueWatchEvent(const char* payload, uint32_t len) {
  // Payload: path NUL token NUL (xenstore.txt, WATCH_EVENT).
  uint32_t path_len = 0;
  while (path_len < len && payload[path_len] != '\0') ++path_len;
  uint32_t token_len = 0;
  const uint32_t token_at = path_len + 1;
  while (token_at + token_len < len && payload[token_at + token_len] != '\0') ++token_len;
  const bool well_formed = path_len < len && token_at + token_len < len;
  if (!well_formed || path_len >= XsWatchEvent::kMaxPath || token_len >= XsWatchEvent::kMaxToken ||
      watch_count_ == kWatchQueue) {
    ++dropped_watch_events_;
    return;
  }
  XsWatchEvent& e = watch_[(watch_head_ + watch_count_) % kWatchQueue];
  __builtin_memcpy(e.path, payload, path_len);
  e.path[path_len] = '\0';
  __builtin_memcpy(e.token, payload + token_at, token_len);
  e.token[token_len] = '\0';
  ++watch_count_;
}

bool XenStoreConnection::PopWatchEvent(XsWatchEvent* out) {
  if (watch_count_ == 0) return false;
  *out = watch_[watch_head_];
  watch_head_ = (watch_head_ + 1) % kWatchQueue;
  --watch_count_;
  return true;
}

Result<XsReply, XsStatus> XenStoreConnection::TakeReply() {
  if (broken_) return MakeError(XsStatus::kBrokenPeer);
  if (!reply_ready_) return MakeError(XsStatus::kBusy);
  reply_ready_ = false;
  in_flight_ = false;
  in_have_ = 0;  // the payload stays readable until the next Poll()/Submit()
  XsReply reply;
  reply.type = in_header_.type;
  reply.tx_id = in_header_.tx_id;
  reply.payload = reinterpret_cast<const char*>(in_ + kHeaderSize);
  reply.len = in_header_.len;
  if (reply.type == XS_ERROR) return MakeError(XsStatusFromErrorString(reply.payload, reply.len));
  if (reply.type != req_type_) return MakeError(XsStatus::kBadReply);
  return reply;
}

void XenStoreConnection::Abandon() {
  if (!in_flight_) return;
  if (reply_ready_) {  // it did come: drop it
    reply_ready_ = false;
    in_flight_ = false;
    in_have_ = 0;
    return;
  }
  abandoned_ = true;
}

}  // namespace tandem::xen
