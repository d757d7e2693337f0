// tandemd's loop and its session side: multiplexing the clients' commands onto the channel.
// The client side (sockets, frames) is clients.cc. See daemon.h.
#include "daemon.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <vector>

#include "conn.h"

namespace tandemd {

using libtandem::DomainRunState;
using libtandem::Errc;
using libtandem::Error;
using libtandem::RtosIdentity;

namespace {
// How often the domain's run state is checked while commands wait (Session's liveness slice).
constexpr uint64_t kLivenessNs = libtandem::Session::kLivenessSliceNs;
// Without a pollable event channel (the test backend), how often the session is pumped.
constexpr int kPumpPeriodMs = 1;
// After a failed re-open, the next attempt waits this long (each attempt blocks the loop).
constexpr uint64_t kReopenPeriodNs = 1'000'000'000;
constexpr uint64_t kReopenTimeoutNs = 2'000'000'000;
}  // namespace

Daemon::Daemon(libtandem::XenBackend& xen, std::unique_ptr<libtandem::Session> session,
               libtandem::DomainEntry domain, int listen_fd, DaemonConfig config)
    : xen_(xen),
      session_(std::move(session)),
      domain_(std::move(domain)),
      listen_fd_(listen_fd),
      config_(std::move(config)) {}

Daemon::~Daemon() {
  for (auto& [serial, c] : conns_) close(c->fd);
  if (session_) session_->Close();
  close(listen_fd_);
}

std::string Daemon::Who() const {
  return "domain " + std::to_string(domain_.domid) +
         (domain_.name.empty() ? "" : " (" + domain_.name + ")");
}

void Daemon::Log(const std::string& line) const {
  if (config_.log) config_.log(line);
}

RtosIdentity Daemon::Current() const {
  const libtandem::RtosCounters c = session_->ReadRtosCounters();
  return RtosIdentity{session_->info().domid, c.boot_id, c.generation};
}

libtandem::Result<void> Daemon::Run(int stop_fd) {
  std::vector<pollfd> fds;
  std::vector<uint64_t> owners;  // the Conn serial of fds[i], 0 for the daemon's own
  for (;;) {
    const bool may_sleep = Service();
    fds.clear();
    owners.clear();
    fds.push_back({stop_fd, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    const int event_fd = session_ ? session_->event_fd() : -1;
    if (event_fd >= 0) fds.push_back({event_fd, POLLIN, 0});
    owners.resize(fds.size(), 0);
    for (auto& [serial, c] : conns_) {
      short events = 0;
      if (c->CanRead()) events |= POLLIN;
      if (!c->out.empty()) events |= POLLOUT;
      fds.push_back({c->fd, events, 0});  // events 0 still reports a hang-up
      owners.push_back(serial);
    }
    int timeout_ms = -1;  // idle: the RTOS's notification or a client wakes us
    // A client waiting for events keeps the liveness check going without any command: an RTOS
    // restart or a lost domain is then noticed, and the session re-opened, by itself.
    const bool busy = !in_flight_.empty() || Wanted();
    if (!may_sleep) {
      timeout_ms = 0;
    } else if (!session_ && queue_.empty() && in_flight_.empty() && busy) {
      // Only watchers wait and the channel is gone: try again at the re-open period, not
      // at the pump's (the RTOS may stay down for long).
      timeout_ms = static_cast<int>(kReopenPeriodNs / 1'000'000);
    } else if (busy) {
      timeout_ms = event_fd >= 0 ? static_cast<int>(kLivenessNs / 1'000'000) : kPumpPeriodMs;
    }
    if (poll(fds.data(), fds.size(), timeout_ms) < 0) {
      if (errno == EINTR) continue;
      return libtandem::Fail(Errc::kInternal, std::string("tandemd: poll: ") + strerror(errno));
    }
    if (fds[0].revents != 0) break;
    if (fds[1].revents & POLLIN) Accept();
    for (size_t i = 0; i < fds.size(); ++i) {
      Conn* c = owners[i] != 0 ? Find(owners[i]) : nullptr;
      if (c == nullptr || c->dead) continue;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) Read(*c);
      if (!c->dead && (fds[i].revents & POLLOUT)) Write(*c);
    }
    // Frames already buffered may be taken now that answers made room (backpressure released).
    for (auto& [serial, c] : conns_) {
      if (!c->dead) ParseFrames(*c);
    }
    FanOutEvents();
    for (auto it = conns_.begin(); it != conns_.end();) {
      if (it->second->dead) {
        close(it->second->fd);
        it = conns_.erase(it);
      } else {
        ++it;
      }
    }
  }
  LoseSession(Error{Errc::kProtocol, "tandemd for " + Who() + " is stopping",
                    "the command may or may not have run; start tandemd again, or use "
                    "`tandemctl --direct`"});
  for (auto& [serial, c] : conns_) Write(*c);  // best effort: the answers above
  Log("stopped: " + std::to_string(stats_.accepted) + " clients served, " +
      std::to_string(stats_.commands) + " commands, " + std::to_string(stats_.refused) +
      " refused, " + std::to_string(stats_.dropped) + " disconnected for misbehaving");
  return {};
}

void Daemon::Subscribe(Conn& c, uint64_t kinds) {
  const uint64_t before = c.kinds;
  c.kinds = kinds;
  libtandem::Result<void> r = FollowSubscriptions();
  if (!r.ok()) {
    c.kinds = before;
    libtandem::daemon::AppendError(c.out, 0, r.error());
    return;
  }
  c.rtos_dropped_base = RtosDropped();  // drops before this subscription are not its
  libtandem::daemon::AppendSubscribed(c.out, libtandem::daemon::SubscribeBody{kinds});
}

bool Daemon::Wanted() const {
  if (!queue_.empty()) return true;
  for (const auto& [serial, c] : conns_) {
    if (!c->dead && c->kinds != 0) return true;
  }
  return false;
}

uint64_t Daemon::RtosDropped() {
  if (session_) {
    // The RTOS's count starts again with each session (and anything it writes is untrusted):
    // only increases are added.
    const uint64_t now = session_->events_dropped();
    if (now > session_dropped_seen_) rtos_dropped_total_ += now - session_dropped_seen_;
    session_dropped_seen_ = now;
  }
  return rtos_dropped_total_;
}

libtandem::Result<void> Daemon::FollowSubscriptions() {
  uint64_t wanted = 0;
  for (const auto& [serial, c] : conns_) {
    if (!c->dead) wanted |= c->kinds;
  }
  if (wanted == subscribed_) return {};
  if (!session_) {
    return libtandem::Fail(Errc::kDomainDown, "tandemd has no open channel to " + Who(),
                           "retry when the RTOS is back");
  }
  // A widened subscription starts from the present for every kind: events still in the ring
  // for the old subscribers are delivered first.
  FanOutEvents();
  LIBTANDEM_TRY(session_->SubscribeEvents(wanted));
  subscribed_ = wanted;
  return {};
}

void Daemon::FanOutEvents() {
  if (!session_ || subscribed_ == 0) return;
  for (;;) {
    const std::vector<tandem::channel::Event> events = session_->TakeEvents();
    if (events.empty()) return;
    const uint64_t rtos_dropped = RtosDropped();
    for (const tandem::channel::Event& e : events) {
      const uint64_t bit = tandem::channel::EventKindBit(e.kind);
      for (auto& [serial, c] : conns_) {
        if (c->dead || (c->kinds & bit) == 0) continue;
        if (c->out.size() >= Conn::kOutLimit) {
          ++c->events_dropped;  // it is not reading: its events are counted, not piled up
          continue;
        }
        libtandem::daemon::AppendEvent(
            c->out, libtandem::daemon::EventBody{e, rtos_dropped - c->rtos_dropped_base,
                                                 c->events_dropped});
      }
    }
  }
}

bool Daemon::Service() {
  if (!session_) {
    if (!Wanted()) return true;
    Reopen();
    if (!session_) return true;
  }
  libtandem::Result<bool> pumped = session_->Pump(/*reopen=*/Wanted());
  if (!pumped.ok()) {
    LoseSession(pumped.error());
    return true;
  }
  Collect();
  const bool submitted = SubmitQueued();
  Expire();
  CheckLiveness();
  // After a submission, pump once more at once: the answer may already be there.
  return pumped.value() && !submitted;
}

void Daemon::Collect() {
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    libtandem::Result<std::optional<libtandem::Response>> r = session_->TryTake(it->first);
    if (r.ok() && !r.value()) {
      ++it;
      continue;
    }
    const Command cmd = it->second;
    it = in_flight_.erase(it);
    Conn* c = Find(cmd.conn);
    if (c == nullptr) continue;  // cannot happen: a client's commands are abandoned with it
    if (r.ok()) {
      libtandem::Response response = *r.value();
      response.id = cmd.client_id;
      libtandem::daemon::AppendResponse(c->out, cmd.tag, response);
      --c->outstanding;
      continue;
    }
    // A restart is told to each client once, whichever of them the session told.
    const RtosIdentity now = Current();
    if (r.error().code == Errc::kRtosRestarted || IsRestart(c->known, now)) {
      const Error e = libtandem::RestartedError(Who(), c->known, now, /*in_flight=*/true);
      c->known = now;
      Answer(cmd, e);
    } else {
      Answer(cmd, r.error());
    }
  }
}

bool Daemon::SubmitQueued() {
  bool submitted = false;
  while (!queue_.empty() && session_->connected() &&
         session_->in_flight() < tandem::channel::kSlotCount) {
    const Command cmd = queue_.front();
    queue_.pop_front();
    Conn* c = Find(cmd.conn);
    if (c == nullptr) continue;
    const RtosIdentity now = Current();
    if (!c->known_set) {
      c->known = now;
      c->known_set = true;
    }
    if (IsRestart(c->known, now)) {
      const Error e = libtandem::RestartedError(Who(), c->known, now, /*in_flight=*/false);
      c->known = now;
      Answer(cmd, e);
      continue;
    }
    c->known = now;  // a channel re-initialised within the same boot is no news
    libtandem::Result<uint64_t> id = session_->Submit(cmd.request);
    // The session reports a restart once, to whoever submits next; here each client has just
    // been told by the check above, so the session's own report is only acknowledged.
    if (!id.ok() && id.error().code == Errc::kRtosRestarted) id = session_->Submit(cmd.request);
    if (!id.ok()) {
      Answer(cmd, id.error());
      continue;
    }
    in_flight_[id.value()] = cmd;
    ++stats_.commands;
    submitted = true;
  }
  if (submitted) session_->Flush();
  return submitted;
}

Error Daemon::TimeoutFor(const char* what) {
  libtandem::Result<DomainRunState> st = xen_.GetDomainState(domain_.domid);
  if (st.ok() && st.value() == DomainRunState::kPaused) {
    return Error{Errc::kDomainDown, Who() + " is paused: no answer while waiting for " + what,
                 "unpause it (xl unpause " + std::to_string(domain_.domid) + ") and retry"};
  }
  if (st.ok() && st.value() != DomainRunState::kRunning) {
    return Error{Errc::kDomainDown,
                 Who() + " is " + libtandem::DomainRunStateName(st.value()) +
                     " (while waiting for " + what + ")",
                 "restart the RTOS (xl create) and retry; `xl list` shows the domains"};
  }
  return Error{Errc::kTimeout,
               "no answer from " + Who() + " through tandemd while waiting for " + what,
               "the RTOS's command server may be stuck or starved, or other clients keep the "
               "channel busy: check the RTOS console and tandemd's log, or raise --timeout"};
}

void Daemon::Expire() {
  const uint64_t now = xen_.NowNs();
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->deadline_ns > now) {
      ++it;
      continue;
    }
    const Command cmd = *it;
    it = queue_.erase(it);
    if (session_ && session_->connected()) {
      Answer(cmd, TimeoutFor("a free slot of the channel (other clients' commands)"));
      continue;
    }
    // As a direct Session::Call reports a session the RTOS does not take back: a protocol
    // error, unless the domain itself is the reason (paused, gone).
    Error e = TimeoutFor("the RTOS to accept the session again");
    if (e.code == Errc::kTimeout) {
      e = Error{Errc::kProtocol,
                "the RTOS in " + Who() +
                    " dropped the channel's session and did not take a new one before the "
                    "deadline (it may have shut its channel down)",
                "check the RTOS console (xl console " + std::to_string(domain_.domid) +
                    "); restart the RTOS if its channel is closed"};
    }
    Answer(cmd, e);
  }
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    if (it->second.deadline_ns > now) {
      ++it;
      continue;
    }
    const Command cmd = it->second;
    session_->Abandon(it->first);  // its slot returns when the RTOS answers after all
    it = in_flight_.erase(it);
    Answer(cmd, TimeoutFor("the answer"));
  }
}

void Daemon::CheckLiveness() {
  if (queue_.empty() && in_flight_.empty()) return;
  const uint64_t now = xen_.NowNs();
  if (now < next_liveness_ns_) return;
  next_liveness_ns_ = now + kLivenessNs;
  libtandem::Result<DomainRunState> st = xen_.GetDomainState(domain_.domid);
  if (!st.ok() || st.value() == DomainRunState::kRunning || st.value() == DomainRunState::kPaused) {
    return;  // a pause is waited for until each command's deadline
  }
  // Commands not sent yet stay queued: the next pass looks the domain up again, as a new
  // direct client would (a re-created domain then reports the restart to each client).
  LoseSession(Error{Errc::kDomainDown,
                    Who() + " is " + libtandem::DomainRunStateName(st.value()) +
                        " (while the command waited)",
                    "restart the RTOS (xl create) and retry: tandemd opens its channel again "
                    "when the next command comes"},
              /*keep_queued=*/true);
}

void Daemon::LoseSession(const Error& why, bool keep_queued) {
  const size_t failing = in_flight_.size() + (keep_queued ? 0 : queue_.size());
  if (failing != 0) Log("failing " + std::to_string(failing) + " command(s): " + why.message);
  while (!keep_queued && !queue_.empty()) {
    const Command cmd = queue_.front();
    queue_.pop_front();
    Answer(cmd, why);
  }
  while (!in_flight_.empty()) {
    const Command cmd = in_flight_.begin()->second;
    in_flight_.erase(in_flight_.begin());
    Answer(cmd, why);
  }
  if (session_) {
    RtosDropped();  // what this session counted stays in the total
    session_->Close();
    session_.reset();
    session_dropped_seen_ = 0;
    subscribed_ = 0;  // the next session subscribes anew (Reopen)
    Log("closed the channel of " + Who());
  }
}

void Daemon::Reopen() {
  const uint64_t now = xen_.NowNs();
  if (now < next_reopen_ns_) return;
  next_reopen_ns_ = now + kReopenPeriodNs;
  // The domain may have been re-created under another id: look it up again by what -d said.
  libtandem::Result<libtandem::DomainEntry> d = libtandem::ResolveDomain(xen_, config_.selector);
  libtandem::Result<std::unique_ptr<libtandem::Session>> s =
      d.ok() ? libtandem::Session::Open(xen_, d.value().domid, kReopenTimeoutNs)
             : libtandem::Fail(d.error());
  if (!s.ok()) {
    // Said once per reason: a watcher may wait through a long outage, tried every period.
    if (s.error().message != last_reopen_error_) {
      Log("cannot open the channel again: " + s.error().message);
      last_reopen_error_ = s.error().message;
    }
    LoseSession(s.error());
    return;
  }
  last_reopen_error_.clear();
  domain_ = d.value();
  session_ = std::move(s.value());
  session_dropped_seen_ = 0;
  subscribed_ = 0;
  Log("opened the channel of " + Who() + " again (boot " +
      libtandem::BootIdText(Current().boot_id) + ")");
  if (libtandem::Result<void> r = FollowSubscriptions(); !r.ok()) {
    Log("cannot subscribe to the RTOS's events again: " + r.error().message);
  }
}

void Daemon::Answer(const Command& cmd, const Error& e) {
  Conn* c = Find(cmd.conn);
  if (c == nullptr) return;
  libtandem::daemon::AppendError(c->out, cmd.tag, e);
  --c->outstanding;
}

Daemon::Conn* Daemon::Find(uint64_t serial) {
  auto it = conns_.find(serial);
  return it == conns_.end() || it->second->dead ? nullptr : it->second.get();
}

}  // namespace tandemd
