// The frames tandemd and its clients exchange over a Unix stream socket (docs/daemon.md, "Wire
// format"). Both ends run on the same dom0, so bodies are native-endian structs; every size is
// static_asserted. Everything read from the socket is untrusted: TakeFrame checks the header
// (version, type allowed in that direction, reserved bits, length within the type's bounds) and
// each Decode* the body, before anything is acted on.
#ifndef LIBTANDEM_DAEMON_WIRE_H_
#define LIBTANDEM_DAEMON_WIRE_H_

#include <stddef.h>
#include <stdint.h>

#include <optional>
#include <string>
#include <string_view>

#include "libtandem/error.h"
#include "libtandem/session.h"

namespace libtandem::daemon {

inline constexpr uint8_t kWireVersion = 1;
inline constexpr const char* kDefaultSocketDir = "/run/tandem";

// Client -> daemon types have bit 7 clear, daemon -> client types set, so a frame sent the wrong
// way is refused by its header alone.
enum class FrameType : uint8_t {
  kHello = 0x01,      // optional, before requests: the RTOS boot the client expects
  kRequest = 0x02,    // one channel Request, with the client's tag and timeout
  kCounters = 0x03,   // asks for the RTOS's channel counters (kCountersReply)
  kSubscribe = 0x04,  // the event kinds this client wants (docs/events.md); answered kSubscribed
  kWelcome = 0x81,    // sent once on accept: the domain and RTOS being served
  kResponse = 0x82,   // the RTOS's Response to a kRequest (any WireStatus)
  kError = 0x83,      // a libtandem Error for one tag (0: about the connection)
  kCountersReply = 0x84,
  kEvent = 0x85,       // one RTOS event for a subscriber, with the drop counts
  kSubscribed = 0x86,  // a kSubscribe taken (an error is a kError with tag 0)
};

struct FrameHeader {
  uint8_t version;    // kWireVersion
  uint8_t type;       // FrameType
  uint16_t reserved;  // 0
  uint32_t length;    // body bytes after the header
};
static_assert(sizeof(FrameHeader) == 8, "frame header: 8 bytes");

struct HelloBody {
  uint64_t expected_boot_id;  // 0: whatever runs now
};
static_assert(sizeof(HelloBody) == 8);

struct WelcomeBody {
  uint32_t domid;
  uint32_t generation;
  uint64_t boot_id;
  uint32_t protocol_version;  // the channel's, tandem::channel::kProtocolVersion of tandemd
  uint32_t name_len;          // the domain name follows the struct
};
static_assert(sizeof(WelcomeBody) == 24);

struct RequestBody {
  uint64_t tag;  // chosen by the client, echoed in the answer
  uint32_t timeout_ms;
  uint32_t reserved;  // 0
  Request request;    // its id is the daemon's business (rewritten); restored in the Response
};
static_assert(sizeof(RequestBody) == 16 + sizeof(Request) && sizeof(Request) == 64);

struct ResponseBody {
  uint64_t tag;
  Response response;
};
static_assert(sizeof(ResponseBody) == 72);

struct ErrorBody {
  uint64_t tag;
  uint8_t code;  // libtandem::Errc
  uint8_t reserved[3];
  uint16_t message_len;  // then message_len bytes of message, hint_len bytes of hint
  uint16_t hint_len;
};
static_assert(sizeof(ErrorBody) == 16);

struct SubscribeBody {
  uint64_t kinds;  // bit n: event kind n
};
static_assert(sizeof(SubscribeBody) == 8);

struct EventBody {
  tandem::channel::Event event;
  uint64_t rtos_dropped;    // events the RTOS dropped (its ring full) since this client subscribed
  uint64_t daemon_dropped;  // events tandemd dropped for this client (it did not read them)
};
static_assert(sizeof(EventBody) == 48);

struct CountersBody {
  uint64_t requests, rejected, broken, notify_sent, notify_received, hypercalls, boot_id;
  uint32_t generation, state, error, reserved;
};
static_assert(sizeof(CountersBody) == 72);

// A frame's body is at most this long (an error's message and hint, a name).
inline constexpr uint32_t kMaxBody = 2048;
inline constexpr size_t kMaxFrame = sizeof(FrameHeader) + kMaxBody;

enum class Direction : uint8_t { kToDaemon, kToClient };

struct Frame {
  FrameType type;
  std::string body;
};

// Takes one complete frame off the front of `in`. nullopt: not complete yet. kProtocol with what
// is wrong when the header is not a frame of this protocol sent in `dir`; the connection cannot
// be trusted after that.
Result<std::optional<Frame>> TakeFrame(std::string& in, Direction dir);

// Encoders append one frame to `out`.
void AppendHello(std::string& out, uint64_t expected_boot_id);
void AppendRequest(std::string& out, uint64_t tag, uint32_t timeout_ms, const Request& request);
void AppendCountersQuery(std::string& out);
void AppendSubscribe(std::string& out, uint64_t kinds);
struct Welcome {
  RtosIdentity rtos;
  uint32_t protocol_version = 0;
  std::string name;
};
void AppendWelcome(std::string& out, const Welcome& w);
void AppendResponse(std::string& out, uint64_t tag, const Response& response);
void AppendError(std::string& out, uint64_t tag, const Error& error);
void AppendCounters(std::string& out, const RtosCounters& c);
void AppendEvent(std::string& out, const EventBody& e);
void AppendSubscribed(std::string& out, const SubscribeBody& now);

// Decoders check the body of a frame TakeFrame returned (kProtocol if malformed).
Result<HelloBody> DecodeHello(const Frame& f);
Result<RequestBody> DecodeRequest(const Frame& f);
Result<SubscribeBody> DecodeSubscribe(const Frame& f);
Result<Welcome> DecodeWelcome(const Frame& f);
Result<ResponseBody> DecodeResponse(const Frame& f);
struct TaggedError {
  uint64_t tag = 0;
  Error error;
};
Result<TaggedError> DecodeError(const Frame& f);
Result<RtosCounters> DecodeCounters(const Frame& f);
Result<EventBody> DecodeEvent(const Frame& f);
Result<SubscribeBody> DecodeSubscribed(const Frame& f);

// <dir>/<domain name>.sock: where tandemd serves a domain.
std::string SocketPath(std::string_view dir, std::string_view domain_name);

}  // namespace libtandem::daemon

#endif  // LIBTANDEM_DAEMON_WIRE_H_
