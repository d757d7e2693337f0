// tandemd's event loop: one RTOS domain's channel Session, shared by the clients of a Unix stream
// socket (docs/daemon.md). Single-threaded: poll(2) over the listening socket, the clients and the
// event channel. Each client's requests get a channel id of the daemon's (the channel matches
// responses by id), and the answer goes back under the client's tag with its own id restored.
//
// Bounded and isolated: a client has at most `max_outstanding` commands queued or in flight and
// a bounded input and output buffer; past that the daemon stops reading its socket (the kernel's
// socket buffer then blocks the client: backpressure). A client that goes away has its queued
// commands dropped and its in-flight ones abandoned (the channel drops their answers). A client
// that sends anything that is not a frame of daemon_wire.h is disconnected and logged.
#ifndef TANDEMD_DAEMON_H_
#define TANDEMD_DAEMON_H_

#include <stdint.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "access.h"
#include "libtandem/daemon_wire.h"
#include "libtandem/discovery.h"
#include "libtandem/session.h"

namespace tandemd {

struct DaemonConfig {
  libtandem::DomainSelector selector;  // how to find the domain again after it went away
  AccessPolicy access;
  CredentialFn credentials = SocketPeerCred;
  GroupsFn groups = UserGroups;
  std::function<void(const std::string&)> log;  // one line, no newline
  bool verbose = false;  // also log every client's connection and its clean end
  uint32_t max_clients = 64;
  uint32_t max_outstanding = 8;  // per client; the channel has kSlotCount (32) slots in all
};

class Daemon {
 public:
  // Serves `session` (open, on `domain`) to the clients of `listen_fd` (bound, listening,
  // non-blocking). The daemon owns both from here on.
  Daemon(libtandem::XenBackend& xen, std::unique_ptr<libtandem::Session> session,
         libtandem::DomainEntry domain, int listen_fd, DaemonConfig config);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Serves until `stop_fd` polls readable (SIGTERM via a signalfd, or a test's pipe); then
  // answers every pending command with an error, disconnects the clients and closes the session
  // (the backend directory in XenStore goes with it). kInternal if poll(2) itself fails.
  libtandem::Result<void> Run(int stop_fd);

  // Observations (tests, the final log line).
  struct Stats {
    uint64_t accepted = 0, refused = 0, dropped = 0, commands = 0, discarded = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Conn;
  struct Command {
    uint64_t conn;
    uint64_t tag;
    uint64_t client_id;  // the id the client put in its Request, restored in the Response
    libtandem::Request request;
    uint64_t deadline_ns;
  };

  // One pass over the session: pump, collect answers, submit queued commands, expire deadlines,
  // check the domain. Returns whether the loop may sleep.
  bool Service();
  void Collect();
  bool SubmitQueued();
  void Expire();
  void CheckLiveness();
  void Reopen();
  // The session is gone (domain down, Xen error): every command fails with `why`, except, with
  // `keep_queued`, those not sent yet (they wait for the session to be opened again).
  void LoseSession(const libtandem::Error& why, bool keep_queued = false);

  void Accept();
  void Read(Conn& c);
  void ParseFrames(Conn& c);
  void Handle(Conn& c, const libtandem::daemon::Frame& f);
  void Write(Conn& c);
  // Closes a client at once: its queued commands are dropped, its in-flight ones abandoned.
  void Drop(Conn& c, const std::string& reason);
  // A client that broke the protocol: logged, told (best effort), then dropped.
  void Disconnect(Conn& c, const libtandem::Error& why);
  void Answer(const Command& cmd, const libtandem::Error& e);
  // Events (docs/events.md): the session subscribes to what any client wants; each event goes
  // to every client that wants its kind, unless that client's output is full (then it is
  // counted for that client, never queued without bound).
  void Subscribe(Conn& c, uint64_t kinds);
  libtandem::Result<void> FollowSubscriptions();
  void FanOutEvents();
  // Whether the channel is wanted now: commands wait, or a client waits for events (then a lost
  // or restarted session is opened again without any command coming).
  bool Wanted() const;
  // The RTOS's event drops over every session this daemon held; each client is told those since
  // its own subscription (Conn::rtos_dropped_base).
  uint64_t RtosDropped();
  Conn* Find(uint64_t serial);

  libtandem::RtosIdentity Current() const;
  libtandem::Error TimeoutFor(const char* what);
  std::string Who() const;
  std::string Describe(const Conn& c) const;
  void Log(const std::string& line) const;

  libtandem::XenBackend& xen_;
  std::unique_ptr<libtandem::Session> session_;
  libtandem::DomainEntry domain_;
  int listen_fd_;
  DaemonConfig config_;
  std::map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::deque<Command> queue_;              // not yet on the channel, in arrival order
  std::map<uint64_t, Command> in_flight_;  // by the channel's id
  uint64_t next_serial_ = 0;
  uint64_t next_liveness_ns_ = 0;
  uint64_t next_reopen_ns_ = 0;
  uint64_t subscribed_ = 0;        // the union the session asked the RTOS for
  std::string last_reopen_error_;  // logged already; "" once the channel is open again
  uint64_t rtos_dropped_total_ = 0;
  uint64_t session_dropped_seen_ = 0;  // session_->events_dropped() already in the total
  Stats stats_;
};

}  // namespace tandemd

#endif  // TANDEMD_DAEMON_H_
