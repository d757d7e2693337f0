// tandemd's frames: encoding and strict decoding. See daemon_wire.h.
#include "libtandem/daemon_wire.h"

#include <string.h>

#include <iterator>

namespace libtandem::daemon {
namespace {

// The body sizes a type may have: fixed types exactly `min`, the others up to `max`.
struct TypeRule {
  FrameType type;
  Direction dir;
  uint32_t min, max;
};

constexpr TypeRule kRules[] = {
    {FrameType::kHello, Direction::kToDaemon, sizeof(HelloBody), sizeof(HelloBody)},
    {FrameType::kRequest, Direction::kToDaemon, sizeof(RequestBody), sizeof(RequestBody)},
    {FrameType::kCounters, Direction::kToDaemon, 0, 0},
    {FrameType::kSubscribe, Direction::kToDaemon, sizeof(SubscribeBody), sizeof(SubscribeBody)},
    {FrameType::kWelcome, Direction::kToClient, sizeof(WelcomeBody), kMaxBody},
    {FrameType::kResponse, Direction::kToClient, sizeof(ResponseBody), sizeof(ResponseBody)},
    {FrameType::kError, Direction::kToClient, sizeof(ErrorBody), kMaxBody},
    {FrameType::kCountersReply, Direction::kToClient, sizeof(CountersBody), sizeof(CountersBody)},
    {FrameType::kEvent, Direction::kToClient, sizeof(EventBody), sizeof(EventBody)},
    {FrameType::kSubscribed, Direction::kToClient, sizeof(SubscribeBody), sizeof(SubscribeBody)},
};

tandem::Error<Error> Malformed(const std::string& what) {
  return Fail(Errc::kProtocol, "malformed tandemd frame: " + what,
              "the peer is not a tandemd client/daemon of this release (or is broken)");
}

void Append(std::string& out, FrameType type, const void* body, size_t len,
            std::string_view tail = {}) {
  FrameHeader h{kWireVersion, static_cast<uint8_t>(type), 0,
                static_cast<uint32_t>(len + tail.size())};
  out.append(reinterpret_cast<const char*>(&h), sizeof h);
  out.append(static_cast<const char*>(body), len);
  out.append(tail);
}

template <typename T>
T Copy(const Frame& f) {
  T t;
  memcpy(&t, f.body.data(), sizeof t);  // TakeFrame checked the length
  return t;
}

std::string Clip(std::string_view s, size_t max) { return std::string(s.substr(0, max)); }

}  // namespace

Result<std::optional<Frame>> TakeFrame(std::string& in, Direction dir) {
  if (in.size() < sizeof(FrameHeader)) return std::optional<Frame>();
  FrameHeader h;
  memcpy(&h, in.data(), sizeof h);
  if (h.version != kWireVersion) {
    return Malformed("version " + std::to_string(h.version) + ", expected " +
                     std::to_string(kWireVersion));
  }
  const TypeRule* rule = nullptr;
  for (const TypeRule& r : kRules) {
    if (static_cast<uint8_t>(r.type) == h.type && r.dir == dir) rule = &r;
  }
  if (rule == nullptr) {
    return Malformed("type 0x" +
                     [&] {
                       char hex[3];
                       snprintf(hex, sizeof hex, "%02x", h.type);
                       return std::string(hex);
                     }() +
                     (dir == Direction::kToDaemon ? " is not one a client sends"
                                                  : " is not one the daemon sends"));
  }
  if (h.reserved != 0) return Malformed("reserved header bits set");
  if (h.length < rule->min || h.length > rule->max) {
    return Malformed("body of " + std::to_string(h.length) + " bytes for type " +
                     std::to_string(h.type) + " (allowed " + std::to_string(rule->min) + ".." +
                     std::to_string(rule->max) + ")");
  }
  if (in.size() < sizeof h + h.length) return std::optional<Frame>();
  Frame f{rule->type, in.substr(sizeof h, h.length)};
  in.erase(0, sizeof h + h.length);
  return std::optional<Frame>(std::move(f));
}

void AppendHello(std::string& out, uint64_t expected_boot_id) {
  const HelloBody b{expected_boot_id};
  Append(out, FrameType::kHello, &b, sizeof b);
}

void AppendRequest(std::string& out, uint64_t tag, uint32_t timeout_ms, const Request& request) {
  RequestBody b{};
  b.tag = tag;
  b.timeout_ms = timeout_ms;
  b.request = request;
  Append(out, FrameType::kRequest, &b, sizeof b);
}

void AppendCountersQuery(std::string& out) { Append(out, FrameType::kCounters, nullptr, 0); }

void AppendSubscribe(std::string& out, uint64_t kinds) {
  const SubscribeBody b{kinds};
  Append(out, FrameType::kSubscribe, &b, sizeof b);
}

void AppendWelcome(std::string& out, const Welcome& w) {
  const std::string name = Clip(w.name, kMaxBody - sizeof(WelcomeBody));
  const WelcomeBody b{w.rtos.domid, w.rtos.generation, w.rtos.boot_id, w.protocol_version,
                      static_cast<uint32_t>(name.size())};
  Append(out, FrameType::kWelcome, &b, sizeof b, name);
}

void AppendResponse(std::string& out, uint64_t tag, const Response& response) {
  ResponseBody b{};
  b.tag = tag;
  b.response = response;
  Append(out, FrameType::kResponse, &b, sizeof b);
}

void AppendError(std::string& out, uint64_t tag, const Error& error) {
  // Message first: it says what is wrong; the hint is cut before it is.
  const std::string message = Clip(error.message, kMaxBody - sizeof(ErrorBody));
  const std::string hint = Clip(error.hint, kMaxBody - sizeof(ErrorBody) - message.size());
  ErrorBody b{};
  b.tag = tag;
  b.code = static_cast<uint8_t>(error.code);
  b.message_len = static_cast<uint16_t>(message.size());
  b.hint_len = static_cast<uint16_t>(hint.size());
  Append(out, FrameType::kError, &b, sizeof b, message + hint);
}

void AppendCounters(std::string& out, const RtosCounters& c) {
  const CountersBody b{c.requests,        c.rejected,   c.broken,  c.notify_sent,
                       c.notify_received, c.hypercalls, c.boot_id, c.generation,
                       c.state,           c.error,      0};
  Append(out, FrameType::kCountersReply, &b, sizeof b);
}

Result<HelloBody> DecodeHello(const Frame& f) { return Copy<HelloBody>(f); }

Result<RequestBody> DecodeRequest(const Frame& f) {
  const RequestBody b = Copy<RequestBody>(f);
  if (b.reserved != 0) return Malformed("request with reserved bits set");
  return b;
}

Result<SubscribeBody> DecodeSubscribe(const Frame& f) { return Copy<SubscribeBody>(f); }

void AppendEvent(std::string& out, const EventBody& e) {
  Append(out, FrameType::kEvent, &e, sizeof e);
}
void AppendSubscribed(std::string& out, const SubscribeBody& now) {
  Append(out, FrameType::kSubscribed, &now, sizeof now);
}
Result<EventBody> DecodeEvent(const Frame& f) {
  EventBody b = Copy<EventBody>(f);
  // From another process: bounded like an event read off the RTOS's page.
  if (b.event.data_len > tandem::channel::kEventDataMax) return Malformed("event data too long");
  return b;
}
Result<SubscribeBody> DecodeSubscribed(const Frame& f) { return Copy<SubscribeBody>(f); }

Result<Welcome> DecodeWelcome(const Frame& f) {
  const WelcomeBody b = Copy<WelcomeBody>(f);
  if (b.name_len != f.body.size() - sizeof b) return Malformed("welcome with a wrong name length");
  Welcome w;
  w.rtos = RtosIdentity{b.domid, b.boot_id, b.generation};
  w.protocol_version = b.protocol_version;
  w.name = f.body.substr(sizeof b);
  return w;
}

Result<ResponseBody> DecodeResponse(const Frame& f) { return Copy<ResponseBody>(f); }

Result<TaggedError> DecodeError(const Frame& f) {
  const ErrorBody b = Copy<ErrorBody>(f);
  if (size_t{b.message_len} + b.hint_len != f.body.size() - sizeof b) {
    return Malformed("error with wrong string lengths");
  }
  // Only the codes libtandem knows, and never "ok" for an error.
  if (b.code == 0 || b.code >= std::size(kErrcTable)) {
    return Malformed("error code " + std::to_string(b.code) + " unknown to this libtandem");
  }
  TaggedError e;
  e.tag = b.tag;
  e.error.code = static_cast<Errc>(b.code);
  e.error.message = f.body.substr(sizeof b, b.message_len);
  e.error.hint = f.body.substr(sizeof b + b.message_len);
  return e;
}

Result<RtosCounters> DecodeCounters(const Frame& f) {
  const CountersBody b = Copy<CountersBody>(f);
  RtosCounters c;
  c.requests = b.requests;
  c.rejected = b.rejected;
  c.broken = b.broken;
  c.notify_sent = b.notify_sent;
  c.notify_received = b.notify_received;
  c.hypercalls = b.hypercalls;
  c.boot_id = b.boot_id;
  c.generation = b.generation;
  c.state = b.state;
  c.error = b.error;
  return c;
}

std::string SocketPath(std::string_view dir, std::string_view domain_name) {
  std::string p(dir);
  if (p.empty() || p.back() != '/') p += '/';
  return p + std::string(domain_name) + ".sock";
}

}  // namespace libtandem::daemon
