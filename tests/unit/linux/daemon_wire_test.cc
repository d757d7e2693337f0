// tandemd's frames: each type round-trips, and what is not a frame of the protocol is refused by
// its header or body before anything acts on it.
#include "libtandem/daemon_wire.h"

#include <gtest/gtest.h>

namespace libtandem::daemon {
namespace {

Frame Take(std::string& in, Direction dir) {
  Result<std::optional<Frame>> f = TakeFrame(in, dir);
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
  EXPECT_TRUE(f.ok() && f.value().has_value());
  return f.ok() && f.value() ? *f.value() : Frame{};
}

TEST(DaemonWire, EveryTypeRoundTripsAndArrivesInPieces) {
  Request q{};
  q.id = 77;
  q.op = 0x0102;
  q.arg[0] = 3;
  Response a{};
  a.id = 77;
  a.status = 5;
  std::string bytes;
  AppendRequest(bytes, 9, 1500, q);
  // A frame split anywhere is taken only once it is complete.
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::string part = bytes.substr(0, cut);
    Result<std::optional<Frame>> f = TakeFrame(part, Direction::kToDaemon);
    ASSERT_TRUE(f.ok());
    EXPECT_FALSE(f.value().has_value());
  }
  const RequestBody r = DecodeRequest(Take(bytes, Direction::kToDaemon)).value();
  EXPECT_EQ(r.tag, 9u);
  EXPECT_EQ(r.timeout_ms, 1500u);
  EXPECT_EQ(r.request.id, 77u);
  EXPECT_EQ(r.request.arg[0], 3u);
  EXPECT_TRUE(bytes.empty());

  AppendResponse(bytes, 9, a);
  AppendError(bytes, 4, Error{Errc::kDomainDown, "domain 3 is absent", "restart it"});
  AppendWelcome(bytes, Welcome{RtosIdentity{3, 0xabc, 2}, 0x10005, "tandem-rt"});
  RtosCounters c;
  c.requests = 12;
  c.generation = 2;
  AppendCounters(bytes, c);
  EXPECT_EQ(DecodeResponse(Take(bytes, Direction::kToClient)).value().response.status, 5u);
  const TaggedError e = DecodeError(Take(bytes, Direction::kToClient)).value();
  EXPECT_EQ(e.tag, 4u);
  EXPECT_EQ(e.error.code, Errc::kDomainDown);
  EXPECT_EQ(e.error.message, "domain 3 is absent");
  EXPECT_EQ(e.error.hint, "restart it");
  const Welcome w = DecodeWelcome(Take(bytes, Direction::kToClient)).value();
  EXPECT_EQ(w.name, "tandem-rt");
  EXPECT_EQ(w.rtos.boot_id, 0xabcu);
  EXPECT_EQ(w.rtos.generation, 2u);
  const RtosCounters back = DecodeCounters(Take(bytes, Direction::kToClient)).value();
  EXPECT_EQ(back.requests, 12u);
  EXPECT_EQ(back.generation, 2u);

  AppendHello(bytes, 0x1234);
  AppendCountersQuery(bytes);
  AppendSubscribe(bytes, 0x5);
  EXPECT_EQ(DecodeHello(Take(bytes, Direction::kToDaemon)).value().expected_boot_id, 0x1234u);
  EXPECT_EQ(Take(bytes, Direction::kToDaemon).type, FrameType::kCounters);
  EXPECT_EQ(DecodeSubscribe(Take(bytes, Direction::kToDaemon)).value().kinds, 0x5u);
}

TEST(DaemonWire, HeadersThatAreNotThisProtocolAreRefused) {
  struct Case {
    std::string bytes;
    Direction dir;
    const char* says;
  };
  std::string request;
  AppendRequest(request, 1, 1, Request{});
  std::string wrong_version = request;
  wrong_version[0] = 2;
  std::string reserved = request;
  reserved[2] = 1;
  const Case cases[] = {
      {wrong_version, Direction::kToDaemon, "version 2, expected 1"},
      {reserved, Direction::kToDaemon, "reserved header bits"},
      {request, Direction::kToClient, "not one the daemon sends"},
      {std::string("\x01\x82\0\0\x48\0\0\0", 8), Direction::kToDaemon, "not one a client sends"},
      {std::string("\x01\x02\0\0\x10\0\0\0", 8), Direction::kToDaemon, "body of 16 bytes"},
      {std::string("\x01\x83\0\0\xff\xff\xff\xff", 8), Direction::kToClient, "body of 4294967295"},
      {std::string("\x01\x7f\0\0\0\0\0\0", 8), Direction::kToDaemon, "type 0x7f"},
  };
  for (const Case& c : cases) {
    std::string in = c.bytes;
    Result<std::optional<Frame>> f = TakeFrame(in, c.dir);
    ASSERT_FALSE(f.ok()) << c.says;
    EXPECT_EQ(f.error().code, Errc::kProtocol);
    EXPECT_NE(f.error().message.find(c.says), std::string::npos) << f.error().message;
  }
}

TEST(DaemonWire, BodiesAreCheckedAndLongTextsCut) {
  // An error frame whose string lengths disagree with its size, or with a code libtandem lacks.
  std::string bytes;
  AppendError(bytes, 1, Error{Errc::kTimeout, "m", "h"});
  Frame f = Take(bytes, Direction::kToClient);
  Frame lying = f;
  lying.body[12] = 5;  // message_len
  EXPECT_FALSE(DecodeError(lying).ok());
  Frame unknown = f;
  unknown.body[8] = 99;  // code
  EXPECT_FALSE(DecodeError(unknown).ok());
  Frame ok_code = f;
  ok_code.body[8] = 0;  // "ok" is no error
  EXPECT_FALSE(DecodeError(ok_code).ok());
  // A message longer than a frame is cut, the frame stays within kMaxBody.
  AppendError(bytes, 2, Error{Errc::kInternal, std::string(5000, 'x'), "hint"});
  EXPECT_EQ(bytes.size(), kMaxFrame);
  const TaggedError e = DecodeError(Take(bytes, Direction::kToClient)).value();
  EXPECT_EQ(e.error.message.size(), kMaxBody - sizeof(ErrorBody));
  EXPECT_TRUE(e.error.hint.empty());
  // Requests with reserved bits.
  AppendRequest(bytes, 3, 1, Request{});
  bytes[8 + 12] = 1;
  EXPECT_FALSE(DecodeRequest(Take(bytes, Direction::kToDaemon)).ok());
  EXPECT_EQ(SocketPath("/run/tandem", "tandem-rt"), "/run/tandem/tandem-rt.sock");
  EXPECT_EQ(SocketPath("/tmp/x/", "rt"), "/tmp/x/rt.sock");
}

}  // namespace
}  // namespace libtandem::daemon
