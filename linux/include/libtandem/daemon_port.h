// A CommandPort through tandemd (docs/daemon.md): the daemon owns the domain's channel and
// multiplexes its clients' commands onto it, so any number of dom0 processes can use the RTOS at
// once. Every typed call of commands.h works over it, with the same Errc codes as on a direct
// Session (the daemon sends libtandem Errors back as they are).
#ifndef LIBTANDEM_DAEMON_PORT_H_
#define LIBTANDEM_DAEMON_PORT_H_

#include <stdint.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "libtandem/commands.h"
#include "libtandem/daemon_wire.h"
#include "libtandem/error.h"

namespace libtandem {

class DaemonPort final : public CommandPort {
 public:
  // Connects to tandemd at `socket_path` and reads its welcome, within `timeout_ns`. nullptr
  // (not an error) when no tandemd listens there: no socket, or one left behind by a tandemd
  // that died; the caller may then use the channel directly. `expected_boot_id` (0: none): the
  // RTOS boot the caller knew; if it is another, the first command fails with kRtosRestarted, as
  // Session::Open's last_seen does.
  static Result<std::unique_ptr<DaemonPort>> Connect(const std::string& socket_path,
                                                     uint64_t timeout_ns,
                                                     uint64_t expected_boot_id = 0);
  ~DaemonPort() override;
  DaemonPort(const DaemonPort&) = delete;
  DaemonPort& operator=(const DaemonPort&) = delete;

  Result<Response> Call(const Request& request, uint64_t timeout_ns) override;
  // The RTOS's channel counters, as Session::ReadRtosCounters reads them in the daemon.
  Result<RtosCounters> ReadRtosCounters(uint64_t timeout_ns);

  // Events through the daemon (docs/events.md), as Session::SubscribeEvents / WaitEvents: the
  // daemon subscribes its session to what any client wants and sends each client its kinds.
  Result<void> SubscribeEvents(uint64_t kinds, uint64_t timeout_ns);
  // Waits up to `timeout_ns` for at least one event (none at the end of it: not an error).
  Result<std::vector<tandem::channel::Event>> WaitEvents(uint64_t timeout_ns, size_t max = 64);
  // Events lost to this client: dropped by the RTOS (its ring full) and by tandemd (this client
  // did not read), as the last event said.
  uint64_t events_dropped() const { return rtos_dropped_ + daemon_dropped_; }

  // The domain and RTOS boot the daemon served when this client connected.
  const daemon::Welcome& welcome() const { return welcome_; }
  const std::string& path() const { return path_; }

 private:
  DaemonPort(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Result<void> Send(const std::string& frames, uint64_t deadline_ns);
  // The next frame from the daemon, or kTimeout at the deadline, kProtocol if it hung up.
  Result<daemon::Frame> Receive(uint64_t deadline_ns, const char* waiting_for);
  Error Lost(const std::string& what) const;
  // Keeps an event frame that arrived while another answer was awaited.
  Result<void> KeepEvent(const daemon::Frame& f);

  int fd_;
  std::string path_;
  std::string in_;
  uint64_t next_tag_ = 1;
  daemon::Welcome welcome_;
  std::deque<tandem::channel::Event> events_;
  uint64_t rtos_dropped_ = 0;
  uint64_t daemon_dropped_ = 0;
};

}  // namespace libtandem

#endif  // LIBTANDEM_DAEMON_PORT_H_
