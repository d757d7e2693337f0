// Events from the RTOS to Linux (protocol 1.6, docs/events.md): a second direction on the
// channel's pages. The RTOS posts 32-byte events into a ring on its own page (page 1, read-only
// to Linux); Linux says which kinds it wants and how far it has read on its page (page 0). The
// same single-writer rule and the same event-index notification rule as the command rings apply.
//
// Nothing Linux does can make a poster wait: a full ring drops the new event and counts it
// (evt_dropped, on page 1); Linux's consumer index and subscription are read once per post and
// only ever decide whether to write, never where (the slot is always evt_prod & 31).
#ifndef TANDEM_CHANNEL_EVENTS_H_
#define TANDEM_CHANNEL_EVENTS_H_

#include <stdint.h>

#include "tandem/channel/app_commands.h"
#include "tandem/channel/wire.h"

namespace tandem::channel {

// One event, as it sits in an EventSlot (little-endian).
struct Event {
  uint64_t time_us;  // 0x00 when it was posted: microseconds since the RTOS's power-on
  uint16_t kind;     // 0x08 EventKind or an application kind
  uint8_t data_len;  // 0x0A 0..kEventDataMax bytes of data valid
  uint8_t reserved;  // 0x0B zero
  uint32_t source;   // 0x0C what it is about (a task's stats index, a pin, ...): kind-specific
  uint8_t data[16];  // 0x10
};
inline constexpr uint32_t kEventDataMax = 16;
static_assert(sizeof(Event) == kEventSlotSize);

// Kinds 0..63 exist (one subscription bit each). 1..15 are the RTOS's own, 16..63 applications'
// (declared with an AppEventSpec, published through kEventInfo).
inline constexpr uint32_t kEventKinds = 64;
inline constexpr uint16_t kAppEventFirst = 16;
enum class EventKind : uint16_t {
  // A task finished a job at or after its deadline. source: the task's stats index; data: u32
  // response time in us (saturating), u32 deadline in us, then up to 8 bytes of the task's name.
  kDeadlineMiss = 1,
  // A task started or stopped running (PreTaskHook/PostTaskHook). source: the task's stats
  // index; data: u8 TaskRunState, then up to 15 bytes of the task's name.
  kTaskState = 2,
};
enum class TaskRunState : uint8_t { kStopped = 0, kRunning = 1 };

constexpr uint64_t EventKindBit(uint16_t kind) { return kind < kEventKinds ? 1ull << kind : 0; }

// An application's event kind (Server::RegisterAppEvent), published so Linux can name it.
struct AppEventSpec {
  uint16_t kind;       // kAppEventFirst..kEventKinds-1
  const char* name;    // like a command's name (app_commands.h): [a-z0-9-], 1..24
  const char* fields;  // space-separated names of the u32 words in data (0..4), or "" (raw data)
};

// kEventInfo's arg[1].
enum class EventInfoPart : uint32_t {
  kIdentity = 0,  // result[0] count, [1] kind; payload: name
  kFields = 1,    // payload: field names, space-separated
};
static_assert(static_cast<uint32_t>(EventInfoPart::kFields) == kEventInfoPartLast);

// Whether an application may declare `s` (Server::RegisterAppEvent).
constexpr bool IsValidEventSpec(const AppEventSpec& s) {
  return s.kind >= kAppEventFirst && s.kind < kEventKinds &&
         IsValidCommandName(s.name, BoundedLength(s.name, kMaxCommandName)) &&
         s.fields != nullptr && BoundedLength(s.fields, kMaxCommandText) <= kMaxCommandText &&
         CountWords(s.fields) <= kEventDataMax / 4;
}

enum class PostStatus : uint8_t {
  kPosted,         // in the ring; Linux is awake or asked for no notification
  kPostedNotify,   // in the ring, and Linux asked to be woken: notify it (Server::NotifyPeer)
  kNotSubscribed,  // no session, or the session does not want this kind: not posted, not counted
  kDropped,        // the ring was full (Linux has not read): not posted, counted in evt_dropped
  kBadKind,        // kind >= kEventKinds, or data too long: a bug in the poster
};

// The RTOS's half. Post is not reentrant: posters on one CPU at different priorities serialise
// it themselves (the RTOS masks interrupts around it: a copy of 32 bytes and two index
// updates, constant time). The server task owns Reset and SetOpen.
class EventWriter {
 public:
  EventWriter(const RequestPage* requests, ResponsePage* responses)
      : req_page_(requests), rsp_page_(responses) {}

  // With the channel's (re)initialisation: empty ring, geometry published, nothing dropped.
  void Reset();
  // Whether a Linux session is attached: without one nothing is posted (and nothing dropped).
  void SetOpen(bool open) { __atomic_store_n(&open_, open, __ATOMIC_RELEASE); }

  PostStatus Post(uint16_t kind, uint32_t source, const void* data, uint32_t data_len,
                  uint64_t time_us);

  uint64_t dropped() const { return dropped_; }
  uint64_t posted() const { return posted_; }

 private:
  const RequestPage* const req_page_;
  ResponsePage* const rsp_page_;
  bool open_ = false;
  uint32_t prod_ = 0;
  uint64_t dropped_ = 0;
  uint64_t posted_ = 0;
};

// Linux's half, beside the Client on the same pages (the one process that writes page 0).
class EventReader {
 public:
  EventReader(RequestPage* requests, const ResponsePage* responses)
      : req_page_(requests), rsp_page_(responses) {}

  // Whether the RTOS has an event ring (protocol 1.6 and its geometry as expected).
  bool Available() const;
  // Asks for the kinds in `kinds` (EventKindBit) from now on; events already in the ring are
  // skipped, so a subscriber sees only what happens after it subscribed. 0 unsubscribes.
  void Subscribe(uint64_t kinds);
  // Copies up to `max` events out, oldest first, and frees their slots. An RTOS index that
  // cannot be right (more than the ring holds, or behind us: an RTOS whose channel restarted)
  // makes the reader start again from the RTOS's present (resyncs()).
  uint32_t Take(Event* out, uint32_t max);
  // Before sleeping: asks to be notified for the next event; true if events are already there.
  bool PrepareWait();
  // Events the RTOS dropped because the ring was full (its count, since its channel started).
  uint64_t dropped() const;
  // How often the RTOS's index was not believable and the reader started again from its
  // present (an RTOS whose channel restarted; a broken one). Events in between are not seen.
  uint64_t resyncs() const { return resyncs_; }
  uint64_t subscribed() const { return kinds_; }

 private:
  RequestPage* const req_page_;
  const ResponsePage* const rsp_page_;
  uint64_t kinds_ = 0;
  uint32_t cons_ = 0;
  uint64_t resyncs_ = 0;
};

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_EVENTS_H_
