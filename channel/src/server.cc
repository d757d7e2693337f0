// The RTOS side of the command channel. See server.h for the rules and docs/protocol.md for the
// reasons (XSA-86, XSA-155, Xen public/io/ring.h event indices).
#include "tandem/channel/server.h"

#include <stdint.h>

#include "tandem/channel/shared_access.h"

namespace tandem::channel {
namespace {

int CoreIndex(uint16_t op) {
  for (uint32_t i = 0; i < sizeof(kOpSpecs) / sizeof(kOpSpecs[0]); ++i) {
    if (static_cast<uint16_t>(kOpSpecs[i].op) == op) return static_cast<int>(i);
  }
  return -1;
}

bool SameText(const char* a, const char* b) {
  uint32_t i = 0;
  for (; a[i] != '\0' && a[i] == b[i]; ++i) {
  }
  return a[i] == b[i];
}

// Copies a spec's text (checked by CheckSpec to fit) into a payload; returns its length.
uint16_t CopyText(const char* text, uint8_t (&payload)[kMaxPayload]) {
  uint16_t n = 0;
  for (; text != nullptr && n < kMaxPayload && text[n] != '\0'; ++n) {
    payload[n] = static_cast<uint8_t>(text[n]);
  }
  return n;
}

}  // namespace

Server::Server(const RequestPage* requests, ResponsePage* responses, Notifier& notifier)
    : req_page_(requests), rsp_page_(responses), notifier_(notifier) {}

ServerStatus Server::Init(uint64_t boot_id) {
  if (reinterpret_cast<uintptr_t>(req_page_) % kPageSize != 0 ||
      reinterpret_cast<uintptr_t>(rsp_page_) % kPageSize != 0) {
    return ServerStatus::kMisaligned;
  }
  ResponsePageHeader* h = &rsp_page_->header;
  // Our own page: a previous incarnation's generation is ours to trust. A fresh (zeroed) page
  // starts at 1; 0 is never used so that Linux's zeroed header never matches.
  const bool had_magic = LoadRelaxed(&h->magic) == kResponsePageMagic;
  generation_ = had_magic ? LoadRelaxed(&h->generation) + 1 : 1;
  if (generation_ == 0) generation_ = 1;
  boot_id_ = boot_id;
  session_ = 0;
  req_cons_ = rsp_prod_pvt_ = rsp_prod_pub_ = 0;

  // Closed while rewriting, so Linux never sees a half-written header as connected.
  StoreRelease(&h->state, static_cast<uint32_t>(ChannelState::kClosed));
  StoreRelaxed(&h->magic, kResponsePageMagic);
  StoreRelaxed(&h->version, kProtocolVersion);
  StoreRelaxed(&h->slot_count, static_cast<uint16_t>(kSlotCount));
  StoreRelaxed(&h->slot_size, static_cast<uint16_t>(kSlotSize));
  StoreRelaxed(&h->ring_offset, static_cast<uint16_t>(kRingOffset));
  StoreRelaxed(&h->boot_id, boot_id_);  // published with the state below (release)
  // Generation before the indices, both release: a Linux that reads the reset rsp_prod also
  // sees the new generation.
  StoreRelease(&h->generation, generation_);
  StoreRelaxed(&h->session, 0u);
  StoreRelease(&h->rsp_prod, 0u);
  StoreRelaxed(&h->req_cons, 0u);
  StoreRelaxed(&h->req_event, 0u);
  events_.Reset();
  PublishCounters();
  SetState(ChannelState::kInitWait, ConnectionError::kNone);
  SendNotify();
  return ServerStatus::kOk;
}

ServerStatus Server::SetHandler(Op op, CommandHandler* handler) {
  const int index = CoreIndex(static_cast<uint16_t>(op));
  if (index < 0 || op == Op::kPing) return ServerStatus::kBadOp;
  core_handlers_[index] = handler;
  return ServerStatus::kOk;
}

ServerStatus Server::RegisterAppCommand(const AppCommandSpec& spec, CommandHandler* handler) {
  if (!IsAppOp(spec.op) || handler == nullptr) return ServerStatus::kBadOp;
  if (CheckSpec(spec) != SpecError::kNone) return ServerStatus::kBadSpec;
  for (uint32_t i = 0; i < app_count_; ++i) {
    if (apps_[i].spec->op == spec.op) return ServerStatus::kAlreadyTaken;
    if (SameText(apps_[i].spec->name, spec.name)) return ServerStatus::kNameTaken;
  }
  if (app_count_ == kMaxAppCommands) return ServerStatus::kTableFull;
  apps_[app_count_++] = AppEntry{&spec, handler};
  return ServerStatus::kOk;
}

ServerStatus Server::RegisterAppEvent(const AppEventSpec& spec) {
  if (!IsValidEventSpec(spec)) return ServerStatus::kBadSpec;
  for (uint32_t i = 0; i < app_event_count_; ++i) {
    if (app_events_[i]->kind == spec.kind) return ServerStatus::kAlreadyTaken;
    if (SameText(app_events_[i]->name, spec.name)) return ServerStatus::kNameTaken;
  }
  if (app_event_count_ == kMaxAppCommands) return ServerStatus::kTableFull;
  app_events_[app_event_count_++] = &spec;
  return ServerStatus::kOk;
}

void Server::AnswerEventInfo(const Request& request, Response& response) const {
  response.result[0] = app_event_count_;
  const uint32_t index = request.arg[0];
  if (index >= app_event_count_) return;  // result[1] = 0: no such entry
  const AppEventSpec& spec = *app_events_[index];
  if (static_cast<EventInfoPart>(request.arg[1]) == EventInfoPart::kIdentity) {
    response.result[1] = spec.kind;
    response.payload_len = CopyText(spec.name, response.payload);
  } else {
    response.payload_len = CopyText(spec.fields, response.payload);
  }
}

void Server::AnswerCommandInfo(const Request& request, Response& response) const {
  response.result[0] = app_count_;
  const uint32_t index = request.arg[0];
  if (index >= app_count_) return;  // result[1] = 0: no such entry
  const AppCommandSpec& spec = *apps_[index].spec;
  switch (static_cast<CommandInfoPart>(request.arg[1])) {
    case CommandInfoPart::kIdentity:
      response.result[1] = PackCommandIdentity(spec.op, spec.arg_count, spec.result_count);
      response.result[2] = spec.payload_max;
      response.payload_len = CopyText(spec.name, response.payload);
      break;
    case CommandInfoPart::kLimits:
      for (uint32_t i = 0; i < 4; ++i) {
        response.result[i] = spec.arg_min[i];
        for (uint32_t b = 0; b < 4; ++b) {
          response.payload[i * 4 + b] = static_cast<uint8_t>(spec.arg_max[i] >> (8 * b));
        }
      }
      response.payload_len = 16;
      break;
    case CommandInfoPart::kSummary:
      response.payload_len = CopyText(spec.summary, response.payload);
      break;
    case CommandInfoPart::kArgNames:
      response.payload_len = CopyText(spec.arg_names, response.payload);
      break;
  }
}

Server::PeerHeader Server::ReadPeer() const {
  const RequestPageHeader* h = &req_page_->header;
  PeerHeader p{};
  // Session first, with acquire: Linux resets its indices before it publishes a new session,
  // so whatever we read below belongs to that session or a later one.
  p.session = LoadAcquire(&h->session);
  p.state = static_cast<ChannelState>(LoadAcquire(&h->state));
  p.magic = LoadRelaxed(&h->magic);
  p.version = LoadRelaxed(&h->version);
  p.generation = LoadRelaxed(&h->generation);
  p.req_prod = LoadRelaxed(&h->req_prod);
  return p;
}

void Server::FollowPeer(const PeerHeader& peer) {
  const bool peer_up = peer.state == ChannelState::kConnected && peer.session != 0;
  switch (state_) {
    case ChannelState::kConnected:
      if (peer_up && peer.session == session_) return;
      // Linux closed, or restarted with a new session: the old session's requests are dropped.
      ++counters_.detaches;
      SetState(ChannelState::kInitWait, ConnectionError::kNone);
      [[fallthrough]];
    case ChannelState::kInitWait:
    case ChannelState::kClosing:  // frozen after a broken peer: only a new session revives it
      if (!peer_up || peer.session == session_) return;
      if (peer.magic != kRequestPageMagic || VersionMajor(peer.version) != kVersionMajor) {
        session_ = peer.session;  // refuse this session once, not on every pass
        ++counters_.version_refused;
        incidents_.Record({IncidentKind::kVersionRefused, 0, session_, {peer.magic, peer.version}});
        StoreRelaxed(&rsp_page_->header.session, session_);
        SetState(ChannelState::kInitWait, ConnectionError::kVersionMismatch);
        SendNotify();
        return;
      }
      // Opened against an earlier incarnation of this RTOS: Linux must re-read our header.
      if (peer.generation != generation_) return;
      Attach(peer);
      return;
    default:
      return;
  }
}

void Server::Attach(const PeerHeader& peer) {
  ResponsePageHeader* h = &rsp_page_->header;
  session_ = peer.session;
  // Linux chooses the starting index (any value: the arithmetic is modulo 2^32).
  req_cons_ = rsp_prod_pvt_ = rsp_prod_pub_ = peer.req_prod;
  StoreRelaxed(&h->rsp_prod, rsp_prod_pub_);
  StoreRelaxed(&h->req_cons, req_cons_);
  // A polled session's first request must not need a notification either (read like the
  // rest of the page: anything but kSignalPolled asks to be notified).
  ReadSignalling();
  StoreRelaxed(&h->req_event, req_cons_ + (signalling_ == kSignalPolled ? kEventIndexNever : 1));
  // The indices above are published by the release store of the session: Linux reads the
  // session (acquire) before it trusts them.
  StoreRelease(&h->session, session_);
  SetState(ChannelState::kConnected, ConnectionError::kNone);
  ++counters_.attaches;
  SendNotify();
}

void Server::ReadSignalling() {
  // Untrusted like the rest of the page: anything but the two other modes is the default.
  signalling_ = LoadRelaxed(&req_page_->header.signalling);
  if (signalling_ != kSignalEveryCommand && signalling_ != kSignalPolled) {
    signalling_ = kSignalEventIndices;
  }
}

void Server::SetState(ChannelState state, ConnectionError error) {
  state_ = state;
  // Events go to an attached session only (docs/events.md).
  events_.SetOpen(state == ChannelState::kConnected);
  StoreRelaxed(&rsp_page_->header.error, static_cast<uint32_t>(error));
  StoreRelease(&rsp_page_->header.state, static_cast<uint32_t>(state));
}

void Server::MarkBroken() {
  // libxenvchan after XSA-86: "locking up the ring is better than the alternatives". We stop
  // consuming and tell Linux; a new handshake (new session) starts from a clean state.
  ++counters_.broken;
  SetState(ChannelState::kClosing, ConnectionError::kBrokenPeer);
  SendNotify();
}

void Server::NotifyPeer() { SendNotify(); }

void Server::Close() {
  PushResponses();
  SetState(ChannelState::kClosing, ConnectionError::kShutdown);
  SetState(ChannelState::kClosed, ConnectionError::kShutdown);
  PublishCounters();
  SendNotify();
}

PollResult Server::Poll(uint32_t budget) {
  PollResult result;
  if (state_ != ChannelState::kInitWait && state_ != ChannelState::kConnected &&
      state_ != ChannelState::kClosing) {
    return result;
  }
  FollowPeer(ReadPeer());
  if (state_ != ChannelState::kConnected) {
    PublishCounters();
    return result;
  }
  const RequestPageHeader* peer = &req_page_->header;
  ReadSignalling();
  // Bounded work per call, whatever Linux does: at most `budget` requests and `budget` passes
  // (a Linux flipping req_prod back and forth between our read and our re-check could otherwise
  // keep a pass that handles nothing looping).
  for (uint32_t pass = 1;; ++pass) {
    // Read once per pass; the slots up to it are then ordered by the acquire.
    const uint32_t prod = LoadAcquire(&peer->req_prod);
    if (static_cast<uint32_t>(prod - req_cons_) > kSlotCount) {
      // A restarting Linux resets req_prod before it publishes its new session: that is a
      // re-open (handled by the next pass, which its notification triggers), not an attack.
      if (LoadAcquire(&peer->session) == session_) {
        incidents_.Record({IncidentKind::kBrokenPeer, 0, session_, {prod, req_cons_}});
        MarkBroken();
      }
      break;
    }
    while (req_cons_ != prod && result.handled < budget) {
      const Request request = CopyOut<Request>(&req_page_->ring[req_cons_ & kSlotMask]);
      ++req_cons_;
      ++counters_.requests;
      ++result.handled;
      Response response{};
      Dispatch(request, response);
      CopyIn(&rsp_page_->ring[rsp_prod_pvt_ & kSlotMask], response);
      ++rsp_prod_pvt_;
      if (signalling_ == kSignalEveryCommand) PushResponses();  // and notify, each one
    }
    PushResponses();
    if (req_cons_ != prod) {  // budget spent with requests left
      result.more = true;
      break;
    }
    // RING_FINAL_CHECK_FOR_REQUESTS: ask to be notified for the next request, then look again
    // so a request published between our read and the re-arm is not left sleeping. A polled
    // session is read on our period instead: ask for nothing.
    StoreSeqCst(&rsp_page_->header.req_event,
                req_cons_ + (signalling_ == kSignalPolled ? kEventIndexNever : 1));
    if (LoadSeqCst(&peer->req_prod) == req_cons_) break;
    if (result.handled >= budget || pass >= budget) {
      result.more = true;
      break;
    }
  }
  PublishCounters();
  return result;
}

void Server::Dispatch(const Request& request, Response& response) {
  response.id = request.id;
  response.op = request.op;
  const WireStatus valid = ValidateRequest(request);
  if (valid != WireStatus::kOk) {
    ++counters_.rejected;
    incidents_.Record(
        {IncidentKind::kRejectedRequest, request.op, session_, {static_cast<uint32_t>(valid)}});
    response.status = static_cast<uint32_t>(valid);
    return;
  }
  if (request.op == static_cast<uint16_t>(Op::kPing)) {
    for (int i = 0; i < 4; ++i) response.result[i] = request.arg[i];
    response.payload_len = request.payload_len;
    for (uint32_t i = 0; i < request.payload_len; ++i) response.payload[i] = request.payload[i];
    return;
  }
  if (request.op == static_cast<uint16_t>(Op::kCommandInfo)) {
    AnswerCommandInfo(request, response);
    return;
  }
  if (request.op == static_cast<uint16_t>(Op::kEventInfo)) {
    AnswerEventInfo(request, response);
    return;
  }
  CommandHandler* handler = nullptr;
  if (IsAppOp(request.op)) {
    const AppCommandSpec* spec = nullptr;
    for (uint32_t i = 0; i < app_count_; ++i) {
      if (apps_[i].spec->op == request.op) {
        spec = apps_[i].spec;
        handler = apps_[i].handler;
      }
    }
    const WireStatus app_valid =
        spec == nullptr ? WireStatus::kUnknownOp : ValidateAppRequest(*spec, request);
    if (app_valid != WireStatus::kOk) {
      ++counters_.rejected;
      incidents_.Record({IncidentKind::kRejectedRequest,
                         request.op,
                         session_,
                         {static_cast<uint32_t>(app_valid)}});
      response.status = static_cast<uint32_t>(app_valid);
      return;
    }
  } else {
    handler = core_handlers_[CoreIndex(request.op)];  // valid: ValidateRequest found the op
    if (handler == nullptr) {
      response.status = static_cast<uint32_t>(WireStatus::kNotSupported);
      return;
    }
  }
  WireStatus status = handler->Handle(request, response);
  response.id = request.id;  // a handler cannot answer for another request
  response.op = request.op;
  if (response.payload_len > kMaxPayload) {
    incidents_.Record(
        {IncidentKind::kHandlerFault, request.op, session_, {uint32_t{response.payload_len}}});
    response = Response{};
    response.id = request.id;
    response.op = request.op;
    status = WireStatus::kInternal;
  } else if (status == WireStatus::kHardwareError) {
    // What the response tells Linux, so the console line and tandemctl's message agree.
    incidents_.Record({IncidentKind::kHardwareError,
                       request.op,
                       session_,
                       {request.arg[0], response.result[0], response.result[1]}});
  }
  response.status = static_cast<uint32_t>(status);
}

void Server::PushResponses() {
  if (rsp_prod_pvt_ == rsp_prod_pub_) return;
  const uint32_t old_prod = rsp_prod_pub_;
  rsp_prod_pub_ = rsp_prod_pvt_;
  StoreRelaxed(&rsp_page_->header.req_cons, req_cons_);
  // RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: publishing rsp_prod is ordered before reading
  // Linux's rsp_event (read once).
  StoreSeqCst(&rsp_page_->header.rsp_prod, rsp_prod_pub_);
  const uint32_t event = LoadSeqCst(&req_page_->header.rsp_event);
  if (signalling_ == kSignalEveryCommand || NeedsNotify(old_prod, rsp_prod_pub_, event)) {
    SendNotify();
  }
}

void Server::PublishCounters() {
  ResponsePageHeader* h = &rsp_page_->header;
  StoreRelaxed(&h->requests, counters_.requests);
  StoreRelaxed(&h->rejected, counters_.rejected);
  StoreRelaxed(&h->broken, counters_.broken);
  StoreRelaxed(&h->notify_sent, counters_.notify_sent);
  StoreRelaxed(&h->notify_received, LoadRelaxed(&counters_.notify_received));
  StoreRelaxed(&h->version_refused, counters_.version_refused);
  StoreRelaxed(&h->hypercalls, hypercall_count_ == nullptr
                                   ? 0
                                   : __atomic_load_n(hypercall_count_, __ATOMIC_RELAXED));
}

void Server::SendNotify() {
  ++counters_.notify_sent;
  notifier_.Notify();
}

}  // namespace tandem::channel
