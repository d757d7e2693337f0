// A tool's way to one RTOS (tandemctl, libtandem_c): through tandemd when it serves the domain
// (docs/daemon.md), so that any number of dom0 processes share the channel, else a Session of
// the tool's own. Everything a tool does after opening (commands, counters, events) goes through
// the Link the same way whichever it is.
#ifndef LIBTANDEM_LINK_H_
#define LIBTANDEM_LINK_H_

#include <stdint.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "libtandem/commands.h"
#include "libtandem/daemon_port.h"
#include "libtandem/discovery.h"
#include "libtandem/error.h"
#include "libtandem/session.h"
#include "libtandem/xen_backend.h"

namespace libtandem {

struct LinkOptions {
  bool direct = false;  // never through tandemd (its socket is then not even looked at)
  std::string socket_dir = daemon::kDefaultSocketDir;
  uint64_t expect_boot_id =
      0;  // the RTOS boot the caller knew (0: none): another is kRtosRestarted
  // Says which way was taken and why ("through tandemd at ...", ...); may be empty.
  std::function<void(const std::string&)> verbose;
};

class Link {
 public:
  // `xen`: Xen's libraries as this process opened them. When that failed (e.g. a user tandemd
  // admits but who may not use Xen), tandemd may still serve: the socket is then named by the
  // selector's name, or is the only one in the socket directory; without one, Xen's error is
  // the result. `timeout_ns` bounds resolving, connecting and opening.
  static Result<std::unique_ptr<Link>> Open(Result<std::unique_ptr<XenBackend>> xen,
                                            const DomainSelector& selector,
                                            const LinkOptions& options, uint64_t timeout_ns);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  CommandPort& port() { return *port_; }
  // The domain (id and name) and the RTOS boot served, as the session or tandemd saw it on open.
  const DomainEntry& domain() const { return domain_; }
  const RtosIdentity& identity() const;
  // "direct", or the path of tandemd's socket.
  const std::string& via() const { return via_; }
  // The session when direct, else nullptr (tandemd holds the session).
  Session* session() { return session_.get(); }
  // Xen's clock when Xen is open (tests script it), else the monotonic clock.
  uint64_t NowNs() const;
  // NowNs() when Open began: a caller's own deadline counts the open, as the timeout does.
  uint64_t opened_at_ns() const { return opened_at_ns_; }

  Result<RtosCounters> ReadRtosCounters(uint64_t timeout_ns);
  // Events (docs/events.md): a new subscription replaces the previous one.
  Result<void> SubscribeEvents(uint64_t kinds, uint64_t timeout_ns);
  // Waits up to `timeout_ns` for at least one event; none at its end is not an error.
  Result<std::vector<tandem::channel::Event>> WaitEvents(uint64_t timeout_ns, size_t max = 64);
  // Events lost so far (the RTOS's ring full; through tandemd also what this client did not read).
  uint64_t events_dropped() const;
  // Times the event reader re-synchronised after garbage on the page (direct only; else 0).
  uint64_t events_resyncs() const;

 private:
  Link() = default;
  Result<bool> TryDaemon(const DomainSelector& selector, const LinkOptions& options,
                         uint64_t timeout_ns);

  std::unique_ptr<XenBackend> xen_;
  DomainEntry domain_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<CommandPort> port_;
  DaemonPort* daemon_ = nullptr;  // port_, when it goes through tandemd
  std::string via_ = "direct";
  uint64_t opened_at_ns_ = 0;
};

// The only tandemd socket in `dir` ("" if none or several).
std::string OnlyDaemonSocket(const std::string& dir);

}  // namespace libtandem

#endif  // LIBTANDEM_LINK_H_
