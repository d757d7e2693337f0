// The Linux side of the command channel (the Xen backend): submits requests, matches responses
// by id (they may complete in any order), applies back-pressure when kSlotCount commands are in
// flight, and follows the RTOS's connection state, re-opening a session when either side
// restarts. Portable: libtandem runs it over libxengnttab/libxenevtchn, the tests over memfd and
// eventfd. One thread drives a Client at a time.
#ifndef TANDEM_CHANNEL_CLIENT_H_
#define TANDEM_CHANNEL_CLIENT_H_

#include <stdint.h>

#include "tandem/channel/transport.h"
#include "tandem/channel/wire.h"
#include "tandem/result.h"

namespace tandem::channel {

enum class ClientStatus : uint8_t {
  kOk,
  kPending,          // Take(): no response yet
  kNotConnected,     // no session is open (yet)
  kRingFull,         // kSlotCount commands in flight (or unclaimed): Poll/Take first
  kVersionMismatch,  // the RTOS speaks another major version, or refused ours
  kPeerNotReady,     // the response page carries no channel (yet)
  kBadPeerHeader,    // the response page has a wrong magic or sizes
  kPeerReset,        // the RTOS restarted (new generation) or dropped the session
  kPeerClosed,       // the RTOS shut the channel down
  kBrokenPeer,       // the RTOS declared our session broken (an index it could not trust)
  kBadResponses,     // the RTOS published more responses than we asked for
  kTimeout,
  kUnknownId,   // no such command in flight
  kMisaligned,  // the pages are not page-aligned
};

const char* ClientStatusName(ClientStatus status);

struct ClientConfig {
  uint32_t version = kProtocolVersion;  // tests use other values to check the refusal
  uint32_t initial_index = 0;           // first ring index of every session (tests: near 2^32)
  // How the session signals (wire.h kSignal*; docs/protocol.md section 5), told to the RTOS in
  // the request page header. kSignalPolled: Wait() first spins up to `spin_ns` on the response
  // ring (no event asked for) before it arms rsp_event and sleeps.
  uint32_t signalling = kSignalEventIndices;
  uint64_t spin_ns = 0;
};

struct ClientCounters {
  uint64_t submitted = 0;
  uint64_t completed = 0;
  uint64_t notify_sent = 0;
  uint64_t notify_received = 0;
  uint64_t unexpected = 0;       // responses with an id not in flight (dropped)
  uint64_t sessions = 0;         // handshakes started
  uint64_t peer_losses = 0;      // connected sessions lost (RTOS restart, close, broken)
  uint64_t declared_broken = 0;  // of those: the RTOS froze the ring as broken (our indices)
};

enum class ClientPhase : uint8_t {
  kIdle,         // Connect() not called, or Disconnect()ed
  kAwaitingAck,  // our session is published; the RTOS has not taken it yet
  kConnected,
  kPeerDown,  // session lost; re-opened as soon as the RTOS is back in InitWait, or (after the
              // RTOS froze the ring as broken) by the next Connect()
  kFailed,    // version mismatch: nothing more will happen
};

class Client {
 public:
  Client(RequestPage* requests, const ResponsePage* responses, Notifier& notifier,
         ClientConfig config = {});

  // Checks the RTOS's header (magic, version, sizes) and opens a session. The session is usable
  // once Poll() sees the RTOS take it (WaitConnected). kPeerClosed while the RTOS is Closed, or
  // Closing for any reason but a broken peer: Closing(BrokenPeer) is a ring frozen after an
  // earlier session, which a new session re-opens (docs/protocol.md, section 4).
  Result<void, ClientStatus> Connect();
  Result<void, ClientStatus> WaitConnected(Waiter& waiter, uint64_t timeout_ns);

  // Queues a request (its id field is overwritten with a fresh id, returned). Not visible to the
  // RTOS until Flush(): submit a batch, flush once, and the batch costs one notification at most.
  Result<uint64_t, ClientStatus> Submit(Request request);
  // Publishes queued requests; notifies only if the RTOS asked (req_event in (old, new]).
  void Flush();

  // Non-blocking: follows the RTOS's state and collects the responses published so far.
  // Returns the number of commands completed by this call.
  uint32_t Poll();
  // The response of a completed command (then forgotten), kPending, or why it failed.
  Result<Response, ClientStatus> Take(uint64_t id);
  // Forget a command (e.g. after a timeout); its response is dropped when it arrives.
  void Abandon(uint64_t id);

  // Re-arms rsp_event (RING_FINAL_CHECK_FOR_RESPONSES). Returns true if responses are already
  // there: do not sleep, Poll() again.
  bool PrepareWait();
  // Call after the event channel fired (counts it).
  void OnNotification() { ++counters_.notify_received; }
  // A polling session whose spin ran out with commands still in flight: one notification, so
  // the RTOS reads the ring now even if its own polling has stalled. Nothing in steady state.
  void Kick() {
    if (phase_ == ClientPhase::kConnected && req_prod_pub_ != rsp_cons_) SendNotify();
  }

  // Poll/PrepareWait/wait until `id` completes or the timeout passes (then it is abandoned).
  Result<Response, ClientStatus> Wait(uint64_t id, Waiter& waiter, uint64_t timeout_ns);
  // Submit + Flush + Wait.
  Result<Response, ClientStatus> Call(const Request& request, Waiter& waiter, uint64_t timeout_ns);

  // Closes the session (state Closing, then Closed); in-flight commands fail with kNotConnected.
  void Disconnect();

  ClientPhase phase() const { return phase_; }
  bool connected() const { return phase_ == ClientPhase::kConnected; }
  ClientStatus last_error() const { return last_error_; }
  uint32_t in_flight() const { return req_prod_pvt_ - rsp_cons_; }
  uint32_t session() const { return session_; }
  const ClientCounters& counters() const { return counters_; }
  const ClientConfig& config() const { return config_; }
  // While polling, how long a wait that began at `start_ns` spins before it sleeps: until the
  // returned time (0: do not spin).
  uint64_t SpinUntil(uint64_t start_ns) const {
    return config_.signalling == kSignalPolled && config_.spin_ns != 0 ? start_ns + config_.spin_ns
                                                                       : 0;
  }

 private:
  struct PeerHeader {
    uint32_t session;
    ChannelState state;
    uint32_t magic, version, generation, error;
  };
  enum class EntryState : uint8_t { kFree, kPending, kDone, kFailed, kAbandoned };
  struct Entry {
    uint64_t id;
    EntryState state;
    ClientStatus failure;
    Response response;
  };

  PeerHeader ReadPeer() const;
  bool PeerAcceptable(const PeerHeader& peer);
  void StartHandshake(const PeerHeader& peer);
  void ForgetSubscription();
  void FollowPeer();
  void Consume();
  void FailInFlight(ClientStatus cause);
  Entry* Find(uint64_t id);
  void SendNotify();

  RequestPage* const req_page_;
  const ResponsePage* const rsp_page_;
  Notifier& notifier_;
  const ClientConfig config_;

  ClientPhase phase_ = ClientPhase::kIdle;
  ClientStatus last_error_ = ClientStatus::kOk;
  uint32_t session_ = 0;
  uint32_t generation_ = 0;    // of the RTOS we opened the session against
  uint32_t req_prod_pvt_ = 0;  // requests written
  uint32_t req_prod_pub_ = 0;  // requests published
  uint32_t rsp_cons_ = 0;
  uint64_t next_id_ = 1;  // ids never repeat across sessions
  Entry entries_[kSlotCount] = {};
  ClientCounters counters_;
};

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_CLIENT_H_
