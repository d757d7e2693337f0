// The Xen binding of the command channel, RTOS side. See frontend.h and docs/rtos-channel.md.
#include "tandem/channel/xen/frontend.h"

#include "tandem/channel/boot_id.h"
#include "tandem/channel/xenstore_keys.h"
#include "tandem/format.h"

namespace tandem::channel {

using ::tandem::xen::XenStatus;
using ::tandem::xen::XenStoreClient;
using ::tandem::xen::XsStatus;

const char* FrontendStatusName(FrontendStatus status) {
  switch (status) {
    case FrontendStatus::kOk:
      return "ok";
    case FrontendStatus::kNotYet:
      return "XenStore not available yet";
    case FrontendStatus::kBadState:
      return "call out of order";
    case FrontendStatus::kMisaligned:
      return "channel page not 4 KiB aligned";
    case FrontendStatus::kGrantFailed:
      return "granting a channel page failed";
    case FrontendStatus::kEventFailed:
      return "setting up the event channel failed";
    case FrontendStatus::kStoreFailed:
      return "XenStore request failed";
    case FrontendStatus::kConflict:
      return "XenStore transaction kept conflicting";
    case FrontendStatus::kInUse:
      return "dom0 still maps a channel page";
  }
  return "unknown frontend status";
}

FrontendPages IdentityMappedPages(RequestPage* request, ResponsePage* response) {
  return FrontendPages{request, response,
                       reinterpret_cast<uintptr_t>(request) >> ::tandem::xen::kPageShift,
                       reinterpret_cast<uintptr_t>(response) >> ::tandem::xen::kPageShift};
}

XenFrontend::XenFrontend(::tandem::xen::GrantTable& grants, ::tandem::xen::EventChannels& events,
                         const FrontendPages& pages, TaskSignal signal, domid_t backend)
    : grants_(grants),
      events_(events),
      pages_(pages),
      signal_(signal),
      backend_(backend),
      server_(pages.request, pages.response, notify_) {}

void XenFrontend::PortNotify::Notify() {
  if (owner_.port_ == kNoPort || !owner_.events_.Send(owner_.port_).ok()) {
    ++owner_.counters_.notify_failed;  // a lost notify leaves the data in the ring
  }
}

FrontendStatus XenFrontend::Start(uint64_t boot_id) {
  if (running()) return FrontendStatus::kBadState;
  // XSA-396: a page whose grant dom0 may still map is not handed out again.
  if (!pages_reusable()) return FrontendStatus::kInUse;
  if (pages_.request == nullptr || pages_.response == nullptr ||
      reinterpret_cast<uintptr_t>(pages_.request) % kPageSize != 0 ||
      reinterpret_cast<uintptr_t>(pages_.response) % kPageSize != 0) {
    return FrontendStatus::kMisaligned;
  }
  auto rq = grants_.GrantAccess(backend_, pages_.request_gfn, /*readonly=*/false);
  if (!rq.ok()) {
    Fail(rq.error());
    return FrontendStatus::kGrantFailed;
  }
  auto rs = grants_.GrantAccess(backend_, pages_.response_gfn, /*readonly=*/true);
  if (!rs.ok()) {
    Fail(rs.error());
    // Never published, so nobody can have mapped it: ending it cannot be refused.
    (void)grants_.EndAccess(rq.value());
    return FrontendStatus::kGrantFailed;
  }
  request_ref_ = rq.value();
  response_ref_ = rs.value();

  auto port = events_.AllocUnbound(backend_);
  if (!port.ok()) {
    Fail(port.error());
    (void)TryRevoke();
    return FrontendStatus::kEventFailed;
  }
  // Bound while masked (EventChannels::Bind's rule); unmasked once the Server is initialised.
  (void)events_.Mask(port.value());
  auto bound = events_.Bind(port.value(), &XenFrontend::OnEvent, this);
  if (!bound.ok()) {
    Fail(bound.error());
    (void)events_.Close(port.value());
    (void)TryRevoke();
    return FrontendStatus::kEventFailed;
  }
  port_ = port.value();
  published_ = false;
  published_state_ = XenbusStateUnknown;
  bare_run_ = 0;
  throttled_ = false;
  if (server_.Init(boot_id) != ServerStatus::kOk) {  // alignment was checked above
    (void)Stop(nullptr);
    return FrontendStatus::kMisaligned;
  }
  auto unmasked = events_.Unmask(port_);
  if (!unmasked.ok()) Fail(unmasked.error());  // EVTCHNOP_unmask failed: next DrainOnce retries
  return FrontendStatus::kOk;
}

void XenFrontend::OnEvent(evtchn_port_t port, void* context) {
  auto* self = static_cast<XenFrontend*>(context);
  // Masked until the server task has drained the ring: further events from dom0 only set the
  // pending bit (no interrupt) until then. A plain atomic bit set, no hypercall.
  (void)self->events_.Mask(port);
  __atomic_fetch_add(&self->interrupts_, 1, __ATOMIC_RELAXED);
  self->server_.OnNotification();
  if (self->signal_.signal != nullptr) self->signal_.signal(self->signal_.context);
}

DrainResult XenFrontend::Drain(uint32_t max_polls) {
  DrainResult result;
  ++counters_.batches;
  if (max_polls == 0) max_polls = 1;
  bool drained = false;
  for (uint32_t i = 0; i < max_polls && !drained; ++i) {
    const PollResult poll = server_.Poll();
    result.handled += poll.handled;
    drained = !poll.more;
  }
  counters_.requests += result.handled;
  if (result.handled == 0) ++counters_.empty_batches;
  if (result.handled > counters_.max_batch) counters_.max_batch = result.handled;
  result.more = !drained;  // stays masked: the caller comes back without a new interrupt
  return result;
}

uint64_t XenFrontend::ServerActivity() const {
  const ServerCounters& c = server_.counters();
  return c.requests + c.broken + c.version_refused + c.attaches + c.detaches;
}

void XenFrontend::UnmaskPort() {
  // Poll re-armed req_event and re-checked (RING_FINAL_CHECK_FOR_REQUESTS), so Linux notifies
  // for its next request. Unmask re-checks the pending bit: an event that came while masked makes
  // Xen raise the upcall again (EVTCHNOP_unmask), so it is not lost.
  if (!running()) return;
  auto unmasked = events_.Unmask(port_);
  if (!unmasked.ok()) Fail(unmasked.error());
}

DrainResult XenFrontend::DrainOnce(uint32_t max_polls) {
  const uint64_t activity = ServerActivity();
  DrainResult result = Drain(max_polls);
  if (result.more) return result;
  if (ServerActivity() != activity) {
    bare_run_ = 0;
  } else {
    ++counters_.bare_wakeups;
    if (bare_run_ < kBareRunLimit) ++bare_run_;
    if (bare_run_ == kBareRunLimit) {
      // A run of wake-ups for nothing: dom0 notifies faster than it has anything to say. The
      // port stays masked; ThrottleCheck looks once per period instead of an interrupt each.
      if (!throttled_) ++counters_.throttles;
      throttled_ = true;
      result.throttled = true;
      return result;
    }
  }
  throttled_ = false;
  UnmaskPort();
  return result;
}

DrainResult XenFrontend::ThrottleCheck(uint32_t max_polls) {
  if (!throttled_ || !running()) return DrainResult{};
  ++counters_.throttle_periods;
  // Cleared before the ring is read: a notification for a request published after this read
  // sets the bit again, and the next check (or Unmask's re-check) sees it.
  const bool notified = events_.IsPending(port_);
  if (notified) (void)events_.ClearPending(port_);
  const uint64_t activity = ServerActivity();
  DrainResult result = Drain(max_polls);
  if (result.more) return result;  // the caller's DrainOnce finishes the batch
  if (ServerActivity() == activity && notified) {
    result.throttled = true;  // only bare notifications in this period: another period masked
    return result;
  }
  // A request (or handshake) came, or the period was quiet: one interrupt per batch again.
  bare_run_ = 0;
  throttled_ = false;
  UnmaskPort();
  return result;
}

FrontendStatus XenFrontend::StoreError(XsStatus status) {
  last_store_error_ = status;
  return FrontendStatus::kStoreFailed;
}

FrontendStatus XenFrontend::WriteAll(XenStoreClient& client, uint32_t tx) {
  char value[kBootIdTextLength + 1];
  Format(value, sizeof(value), "%u.%u", static_cast<unsigned>(kVersionMajor),
         static_cast<unsigned>(kVersionMinor));
  auto w = client.Write(keys::kVersionPath.c_str(), value, tx);
  if (!w.ok()) return StoreError(w.error());
  Format(value, sizeof(value), "%u", static_cast<unsigned>(request_ref_));
  w = client.Write(keys::kRequestRefPath.c_str(), value, tx);
  if (!w.ok()) return StoreError(w.error());
  Format(value, sizeof(value), "%u", static_cast<unsigned>(response_ref_));
  w = client.Write(keys::kResponseRefPath.c_str(), value, tx);
  if (!w.ok()) return StoreError(w.error());
  Format(value, sizeof(value), "%u", static_cast<unsigned>(port_));
  w = client.Write(keys::kEventChannelPath.c_str(), value, tx);
  if (!w.ok()) return StoreError(w.error());
  Format(value, sizeof(value), "%u", static_cast<unsigned>(published_state_));
  w = client.Write(keys::kStatePath.c_str(), value, tx);
  if (!w.ok()) return StoreError(w.error());
  // In the same transaction as the rest: a client never sees this boot's refs with another
  // boot's id (docs/protocol.md, "Restart indication").
  BootIdToText(server_.boot_id(), value);
  w = client.Write(keys::kBootIdPath.c_str(), value, tx);
  if (!w.ok()) return StoreError(w.error());
  return FrontendStatus::kOk;
}

FrontendStatus XenFrontend::Publish(XenStoreClient& client) {
  // A reply abandoned after an earlier timeout keeps the connection busy until it arrives.
  if (client.connection().in_flight()) (void)client.connection().Poll();
  for (uint32_t attempt = 0; attempt < kMaxTransactionAttempts; ++attempt) {
    auto tx = client.TransactionStart();
    if (!tx.ok()) {
      if (tx.error() == XsStatus::kAgain) continue;
      return StoreError(tx.error());
    }
    published_state_ = ToXenbusState(server_.state());
    const FrontendStatus written = WriteAll(client, tx.value());
    if (written != FrontendStatus::kOk) {
      (void)client.TransactionEnd(tx.value(), /*commit=*/false);
      if (last_store_error_ == XsStatus::kAgain) {
        ++counters_.tx_conflicts;
        continue;
      }
      return written;
    }
    auto end = client.TransactionEnd(tx.value(), /*commit=*/true);
    if (end.ok()) {
      published_ = true;
      ++counters_.publishes;
      WatchKeys(client);
      return FrontendStatus::kOk;
    }
    // xenstore.txt TRANSACTION_END: EAGAIN means another writer conflicted; redo it all.
    if (end.error() != XsStatus::kAgain) return StoreError(end.error());
    ++counters_.tx_conflicts;
  }
  last_store_error_ = XsStatus::kAgain;
  return FrontendStatus::kConflict;
}

void XenFrontend::WatchKeys(XenStoreClient& client) {
  if (keys_watched_) return;
  // A watch stays on the path when the node goes: it fires on deletion and re-creation alike.
  auto w = client.Watch(keys::kDir, kKeysWatchToken);
  if (w.ok()) {
    keys_watched_ = true;
  } else {
    last_store_error_ = w.error();  // retried at the next publish; the keys are out regardless
  }
}

FrontendStatus XenFrontend::CheckPublished(XenStoreClient& client) {
  if (!published_) return FrontendStatus::kOk;  // TryAttach publishes them
  if (client.connection().in_flight()) (void)client.connection().Poll();
  for (const char* key : keys::kAllPaths) {
    char value[kBootIdTextLength + 1];
    auto r = client.Read(key, value, sizeof(value));
    if (r.ok()) continue;
    if (r.error() != XsStatus::kNoEntry) return StoreError(r.error());
    ++counters_.republishes;
    return Publish(client);
  }
  return FrontendStatus::kOk;
}

FrontendStatus XenFrontend::TryAttach(XenStoreLink& link, XenStoreClient& client) {
  if (!running()) return FrontendStatus::kBadState;
  if (published_) return FrontendStatus::kOk;
  switch (link.TryConnect()) {
    case LinkStatus::kConnected:
      break;
    case LinkStatus::kNotYet:
      ++counters_.attach_not_yet;
      return FrontendStatus::kNotYet;
    case LinkStatus::kBrokenPeer:
      return StoreError(XsStatus::kBrokenPeer);
    case LinkStatus::kMapFailed:
    case LinkStatus::kBindFailed:
      return StoreError(XsStatus::kNotConnected);
  }
  return Publish(client);
}

FrontendStatus XenFrontend::SyncState(XenStoreClient& client) {
  if (!state_dirty()) return FrontendStatus::kOk;
  if (client.connection().in_flight()) (void)client.connection().Poll();
  const XenbusState state = ToXenbusState(server_.state());
  char value[4];
  Format(value, sizeof(value), "%u", static_cast<unsigned>(state));
  // One write is atomic in XenStore: no transaction needed for a single key.
  auto w = client.Write(keys::kStatePath.c_str(), value);
  if (!w.ok()) return StoreError(w.error());
  published_state_ = state;
  return FrontendStatus::kOk;
}

FrontendStatus XenFrontend::Stop(XenStoreClient* client) {
  if (!running()) return FrontendStatus::kBadState;
  server_.Close();  // Closing, then Closed on the response page; notifies Linux
  if (client != nullptr && published_) {
    if (client->connection().in_flight()) (void)client->connection().Poll();
    char value[4];
    Format(value, sizeof(value), "%u", static_cast<unsigned>(XenbusStateClosed));
    auto w = client->Write(keys::kStatePath.c_str(), value);
    if (!w.ok()) last_store_error_ = w.error();  // the page says Closed regardless
  }
  (void)events_.Mask(port_);
  (void)events_.Unbind(port_);
  auto closed = events_.Close(port_);
  if (!closed.ok()) Fail(closed.error());
  port_ = kNoPort;
  published_ = false;
  published_state_ = XenbusStateUnknown;
  return TryRevoke();
}

FrontendStatus XenFrontend::TryRevoke() {
  if (running()) return FrontendStatus::kBadState;
  FrontendStatus status = FrontendStatus::kOk;
  for (grant_ref_t* ref : {&request_ref_, &response_ref_}) {
    if (*ref == kNoRef) continue;
    auto ended = grants_.EndAccess(*ref);
    if (ended.ok()) {
      *ref = kNoRef;
      continue;
    }
    // kInUse: dom0 still maps it. Anything else is unexpected: keep the page unusable too.
    Fail(ended.error());
    if (ended.error() == XenStatus::kInUse) ++counters_.revoke_refused;
    status = FrontendStatus::kInUse;
  }
  return status;
}

FrontendCounters XenFrontend::counters() const {
  FrontendCounters c = counters_;
  c.interrupts = __atomic_load_n(&interrupts_, __ATOMIC_RELAXED);
  return c;
}

}  // namespace tandem::channel
