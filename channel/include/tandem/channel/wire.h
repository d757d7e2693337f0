// The wire layout of the Tandem command channel: two 4 KiB pages granted by the RTOS (the Xen
// frontend) to dom0 (the backend). See docs/protocol.md for the tables and the reasons.
//
// Single writer per page (Jailhouse ivshmem-v2 style; with Xen grants, GTF_readonly):
//   RequestPage  - written only by Linux: requests, req_prod, rsp_event, Linux's state.
//                  Granted read-write; the RTOS only ever reads it.
//   ResponsePage - written only by the RTOS: responses, rsp_prod, req_event, RTOS state and
//                  counters. Granted read-only to dom0, so Linux can corrupt only its own page.
//
// All multi-byte fields are little-endian (arm64 and x86-64 are both little-endian hosts; the
// static_assert below refuses anything else rather than byte-swapping). Shared fields are
// accessed only through shared_access.h (atomic loads/stores), never as plain members.
#ifndef TANDEM_CHANNEL_WIRE_H_
#define TANDEM_CHANNEL_WIRE_H_

#include <stddef.h>
#include <stdint.h>

#include <bit>
#include <type_traits>

namespace tandem::channel {

static_assert(std::endian::native == std::endian::little,
              "the channel wire format is little-endian");

inline constexpr uint32_t kPageSize = 4096;
// 32 slots of 64 bytes: one cache line per slot (so two in-flight commands never share a line),
// 32 commands in flight, and a 10,000-command burst needs at most ~313 pushes each way.
inline constexpr uint32_t kSlotCount = 32;
inline constexpr uint32_t kSlotMask = kSlotCount - 1;
inline constexpr uint32_t kSlotSize = 64;
// The ring sits in the upper half of each page; the lower half is header plus reserved space
// for later minor versions.
inline constexpr uint32_t kRingOffset = 0x800;
static_assert((kSlotCount & kSlotMask) == 0, "slot count must be a power of two");
static_assert(kRingOffset + kSlotCount * kSlotSize == kPageSize, "ring must end at page end");

// 'TNDQ' and 'TNDR' as little-endian bytes.
inline constexpr uint32_t kRequestPageMagic = 0x51444E54;
inline constexpr uint32_t kResponsePageMagic = 0x52444E54;

// version = major << 16 | minor. Peers with different majors refuse to connect; a higher minor
// may only add meaning to fields that are reserved (zero) in lower minors.
inline constexpr uint16_t kVersionMajor = 1;
// 1.1: kTaskStats reset flag. 1.2: a GPIO op's kHardwareError says why (GpioFault, ops.h).
// 1.3: ResponsePageHeader::boot_id (and the boot-id key).
// 1.4: ResponsePageHeader::hypercalls; RequestPageHeader::signalling (kSignal*).
// 1.5: kTaskStats execution-time flag (kTaskStatsExecution, ops.h).
// 1.6: kCommandInfo (the application command table); the event ring (events.h).
inline constexpr uint16_t kVersionMinor = 6;
inline constexpr uint32_t kProtocolVersion = (uint32_t{kVersionMajor} << 16) | kVersionMinor;
constexpr uint16_t VersionMajor(uint32_t version) { return static_cast<uint16_t>(version >> 16); }

inline constexpr uint32_t kMaxPayload = 32;

// One request as the RTOS copies it out of the ring (64 bytes, little-endian).
struct Request {
  uint64_t id;                   // 0x00 chosen by Linux, echoed in the response
  uint16_t op;                   // 0x08 Op (ops.h)
  uint16_t payload_len;          // 0x0A 0..kMaxPayload
  uint32_t flags;                // 0x0C reserved, must be zero in version 1.x
  uint32_t arg[4];               // 0x10 operation arguments (ops.h says which are used)
  uint8_t payload[kMaxPayload];  // 0x20 inline payload, payload_len bytes valid
};

// One response as the RTOS writes it (64 bytes, little-endian).
struct Response {
  uint64_t id;                   // 0x00 the request's id
  uint16_t op;                   // 0x08 the request's op
  uint16_t payload_len;          // 0x0A 0..kMaxPayload
  uint32_t status;               // 0x0C WireStatus (ops.h)
  uint32_t result[4];            // 0x10 operation results
  uint8_t payload[kMaxPayload];  // 0x20
};

static_assert(sizeof(Request) == kSlotSize && sizeof(Response) == kSlotSize);
static_assert(offsetof(Request, op) == 0x08 && offsetof(Request, payload_len) == 0x0A);
static_assert(offsetof(Request, flags) == 0x0C && offsetof(Request, arg) == 0x10);
static_assert(offsetof(Request, payload) == 0x20);
static_assert(offsetof(Response, status) == 0x0C && offsetof(Response, result) == 0x10);
static_assert(offsetof(Response, payload) == 0x20);
static_assert(std::is_trivially_copyable_v<Request> && std::is_trivially_copyable_v<Response>);

// A ring slot in shared memory, copied in and out word by word with atomic accesses
// (shared_access.h) so that a peer scribbling concurrently can never make us read a field twice.
struct alignas(kSlotSize) Slot {
  uint64_t word[kSlotSize / 8];
};
static_assert(sizeof(Slot) == kSlotSize);

// RequestPageHeader::signalling (docs/protocol.md, section 5). Any other value means
// kSignalEventIndices; the RTOS reads it on every pass, so a session may change it.
// Both sides notify only a peer that asked (Xen's ring.h event indices). The default.
inline constexpr uint32_t kSignalEventIndices = 0;
// Every command notifies both ways: Linux after each request, the RTOS after each response,
// whatever the event indices say (the design of the system Tandem follows; an ablation).
inline constexpr uint32_t kSignalEveryCommand = 1;
// Neither side asks to be notified: the RTOS reads the ring on its own period (its command
// server: every millisecond while such a session is attached), Linux spins on the response ring
// for a bounded time before it asks for an event and sleeps. 0 notifications in steady state.
inline constexpr uint32_t kSignalPolled = 2;
// An event index this far ahead of the consumer is never reached by a producer (which is at
// most kSlotCount ahead): "do not notify me".
inline constexpr uint32_t kEventIndexNever = 0x80000000u;

// The connection state each side writes in its page header (RequestPageHeader::state,
// ResponsePageHeader::state) and the RTOS publishes as XenStore's `state` key. The values are
// Xen's XenbusState (xen/include/public/io/xenbus.h, "The state of either end of the Xenbus"),
// so a state reads the same on the page and in XenStore, where Xen's tools read it; the channel
// core does not include Xen's headers for it: the Xen binding asserts each value equal to Xen's
// (channel/xen/include/tandem/channel/xen/xenbus_state.h). A peer may write any number here: it
// arrives as a ChannelState outside the names below and matches none of them.
enum class ChannelState : uint32_t {
  kUnknown = 0,
  kInitialising = 1,
  kInitWait = 2,
  kInitialised = 3,
  kConnected = 4,
  kClosing = 5,
  kClosed = 6,
};

// Written by Linux only (page 0, granted read-write).
struct RequestPageHeader {
  uint32_t magic;       // 0x00 kRequestPageMagic
  uint32_t version;     // 0x04 Linux's kProtocolVersion
  uint32_t state;       // 0x08 Linux's ChannelState
  uint32_t session;     // 0x0C non-zero, new for every handshake
  uint32_t generation;  // 0x10 the RTOS generation this session was opened against
  uint32_t req_prod;    // 0x14 request producer index (free-running, mod 2^32)
  uint32_t rsp_event;   // 0x18 "notify me when rsp_prod passes this" (Xen ring.h rsp_event)
  uint32_t rsp_cons;    // 0x1C Linux's response consumer index (informative)
  uint32_t signalling;  // 0x20 (1.4) how this session signals: kSignal* (0: event indices)
  // 0x24 (1.6) the event ring (events.h), read by Linux, written by the RTOS on page 1:
  uint32_t evt_cons;      // 0x24 events consumed (free-running, like the ring indices)
  uint32_t evt_event;     // 0x28 "notify me when evt_prod passes this" (kEventIndexNever: don't)
  uint32_t evt_kinds_lo;  // 0x2C subscription: bit k = event kind k (0..31) is wanted
  uint32_t evt_kinds_hi;  // 0x30 kinds 32..63
  uint32_t reserved[3];   // 0x34 zero
};
static_assert(sizeof(RequestPageHeader) == 64);
static_assert(offsetof(RequestPageHeader, req_prod) == 0x14);
static_assert(offsetof(RequestPageHeader, rsp_event) == 0x18);
static_assert(offsetof(RequestPageHeader, signalling) == 0x20, "docs/protocol.md, page 0 table");
static_assert(offsetof(RequestPageHeader, evt_cons) == 0x24, "docs/protocol.md, page 0 table");
static_assert(offsetof(RequestPageHeader, evt_kinds_hi) == 0x30, "docs/protocol.md, page 0 table");

// Written by the RTOS only (page 1, granted read-only to dom0).
struct ResponsePageHeader {
  uint32_t magic;        // 0x00 kResponsePageMagic
  uint32_t version;      // 0x04 the RTOS's kProtocolVersion
  uint16_t slot_count;   // 0x08 kSlotCount
  uint16_t slot_size;    // 0x0A kSlotSize
  uint16_t ring_offset;  // 0x0C kRingOffset (same on both pages)
  uint16_t reserved0;    // 0x0E
  uint32_t state;        // 0x10 the RTOS's ChannelState
  uint32_t generation;   // 0x14 bumped at every RTOS (re)initialisation of the channel
  uint32_t session;      // 0x18 the Linux session the indices below belong to (or was refused)
  uint32_t error;        // 0x1C ConnectionError: why the RTOS closed or refused
  uint32_t rsp_prod;     // 0x20 response producer index
  uint32_t req_event;    // 0x24 "notify me when req_prod passes this" (Xen ring.h req_event)
  uint32_t req_cons;     // 0x28 request consumer index (informative)
  uint32_t reserved1;    // 0x2C
  // 0x30 counters, refreshed at the end of every server pass (for benchmarks and diagnostics).
  uint64_t requests;         // 0x30 requests consumed
  uint64_t rejected;         // 0x38 requests answered with a validation error
  uint64_t broken;           // 0x40 broken-peer detections (XSA-86 class)
  uint64_t notify_sent;      // 0x48 notifications the RTOS sent
  uint64_t notify_received;  // 0x50 notifications the RTOS received
  uint64_t version_refused;  // 0x58 handshakes refused for a version mismatch
  // 0x60 (1.3) this boot of the RTOS (boot_id.h), written by Init; 0 from an older RTOS. Constant
  // for the whole boot: a new value under an open session means the RTOS restarted in place.
  uint64_t boot_id;
  // 0x68 (1.4) every hypercall the RTOS made since it booted, of any kind and for any purpose
  // (each one an entry into Xen); 0 from an older RTOS or one that does not count them.
  uint64_t hypercalls;
  // 0x70 (1.6) the event ring (events.h): events the RTOS posted (free-running), its geometry
  // (0 slots: an RTOS without events), and events it dropped because the ring was full.
  uint32_t evt_prod;
  uint16_t evt_slot_count;  // 0x74 kEventSlots
  uint16_t evt_slot_size;   // 0x76 kEventSlotSize
  uint64_t evt_dropped;     // 0x78
};
static_assert(sizeof(ResponsePageHeader) == 128);
static_assert(offsetof(ResponsePageHeader, state) == 0x10);
static_assert(offsetof(ResponsePageHeader, rsp_prod) == 0x20);
static_assert(offsetof(ResponsePageHeader, req_event) == 0x24);
static_assert(offsetof(ResponsePageHeader, requests) == 0x30);
static_assert(offsetof(ResponsePageHeader, version_refused) == 0x58);
static_assert(offsetof(ResponsePageHeader, boot_id) == 0x60, "docs/protocol.md, page 1 table");
static_assert(offsetof(ResponsePageHeader, hypercalls) == 0x68, "docs/protocol.md, page 1 table");
static_assert(offsetof(ResponsePageHeader, evt_prod) == 0x70, "docs/protocol.md, page 1 table");
static_assert(offsetof(ResponsePageHeader, evt_dropped) == 0x78, "docs/protocol.md, page 1 table");

// Values of ResponsePageHeader::error.
enum class ConnectionError : uint32_t {
  kNone = 0,
  kVersionMismatch = 1,  // Linux's major version (or magic) differs from the RTOS's
  kBrokenPeer = 2,       // req_prod ran more than kSlotCount ahead: ring frozen until re-handshake
  kShutdown = 3,         // the RTOS closed the channel
};

struct alignas(kPageSize) RequestPage {
  RequestPageHeader header;
  uint8_t reserved[kRingOffset - sizeof(RequestPageHeader)];
  Slot ring[kSlotCount];
};
// (1.6) The event ring's slots on page 1 (events.h has the Event they carry): 32 of 32 bytes
// in the reserved space between the header and the response ring.
inline constexpr uint32_t kEventSlots = 32;
inline constexpr uint32_t kEventSlotSize = 32;
inline constexpr uint32_t kEventRingOffset = 0x400;
struct alignas(kEventSlotSize) EventSlot {
  uint64_t word[kEventSlotSize / 8];
};
static_assert(kEventRingOffset + kEventSlots * kEventSlotSize == kRingOffset);

struct alignas(kPageSize) ResponsePage {
  ResponsePageHeader header;
  uint8_t reserved[kEventRingOffset - sizeof(ResponsePageHeader)];
  EventSlot events[kEventSlots];
  Slot ring[kSlotCount];
};
static_assert(sizeof(RequestPage) == kPageSize && sizeof(ResponsePage) == kPageSize);
static_assert(offsetof(RequestPage, ring) == kRingOffset);
static_assert(offsetof(ResponsePage, ring) == kRingOffset);
static_assert(offsetof(ResponsePage, events) == kEventRingOffset);

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_WIRE_H_
