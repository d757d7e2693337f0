// Session: grant mappings + event channel + the channel's Client. See session.h.
#include "libtandem/session.h"

#include <xen/io/xenbus.h>

#include <algorithm>
#include <optional>

#include "tandem/channel/shared_access.h"

namespace libtandem {

using tandem::channel::ClientPhase;
using tandem::channel::ClientStatus;

namespace {

// How often a client waiting for a busy channel looks again.
constexpr uint64_t kBusyRetryNs = 10'000'000;

// States in which a session may be opened, as far as XenStore tells. Closing is the RTOS's ring
// frozen after a broken peer (it publishes Closing for nothing else: a shutdown goes straight to
// Closed); the response page has the last word (Client::Connect).
bool Usable(uint32_t xenbus_state) {
  return xenbus_state == XenbusStateInitWait || xenbus_state == XenbusStateInitialised ||
         xenbus_state == XenbusStateConnected || xenbus_state == XenbusStateClosing;
}

std::string BootIdOrNone(uint64_t boot_id) {
  return boot_id == 0 ? std::string("none") : BootIdText(boot_id);
}

}  // namespace

bool IsRestart(const RtosIdentity& before, const RtosIdentity& now) {
  if (before.domid != now.domid || before.boot_id != now.boot_id) return true;
  // Without a boot id (protocol 1.2 or older) a new generation is all there is to go by.
  return before.boot_id == 0 && before.generation != now.generation;
}

std::string DescribeRestart(const RtosIdentity& before, const RtosIdentity& now) {
  std::string d;
  if (before.domid != now.domid) {
    d = "domain " + std::to_string(before.domid) + " before, " + std::to_string(now.domid) +
        " now; ";
  }
  if (before.boot_id != 0 || now.boot_id != 0) {
    d += "boot id " + BootIdOrNone(before.boot_id) + " before, " + BootIdOrNone(now.boot_id) +
         " now";
    if (now.boot_id == 0) d += " (it publishes none: protocol 1.2 or older)";
  } else {
    d += "channel generation " + std::to_string(before.generation) + " before, " +
         std::to_string(now.generation) +
         " now (it publishes no boot id, protocol 1.2 or older, so a re-initialised channel "
         "looks the same)";
  }
  return d;
}

std::string BackendPath(uint32_t domid) {
  return "/local/domain/0/backend/tandem/" + std::to_string(domid);
}

void Session::EvtchnNotifier::Notify() {
  if (!xen_.EvtchnNotify(port_).ok()) failed_ = true;
}

Result<void> Session::NotifyRaw() {
  if (closed_ || !port_bound_) {
    return Fail(Errc::kInternal, "NotifyRaw on a closed session", "open a session first");
  }
  return xen_.EvtchnNotify(notifier_.port_);
}

Session::Session(XenBackend& xen, ChannelInfo info, const SessionOptions& options)
    : xen_(xen), info_(std::move(info)), options_(options), notifier_(xen) {}

Session::~Session() { Close(); }

std::string Session::Who() const {
  return "domain " + std::to_string(info_.domid) +
         (info_.name.empty() ? "" : " (" + info_.name + ")");
}

Result<std::unique_ptr<Session>> Session::Open(XenBackend& xen, uint32_t domid, uint64_t timeout_ns,
                                               const RtosIdentity* last_seen,
                                               const SessionOptions& options) {
  const uint64_t deadline = xen.NowNs() + timeout_ns;
  Result<ChannelInfo> info = ReadChannel(xen, domid);
  LIBTANDEM_TRY(info);
  std::unique_ptr<Session> s(new Session(xen, info.value(), options));
  if (info.value().state == XenbusStateClosed) {
    return Fail(Errc::kNotPublished,
                "the Tandem channel of " + s->Who() +
                    " is closed: the RTOS shut it down and takes no session until it restarts",
                "restart the RTOS (`xl list` shows whether the domain still runs), or check its "
                "console (xl console " +
                    std::to_string(domid) + ")");
  }
  if (!Usable(info.value().state)) {
    return Fail(Errc::kNotPublished,
                "the Tandem channel of " + s->Who() + " is in state " +
                    XenbusStateName(info.value().state) + ", not ready for a connection",
                "the RTOS is starting or shutting its channel down; retry, or check its console");
  }
  LIBTANDEM_TRY(s->Claim(deadline));
  LIBTANDEM_TRY(s->Attach(deadline));
  s->identity_ = s->CurrentIdentity();
  // Compared on the first command, so that the caller hears of a restart before anything runs.
  if (last_seen != nullptr && IsRestart(*last_seen, s->identity_)) s->identity_ = *last_seen;
  return s;
}

Result<void> Session::Claim(uint64_t deadline_ns) {
  const std::string base = BackendPath(info_.domid);
  const std::string self = std::to_string(xen_.SelfPid());
  for (;;) {
    Result<XenBackend::Txn> t = xen_.StoreBegin();
    LIBTANDEM_TRY(t);
    Result<std::optional<std::string>> owner = xen_.StoreRead(t.value(), base + "/owner");
    if (!owner.ok()) {
      (void)xen_.StoreEnd(t.value(), true);
      return Fail(owner.error());
    }
    int holder = 0;
    if (owner.value()) {
      // Our own subtree, but still parsed strictly: anything odd counts as "no owner".
      std::optional<uint32_t> pid = ParseDecimal(*owner.value(), 0x7FFFFFFF);
      if (pid && static_cast<int>(*pid) != xen_.SelfPid() && xen_.ProcessAlive(*pid)) {
        holder = static_cast<int>(*pid);
      }
    }
    if (holder == 0) {
      const std::pair<std::string, std::string> nodes[] = {
          {"owner", self},
          {"state", std::to_string(XenbusStateInitialising)},
          {"frontend",
           "/local/domain/" + std::to_string(info_.domid) + "/" + std::string(kFrontendDir)},
          {"frontend-id", std::to_string(info_.domid)},
      };
      for (const auto& [key, value] : nodes) {
        Result<void> w = xen_.StoreWrite(t.value(), base + "/" + key, value);
        if (!w.ok()) {
          (void)xen_.StoreEnd(t.value(), true);
          return Fail(w.error());
        }
      }
      Result<bool> committed = xen_.StoreEnd(t.value(), false);
      LIBTANDEM_TRY(committed);
      if (committed.value()) {
        claimed_ = true;
        return {};
      }
      continue;  // conflict: someone else touched the claim, look again
    }
    (void)xen_.StoreEnd(t.value(), true);
    const uint64_t now = xen_.NowNs();
    if (now >= deadline_ns) {
      return Fail(BusyError("process " + std::to_string(holder) + " (" + base + "/owner)"));
    }
    xen_.SleepNs(std::min<uint64_t>(deadline_ns - now, kBusyRetryNs));
  }
}

Error Session::BusyError(const std::string& holder) const {
  return Error{Errc::kBusy, "the Tandem channel of " + Who() + " is in use by " + holder,
               "one client at a time drives a channel: wait for it to finish (a tandem-bench "
               "run?) or stop it"};
}

// The XenStore claim keeps libtandem's clients apart, but Xen itself lets only one dom0 port bind
// the RTOS's port, and a process that never took the claim (or lost it) may hold it. That is the
// same situation as a live claim: wait for it until the deadline, then report it as busy.
Result<uint32_t> Session::BindEventChannel(uint64_t deadline_ns) {
  for (;;) {
    Result<uint32_t> port = xen_.EvtchnBind(info_.domid, info_.event_channel);
    if (port.ok() || port.error().code != Errc::kBusy) return port;
    const uint64_t now = xen_.NowNs();
    if (now < deadline_ns) {
      xen_.SleepNs(std::min<uint64_t>(deadline_ns - now, kBusyRetryNs));
      continue;
    }
    // Xen does not say which process bound it; each binder has the event-channel device open.
    std::string users;
    for (const ProcessInfo& p : xen_.EvtchnUsers()) {
      users += (users.empty() ? "" : ", ") + std::to_string(p.pid) + " (" + p.command + ")";
    }
    return Fail(BusyError("another dom0 process: " + port.error().message + "; " +
                          (users.empty()
                               ? std::string("which one could not be found out (reading /proc/*/fd "
                                             "needs root)")
                               : "processes with /dev/xen/evtchn open: " + users)));
  }
}

Result<void> Session::Attach(uint64_t deadline_ns) {
  Result<void*> rq = xen_.GrantMap(info_.domid, info_.request_ref, /*writable=*/true);
  LIBTANDEM_TRY(rq);
  request_page_ = rq.value();
  Result<void*> rs = xen_.GrantMap(info_.domid, info_.response_ref, /*writable=*/false);
  LIBTANDEM_TRY(rs);
  response_page_ = rs.value();
  Result<uint32_t> port = BindEventChannel(deadline_ns);
  LIBTANDEM_TRY(port);
  notifier_.port_ = port.value();
  port_bound_ = true;

  client_ = std::make_unique<tandem::channel::Client>(
      static_cast<tandem::channel::RequestPage*>(request_page_),
      static_cast<const tandem::channel::ResponsePage*>(response_page_), notifier_,
      tandem::channel::ClientConfig{tandem::channel::kProtocolVersion, 0, options_.signalling,
                                    options_.spin_ns});
  events_ = std::make_unique<tandem::channel::EventReader>(
      static_cast<tandem::channel::RequestPage*>(request_page_),
      static_cast<const tandem::channel::ResponsePage*>(response_page_));
  // The RTOS publishes in XenStore after initialising its page, so "not ready" here is either a
  // race with its restart or a broken RTOS: retry until the deadline, then say which.
  for (;;) {
    tandem::Result<void, ClientStatus> c = client_->Connect();
    if (c.ok()) break;
    if (c.error() != ClientStatus::kPeerNotReady && c.error() != ClientStatus::kPeerClosed) {
      return Fail(ClientError(c.error()));
    }
    const uint64_t now = xen_.NowNs();
    if (now >= deadline_ns) {
      const RtosCounters page = ReadRtosCounters();
      if (c.error() == ClientStatus::kPeerClosed &&
          page.error == static_cast<uint32_t>(tandem::channel::ConnectionError::kShutdown)) {
        return Fail(Errc::kNotPublished,
                    "the RTOS in " + Who() + " has shut its command channel down (its page says " +
                        XenbusStateName(page.state) +
                        ", shutdown) and takes no session until it restarts",
                    "restart the RTOS, or check its console (xl console " +
                        std::to_string(info_.domid) + ")");
      }
      Error e = ClientError(c.error());
      if (e.code == Errc::kProtocol || e.code == Errc::kNotPublished) {
        e = Error{Errc::kNotPublished,
                  "the RTOS in " + Who() + " published its channel but its response page says: " +
                      tandem::channel::ClientStatusName(c.error()),
                  "the RTOS may be restarting its channel; retry, or check its console"};
      }
      return Fail(e);
    }
    Result<bool> ev =
        xen_.EvtchnWait(notifier_.port_, std::min(deadline_ns - now, kLivenessSliceNs));
    LIBTANDEM_TRY(ev);
  }
  Result<void> up = PumpUntil(
      [&] {
        return client_->phase() == ClientPhase::kConnected ||
               client_->phase() == ClientPhase::kFailed;
      },
      deadline_ns, "the RTOS to accept the session");
  LIBTANDEM_TRY(up);
  if (client_->phase() != ClientPhase::kConnected) {
    return Fail(ClientError(client_->last_error()));
  }
  SetBackendState(XenbusStateConnected);
  return {};
}

void Session::SetBackendState(uint32_t state) {
  // Informational (for `xenstore-ls` and the RTOS's tooling); the protocol's state lives on the
  // request page, so a failed write here changes nothing.
  (void)xen_.StoreWrite(0, BackendPath(info_.domid) + "/state", std::to_string(state));
}

template <typename Done>
Result<void> Session::PumpUntil(Done done, uint64_t deadline_ns, const char* waiting_for) {
  uint64_t spin_until = client_->SpinUntil(xen_.NowNs());
  for (;;) {
    client_->Poll();
    if (done()) return {};
    // Polling: re-read the ring until the spin budget is spent, with no event asked for; then
    // kick the RTOS once (its polling may have stalled) and sleep as an event-driven wait does.
    if (spin_until != 0 && !notifier_.failed_) {
      const uint64_t now = xen_.NowNs();
      if (now < spin_until && now < deadline_ns) continue;
      spin_until = 0;
      client_->Kick();
    }
    if (notifier_.failed_) {
      Result<DomainRunState> st = xen_.GetDomainState(info_.domid);
      if (st.ok() && st.value() != DomainRunState::kRunning &&
          st.value() != DomainRunState::kPaused) {
        return Fail(TimeoutError(waiting_for));
      }
      return Fail(Errc::kXen,
                  "cannot notify " + Who() + " on event channel " + std::to_string(notifier_.port_),
                  "the domain's end of the channel may be closed; check `xl list`");
    }
    // Answers (or events) arrived while arming: no sleep. Both are armed before either is
    // checked again, so neither kind of arrival can slip between.
    const bool answers = client_->PrepareWait();
    const bool events = events_ != nullptr && events_->PrepareWait();
    if (answers || events) continue;
    const uint64_t now = xen_.NowNs();
    if (now >= deadline_ns) return Fail(TimeoutError(waiting_for));
    Result<bool> ev =
        xen_.EvtchnWait(notifier_.port_, std::min(deadline_ns - now, kLivenessSliceNs));
    LIBTANDEM_TRY(ev);
    if (ev.value()) {
      client_->OnNotification();
      continue;
    }
    // A quiet slice: is the domain still there? Paused is not fatal (it may be unpaused before
    // the deadline); gone is.
    Result<DomainRunState> st = xen_.GetDomainState(info_.domid);
    LIBTANDEM_TRY(st);
    if (st.value() == DomainRunState::kPaused) {
      seen_paused_ = true;
    } else if (st.value() != DomainRunState::kRunning) {
      return Fail(TimeoutError(waiting_for));
    }
  }
}

Error Session::TimeoutError(const char* waiting_for) {
  Result<DomainRunState> st = xen_.GetDomainState(info_.domid);
  if (st.ok()) {
    switch (st.value()) {
      case DomainRunState::kPaused:
        return Error{Errc::kDomainDown,
                     Who() + " is paused: no answer while waiting for " + waiting_for,
                     "unpause it (xl unpause " + std::to_string(info_.domid) + ") and retry"};
      case DomainRunState::kShutdown:
      case DomainRunState::kDying:
      case DomainRunState::kAbsent:
        return Error{Errc::kDomainDown,
                     Who() + " is " + DomainRunStateName(st.value()) + " (while waiting for " +
                         waiting_for + ")",
                     "restart the RTOS (xl create) and retry; `xl list` shows the domains"};
      case DomainRunState::kRunning:
        break;
    }
  }
  return Error{Errc::kTimeout,
               "no answer from " + Who() + " while waiting for " + waiting_for +
                   (seen_paused_ ? " (the domain was paused for part of the wait)" : ""),
               "the RTOS's command server may be stuck or starved: check its console (xl console " +
                   std::to_string(info_.domid) +
                   "); under QEMU emulation a larger --timeout may be needed"};
}

Error Session::ClientError(ClientStatus status) {
  if (status != ClientStatus::kRingFull) {
    Result<DomainRunState> st = xen_.GetDomainState(info_.domid);
    if (st.ok() && st.value() != DomainRunState::kRunning &&
        st.value() != DomainRunState::kPaused) {
      return TimeoutError("the command");
    }
  }
  const std::string what = tandem::channel::ClientStatusName(status);
  switch (status) {
    case ClientStatus::kVersionMismatch:
      return Error{Errc::kVersionMismatch,
                   Who() + " refused the session: its channel speaks another protocol version",
                   "use the tandemctl built with the same Tandem release as the RTOS image"};
    case ClientStatus::kPeerNotReady:
      return Error{Errc::kNotPublished, Who() + ": " + what,
                   "the RTOS has not initialised its channel yet; retry"};
    case ClientStatus::kTimeout:
      return TimeoutError("the command");
    case ClientStatus::kRingFull:
      return Error{Errc::kBusy, "all command slots of the channel to " + Who() + " are in flight",
                   "collect answers before submitting more"};
    case ClientStatus::kBrokenPeer:
      return BrokenError(/*in_flight=*/false);
    case ClientStatus::kBadResponses:
      return Error{Errc::kProtocol, "channel to " + Who() + ": " + what,
                   "the RTOS's command server misbehaves; check its console (xl console " +
                       std::to_string(info_.domid) + "); the next command opens a new session"};
    case ClientStatus::kBadPeerHeader:
    case ClientStatus::kPeerReset:
    case ClientStatus::kPeerClosed:
    case ClientStatus::kNotConnected:
      return Error{Errc::kProtocol, "channel to " + Who() + ": " + what,
                   "retry; if it persists, check the RTOS console for a channel error"};
    case ClientStatus::kOk:
    case ClientStatus::kPending:
    case ClientStatus::kUnknownId:
    case ClientStatus::kMisaligned:
      break;
  }
  return Error{Errc::kInternal, "libtandem: unexpected channel status '" + what + "'",
               "please report this"};
}

RtosIdentity Session::CurrentIdentity() const {
  using tandem::channel::LoadAcquire;
  using tandem::channel::LoadRelaxed;
  RtosIdentity id;
  id.domid = info_.domid;
  if (response_page_ == nullptr) return id;
  const auto* h = &static_cast<const tandem::channel::ResponsePage*>(response_page_)->header;
  // Init writes the boot id before it publishes the generation (release): a new generation
  // read here comes with its boot id.
  id.generation = LoadAcquire(&h->generation);
  id.boot_id = LoadRelaxed(&h->boot_id);
  return id;
}

Error RestartedError(const std::string& who, const RtosIdentity& before, const RtosIdentity& now,
                     bool in_flight) {
  return Error{Errc::kRtosRestarted,
               "the RTOS in " + who + " restarted" +
                   (in_flight ? " while the command was in flight (it may or may not have been "
                                "carried out)"
                              : "") +
                   ": " + DescribeRestart(before, now) +
                   ". What Linux had set on it (pins, statistics resets) is back to its start-up "
                   "state",
               "set again what your application needs (e.g. `tandemctl gpio set`); this is "
               "reported once: the session goes on with the new boot"};
}

Error Session::RestartError(const RtosIdentity& now, bool in_flight) {
  Error e = RestartedError(Who(), identity_, now, in_flight);
  identity_ = now;
  return e;
}

Error Session::BrokenError(bool in_flight) {
  broken_reported_ = client_->counters().declared_broken;
  return Error{Errc::kProtocol,
               "the RTOS in " + Who() +
                   " declared this client's session broken: it saw a request index it could not "
                   "trust (ahead of what was written, or moving backwards) and froze the ring" +
                   (in_flight ? "; the command was not carried out" : ""),
               "the next command opens a new session; if this happens again, something else "
               "writes this client's request page (one client per channel)"};
}

std::optional<Error> Session::TakeUnreported() {
  const RtosIdentity now = CurrentIdentity();
  if (IsRestart(identity_, now)) return RestartError(now, /*in_flight=*/false);
  identity_.generation = now.generation;  // a channel re-initialised within the same boot
  if (client_->counters().declared_broken != broken_reported_) {
    return BrokenError(/*in_flight=*/false);
  }
  return std::nullopt;
}

Error Session::LossError(ClientStatus status) {
  const RtosIdentity now = CurrentIdentity();
  if ((status == ClientStatus::kPeerReset || status == ClientStatus::kNotConnected) &&
      IsRestart(identity_, now)) {
    return RestartError(now, /*in_flight=*/status == ClientStatus::kPeerReset);
  }
  if (status == ClientStatus::kBrokenPeer) return BrokenError(/*in_flight=*/true);
  Error e = ClientError(status);  // also: the domain went away meanwhile
  if (status == ClientStatus::kPeerReset && e.code == Errc::kProtocol) {
    e.message = "channel to " + Who() +
                ": the RTOS re-initialised its channel (same boot: nothing it had set is lost) or "
                "dropped the session while the command was in flight; it may or may not have "
                "been carried out";
    e.hint = "retry the command if doing it twice is harmless";
  }
  return e;
}

void Session::ConnectAgain() {
  (void)client_->Connect();
  // Connect starts with no events wanted (a dead process's wishes are forgotten): ours again.
  const uint64_t kinds = events_->subscribed();
  events_->Subscribe(0);
  events_->Subscribe(kinds);
}

Result<void> Session::Reconnect(uint64_t deadline_ns) {
  client_->Poll();
  // A ring the RTOS froze as broken is re-opened only on request: this is the request (the
  // caller has been told, TakeUnreported). Connect() also serves a session lost otherwise.
  if (client_->phase() == ClientPhase::kPeerDown) ConnectAgain();
  const ClientPhase phase = client_->phase();
  if (phase != ClientPhase::kAwaitingAck && phase != ClientPhase::kPeerDown) return {};
  // The RTOS restarted or dropped us; the Client re-opens a session as soon as the RTOS is back
  // in InitWait (docs/protocol.md, handshake). Wait for that within this call's deadline.
  Result<void> up = PumpUntil(
      [&] {
        return client_->phase() == ClientPhase::kConnected ||
               client_->phase() == ClientPhase::kFailed;
      },
      deadline_ns, "the RTOS to accept the session again");
  if (!up.ok()) {
    // A plain timeout says less than why the session was lost (e.g. the RTOS closed it).
    const ClientStatus why = client_->last_error();
    if (up.error().code == Errc::kTimeout && why != ClientStatus::kOk) {
      Error e = ClientError(why);
      e.message += " (and it did not re-open the channel before the deadline)";
      return Fail(e);
    }
    return Fail(up.error());
  }
  if (client_->phase() != ClientPhase::kConnected) {
    return Fail(ClientError(client_->last_error()));
  }
  return {};
}

Result<Response> Session::Call(const Request& request, uint64_t timeout_ns) {
  const uint64_t deadline = xen_.NowNs() + timeout_ns;
  // What happened since the last call is reported before anything is re-opened or sent.
  client_->Poll();
  if (std::optional<Error> e = TakeUnreported()) return Fail(*e);
  LIBTANDEM_TRY(Reconnect(deadline));
  if (std::optional<Error> e = TakeUnreported()) return Fail(*e);
  Result<uint64_t> id = Submit(request);
  LIBTANDEM_TRY(id);
  Flush();
  std::optional<tandem::Result<Response, ClientStatus>> got;
  Result<void> w = PumpUntil(
      [&] {
        tandem::Result<Response, ClientStatus> r = client_->Take(id.value());
        if (!r.ok() && r.error() == ClientStatus::kPending) return false;
        got = r;
        return true;
      },
      deadline, "the answer");
  if (!w.ok()) {
    client_->Abandon(id.value());
    return Fail(w.error());
  }
  if (!got->ok()) return Fail(LossError(got->error()));
  return got->value();
}

Result<uint64_t> Session::Submit(const Request& request) {
  if (closed_) return Fail(Errc::kInternal, "libtandem: Submit on a closed session");
  if (std::optional<Error> e = TakeUnreported()) return Fail(*e);
  tandem::Result<uint64_t, ClientStatus> id = client_->Submit(request);
  if (!id.ok()) return Fail(LossError(id.error()));
  return id.value();
}

void Session::Flush() { client_->Flush(); }

Result<void> Session::SubscribeEvents(uint64_t kinds) {
  client_->Poll();
  if (std::optional<Error> e = TakeUnreported()) return Fail(*e);
  if (!events_->Available()) {
    return Fail(Errc::kRefused, Who() + " has no event ring (it speaks a protocol before 1.6)",
                "update the RTOS image; docs/events.md");
  }
  events_->Subscribe(0);  // a new subscription starts from the present
  events_->Subscribe(kinds);
  return {};
}

Result<std::vector<tandem::channel::Event>> Session::WaitEvents(uint64_t deadline_ns, size_t max) {
  std::vector<tandem::channel::Event> got(max);
  size_t n = 0;
  client_->Poll();
  if (std::optional<Error> e = TakeUnreported()) return Fail(*e);
  Result<void> r = PumpUntil(
      [&] {
        n = events_->Take(got.data(), static_cast<uint32_t>(max));
        return n != 0 || client_->phase() != ClientPhase::kConnected;
      },
      deadline_ns, "events");
  if (!r.ok() && r.error().code != Errc::kTimeout) return Fail(r.error());
  if (client_->phase() != ClientPhase::kConnected && n == 0) {
    if (std::optional<Error> e = TakeUnreported()) return Fail(*e);
    return Fail(LossError(client_->last_error()));
  }
  got.resize(n);
  return got;
}

std::vector<tandem::channel::Event> Session::TakeEvents(size_t max) {
  std::vector<tandem::channel::Event> got(max);
  got.resize(events_->Take(got.data(), static_cast<uint32_t>(max)));
  return got;
}

Result<bool> Session::Pump(bool reopen) {
  if (closed_ || !port_bound_) {
    return Fail(Errc::kInternal, "libtandem: Pump on a closed session", "open a session first");
  }
  Result<bool> ev = xen_.EvtchnWait(notifier_.port_, 0);
  LIBTANDEM_TRY(ev);
  if (ev.value()) client_->OnNotification();
  client_->Poll();
  // Connect() leaves kPeerDown at once when it starts a handshake, so this re-opens once per loss.
  if (reopen && client_->phase() == ClientPhase::kPeerDown) ConnectAgain();
  // Both armed before either is checked again (PumpUntil's rule): answers or events waiting.
  const bool answers = client_->PrepareWait();
  const bool events = events_->PrepareWait();
  return !answers && !events;
}

Result<void> Session::WaitProgress(uint64_t deadline_ns) {
  const uint64_t before = client_->counters().completed;
  const uint64_t losses = client_->counters().peer_losses;
  LIBTANDEM_TRY(PumpUntil(
      [&] {
        return client_->counters().completed != before ||
               client_->counters().peer_losses != losses ||
               client_->phase() != ClientPhase::kConnected;
      },
      deadline_ns, "answers"));
  if (client_->phase() != ClientPhase::kConnected && client_->counters().completed == before) {
    return Fail(LossError(client_->last_error()));
  }
  return {};
}

Result<std::optional<Response>> Session::TryTake(uint64_t id) {
  tandem::Result<Response, ClientStatus> r = client_->Take(id);
  if (r.ok()) return std::optional<Response>(r.value());
  if (r.error() == ClientStatus::kPending) return std::optional<Response>();
  return Fail(LossError(r.error()));
}

Result<RtosCounters> Session::InjectBadRequestIndex(int32_t offset, uint64_t deadline_ns) {
  using tandem::channel::ConnectionError;
  if (closed_ || !port_bound_ || !client_->connected()) {
    return Fail(Errc::kInternal, "InjectBadRequestIndex needs a connected session",
                "open a session first");
  }
  auto* h = &static_cast<tandem::channel::RequestPage*>(request_page_)->header;
  const uint32_t published = tandem::channel::LoadRelaxed(&h->req_prod);
  tandem::channel::StoreRelease(&h->req_prod, published + static_cast<uint32_t>(offset));
  LIBTANDEM_TRY(xen_.EvtchnNotify(notifier_.port_));
  // The verdict is read off the response page, without a Client poll: the Client would notice
  // the frozen ring, which is for the next command to report.
  for (;;) {
    const RtosCounters c = ReadRtosCounters();
    if (c.state == XenbusStateClosing &&
        c.error == static_cast<uint32_t>(ConnectionError::kBrokenPeer)) {
      return c;
    }
    const uint64_t now = xen_.NowNs();
    if (now >= deadline_ns) {
      return Fail(Errc::kProtocol,
                  "the RTOS in " + Who() + " did not freeze the ring after a request index " +
                      std::to_string(offset) + " away from what was published (its page says " +
                      XenbusStateName(c.state) + ")",
                  "it must refuse such an index (docs/protocol.md, validation rule 2): check "
                  "the RTOS's channel version and console");
    }
    Result<bool> ev =
        xen_.EvtchnWait(notifier_.port_, std::min(deadline_ns - now, kLivenessSliceNs));
    LIBTANDEM_TRY(ev);
    if (ev.value()) client_->OnNotification();
  }
}

RtosCounters Session::ReadRtosCounters() const {
  using tandem::channel::LoadRelaxed;
  RtosCounters c;
  if (response_page_ == nullptr) return c;
  const auto* h = &static_cast<const tandem::channel::ResponsePage*>(response_page_)->header;
  c.requests = LoadRelaxed(&h->requests);
  c.rejected = LoadRelaxed(&h->rejected);
  c.broken = LoadRelaxed(&h->broken);
  c.notify_sent = LoadRelaxed(&h->notify_sent);
  c.notify_received = LoadRelaxed(&h->notify_received);
  c.hypercalls = LoadRelaxed(&h->hypercalls);
  c.generation = LoadRelaxed(&h->generation);
  c.boot_id = LoadRelaxed(&h->boot_id);
  c.state = LoadRelaxed(&h->state);
  c.error = LoadRelaxed(&h->error);
  return c;
}

void Session::Close() {
  if (closed_) return;
  closed_ = true;
  // Teardown is best effort: the domain may already be gone, and every step must still run so
  // that nothing stays mapped or bound in this process.
  if (client_) client_->Disconnect();
  if (port_bound_) (void)xen_.EvtchnUnbind(notifier_.port_);
  port_bound_ = false;
  if (response_page_ != nullptr) (void)xen_.GrantUnmap(response_page_);
  if (request_page_ != nullptr) (void)xen_.GrantUnmap(request_page_);
  response_page_ = request_page_ = nullptr;
  if (claimed_) (void)xen_.StoreRemove(0, BackendPath(info_.domid));
  claimed_ = false;
}

Result<Response> Transact(XenBackend& xen, uint32_t domid, const Request& request,
                          uint64_t timeout_ns) {
  const uint64_t deadline = xen.NowNs() + timeout_ns;
  Result<std::unique_ptr<Session>> s = Session::Open(xen, domid, timeout_ns);
  LIBTANDEM_TRY(s);
  const uint64_t now = xen.NowNs();
  Result<Response> r = s.value()->Call(request, deadline > now ? deadline - now : 0);
  s.value()->Close();
  return r;
}

}  // namespace libtandem
