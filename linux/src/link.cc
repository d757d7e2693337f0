#include "libtandem/link.h"

#include <dirent.h>

#include <chrono>
#include <utility>

namespace libtandem {

namespace {

uint64_t MonotonicNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

void Say(const LinkOptions& options, const std::string& line) {
  if (options.verbose) options.verbose(line);
}

}  // namespace

std::string OnlyDaemonSocket(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return "";
  std::vector<std::string> found;
  while (const dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n.size() > 5 && n.compare(n.size() - 5, 5, ".sock") == 0) found.push_back(n);
  }
  closedir(d);
  return found.size() == 1 ? dir + "/" + found[0] : "";
}

Result<std::unique_ptr<Link>> Link::Open(Result<std::unique_ptr<XenBackend>> xen,
                                         const DomainSelector& selector, const LinkOptions& options,
                                         uint64_t timeout_ns) {
  std::unique_ptr<Link> link(new Link());
  if (xen.ok()) link->xen_ = std::move(xen.value());
  link->opened_at_ns_ = link->NowNs();
  if (!link->xen_) {
    // No Xen for this process: only tandemd can serve it.
    if (!options.direct) {
      Result<bool> served = link->TryDaemon(selector, options, timeout_ns);
      LIBTANDEM_TRY(served);
      if (served.value()) return link;
    }
    return Fail(xen.error());
  }
  const uint64_t deadline = link->opened_at_ns_ + timeout_ns;
  auto remaining = [&] {
    const uint64_t now = link->xen_->NowNs();
    return deadline > now ? deadline - now : 0;
  };
  Result<DomainEntry> d = ResolveDomain(*link->xen_, selector);
  LIBTANDEM_TRY(d);
  link->domain_ = d.value();
  if (!options.direct) {
    Result<bool> served = link->TryDaemon(selector, options, remaining());
    LIBTANDEM_TRY(served);
    if (served.value()) return link;
  } else {
    Say(options, "--direct: using the channel directly");
  }
  // The boot the caller knew: another boot is reported by the first command (kRtosRestarted)
  // before it runs, as a long-lived Session reports a restart.
  const RtosIdentity expected{link->domain_.domid, options.expect_boot_id, 0};
  Result<std::unique_ptr<Session>> s =
      Session::Open(*link->xen_, link->domain_.domid, remaining(),
                    options.expect_boot_id != 0 ? &expected : nullptr);
  LIBTANDEM_TRY(s);
  link->session_ = std::move(s.value());
  link->port_ = std::make_unique<SessionPort>(*link->session_);
  return link;
}

Result<bool> Link::TryDaemon(const DomainSelector& selector, const LinkOptions& options,
                             uint64_t timeout_ns) {
  // The socket is named after the domain. Without Xen the name comes from the selector, or the
  // socket is the only one there.
  std::string path;
  if (xen_) {
    path = daemon::SocketPath(options.socket_dir,
                              domain_.name.empty() ? std::to_string(domain_.domid) : domain_.name);
  } else if (selector.by == DomainSelector::By::kName) {
    path = daemon::SocketPath(options.socket_dir, selector.name);
  } else if (selector.by == DomainSelector::By::kOnlyPublisher) {
    path = OnlyDaemonSocket(options.socket_dir);
  }
  if (path.empty()) return false;
  Result<std::unique_ptr<DaemonPort>> d =
      DaemonPort::Connect(path, timeout_ns, options.expect_boot_id);
  LIBTANDEM_TRY(d);
  if (d.value() == nullptr) {
    Say(options, "no tandemd at " + path + ": using the channel directly");
    return false;
  }
  daemon_ = d.value().get();
  domain_.domid = daemon_->welcome().rtos.domid;
  domain_.name = daemon_->welcome().name;
  port_ = std::move(d.value());
  via_ = path;
  Say(options, "through tandemd at " + path);
  return true;
}

Link::~Link() {
  // The port refers to the session: gone first.
  port_.reset();
  session_.reset();
}

const RtosIdentity& Link::identity() const {
  return daemon_ != nullptr ? daemon_->welcome().rtos : session_->identity();
}

uint64_t Link::NowNs() const { return xen_ ? xen_->NowNs() : MonotonicNs(); }

Result<RtosCounters> Link::ReadRtosCounters(uint64_t timeout_ns) {
  if (daemon_ != nullptr) return daemon_->ReadRtosCounters(timeout_ns);
  return session_->ReadRtosCounters();
}

Result<void> Link::SubscribeEvents(uint64_t kinds, uint64_t timeout_ns) {
  if (daemon_ != nullptr) return daemon_->SubscribeEvents(kinds, timeout_ns);
  return session_->SubscribeEvents(kinds);
}

Result<std::vector<tandem::channel::Event>> Link::WaitEvents(uint64_t timeout_ns, size_t max) {
  if (daemon_ != nullptr) return daemon_->WaitEvents(timeout_ns, max);
  return session_->WaitEvents(NowNs() + timeout_ns, max);
}

uint64_t Link::events_dropped() const {
  return daemon_ != nullptr ? daemon_->events_dropped() : session_->events_dropped();
}

uint64_t Link::events_resyncs() const { return session_ ? session_->events_resyncs() : 0; }

}  // namespace libtandem
