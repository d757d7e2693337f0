// DaemonPort: a blocking client of tandemd's socket. See daemon_port.h.
#include "libtandem/daemon_port.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

namespace libtandem {
namespace {

using daemon::Direction;
using daemon::Frame;
using daemon::FrameType;

// The daemon enforces each command's timeout itself and answers kTimeout; the client waits this
// much longer for that answer before it gives up on the daemon.
constexpr uint64_t kDaemonGraceNs = 1'000'000'000;

uint64_t Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

int PollMs(uint64_t deadline_ns) {
  const uint64_t now = Now();
  if (now >= deadline_ns) return 0;
  return static_cast<int>(std::min<uint64_t>((deadline_ns - now + 999'999) / 1'000'000, 60'000));
}

}  // namespace

Result<std::unique_ptr<DaemonPort>> DaemonPort::Connect(const std::string& socket_path,
                                                        uint64_t timeout_ns,
                                                        uint64_t expected_boot_id) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    return Fail(Errc::kUsage, "tandemd socket path too long (" + socket_path + ")",
                "use a shorter --socket-dir");
  }
  memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(Errc::kInternal, std::string("socket(AF_UNIX): ") + strerror(errno));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    close(fd);
    // No socket, or nobody behind it (a tandemd that died leaves its socket file).
    if (err == ENOENT || err == ECONNREFUSED) return std::unique_ptr<DaemonPort>();
    if (err == EACCES || err == EPERM) {
      return Fail(Errc::kRefused,
                  "permission denied on tandemd's socket " + socket_path +
                      ": tandemd admits root and the users and groups it was started with "
                      "(--allow-uid, --allow-group)",
                  "ask the administrator to add you to tandemd's --allow-uid/--allow-group, or "
                  "run as root");
    }
    return Fail(Errc::kInternal,
                "cannot connect to tandemd at " + socket_path + ": " + strerror(err),
                "check that tandemd runs (docs/daemon.md), or use --direct");
  }
  std::unique_ptr<DaemonPort> port(new DaemonPort(fd, socket_path));
  const uint64_t deadline = Now() + timeout_ns;
  Result<Frame> first = port->Receive(deadline, "tandemd's welcome");
  LIBTANDEM_TRY(first);
  if (first.value().type == FrameType::kError) {
    Result<daemon::TaggedError> e = daemon::DecodeError(first.value());
    LIBTANDEM_TRY(e);
    return Fail(e.value().error);
  }
  if (first.value().type != FrameType::kWelcome) {
    return Fail(port->Lost("sent something else than its welcome first"));
  }
  Result<daemon::Welcome> w = daemon::DecodeWelcome(first.value());
  LIBTANDEM_TRY(w);
  port->welcome_ = w.value();
  if (expected_boot_id != 0) {
    std::string hello;
    daemon::AppendHello(hello, expected_boot_id);
    LIBTANDEM_TRY(port->Send(hello, deadline));
  }
  return port;
}

DaemonPort::~DaemonPort() { close(fd_); }

Error DaemonPort::Lost(const std::string& what) const {
  return Error{Errc::kProtocol, "tandemd at " + path_ + " " + what,
               "tandemd may have stopped or restarted: retry; without tandemd, tandemctl uses the "
               "channel directly (--direct forces that)"};
}

Result<void> DaemonPort::Send(const std::string& frames, uint64_t deadline_ns) {
  size_t done = 0;
  while (done < frames.size()) {
    // MSG_NOSIGNAL: a daemon that went away is an error here, not a SIGPIPE for the caller.
    const ssize_t n =
        send(fd_, frames.data() + done, frames.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The daemon reads no more from a client with its whole share in flight (backpressure).
      pollfd p{fd_, POLLOUT, 0};
      const int rc = poll(&p, 1, PollMs(deadline_ns));
      if (rc == 0) {
        return Fail(Errc::kTimeout, "tandemd at " + path_ + " took no request within the timeout",
                    "it is busy with other clients' commands: retry, or raise --timeout");
      }
      continue;
    }
    return Fail(Lost(std::string("closed the connection (") + strerror(errno) + ")"));
  }
  return {};
}

Result<Frame> DaemonPort::Receive(uint64_t deadline_ns, const char* waiting_for) {
  for (;;) {
    Result<std::optional<Frame>> f = daemon::TakeFrame(in_, Direction::kToClient);
    LIBTANDEM_TRY(f);
    if (f.value()) return std::move(*f.value());
    pollfd p{fd_, POLLIN, 0};
    const int rc = poll(&p, 1, PollMs(deadline_ns));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) {
      return Fail(Errc::kTimeout,
                  "no answer from tandemd at " + path_ + " while waiting for " + waiting_for,
                  "tandemd may be stuck: check its log; --direct bypasses it once it is stopped");
    }
    char buf[4096];
    const ssize_t n = read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Fail(
          Lost(std::string("closed the connection while this client waited for ") + waiting_for));
    }
    in_.append(buf, static_cast<size_t>(n));
  }
}

Result<Response> DaemonPort::Call(const Request& request, uint64_t timeout_ns) {
  const uint64_t tag = next_tag_++;
  const uint64_t ms = std::max<uint64_t>(1, (timeout_ns + 999'999) / 1'000'000);
  std::string frame;
  daemon::AppendRequest(frame, tag, static_cast<uint32_t>(std::min<uint64_t>(ms, UINT32_MAX)),
                        request);
  const uint64_t deadline = Now() + timeout_ns + kDaemonGraceNs;
  LIBTANDEM_TRY(Send(frame, deadline));
  for (;;) {
    Result<Frame> f = Receive(deadline, "the answer");
    LIBTANDEM_TRY(f);
    if (f.value().type == FrameType::kResponse) {
      Result<daemon::ResponseBody> r = daemon::DecodeResponse(f.value());
      LIBTANDEM_TRY(r);
      if (r.value().tag == tag) return r.value().response;
    } else if (f.value().type == FrameType::kError) {
      Result<daemon::TaggedError> e = daemon::DecodeError(f.value());
      LIBTANDEM_TRY(e);
      if (e.value().tag == tag || e.value().tag == 0) return Fail(e.value().error);
    } else if (f.value().type == FrameType::kEvent) {
      LIBTANDEM_TRY(KeepEvent(f.value()));
    }
    // Anything else (an answer to an earlier call that timed out here) is not this call's.
  }
}

Result<void> DaemonPort::KeepEvent(const Frame& f) {
  Result<daemon::EventBody> e = daemon::DecodeEvent(f);
  LIBTANDEM_TRY(e);
  events_.push_back(e.value().event);
  rtos_dropped_ = e.value().rtos_dropped;
  daemon_dropped_ = e.value().daemon_dropped;
  return {};
}

Result<void> DaemonPort::SubscribeEvents(uint64_t kinds, uint64_t timeout_ns) {
  std::string frame;
  daemon::AppendSubscribe(frame, kinds);
  const uint64_t deadline = Now() + timeout_ns + kDaemonGraceNs;
  LIBTANDEM_TRY(Send(frame, deadline));
  for (;;) {
    Result<Frame> f = Receive(deadline, "the subscription's answer");
    LIBTANDEM_TRY(f);
    if (f.value().type == FrameType::kSubscribed) return {};
    if (f.value().type == FrameType::kEvent) {
      LIBTANDEM_TRY(KeepEvent(f.value()));
    } else if (f.value().type == FrameType::kError) {
      Result<daemon::TaggedError> e = daemon::DecodeError(f.value());
      LIBTANDEM_TRY(e);
      if (e.value().tag == 0) return Fail(e.value().error);
    }
  }
}

Result<std::vector<tandem::channel::Event>> DaemonPort::WaitEvents(uint64_t timeout_ns,
                                                                   size_t max) {
  const uint64_t deadline_ns = Now() + timeout_ns;
  while (events_.empty() && Now() < deadline_ns) {
    Result<Frame> f = Receive(deadline_ns, "events");
    if (!f.ok()) {
      if (f.error().code == Errc::kTimeout) break;  // nothing came: not an error
      return Fail(f.error());
    }
    if (f.value().type == FrameType::kEvent) {
      LIBTANDEM_TRY(KeepEvent(f.value()));
    } else if (f.value().type == FrameType::kError) {
      Result<daemon::TaggedError> e = daemon::DecodeError(f.value());
      LIBTANDEM_TRY(e);
      if (e.value().tag == 0) return Fail(e.value().error);
    }
  }
  std::vector<tandem::channel::Event> got;
  while (!events_.empty() && got.size() < max) {
    got.push_back(events_.front());
    events_.pop_front();
  }
  return got;
}

Result<RtosCounters> DaemonPort::ReadRtosCounters(uint64_t timeout_ns) {
  std::string frame;
  daemon::AppendCountersQuery(frame);
  const uint64_t deadline = Now() + timeout_ns + kDaemonGraceNs;
  LIBTANDEM_TRY(Send(frame, deadline));
  for (;;) {
    Result<Frame> f = Receive(deadline, "the channel counters");
    LIBTANDEM_TRY(f);
    if (f.value().type == FrameType::kCountersReply) return daemon::DecodeCounters(f.value());
    if (f.value().type == FrameType::kEvent) LIBTANDEM_TRY(KeepEvent(f.value()));
    if (f.value().type == FrameType::kError) {
      Result<daemon::TaggedError> e = daemon::DecodeError(f.value());
      LIBTANDEM_TRY(e);
      if (e.value().tag == 0) return Fail(e.value().error);
    }
  }
}

}  // namespace libtandem
