// tandemd's client side: accepting (with the caller check), reading and checking frames, writing
// answers, disconnecting. Everything a client sends is untrusted. See daemon.h.
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "conn.h"
#include "daemon.h"

namespace tandemd {

using libtandem::Errc;
using libtandem::Error;
namespace wire = libtandem::daemon;

namespace {
// Why most clients go: they are done.
constexpr const char* kClosed = "closed the connection";
// Longer timeouts are cut to this (tandemctl's own --timeout range).
constexpr uint64_t kMaxTimeoutMs = 600'000;
}  // namespace

std::string Daemon::Describe(const Conn& c) const {
  return "client " + std::to_string(c.serial) + " (pid " + std::to_string(c.cred.pid) + ", uid " +
         std::to_string(c.cred.uid) + ")";
}

void Daemon::Accept() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        Log(std::string("accept: ") + strerror(errno));
      }
      return;
    }
    auto c = std::make_unique<Conn>();
    c->serial = ++next_serial_;
    c->fd = fd;
    std::optional<PeerCred> cred = config_.credentials(fd);
    std::string why;
    if (!cred) {
      why = "the kernel did not say who it is (SO_PEERCRED failed)";
    } else {
      c->cred = *cred;
      const bool need_groups = cred->uid != 0 && !config_.access.gids.empty();
      const std::vector<gid_t> groups =
          need_groups ? config_.groups(cred->uid, cred->gid) : std::vector<gid_t>{cred->gid};
      (void)Allowed(config_.access, *cred, groups, &why);
    }
    if (!why.empty()) {
      ++stats_.refused;
      Log("refused " + Describe(*c) + ": " + why);
      wire::AppendError(
          c->out, 0,
          Error{Errc::kRefused, "tandemd for " + Who() + " refuses this client: " + why,
                "ask the administrator to start tandemd with --allow-uid " +
                    std::to_string(c->cred.uid) +
                    " (or --allow-group with one of your groups), or run as root"});
      c->closing = true;
    } else if (conns_.size() >= config_.max_clients) {
      ++stats_.refused;
      Log("refused " + Describe(*c) + ": already " + std::to_string(conns_.size()) + " clients");
      wire::AppendError(c->out, 0,
                        Error{Errc::kBusy,
                              "tandemd for " + Who() + " serves " +
                                  std::to_string(config_.max_clients) + " clients at most",
                              "retry when another client has finished"});
      c->closing = true;
    } else {
      ++stats_.accepted;
      wire::Welcome w;
      w.rtos = session_ ? Current() : libtandem::RtosIdentity{domain_.domid, 0, 0};
      w.protocol_version = tandem::channel::kProtocolVersion;
      w.name = domain_.name;
      wire::AppendWelcome(c->out, w);
      if (config_.verbose) Log(Describe(*c) + " connected");
    }
    Write(*c);
    conns_[c->serial] = std::move(c);
  }
}

void Daemon::Read(Conn& c) {
  if (!c.CanRead()) {
    // Not reading (its share is in flight, or it is being closed): only a hang-up matters.
    char probe;
    const ssize_t n = recv(c.fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      Drop(c, kClosed);
    }
    return;
  }
  char buf[4096];
  const size_t room = std::min(sizeof buf, Conn::kInLimit - c.in.size());
  const ssize_t n = recv(c.fd, buf, room, MSG_DONTWAIT);
  if (n == 0) {
    Drop(c, kClosed);
    return;
  }
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      Drop(c, std::string("read failed: ") + strerror(errno));
    }
    return;
  }
  c.in.append(buf, static_cast<size_t>(n));
  ParseFrames(c);
}

void Daemon::ParseFrames(Conn& c) {
  while (!c.closing && !c.dead && c.outstanding < config_.max_outstanding &&
         c.out.size() < Conn::kOutLimit) {
    libtandem::Result<std::optional<wire::Frame>> f =
        wire::TakeFrame(c.in, wire::Direction::kToDaemon);
    if (!f.ok()) {
      Disconnect(c, f.error());
      return;
    }
    if (!f.value()) return;
    Handle(c, *f.value());
  }
}

void Daemon::Handle(Conn& c, const wire::Frame& f) {
  switch (f.type) {
    case wire::FrameType::kHello: {
      const wire::HelloBody h = wire::DecodeHello(f).value();
      // As Session::Open's last_seen: another boot than the one expected is reported by the
      // first command.
      if (session_) {
        const libtandem::RtosIdentity now = Current();
        const libtandem::RtosIdentity expected{now.domid, h.expected_boot_id, 0};
        c.known = h.expected_boot_id != 0 && IsRestart(expected, now) ? expected : now;
        c.known_set = true;
      }
      return;
    }
    case wire::FrameType::kRequest: {
      libtandem::Result<wire::RequestBody> r = wire::DecodeRequest(f);
      if (!r.ok() || r.value().tag == 0) {
        Disconnect(c, r.ok() ? Error{Errc::kProtocol, "malformed tandemd frame: request tag 0", ""}
                             : r.error());
        return;
      }
      const uint64_t ms = std::clamp<uint64_t>(r.value().timeout_ms, 1, kMaxTimeoutMs);
      queue_.push_back(Command{c.serial, r.value().tag, r.value().request.id, r.value().request,
                               xen_.NowNs() + ms * 1'000'000});
      ++c.outstanding;
      return;
    }
    case wire::FrameType::kCounters:
      if (session_) {
        wire::AppendCounters(c.out, session_->ReadRtosCounters());
      } else {
        wire::AppendError(c.out, 0,
                          Error{Errc::kDomainDown, "tandemd has no open channel to " + Who(),
                                "send a command: tandemd opens the channel again when the RTOS "
                                "is back"});
      }
      return;
    case wire::FrameType::kSubscribe: {
      libtandem::Result<wire::SubscribeBody> b = wire::DecodeSubscribe(f);
      if (!b.ok()) {
        Disconnect(c, b.error());
        return;
      }
      Subscribe(c, b.value().kinds);
      return;
    }
    default:
      return;  // TakeFrame lets only the client's types through
  }
}

void Daemon::Write(Conn& c) {
  while (!c.out.empty()) {
    const ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    Drop(c, std::string("write failed: ") + strerror(errno));
    return;
  }
  if (c.closing) Drop(c, "");  // its refusal or protocol error has been sent
}

void Daemon::Disconnect(Conn& c, const Error& why) {
  ++stats_.dropped;
  Log("disconnecting " + Describe(c) + ": " + why.message);
  c.in.clear();
  c.closing = true;
  wire::AppendError(c.out, 0, why);  // best effort: it may not read it
  Write(c);
}

void Daemon::Drop(Conn& c, const std::string& reason) {
  if (c.dead) return;
  uint64_t queued = 0, abandoned = 0;
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->conn == c.serial) {
      it = queue_.erase(it);
      ++queued;
    } else {
      ++it;
    }
  }
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    if (it->second.conn == c.serial) {
      // The channel drops the answer when it comes; the slot is free again then.
      if (session_) session_->Abandon(it->first);
      it = in_flight_.erase(it);
      ++abandoned;
    } else {
      ++it;
    }
  }
  stats_.discarded += abandoned;
  // A client that just went away is routine (one per tandemctl run): logged with --verbose, or
  // when it left commands behind. A refused or disconnected one had its line already.
  const bool routine = reason.empty() || reason == kClosed;
  if ((!routine || config_.verbose) || queued + abandoned != 0) {
    Log(Describe(c) + " " + (reason.empty() ? std::string("disconnected") : reason) +
        (queued + abandoned == 0 ? std::string()
                                 : "; dropped " + std::to_string(queued) +
                                       " queued and abandoned " + std::to_string(abandoned) +
                                       " in-flight command(s) (their answers are "
                                       "discarded)"));
  }
  c.dead = true;
  // Its kinds are no longer wanted unless another client wants them (best effort: a session
  // that is gone is subscribed anew when it is opened again).
  (void)FollowSubscriptions();
}

}  // namespace tandemd
