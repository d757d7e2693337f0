// The RTOS side of the command channel (the Xen frontend): consumes requests, answers them.
//
// Everything on the request page is untrusted input. Per pass the server reads Linux's header
// and req_prod once, refuses a req_prod more than kSlotCount ahead of its own consumer index
// (libxenvchan's XSA-86 fix: freeze the ring rather than trust it), copies each slot out once
// and validates the copy (XSA-155), and answers every consumed request with exactly one
// response, an error status for malformed ones.
//
// Threading: one server task owns a Server; OnNotification() is the only call meant for the
// event-channel ISR (a counter increment). No heap, no exceptions, no OS includes.
#ifndef TANDEM_CHANNEL_SERVER_H_
#define TANDEM_CHANNEL_SERVER_H_

#include <stdint.h>

#include "tandem/channel/app_commands.h"
#include "tandem/channel/events.h"
#include "tandem/channel/incident.h"
#include "tandem/channel/ops.h"
#include "tandem/channel/transport.h"
#include "tandem/channel/wire.h"

namespace tandem::channel {

// Handles one operation. `response` arrives with id and op filled in and everything else zero;
// the handler fills result/payload and returns the status to send. It runs in the server task.
class CommandHandler {
 public:
  virtual WireStatus Handle(const Request& request, Response& response) = 0;

 protected:
  ~CommandHandler() = default;
};

enum class ServerStatus : uint8_t {
  kOk,
  kBadOp,         // not a core op (SetHandler) / not in the app range (RegisterAppCommand)
  kAlreadyTaken,  // the app op is registered already
  kTableFull,     // kMaxAppCommands reached
  kMisaligned,    // the pages are not page-aligned
  kBadSpec,       // the AppCommandSpec is malformed (CheckSpec says why)
  kNameTaken,     // another application command has that name
};

struct ServerCounters {
  uint64_t requests = 0;  // requests consumed (valid or not)
  uint64_t rejected = 0;  // answered with a validation error (malformed)
  uint64_t broken = 0;    // broken-peer detections
  uint64_t notify_sent = 0;
  uint64_t notify_received = 0;
  uint64_t version_refused = 0;
  uint64_t attaches = 0;  // successful handshakes
  uint64_t detaches = 0;  // sessions ended by Linux (close or restart)
};

struct PollResult {
  uint32_t handled = 0;  // requests consumed in this call
  bool more = false;     // call Poll again: the budget ran out or requests arrived after re-arm
};

class Server {
 public:
  static constexpr uint32_t kMaxAppCommands = 16;

  // `requests` is Linux's page (only ever read), `responses` ours. Neither is touched before
  // Init().
  Server(const RequestPage* requests, ResponsePage* responses, Notifier& notifier);

  // (Re)initialises the response page: magic, version, sizes, `boot_id` (boot_id.h: the same
  // value for every Init of one boot, a new one after the RTOS restarted; 0 only where there is
  // no boot to tell apart), generation = previous + 1 (so a re-initialised channel is told apart
  // from the old one), state InitWait; then notifies, so a waiting Linux notices the restart.
  [[nodiscard]] ServerStatus Init(uint64_t boot_id);

  // Installs the handler for a core op (not kPing, which the channel answers itself).
  [[nodiscard]] ServerStatus SetHandler(Op op, CommandHandler* handler);
  // Registers an application command (app_commands.h). `spec` must outlive the server (a
  // constant table); requests are validated against it before `handler` sees them, and Linux
  // reads it through kCommandInfo. Entries keep their registration order.
  [[nodiscard]] ServerStatus RegisterAppCommand(const AppCommandSpec& spec,
                                                CommandHandler* handler);

  // Declares an application event kind (events.h), published to Linux through kEventInfo so
  // `tandemctl watch` can name it. `spec` must outlive the server.
  [[nodiscard]] ServerStatus RegisterAppEvent(const AppEventSpec& spec);

  // Where the RTOS counts its hypercalls (e.g. Arm64Hypervisor::call_count()), published with
  // the other counters as ResponsePageHeader::hypercalls; nullptr (the default) publishes 0.
  void set_hypercall_count(const uint64_t* count) { hypercall_count_ = count; }

  // Call when the event channel fired (counts it; the work is done by Poll).
  // Safe from an ISR on the server's CPU.
  void OnNotification() { __atomic_fetch_add(&counters_.notify_received, 1, __ATOMIC_RELAXED); }

  // Non-blocking: follows Linux's connection state, then consumes at most `budget` requests,
  // publishes their responses (one notification at most, only if Linux asked for it), and if it
  // drained the ring re-arms req_event and re-checks, as RING_FINAL_CHECK_FOR_REQUESTS. When
  // `more` is false the ring was empty after re-arming: Linux will notify for the next request,
  // so the caller may unmask the event channel and sleep. The work per call is bounded by
  // `budget` requests and `budget` passes over the ring, whatever Linux writes.
  PollResult Poll(uint32_t budget = kSlotCount);

  // Orderly shutdown: Closing, then Closed; notifies.
  void Close();

  // The event ring (events.h): posters call events().Post under their own serialisation; when
  // it answers kPostedNotify, the server task calls NotifyPeer() (one notification, counted).
  EventWriter& events() { return events_; }
  void NotifyPeer();

  ChannelState state() const { return state_; }
  // The attached session asked for polling (kSignalPolled, as of the last Poll): the caller
  // must then call Poll on its own period, since Linux will not notify.
  bool peer_polls() const {
    return state_ == ChannelState::kConnected && signalling_ == kSignalPolled;
  }
  uint32_t generation() const { return generation_; }
  uint64_t boot_id() const { return boot_id_; }
  const ServerCounters& counters() const { return counters_; }
  // What the console should hear about (broken peers, refused versions, hardware errors, ...),
  // recorded where detected; drained by the server task (IncidentReporter), never by an ISR.
  IncidentLog& incidents() { return incidents_; }

 private:
  struct PeerHeader {  // one private copy of Linux's header per pass
    uint32_t magic, version;
    ChannelState state;
    uint32_t session, generation, req_prod;
  };
  PeerHeader ReadPeer() const;
  void FollowPeer(const PeerHeader& peer);
  void Attach(const PeerHeader& peer);
  void ReadSignalling();
  void SetState(ChannelState state, ConnectionError error);
  void MarkBroken();
  void Dispatch(const Request& request, Response& response);
  void PushResponses();
  void PublishCounters();
  void SendNotify();

  const RequestPage* const req_page_;
  ResponsePage* const rsp_page_;
  Notifier& notifier_;

  ChannelState state_ = ChannelState::kClosed;
  uint32_t generation_ = 0;
  uint64_t boot_id_ = 0;
  const uint64_t* hypercall_count_ = nullptr;
  uint32_t session_ = 0;                       // attached (or refused / broken) Linux session
  uint32_t req_cons_ = 0;                      // private consumer index
  uint32_t rsp_prod_pvt_ = 0;                  // responses written, not yet published
  uint32_t rsp_prod_pub_ = 0;                  // last published rsp_prod
  uint32_t signalling_ = kSignalEventIndices;  // the session's choice, read once per pass

  CommandHandler* core_handlers_[sizeof(kOpSpecs) / sizeof(kOpSpecs[0])] = {};
  void AnswerCommandInfo(const Request& request, Response& response) const;
  void AnswerEventInfo(const Request& request, Response& response) const;

  struct AppEntry {
    const AppCommandSpec* spec;
    CommandHandler* handler;
  };
  AppEntry apps_[kMaxAppCommands] = {};
  uint32_t app_count_ = 0;
  const AppEventSpec* app_events_[kMaxAppCommands] = {};
  uint32_t app_event_count_ = 0;

  ServerCounters counters_;
  IncidentLog incidents_;
  EventWriter events_{req_page_, rsp_page_};
};

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_SERVER_H_
