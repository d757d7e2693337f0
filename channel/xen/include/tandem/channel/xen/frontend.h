// XenFrontend: the RTOS end of the command channel on Xen (a split-device frontend,
// docs/rtos-channel.md).
//
//   Start()       grant the request page to dom0 read-write and the response page read-only
//                 (GTF_readonly: Linux can corrupt only its own requests), allocate an unbound
//                 event channel for dom0, bind the ISR handler while the port is masked,
//                 initialise the channel::Server with this boot's id, unmask. No XenStore needed.
//   TryAttach()   publish version, ring-ref0, ring-ref1, event-channel, state and boot-id under
//                 the domain's own data/tandem/ (tandem/channel/xenstore_keys.h) in ONE XenStore
//                 transaction (retried on conflict, a bounded number of times). Returns kNotYet
//                 cheaply while XenStore is absent (dom0less), so a periodic task can call it;
//                 real-time tasks never wait for it.
//   OnEvent()     the ISR part (category 2, tiny): mask the port, count, signal the server task.
//   DrainOnce()   the task part: Poll the Server until it has nothing more, then unmask the port;
//                 EventChannels::Unmask re-checks pending, so a notification that arrived while
//                 masked raises a new upcall and is not lost. Notifications that come while a
//                 batch is drained cost no interrupt of their own (the XSA-391 class).
//   ThrottleCheck()  bare notifications (dom0 notifies with nothing for the RTOS to do) would
//                 still cost one interrupt each: after kBareRunLimit such wake-ups in a row
//                 DrainOnce leaves the port masked (`throttled`), and the caller calls
//                 ThrottleCheck() once per throttle period instead: it polls the ring, and
//                 unmasks as soon as a period was quiet or a request came. A storm thus costs
//                 one task wake-up per period, and no interrupt while it lasts.
//   SyncState()   mirror the Server's state (as a XenbusState) into data/tandem/state.
//   Stop()        close the Server, mark the XenStore state Closed, close the event channel and
//                 start revoking the grants; TryRevoke() finishes that. A page is reused (Start()
//                 again) only after GrantTable::EndAccess succeeded for it (XSA-396).
//
// Threading: OnEvent() runs in the event-channel ISR; everything else in one task (the server
// task). No heap, no exceptions, no OS includes. See docs/rtos-channel.md.
#ifndef TANDEM_CHANNEL_XEN_FRONTEND_H_
#define TANDEM_CHANNEL_XEN_FRONTEND_H_

#include <stdint.h>

#include "tandem/channel/server.h"
#include "tandem/channel/transport.h"
#include "tandem/channel/wire.h"
#include "tandem/channel/xen/xenbus_state.h"
#include "tandem/channel/xen/xenstore_link.h"
#include "tandem/xen/event_channel.h"
#include "tandem/xen/grant_table.h"
#include "tandem/xen/xenstore_client.h"

namespace tandem::channel {

enum class FrontendStatus : uint8_t {
  kOk,
  kNotYet,       // XenStore is not there yet (or not connected): call TryAttach again later
  kBadState,     // wrong call order (e.g. TryAttach before Start, Start while running)
  kMisaligned,   // a page is not 4 KiB aligned
  kGrantFailed,  // GrantTable::GrantAccess failed (last_xen_error())
  kEventFailed,  // alloc_unbound / bind failed (last_xen_error())
  kStoreFailed,  // a XenStore request failed (last_store_error()); retried on the next call
  kConflict,     // the transaction conflicted kMaxTransactionAttempts times in a row
  kInUse,        // dom0 still maps a page: it stays granted and must not be reused (XSA-396)
};

const char* FrontendStatusName(FrontendStatus status);

// The two shared pages and the guest frame numbers Xen knows them by.
struct FrontendPages {
  RequestPage* request = nullptr;    // written by Linux only: granted read-write
  ResponsePage* response = nullptr;  // written by the RTOS only: granted read-only
  uint64_t request_gfn = 0;
  uint64_t response_gfn = 0;
};
// Tandem RT on arm64 runs identity-mapped (xen/include/tandem/xen/hypervisor.h): gfn = address
// >> 12.
FrontendPages IdentityMappedPages(RequestPage* request, ResponsePage* response);

// How the ISR wakes the server task (SetEvent or ActivateTask). Called in ISR context.
struct TaskSignal {
  void (*signal)(void* context) = nullptr;
  void* context = nullptr;
};

struct FrontendCounters {
  uint64_t interrupts = 0;      // OnEvent calls (channel upcalls taken)
  uint64_t batches = 0;         // DrainOnce calls
  uint64_t requests = 0;        // requests handled by DrainOnce
  uint64_t empty_batches = 0;   // batches that found nothing (an event raced with a drain)
  uint64_t max_batch = 0;       // most requests handled by one DrainOnce
  uint64_t notify_failed = 0;   // EVTCHNOP_send errors (the data stays in the ring)
  uint64_t attach_not_yet = 0;  // TryAttach calls that found no XenStore
  uint64_t tx_conflicts = 0;    // publish transactions that ended with EAGAIN
  uint64_t publishes = 0;       // successful publish transactions
  uint64_t revoke_refused = 0;  // EndAccess refused because dom0 still mapped a page
  uint64_t republishes = 0;     // keys found deleted (by dom0) and written again
  // Interrupt-rate limit for bare notifications (docs/rtos-channel.md, "Bare notifications").
  uint64_t bare_wakeups = 0;      // DrainOnce calls that found nothing at all to do
  uint64_t throttles = 0;         // times a run of bare wake-ups left the port masked
  uint64_t throttle_periods = 0;  // ThrottleCheck calls made while throttled
};

struct DrainResult {
  uint32_t handled = 0;  // requests consumed
  // The poll limit ran out with requests left: the port is still masked; call DrainOnce again
  // (e.g. set the task's own event) after letting other work run.
  bool more = false;
  // Bare notifications keep coming: the port stays masked; call ThrottleCheck() after a
  // throttle period (the caller's timer, e.g. a one-shot alarm). Nothing is lost meanwhile:
  // notifications only set the port's pending bit, which ThrottleCheck reads.
  bool throttled = false;
};

class XenFrontend {
 public:
  static constexpr uint32_t kMaxTransactionAttempts = 8;
  static constexpr uint32_t kDefaultMaxPolls = 8;  // 8 x kSlotCount requests per DrainOnce
  // Wake-ups in a row that find nothing to do before the port is throttled. A well-behaved
  // Linux causes at most one in a row (a notification for a request the previous drain
  // already served: it notifies only for new requests and session changes).
  static constexpr uint32_t kBareRunLimit = 3;
  static constexpr grant_ref_t kNoRef = ~grant_ref_t{0};
  static constexpr evtchn_port_t kNoPort = 0;  // port 0 is never allocated (event_channel.h)

  XenFrontend(::tandem::xen::GrantTable& grants, ::tandem::xen::EventChannels& events,
              const FrontendPages& pages, TaskSignal signal, domid_t backend = 0);

  // Install handlers here before Start().
  Server& server() { return server_; }

  // `boot_id`: this boot's MakeBootId (tandem/channel/boot_id.h), the same for every Start of
  // one boot; it goes on the response page and into the boot-id key.
  FrontendStatus Start(uint64_t boot_id);
  FrontendStatus TryAttach(XenStoreLink& link, ::tandem::xen::XenStoreClient& client);
  FrontendStatus SyncState(::tandem::xen::XenStoreClient& client);
  // The token of the watch on the channel's own keys, set when they are first published.
  static constexpr const char kKeysWatchToken[] = "tandem/keys";
  // For a watch event with kKeysWatchToken (or a dropped watch event): the keys are checked
  // and, if dom0 deleted any (XenStore keeps no copy), published again in one transaction.
  FrontendStatus CheckPublished(::tandem::xen::XenStoreClient& client);
  // The EventHandler bound to the port (context = this). ISR context.
  static void OnEvent(evtchn_port_t port, void* context);
  DrainResult DrainOnce(uint32_t max_polls = kDefaultMaxPolls);
  // Once per throttle period while throttled (a no-op otherwise): clears the port's pending
  // bit, drains the ring, then unmasks if the ring had work or no notification came in the
  // period (Unmask re-checks pending); else the port stays masked (`throttled` again).
  DrainResult ThrottleCheck(uint32_t max_polls = kDefaultMaxPolls);
  // The periodic pass of a polled session (Server::peer_polls(); the caller's timer, e.g. a
  // cyclic alarm): drains the ring and leaves the port as it is. An empty pass is expected
  // there, so it is neither a bare wake-up nor a reason to throttle.
  DrainResult PolledPass(uint32_t max_polls = kDefaultMaxPolls) {
    return running() ? Drain(max_polls) : DrainResult{};
  }
  // `client` may be null (XenStore never came): then only the shared page says Closed.
  FrontendStatus Stop(::tandem::xen::XenStoreClient* client);
  FrontendStatus TryRevoke();

  bool running() const { return port_ != kNoPort; }
  // The port is left masked because of bare notifications (ThrottleCheck will unmask it).
  bool throttled() const { return throttled_; }
  bool published() const { return published_; }
  // The Server's state differs from the one in XenStore (call SyncState).
  bool state_dirty() const {
    return published_ && published_state_ != ToXenbusState(server_.state());
  }
  // Both pages are revoked (or were never granted): safe to reuse or Start() again.
  bool pages_reusable() const { return request_ref_ == kNoRef && response_ref_ == kNoRef; }
  evtchn_port_t port() const { return port_; }
  uint64_t boot_id() const { return server_.boot_id(); }
  grant_ref_t request_ref() const { return request_ref_; }
  grant_ref_t response_ref() const { return response_ref_; }
  FrontendCounters counters() const;
  ::tandem::xen::XenStatus last_xen_error() const { return last_xen_error_; }
  ::tandem::xen::XsStatus last_store_error() const { return last_store_error_; }

 private:
  // channel::Notifier over EVTCHNOP_send on the channel's port.
  class PortNotify final : public Notifier {
   public:
    explicit PortNotify(XenFrontend& owner) : owner_(owner) {}
    void Notify() override;

   private:
    XenFrontend& owner_;
  };

  FrontendStatus Publish(::tandem::xen::XenStoreClient& client);
  void WatchKeys(::tandem::xen::XenStoreClient& client);
  FrontendStatus WriteAll(::tandem::xen::XenStoreClient& client, uint32_t tx);
  FrontendStatus StoreError(::tandem::xen::XsStatus status);
  // Polls the Server up to `max_polls` times; counts the batch.
  DrainResult Drain(uint32_t max_polls);
  // What the Server did so far (requests, handshakes, refusals): a wake-up that leaves it
  // unchanged was a bare notification.
  uint64_t ServerActivity() const;
  void UnmaskPort();
  void Fail(::tandem::xen::XenStatus status) { last_xen_error_ = status; }

  ::tandem::xen::GrantTable& grants_;
  ::tandem::xen::EventChannels& events_;
  const FrontendPages pages_;
  const TaskSignal signal_;
  const domid_t backend_;
  PortNotify notify_{*this};
  Server server_;

  evtchn_port_t port_ = kNoPort;
  grant_ref_t request_ref_ = kNoRef;
  grant_ref_t response_ref_ = kNoRef;
  bool published_ = false;
  bool keys_watched_ = false;
  XenbusState published_state_ = XenbusStateUnknown;
  uint32_t bare_run_ = 0;  // DrainOnce calls in a row that found nothing to do
  bool throttled_ = false;
  uint64_t interrupts_ = 0;  // written by the ISR (atomic increments), read by the task
  FrontendCounters counters_;
  ::tandem::xen::XenStatus last_xen_error_ = ::tandem::xen::XenStatus::kOk;
  ::tandem::xen::XsStatus last_store_error_ = ::tandem::xen::XsStatus::kOk;
};

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_XEN_FRONTEND_H_
