// The Linux side of the command channel. See client.h and docs/protocol.md.
#include "tandem/channel/client.h"

#include <stdint.h>

#include "tandem/channel/shared_access.h"

namespace tandem::channel {

const char* ClientStatusName(ClientStatus status) {
  switch (status) {
    case ClientStatus::kOk:
      return "ok";
    case ClientStatus::kPending:
      return "pending";
    case ClientStatus::kNotConnected:
      return "not connected";
    case ClientStatus::kRingFull:
      return "ring full";
    case ClientStatus::kVersionMismatch:
      return "protocol version mismatch";
    case ClientStatus::kPeerNotReady:
      return "channel not initialised by the RTOS";
    case ClientStatus::kBadPeerHeader:
      return "bad channel header";
    case ClientStatus::kPeerReset:
      return "RTOS restarted or dropped the session";
    case ClientStatus::kPeerClosed:
      return "RTOS closed the channel";
    case ClientStatus::kBrokenPeer:
      return "the RTOS declared this session broken (an untrusted request index) and froze the "
             "ring";
    case ClientStatus::kBadResponses:
      return "the RTOS published more responses than were asked for";
    case ClientStatus::kTimeout:
      return "timeout";
    case ClientStatus::kUnknownId:
      return "unknown command id";
    case ClientStatus::kMisaligned:
      return "pages not page-aligned";
  }
  return "?";
}

Client::Client(RequestPage* requests, const ResponsePage* responses, Notifier& notifier,
               ClientConfig config)
    : req_page_(requests), rsp_page_(responses), notifier_(notifier), config_(config) {}

Client::PeerHeader Client::ReadPeer() const {
  const ResponsePageHeader* h = &rsp_page_->header;
  PeerHeader p{};
  // Session first (acquire): the RTOS writes its indices before the session it attaches.
  p.session = LoadAcquire(&h->session);
  p.state = static_cast<ChannelState>(LoadAcquire(&h->state));
  p.magic = LoadRelaxed(&h->magic);
  p.version = LoadRelaxed(&h->version);
  p.generation = LoadRelaxed(&h->generation);
  p.error = LoadRelaxed(&h->error);
  return p;
}

bool Client::PeerAcceptable(const PeerHeader& peer) {
  if (peer.magic != kResponsePageMagic) {
    last_error_ = peer.magic == 0 ? ClientStatus::kPeerNotReady : ClientStatus::kBadPeerHeader;
    return false;
  }
  if (VersionMajor(peer.version) != VersionMajor(config_.version)) {
    last_error_ = ClientStatus::kVersionMismatch;
    return false;
  }
  const ResponsePageHeader* h = &rsp_page_->header;
  if (LoadRelaxed(&h->slot_count) != kSlotCount || LoadRelaxed(&h->slot_size) != kSlotSize ||
      LoadRelaxed(&h->ring_offset) != kRingOffset) {
    last_error_ = ClientStatus::kBadPeerHeader;
    return false;
  }
  return true;
}

Result<void, ClientStatus> Client::Connect() {
  if (reinterpret_cast<uintptr_t>(req_page_) % kPageSize != 0 ||
      reinterpret_cast<uintptr_t>(rsp_page_) % kPageSize != 0) {
    return MakeError(ClientStatus::kMisaligned);
  }
  const PeerHeader peer = ReadPeer();
  if (!PeerAcceptable(peer)) {
    phase_ = last_error_ == ClientStatus::kVersionMismatch ? ClientPhase::kFailed : phase_;
    return MakeError(last_error_);
  }
  const bool frozen_after_broken_peer =
      peer.state == ChannelState::kClosing &&
      peer.error == static_cast<uint32_t>(ConnectionError::kBrokenPeer);
  if (peer.state == ChannelState::kClosed || peer.state == ChannelState::kUnknown ||
      (peer.state == ChannelState::kClosing && !frozen_after_broken_peer)) {
    last_error_ = ClientStatus::kPeerClosed;
    return MakeError(last_error_);
  }
  FailInFlight(ClientStatus::kPeerReset);
  ForgetSubscription();
  StartHandshake(peer);
  return {};
}

void Client::ForgetSubscription() {
  // A process that died subscribed left its wishes on the page; a new Connect starts with no
  // events wanted (EventReader::Subscribe asks again), so the RTOS does not fill a ring that
  // nobody reads. Automatic re-handshakes keep the subscription of the process that made it.
  RequestPageHeader* h = &req_page_->header;
  StoreRelaxed(&h->evt_kinds_lo, 0u);
  StoreRelaxed(&h->evt_kinds_hi, 0u);
  const uint32_t prod = LoadAcquire(&rsp_page_->header.evt_prod);
  StoreRelaxed(&h->evt_event, prod + kEventIndexNever);
  StoreRelease(&h->evt_cons, prod);
}

void Client::StartHandshake(const PeerHeader& peer) {
  RequestPageHeader* h = &req_page_->header;
  generation_ = peer.generation;
  // A session number neither side has seen: above ours (a restarted Linux reads it back from its
  // own page) and above the one the RTOS holds.
  uint32_t previous = LoadRelaxed(&h->session);
  if (peer.session > previous) previous = peer.session;
  session_ = previous + 1 == 0 ? 1 : previous + 1;
  req_prod_pvt_ = req_prod_pub_ = rsp_cons_ = config_.initial_index;

  StoreRelease(&h->state, static_cast<uint32_t>(ChannelState::kInitialising));
  StoreRelaxed(&h->magic, kRequestPageMagic);
  StoreRelaxed(&h->version, config_.version);
  StoreRelaxed(&h->generation, generation_);
  StoreRelaxed(&h->req_prod, req_prod_pub_);
  StoreRelaxed(&h->rsp_cons, rsp_cons_);
  // A polling session asks for no response events, from its first command on (the RTOS's
  // handshake answer is notified regardless).
  StoreRelaxed(&h->rsp_event,
               rsp_cons_ + (config_.signalling == kSignalPolled ? kEventIndexNever : 1));
  StoreRelaxed(&h->signalling, config_.signalling);
  StoreRelease(&h->session, session_);  // publishes the indices above with the session
  StoreRelease(&h->state, static_cast<uint32_t>(ChannelState::kConnected));
  phase_ = ClientPhase::kAwaitingAck;
  ++counters_.sessions;
  SendNotify();  // unconditional: the RTOS has no event index for a session it has not seen
}

void Client::FollowPeer() {
  const PeerHeader peer = ReadPeer();
  switch (phase_) {
    case ClientPhase::kIdle:
    case ClientPhase::kFailed:
      return;
    case ClientPhase::kAwaitingAck:
      if (peer.generation != generation_) {  // the RTOS restarted during our handshake
        if (PeerAcceptable(peer) && peer.state == ChannelState::kInitWait) StartHandshake(peer);
        return;
      }
      if (peer.session != session_) return;
      if (peer.state == ChannelState::kConnected) {
        // The RTOS started at our index; anything else is a broken peer.
        if (LoadRelaxed(&rsp_page_->header.rsp_prod) != rsp_cons_) {
          last_error_ = ClientStatus::kBadResponses;
          phase_ = ClientPhase::kPeerDown;
          return;
        }
        phase_ = ClientPhase::kConnected;
        last_error_ = ClientStatus::kOk;
      } else if (peer.error == static_cast<uint32_t>(ConnectionError::kVersionMismatch)) {
        last_error_ = ClientStatus::kVersionMismatch;
        phase_ = ClientPhase::kFailed;
      }
      return;
    case ClientPhase::kConnected: {
      if (peer.state == ChannelState::kConnected && peer.session == session_ &&
          peer.generation == generation_) {
        return;
      }
      ClientStatus cause = ClientStatus::kPeerReset;
      if (peer.generation == generation_ &&
          peer.error == static_cast<uint32_t>(ConnectionError::kBrokenPeer)) {
        cause = ClientStatus::kBrokenPeer;
        ++counters_.declared_broken;
      } else if (peer.generation == generation_ &&
                 (peer.state == ChannelState::kClosing || peer.state == ChannelState::kClosed)) {
        cause = ClientStatus::kPeerClosed;
      }
      // Collect what the RTOS answered before it went away, then fail the rest.
      if (peer.generation == generation_ && peer.session == session_) Consume();
      FailInFlight(cause);
      last_error_ = cause;
      ++counters_.peer_losses;
      phase_ = ClientPhase::kPeerDown;
      [[fallthrough]];
    }
    case ClientPhase::kPeerDown: {
      // Re-open by ourselves only when the RTOS restarted or dropped us (InitWait). A ring the
      // RTOS froze as broken stays down until the owner calls Connect(): a session is not
      // resurrected behind its back (if something else writes our page, each re-open is then
      // one command of ours, not every Poll).
      if (peer.state != ChannelState::kInitWait) return;
      if (!PeerAcceptable(peer)) {
        if (last_error_ == ClientStatus::kVersionMismatch) phase_ = ClientPhase::kFailed;
        return;
      }
      StartHandshake(peer);
      return;
    }
  }
}

void Client::Consume() {
  const uint32_t prod = LoadAcquire(&rsp_page_->header.rsp_prod);  // once per pass
  // The RTOS answers each published request once: more responses than that is a broken peer
  // (the XSA-86 check, applied to the side we trust more, too).
  if (static_cast<uint32_t>(prod - rsp_cons_) > static_cast<uint32_t>(req_prod_pub_ - rsp_cons_)) {
    // A restarting RTOS bumps its generation before it resets rsp_prod (both release stores):
    // FollowPeer reports that as a reset, not as a broken peer.
    if (LoadAcquire(&rsp_page_->header.generation) != generation_) return;
    FailInFlight(ClientStatus::kBadResponses);
    last_error_ = ClientStatus::kBadResponses;
    ++counters_.peer_losses;
    phase_ = ClientPhase::kPeerDown;
    return;
  }
  while (rsp_cons_ != prod) {
    const Response response = CopyOut<Response>(&rsp_page_->ring[rsp_cons_ & kSlotMask]);
    ++rsp_cons_;
    Entry* e = Find(response.id);
    if (e == nullptr) {
      ++counters_.unexpected;
    } else if (e->state == EntryState::kPending) {
      e->state = EntryState::kDone;
      e->response = response;
      ++counters_.completed;
    } else if (e->state == EntryState::kAbandoned) {
      e->state = EntryState::kFree;
    } else {
      ++counters_.unexpected;  // a second answer to the same id
    }
  }
  StoreRelaxed(&req_page_->header.rsp_cons, rsp_cons_);
  // Stay armed for the next response (blkfront re-arms after every batch the same way); the
  // RTOS's batching per pass is what keeps bursts cheap. PrepareWait adds the barrier and
  // re-check before sleeping. A polling session asks for nothing until it is about to sleep.
  StoreSeqCst(&req_page_->header.rsp_event,
              rsp_cons_ + (config_.signalling == kSignalPolled ? kEventIndexNever : 1));
}

uint32_t Client::Poll() {
  const uint64_t before = counters_.completed;
  FollowPeer();
  if (phase_ == ClientPhase::kConnected) Consume();
  return static_cast<uint32_t>(counters_.completed - before);
}

Result<uint64_t, ClientStatus> Client::Submit(Request request) {
  if (phase_ != ClientPhase::kConnected) return MakeError(ClientStatus::kNotConnected);
  if (static_cast<uint32_t>(req_prod_pvt_ - rsp_cons_) >= kSlotCount) {
    return MakeError(ClientStatus::kRingFull);
  }
  Entry* e = Find(0);  // a free entry (ids start at 1)
  if (e == nullptr) return MakeError(ClientStatus::kRingFull);
  request.id = next_id_++;
  // Slot req_prod_pvt_ - kSlotCount was answered (rsp_cons_ is past it), so the RTOS is done
  // reading this slot.
  CopyIn(&req_page_->ring[req_prod_pvt_ & kSlotMask], request);
  ++req_prod_pvt_;
  *e = Entry{request.id, EntryState::kPending, ClientStatus::kOk, Response{}};
  ++counters_.submitted;
  return request.id;
}

void Client::Flush() {
  if (req_prod_pvt_ == req_prod_pub_) return;
  const uint32_t old_prod = req_prod_pub_;
  req_prod_pub_ = req_prod_pvt_;
  // RING_PUSH_REQUESTS_AND_CHECK_NOTIFY.
  StoreSeqCst(&req_page_->header.req_prod, req_prod_pub_);
  if (config_.signalling == kSignalEveryCommand) {
    // The ablation's design: each command signalled on its own, whatever the RTOS asked for.
    for (uint32_t i = old_prod; i != req_prod_pub_; ++i) SendNotify();
  } else if (NeedsNotify(old_prod, req_prod_pub_, LoadSeqCst(&rsp_page_->header.req_event))) {
    SendNotify();
  }
}

Result<Response, ClientStatus> Client::Take(uint64_t id) {
  Entry* e = id == 0 ? nullptr : Find(id);
  if (e == nullptr) return MakeError(ClientStatus::kUnknownId);
  switch (e->state) {
    case EntryState::kDone:
      e->state = EntryState::kFree;
      e->id = 0;
      return e->response;
    case EntryState::kFailed:
      e->state = EntryState::kFree;
      e->id = 0;
      return MakeError(e->failure);
    case EntryState::kPending:
      return MakeError(ClientStatus::kPending);
    default:
      return MakeError(ClientStatus::kUnknownId);
  }
}

void Client::Abandon(uint64_t id) {
  Entry* e = id == 0 ? nullptr : Find(id);
  if (e == nullptr) return;
  if (e->state == EntryState::kPending) {
    e->state = EntryState::kAbandoned;  // the slot stays taken until the answer arrives
  } else {
    e->state = EntryState::kFree;
    e->id = 0;
  }
}

bool Client::PrepareWait() {
  StoreSeqCst(&req_page_->header.rsp_event, rsp_cons_ + 1);
  return LoadSeqCst(&rsp_page_->header.rsp_prod) != rsp_cons_ && phase_ == ClientPhase::kConnected;
}

Result<Response, ClientStatus> Client::Wait(uint64_t id, Waiter& waiter, uint64_t timeout_ns) {
  const uint64_t start = waiter.NowNs();
  const uint64_t deadline = start + timeout_ns;
  uint64_t spin_until = SpinUntil(start);
  for (;;) {
    Poll();
    Result<Response, ClientStatus> r = Take(id);
    if (r.ok() || r.error() != ClientStatus::kPending) return r;
    if (spin_until != 0) {
      const uint64_t now = waiter.NowNs();
      if (now < spin_until && now < deadline) continue;  // polling: no event asked for yet
      spin_until = 0;
      Kick();
    }
    if (PrepareWait()) continue;
    const uint64_t now = waiter.NowNs();
    if (now >= deadline) {
      Abandon(id);
      return MakeError(ClientStatus::kTimeout);
    }
    if (waiter.WaitForEvent(deadline - now)) OnNotification();
  }
}

Result<void, ClientStatus> Client::WaitConnected(Waiter& waiter, uint64_t timeout_ns) {
  const uint64_t deadline = waiter.NowNs() + timeout_ns;
  for (;;) {
    Poll();
    if (phase_ == ClientPhase::kConnected) return {};
    if (phase_ == ClientPhase::kFailed || phase_ == ClientPhase::kIdle) {
      return MakeError(phase_ == ClientPhase::kIdle ? ClientStatus::kNotConnected : last_error_);
    }
    const uint64_t now = waiter.NowNs();
    if (now >= deadline) return MakeError(ClientStatus::kTimeout);
    if (waiter.WaitForEvent(deadline - now)) OnNotification();
  }
}

Result<Response, ClientStatus> Client::Call(const Request& request, Waiter& waiter,
                                            uint64_t timeout_ns) {
  Result<uint64_t, ClientStatus> id = Submit(request);
  TANDEM_TRY(id);
  Flush();
  return Wait(id.value(), waiter, timeout_ns);
}

void Client::Disconnect() {
  if (phase_ == ClientPhase::kIdle) return;
  FailInFlight(ClientStatus::kNotConnected);
  RequestPageHeader* h = &req_page_->header;
  StoreRelease(&h->state, static_cast<uint32_t>(ChannelState::kClosing));
  StoreRelease(&h->state, static_cast<uint32_t>(ChannelState::kClosed));
  phase_ = ClientPhase::kIdle;
  SendNotify();
}

void Client::FailInFlight(ClientStatus cause) {
  for (Entry& e : entries_) {
    if (e.state == EntryState::kPending) {
      e.state = EntryState::kFailed;
      e.failure = cause;
    } else if (e.state == EntryState::kAbandoned) {
      e.state = EntryState::kFree;
      e.id = 0;
    }
  }
}

Client::Entry* Client::Find(uint64_t id) {
  for (Entry& e : entries_) {
    if (id == 0 ? e.state == EntryState::kFree : (e.id == id && e.state != EntryState::kFree)) {
      return &e;
    }
  }
  return nullptr;
}

void Client::SendNotify() {
  ++counters_.notify_sent;
  notifier_.Notify();
}

}  // namespace tandem::channel
