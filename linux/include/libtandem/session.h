// A connection to one RTOS domain's command channel: the grant mappings (request page read-write,
// response page read-only), the bound event channel, and the channel's Linux-side endpoint
// (tandem::channel::Client, docs/protocol.md) driven over them.
//
// Two ways to use it (issue 4):
//   - persistent: Session::Open once, many Call()s or Submit/Flush/WaitProgress for throughput;
//   - self-contained transaction (the seed's mode): Transact() = open, one call, close.
//
// Every wait polls the event-channel fd with a deadline, in slices, and between slices asks Xen
// whether the domain is still there, so a destroyed, dying or paused domain gives kDomainDown
// within the timeout instead of a hang.
//
// Only one client may drive a channel (the request page has a single writer): Open claims it
// under /local/domain/0/backend/tandem/<domid>/ (owner = our pid, state = XenbusState,
// frontend, frontend-id) and Close removes that directory. A claim by a dead process is taken
// over; a live one gives kBusy when the timeout runs out.
//
// Two things a long-lived client must hear about are reported once each, as the error of the
// next command (which is then not sent; the one after it runs), docs/tandemctl.md "Restarts":
//   - the RTOS restarted (kRtosRestarted): another boot than the one the session knew, so pins
//     and counters Linux had set are back to their start-up state;
//   - the RTOS declared this session broken (kProtocol): it saw a request index it could not
//     trust and froze the ring; the next command opens a new session.
#ifndef LIBTANDEM_SESSION_H_
#define LIBTANDEM_SESSION_H_

#include <stdint.h>

#include <memory>
#include <optional>
#include <string>

#include "libtandem/discovery.h"
#include "libtandem/error.h"
#include "libtandem/xen_backend.h"
#include "tandem/channel/client.h"
#include "tandem/channel/events.h"
#include "tandem/channel/transport.h"
#include "tandem/channel/wire.h"

namespace libtandem {

using tandem::channel::Request;
using tandem::channel::Response;

// Counters the RTOS publishes on its response page (refreshed after each of its server passes),
// and its state there.
struct RtosCounters {
  uint64_t requests = 0;
  uint64_t rejected = 0;
  uint64_t broken = 0;
  uint64_t notify_sent = 0;
  uint64_t notify_received = 0;
  uint64_t hypercalls = 0;  // every hypercall the RTOS made since boot; 0 before protocol 1.4
  uint32_t generation = 0;
  uint64_t boot_id = 0;  // 0: an RTOS of protocol 1.2 or older (no boot id)
  uint32_t state = 0;    // XenbusState
  uint32_t error = 0;    // tandem::channel::ConnectionError
};

// Which RTOS a client talks to: its domain, its boot (tandem/channel/boot_id.h; 0 when it
// publishes none) and the incarnation of its channel (the generation on its response page).
struct RtosIdentity {
  uint32_t domid = 0;
  uint64_t boot_id = 0;
  uint32_t generation = 0;
};

// Whether `now` is another boot than `before`: another domain, another boot id, or (when neither
// has a boot id, protocol <= 1.2) another generation. The same boot id with a new generation is the
// channel re-initialised within one boot: not a restart, nothing Linux set was lost.
bool IsRestart(const RtosIdentity& before, const RtosIdentity& now);
// "boot id 1a2b... before, 3c4d... now" and the like, for messages.
std::string DescribeRestart(const RtosIdentity& before, const RtosIdentity& now);

// The kRtosRestarted error a client is given once per restart, worded alike by Session and by
// tandemd (which tells each of its clients). `who`: "domain 3 (tandem-rt)".
Error RestartedError(const std::string& who, const RtosIdentity& before, const RtosIdentity& now,
                     bool in_flight);

std::string BackendPath(uint32_t domid);

// How a session signals (docs/protocol.md, section 5; tandem/channel/wire.h kSignal*).
struct SessionOptions {
  // kSignalEventIndices (default): notify only a peer that asked. kSignalEveryCommand: every
  // command notifies both ways (an ablation). kSignalPolled: no notifications in steady state;
  // each wait spins up to `spin_ns` on the response ring before it sleeps on the event channel.
  uint32_t signalling = tandem::channel::kSignalEventIndices;
  uint64_t spin_ns = 2'000'000;  // polled only: more than the RTOS's 1 ms polling period
};

class Session {
 public:
  // How long a wait sleeps before checking that the domain still runs.
  static constexpr uint64_t kLivenessSliceNs = 50'000'000;

  // Reads and validates the published keys, claims the channel, maps, binds, handshakes.
  // `timeout_ns` bounds the whole open. A channel in Closing is opened when its response page
  // says the ring was frozen after a broken peer (a new session re-opens it); one closed for a
  // shutdown is refused (kNotPublished). `last_seen`: the RTOS the caller talked to before (an
  // earlier Session's identity(), or a boot id it recorded); if this is another boot, the first
  // command reports kRtosRestarted instead of running.
  static Result<std::unique_ptr<Session>> Open(XenBackend& xen, uint32_t domid, uint64_t timeout_ns,
                                               const RtosIdentity* last_seen = nullptr,
                                               const SessionOptions& options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Submit + Flush + wait for the response. A response with a non-OK WireStatus is returned as a
  // value (the caller decides what "refused" means for its command). If the RTOS restarted since
  // the last call, first waits (within the timeout) for the session to be re-opened; a command
  // in flight across a restart fails with kProtocol (the RTOS may or may not have acted on it).
  Result<Response> Call(const Request& request, uint64_t timeout_ns);

  // Pipelining, for throughput: Submit queues (kBusy when kSlotCount commands are in flight),
  // Flush publishes the batch (one notification at most), WaitProgress sleeps until at least one
  // command completed or the channel changed, TryTake collects a response (nullopt: pending).
  Result<uint64_t> Submit(const Request& request);
  void Flush();
  Result<void> WaitProgress(uint64_t deadline_ns);
  Result<std::optional<Response>> TryTake(uint64_t id);
  void Abandon(uint64_t id) { client_->Abandon(id); }
  uint32_t in_flight() const { return client_->in_flight(); }

  // Events from the RTOS (protocol 1.6, docs/events.md). SubscribeEvents asks for the kinds in
  // `kinds` (tandem::channel::EventKindBit) from now on (0: none); kRefused from an RTOS without
  // an event ring. WaitEvents returns what arrived, oldest first, waiting until at least one did
  // or `deadline_ns` passed (then none: not an error). Commands and events share the session and
  // its event channel; a restart or a lost session is reported as by Call.
  Result<void> SubscribeEvents(uint64_t kinds);
  Result<std::vector<tandem::channel::Event>> WaitEvents(uint64_t deadline_ns, size_t max = 64);
  // Events the RTOS dropped because its ring was full (since its channel started), and how often
  // this reader had to skip to the RTOS's present (a restarted channel).
  uint64_t events_dropped() const { return events_ ? events_->dropped() : 0; }
  // Never blocks (an event loop, after Pump): the events that arrived so far, oldest first.
  std::vector<tandem::channel::Event> TakeEvents(size_t max = 64);
  uint64_t events_resyncs() const { return events_ ? events_->resyncs() : 0; }
  // For an event loop that serves several callers on one session (tandemd, docs/daemon.md):
  // the descriptor to poll for the RTOS's notifications (-1: the backend has none; then call
  // Pump() every millisecond or so while commands are in flight).
  int event_fd() { return xen_.EvtchnFd(); }
  // Never blocks: consumes a pending notification, collects the responses published so far and
  // follows the RTOS's state (a restarted RTOS is re-attached as soon as it is in InitWait). With
  // `reopen`, a session the RTOS dropped or froze is re-opened, as Call() does before it sends.
  // Returns true when the caller may sleep on event_fd() (the ring is armed: the RTOS notifies),
  // false when it should Pump() again at once.
  Result<bool> Pump(bool reopen);
  bool connected() const { return client_ != nullptr && client_->connected(); }

  // Fault injection (tandem-bench --storm): one event-channel notification with nothing new on
  // the ring, as a misbehaving client sends them (Xen's XSA-391 class). The RTOS must stay
  // unaffected above its channel's priority.
  Result<void> NotifyRaw();
  // Fault injection (tandem-bench --hostile-index): publishes a request producer index `offset`
  // away from what this session published (more than kSlotCount ahead, or behind), as a buggy or
  // hostile client would, notifies, and waits until the response page says the RTOS froze the
  // ring (Closing, error BrokenPeer); kProtocol if it did not by the deadline. The session is not
  // re-opened: the ring stays frozen for the next client, and this session's next command
  // reports the freeze.
  Result<RtosCounters> InjectBadRequestIndex(int32_t offset, uint64_t deadline_ns);

  // Ends the session: Closed on the request page, notify, unbind, unmap, release the claim.
  // Idempotent; the destructor calls it.
  void Close();

  const ChannelInfo& info() const { return info_; }
  // The RTOS the caller has been told about: the one opened (or `last_seen`), updated when a
  // restart is reported. Pass it to the next Open (e.g. after the domain was re-created).
  const RtosIdentity& identity() const { return identity_; }
  const tandem::channel::ClientCounters& counters() const { return client_->counters(); }
  RtosCounters ReadRtosCounters() const;
  XenBackend& xen() { return xen_; }

 private:
  class EvtchnNotifier final : public tandem::channel::Notifier {
   public:
    EvtchnNotifier(XenBackend& xen) : xen_(xen) {}
    void Notify() override;
    XenBackend& xen_;
    uint32_t port_ = 0;
    bool failed_ = false;  // a notify failed (the domain went away): reported by the next wait
  };

  Session(XenBackend& xen, ChannelInfo info, const SessionOptions& options);
  Result<void> Claim(uint64_t deadline_ns);
  Result<void> Attach(uint64_t deadline_ns);
  Result<uint32_t> BindEventChannel(uint64_t deadline_ns);
  // kBusy: another client holds the channel; `holder` says who, or what shows it.
  Error BusyError(const std::string& holder) const;
  Result<void> Reconnect(uint64_t deadline_ns);
  // Starts a new session on the channel (after a loss) with this one's event subscription.
  void ConnectAgain();
  void SetBackendState(uint32_t state);
  // Sleeps on the event channel (in liveness slices) until `done()` after a client Poll() is
  // true, or fails with kTimeout / kDomainDown / kXen at the deadline.
  template <typename Done>
  Result<void> PumpUntil(Done done, uint64_t deadline_ns, const char* waiting_for);
  Error TimeoutError(const char* waiting_for);
  Error ClientError(tandem::channel::ClientStatus status);
  // The identity on the response page now.
  RtosIdentity CurrentIdentity() const;
  // A restart or a broken-peer freeze the caller has not been told about yet (then it has).
  std::optional<Error> TakeUnreported();
  Error RestartError(const RtosIdentity& now, bool in_flight);
  Error BrokenError(bool in_flight);
  // Why a command failed, once the session lost it: a restart or a freeze first, as above.
  Error LossError(tandem::channel::ClientStatus status);
  std::string Who() const;

  XenBackend& xen_;
  ChannelInfo info_;
  SessionOptions options_;
  EvtchnNotifier notifier_;
  void* request_page_ = nullptr;
  void* response_page_ = nullptr;
  bool port_bound_ = false;
  bool claimed_ = false;
  bool closed_ = false;
  bool seen_paused_ = false;
  RtosIdentity identity_;
  uint64_t broken_reported_ = 0;  // the Client's declared_broken count already reported
  std::unique_ptr<tandem::channel::Client> client_;
  std::unique_ptr<tandem::channel::EventReader> events_;
};

// The seed's self-contained transaction: open, one call, close, all within `timeout_ns`.
Result<Response> Transact(XenBackend& xen, uint32_t domid, const Request& request,
                          uint64_t timeout_ns);

}  // namespace libtandem

#endif  // LIBTANDEM_SESSION_H_
