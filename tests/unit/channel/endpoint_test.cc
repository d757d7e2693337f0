// Server and Client driven step by step in one thread: every Poll is explicit, so notification
// counts, state transitions and index arithmetic are checked exactly.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "tandem/channel/shared_access.h"
#include "test_support.h"

namespace tandem::channel {
namespace {

using testing::CountingNotifier;
using testing::FakeGpio;
using testing::Pages;

class EndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(server_.Init(testing::kTestBootId), ServerStatus::kOk);
    testing::InstallGpio(server_, gpio_);
  }
  void Connect(Client& c) {
    ASSERT_TRUE(c.Connect().ok());
    server_.Poll();
    c.Poll();
    ASSERT_TRUE(c.connected()) << ClientStatusName(c.last_error());
  }
  // One full exchange: publish, let the server run, collect.
  void Exchange(Client& c) {
    c.Flush();
    server_.Poll();
    c.Poll();
  }
  Response MustTake(Client& c, uint64_t id) {
    Result<Response, ClientStatus> r = c.Take(id);
    EXPECT_TRUE(r.ok()) << ClientStatusName(r.error());
    return r.ok() ? r.value() : Response{};
  }
  uint64_t MustSubmit(Client& c, const Request& r) {
    Result<uint64_t, ClientStatus> id = c.Submit(r);
    EXPECT_TRUE(id.ok()) << ClientStatusName(id.error());
    return id.ok() ? id.value() : 0;
  }

  Pages pages_;
  CountingNotifier to_rtos_;   // the Linux side's notifier
  CountingNotifier to_linux_;  // the RTOS side's notifier
  Server server_{pages_.req.get(), pages_.rsp.get(), to_linux_};
  FakeGpio gpio_{0x0000000F};  // pins 0..3 exported
  Client client_{pages_.req.get(), pages_.rsp.get(), to_rtos_};
};

TEST_F(EndpointTest, InitPublishesHeader) {
  const ResponsePageHeader& h = pages_.rsp->header;
  EXPECT_EQ(h.magic, kResponsePageMagic);
  EXPECT_EQ(h.version, kProtocolVersion);
  EXPECT_EQ(h.slot_count, kSlotCount);
  EXPECT_EQ(h.slot_size, kSlotSize);
  EXPECT_EQ(h.ring_offset, kRingOffset);
  EXPECT_EQ(h.state, static_cast<uint32_t>(ChannelState::kInitWait));
  EXPECT_EQ(h.generation, 1u);
  EXPECT_EQ(server_.state(), ChannelState::kInitWait);
}

TEST_F(EndpointTest, PingEchoesArgumentsAndPayload) {
  Connect(client_);
  Request r = MakeRequest(Op::kPing, 1, 2, 3);
  r.arg[3] = 0xFFFFFFFF;
  r.payload_len = 5;
  std::memcpy(r.payload, "hello", 5);
  const uint64_t id = MustSubmit(client_, r);
  Exchange(client_);
  const Response rsp = MustTake(client_, id);
  EXPECT_EQ(rsp.id, id);
  EXPECT_EQ(rsp.status, 0u);
  EXPECT_EQ(rsp.result[0], 1u);
  EXPECT_EQ(rsp.result[3], 0xFFFFFFFFu);
  ASSERT_EQ(rsp.payload_len, 5);
  EXPECT_EQ(std::memcmp(rsp.payload, "hello", 5), 0);
}

TEST_F(EndpointTest, IsolatedRoundTripCostsExactlyTwoNotifications) {
  Connect(client_);
  for (int i = 0; i < 10; ++i) {
    const uint64_t rtos_before = to_rtos_.count, linux_before = to_linux_.count;
    const uint64_t id = MustSubmit(client_, MakeRequest(Op::kGpioToggle, 1));
    client_.Flush();
    EXPECT_EQ(to_rtos_.count - rtos_before, 1u) << "request must wake the idle RTOS";
    server_.OnNotification();
    EXPECT_EQ(server_.Poll().handled, 1u);
    EXPECT_EQ(to_linux_.count - linux_before, 1u) << "response must wake the waiting Linux";
    client_.OnNotification();
    EXPECT_TRUE(client_.PrepareWait());  // the response is there: do not sleep
    client_.Poll();
    EXPECT_EQ(MustTake(client_, id).result[0], (i + 1) % 2 ? 1u : 0u);
    EXPECT_FALSE(client_.PrepareWait());  // drained and re-armed
  }
  // Handshake: one each way. Then exactly 2 per round trip.
  EXPECT_EQ(client_.counters().notify_sent, 1u + 10u);
  EXPECT_EQ(server_.counters().notify_sent, 1u + 1u + 10u);  // Init + attach + 10
  EXPECT_EQ(server_.counters().notify_received, 10u);
  EXPECT_EQ(client_.counters().notify_received, 10u);
  EXPECT_EQ(pages_.rsp->header.notify_sent, server_.counters().notify_sent);
}

TEST_F(EndpointTest, PublishesTheRtosHypercallCountWithTheOtherCounters) {
  EXPECT_EQ(pages_.rsp->header.hypercalls, 0u) << "no source set: 0, as an RTOS before 1.4";
  uint64_t hypercalls = 41;
  server_.set_hypercall_count(&hypercalls);
  Connect(client_);
  EXPECT_EQ(pages_.rsp->header.hypercalls, 41u);
  hypercalls = 57;
  const uint64_t id = MustSubmit(client_, MakeRequest(Op::kPing, 0));
  client_.Flush();
  server_.Poll();
  client_.Poll();
  (void)MustTake(client_, id);
  EXPECT_EQ(pages_.rsp->header.hypercalls, 57u) << "refreshed at the end of every pass";
}

// kSignalEveryCommand, the ablation: each command notifies both ways, whatever the indices say.
TEST_F(EndpointTest, EveryCommandSignallingNotifiesBothWaysPerCommand) {
  Client every{pages_.req.get(), pages_.rsp.get(), to_rtos_,
               ClientConfig{kProtocolVersion, 0, kSignalEveryCommand}};
  Connect(every);
  const uint64_t rtos_before = to_rtos_.count, linux_before = to_linux_.count;
  std::vector<uint64_t> ids;
  for (uint32_t i = 0; i < 8; ++i) ids.push_back(MustSubmit(every, MakeRequest(Op::kPing, i)));
  every.Flush();
  EXPECT_EQ(to_rtos_.count - rtos_before, 8u) << "one notification per request";
  EXPECT_EQ(server_.Poll().handled, 8u);
  EXPECT_EQ(to_linux_.count - linux_before, 8u) << "one notification per response";
  every.Poll();
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(MustTake(every, ids[i]).result[0], i);
}

// kSignalPolled: neither side asks for events; the RTOS polls on its period, Linux spins.
TEST_F(EndpointTest, PolledSignallingCostsNoNotificationInSteadyState) {
  Client polled{pages_.req.get(), pages_.rsp.get(), to_rtos_,
                ClientConfig{kProtocolVersion, 0, kSignalPolled, 1'000'000}};
  Connect(polled);
  EXPECT_TRUE(server_.peer_polls());
  // From the first command on: no warm-up exchange with notifications.
  const uint64_t rtos_before = to_rtos_.count, linux_before = to_linux_.count;
  for (uint32_t round = 0; round < 10; ++round) {
    std::vector<uint64_t> ids;
    for (uint32_t i = 0; i <= round; ++i)
      ids.push_back(MustSubmit(polled, MakeRequest(Op::kPing, i)));
    polled.Flush();
    EXPECT_EQ(server_.Poll().handled, round + 1);  // the RTOS's periodic pass
    polled.Poll();                                 // Linux's spin
    for (uint64_t id : ids) MustTake(polled, id);
  }
  EXPECT_EQ(to_rtos_.count, rtos_before) << "the RTOS asked for no notification";
  EXPECT_EQ(to_linux_.count, linux_before) << "Linux asked for no notification";
  // About to sleep (its spin ran out): Linux asks for the next response, and gets an event.
  const uint64_t id = MustSubmit(polled, MakeRequest(Op::kPing, 7));
  polled.Flush();
  EXPECT_FALSE(polled.PrepareWait());
  server_.Poll();
  EXPECT_EQ(to_linux_.count, linux_before + 1);
  polled.Poll();
  EXPECT_EQ(MustTake(polled, id).result[0], 7u);
}

// A Waiter whose clock moves 100 us per call and that never sees an event.
struct SteppingWaiter final : Waiter {
  uint64_t now = 0, sleeps = 0;
  bool WaitForEvent(uint64_t timeout_ns) override {
    ++sleeps;
    now += timeout_ns;
    return false;
  }
  uint64_t NowNs() override { return now += 100'000; }
};

TEST_F(EndpointTest, PolledWaitSpinsItsBudgetBeforeItSleeps) {
  Client polled{pages_.req.get(), pages_.rsp.get(), to_rtos_,
                ClientConfig{kProtocolVersion, 0, kSignalPolled, 1'000'000}};
  Connect(polled);
  const uint64_t id = MustSubmit(polled, MakeRequest(Op::kPing, 1));
  polled.Flush();
  SteppingWaiter waiter;
  // No RTOS pass: spins 1 ms (10 clock steps), then sleeps until the 5 ms timeout.
  EXPECT_EQ(polled.Wait(id, waiter, 5'000'000).error(), ClientStatus::kTimeout);
  EXPECT_EQ(waiter.sleeps, 1u) << "spun first, then one sleep";
  EXPECT_EQ(polled.counters().notify_sent, 2u)
      << "the handshake, then one kick when the spin ran out";
  EXPECT_EQ(pages_.req->header.rsp_event, pages_.req->header.rsp_cons + 1)
      << "armed before sleeping";
}

TEST_F(EndpointTest, UnknownSignallingValueIsTheDefault) {
  Connect(client_);
  StoreRelaxed(&pages_.req->header.signalling, 0xDEADu);
  const uint64_t linux_before = to_linux_.count;
  const uint64_t id = MustSubmit(client_, MakeRequest(Op::kPing, 3));
  client_.Flush();
  server_.Poll();
  EXPECT_FALSE(server_.peer_polls());
  EXPECT_EQ(to_linux_.count - linux_before, 1u);
  EXPECT_EQ(LoadRelaxed(&pages_.rsp->header.req_event),
            LoadRelaxed(&pages_.rsp->header.req_cons) + 1);
  client_.Poll();
  EXPECT_EQ(MustTake(client_, id).result[0], 3u);
}

TEST_F(EndpointTest, BurstCostsOneNotificationEachWay) {
  Connect(client_);
  const uint64_t rtos_before = to_rtos_.count, linux_before = to_linux_.count;
  std::vector<uint64_t> ids;
  for (uint32_t i = 0; i < kSlotCount; ++i)
    ids.push_back(MustSubmit(client_, MakeRequest(Op::kPing, i)));
  EXPECT_EQ(to_rtos_.count, rtos_before) << "nothing is published before Flush";
  client_.Flush();
  EXPECT_EQ(server_.Poll().handled, kSlotCount);
  client_.Poll();
  EXPECT_EQ(to_rtos_.count - rtos_before, 1u);
  EXPECT_EQ(to_linux_.count - linux_before, 1u);
  for (uint32_t i = 0; i < kSlotCount; ++i) EXPECT_EQ(MustTake(client_, ids[i]).result[0], i);
}

TEST_F(EndpointTest, BusyConsumerIsNotNotified) {
  Connect(client_);
  MustSubmit(client_, MakeRequest(Op::kPing));
  client_.Flush();
  const uint64_t before = to_rtos_.count;
  // The RTOS has not drained yet (req_event still points at the first request): further
  // requests must not notify it again.
  for (int i = 0; i < 5; ++i) {
    MustSubmit(client_, MakeRequest(Op::kPing));
    client_.Flush();
  }
  EXPECT_EQ(to_rtos_.count, before);
  EXPECT_EQ(server_.Poll().handled, 6u);
}

TEST_F(EndpointTest, FullRingPushesBack) {
  Connect(client_);
  std::vector<uint64_t> ids;
  for (uint32_t i = 0; i < kSlotCount; ++i)
    ids.push_back(MustSubmit(client_, MakeRequest(Op::kPing, i)));
  Result<uint64_t, ClientStatus> extra = client_.Submit(MakeRequest(Op::kPing));
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error(), ClientStatus::kRingFull);
  EXPECT_EQ(client_.in_flight(), kSlotCount);
  Exchange(client_);
  EXPECT_EQ(client_.in_flight(), 0u);
  // The ring is free, but the answers are unclaimed: the completion table pushes back too.
  extra = client_.Submit(MakeRequest(Op::kPing));
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error(), ClientStatus::kRingFull);
  MustTake(client_, ids[7]);
  EXPECT_TRUE(client_.Submit(MakeRequest(Op::kPing)).ok());
}

TEST_F(EndpointTest, BudgetLimitsOnePollAndReportsMore) {
  Connect(client_);
  for (uint32_t i = 0; i < 20; ++i) MustSubmit(client_, MakeRequest(Op::kPing, i));
  client_.Flush();
  PollResult r = server_.Poll(5);
  EXPECT_EQ(r.handled, 5u);
  EXPECT_TRUE(r.more);
  client_.Poll();
  EXPECT_EQ(client_.counters().completed, 5u);  // responses pushed per pass, not held back
  r = server_.Poll(100);
  EXPECT_EQ(r.handled, 15u);
  EXPECT_FALSE(r.more);
}

// Indices start just below 2^32 so both the slot mask and the 32-bit index wrap.
TEST_F(EndpointTest, WrapAroundOfSlotsAndIndices) {
  Client client(pages_.req.get(), pages_.rsp.get(), to_rtos_,
                ClientConfig{kProtocolVersion, 0xFFFFFFF0u});
  Connect(client);
  uint32_t next = 0;
  for (uint32_t batch = 1; next < 3000; batch = batch % kSlotCount + 1) {
    std::vector<std::pair<uint64_t, uint32_t>> sent;
    for (uint32_t i = 0; i < batch; ++i, ++next)
      sent.emplace_back(MustSubmit(client, MakeRequest(Op::kPing, next)), next);
    Exchange(client);
    for (auto [id, value] : sent) ASSERT_EQ(MustTake(client, id).result[0], value);
  }
  EXPECT_LT(pages_.rsp->header.rsp_prod, 0xFFFFFFF0u) << "the 32-bit index wrapped";
  EXPECT_EQ(server_.counters().broken, 0u);
}

TEST_F(EndpointTest, ResponsesMatchedByIdOutOfOrder) {
  Connect(client_);
  uint64_t ids[3];
  for (uint64_t& id : ids) id = MustSubmit(client_, MakeRequest(Op::kPing));
  client_.Flush();
  // A stand-in RTOS answers in reverse order, straight into the response ring.
  ResponsePageHeader& h = pages_.rsp->header;
  const uint32_t base = h.rsp_prod;
  for (int i = 0; i < 3; ++i) {
    Response r{};
    r.id = ids[2 - i];
    r.result[0] = static_cast<uint32_t>(ids[2 - i] * 10);
    CopyIn(&pages_.rsp->ring[(base + i) & kSlotMask], r);
  }
  StoreRelease(&h.rsp_prod, base + 3);
  EXPECT_EQ(client_.Poll(), 3u);
  for (uint64_t id : ids) EXPECT_EQ(MustTake(client_, id).result[0], id * 10);
}

TEST_F(EndpointTest, UnknownAndDuplicateResponseIdsAreDropped) {
  Connect(client_);
  const uint64_t id = MustSubmit(client_, MakeRequest(Op::kPing));
  MustSubmit(client_, MakeRequest(Op::kPing));
  client_.Flush();
  ResponsePageHeader& h = pages_.rsp->header;
  const uint32_t base = h.rsp_prod;
  Response r{};
  r.id = id;
  CopyIn(&pages_.rsp->ring[base & kSlotMask], r);
  CopyIn(&pages_.rsp->ring[(base + 1) & kSlotMask], r);  // same id again
  StoreRelease(&h.rsp_prod, base + 2);
  EXPECT_EQ(client_.Poll(), 1u);
  EXPECT_EQ(client_.counters().unexpected, 1u);
  EXPECT_TRUE(client_.connected());
}

TEST_F(EndpointTest, RtosAnsweringMoreThanAskedIsBroken) {
  Connect(client_);
  const uint64_t id = MustSubmit(client_, MakeRequest(Op::kPing));
  client_.Flush();
  StoreRelease(&pages_.rsp->header.rsp_prod, pages_.rsp->header.rsp_prod + 2);
  client_.Poll();
  EXPECT_FALSE(client_.connected());
  EXPECT_EQ(client_.last_error(), ClientStatus::kBadResponses);
  Result<Response, ClientStatus> r = client_.Take(id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ClientStatus::kBadResponses);
}

TEST_F(EndpointTest, MalformedRequestsGetErrorResponses) {
  Connect(client_);
  struct Case {
    Request request;
    WireStatus expected;
  };
  std::vector<Case> cases;
  Request r = MakeRequest(Op::kPing);
  r.flags = 1;
  cases.push_back({r, WireStatus::kBadFlags});
  r = MakeRequest(Op::kPing);
  r.payload_len = kMaxPayload + 1;
  cases.push_back({r, WireStatus::kBadPayload});
  r = MakeRequest(Op::kGpioSet, 1, 1);
  r.payload_len = 1;
  cases.push_back({r, WireStatus::kBadPayload});
  cases.push_back({MakeRequest(static_cast<Op>(0x0777)), WireStatus::kUnknownOp});
  cases.push_back({MakeRequest(static_cast<Op>(0x0000)), WireStatus::kUnknownOp});
  cases.push_back({MakeRequest(static_cast<Op>(0x8123)), WireStatus::kUnknownOp});
  cases.push_back({MakeRequest(Op::kGpioSet, kGpioMaxPin + 1, 1), WireStatus::kBadArgument});
  cases.push_back({MakeRequest(Op::kGpioSet, 1, 2), WireStatus::kBadArgument});
  cases.push_back({MakeRequest(Op::kGpioGet, 1, 0, 7), WireStatus::kBadArgument});
  cases.push_back({MakeRequest(Op::kGpioSet, 9, 1), WireStatus::kPermissionDenied});
  cases.push_back({MakeRequest(Op::kTaskStats, 0), WireStatus::kNotSupported});
  cases.push_back({MakeRequest(Op::kGpioSet, 2, 1), WireStatus::kOk});
  std::vector<uint64_t> ids;
  for (const Case& c : cases) ids.push_back(MustSubmit(client_, c.request));
  Exchange(client_);
  for (size_t i = 0; i < cases.size(); ++i) {
    const Response rsp = MustTake(client_, ids[i]);
    EXPECT_EQ(rsp.status, static_cast<uint32_t>(cases[i].expected)) << "case " << i;
    EXPECT_EQ(rsp.op, cases[i].request.op) << "case " << i;
  }
  EXPECT_EQ(gpio_.unvalidated, 0u);
  EXPECT_EQ(gpio_.levels, 1u << 2);
  EXPECT_EQ(server_.counters().rejected, 9u);
  EXPECT_EQ(server_.state(), ChannelState::kConnected);
}

class Doubler : public CommandHandler {
 public:
  WireStatus Handle(const Request& r, Response& rsp) override {
    if (r.arg[0] == 99) {
      rsp.payload_len = kMaxPayload + 5;  // a buggy handler
      return WireStatus::kOk;
    }
    rsp.id = 12345;  // cannot answer for another id
    rsp.result[0] = r.arg[0] * 2;
    return WireStatus::kOk;
  }
};

TEST_F(EndpointTest, ApplicationCommands) {
  Doubler doubler;
  const AppCommandSpec doubler_spec = testing::AnyArgsSpec(0x8001, "double");
  EXPECT_EQ(server_.RegisterAppCommand(doubler_spec, &doubler), ServerStatus::kOk);
  EXPECT_EQ(server_.RegisterAppCommand(doubler_spec, &doubler), ServerStatus::kAlreadyTaken);
  const AppCommandSpec core_op = testing::AnyArgsSpec(0x0100, "gpio");
  EXPECT_EQ(server_.RegisterAppCommand(core_op, &doubler), ServerStatus::kBadOp);
  EXPECT_EQ(server_.SetHandler(Op::kPing, &gpio_), ServerStatus::kBadOp);
  std::vector<AppCommandSpec> more;
  std::vector<std::string> names;
  for (uint32_t i = 0; i < Server::kMaxAppCommands; ++i) names.push_back("c" + std::to_string(i));
  for (uint32_t i = 0; i < Server::kMaxAppCommands; ++i) {
    more.push_back(testing::AnyArgsSpec(static_cast<uint16_t>(0x9000 + i), names[i].c_str()));
  }
  for (uint32_t i = 0; i + 1 < Server::kMaxAppCommands; ++i) {
    EXPECT_EQ(server_.RegisterAppCommand(more[i], &doubler), ServerStatus::kOk);
  }
  EXPECT_EQ(server_.RegisterAppCommand(more.back(), &doubler), ServerStatus::kTableFull);
  Connect(client_);
  Request r{};
  r.op = 0x8001;
  r.arg[0] = 21;
  const uint64_t id = MustSubmit(client_, r);
  r.arg[0] = 99;
  const uint64_t bad = MustSubmit(client_, r);
  Exchange(client_);
  const Response rsp = MustTake(client_, id);
  EXPECT_EQ(rsp.id, id);
  EXPECT_EQ(rsp.result[0], 42u);
  const Response rsp_bad = MustTake(client_, bad);
  EXPECT_EQ(rsp_bad.status, static_cast<uint32_t>(WireStatus::kInternal));
  EXPECT_EQ(rsp_bad.payload_len, 0);
}

TEST_F(EndpointTest, RtosRefusesOtherMajorVersion) {
  // A raw Linux speaking version 2.0.
  RequestPageHeader& h = pages_.req->header;
  h.magic = kRequestPageMagic;
  h.version = 2u << 16;
  h.generation = server_.generation();
  h.session = 7;
  h.state = static_cast<uint32_t>(ChannelState::kConnected);
  server_.Poll();
  server_.Poll();
  EXPECT_EQ(server_.state(), ChannelState::kInitWait);
  EXPECT_EQ(pages_.rsp->header.error, static_cast<uint32_t>(ConnectionError::kVersionMismatch));
  EXPECT_EQ(pages_.rsp->header.session, 7u);
  EXPECT_EQ(server_.counters().version_refused, 1u) << "refused once per session";
  // A compatible Linux connects afterwards.
  Connect(client_);
}

TEST_F(EndpointTest, ClientLearnsOfRefusal) {
  ASSERT_TRUE(client_.Connect().ok());
  pages_.req->header.version = 2u << 16;  // as if our library were another major
  server_.Poll();
  client_.Poll();
  EXPECT_EQ(client_.phase(), ClientPhase::kFailed);
  EXPECT_EQ(client_.last_error(), ClientStatus::kVersionMismatch);
}

TEST_F(EndpointTest, ClientRefusesOtherMajorVersionAndBadHeaders) {
  pages_.rsp->header.version = 3u << 16;
  Result<void, ClientStatus> r = client_.Connect();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ClientStatus::kVersionMismatch);
  pages_.rsp->header.version = kProtocolVersion | 7;  // newer minor: fine
  EXPECT_TRUE(Client(pages_.req.get(), pages_.rsp.get(), to_rtos_).Connect().ok());
  pages_.rsp->header.slot_count = 64;
  Client c2(pages_.req.get(), pages_.rsp.get(), to_rtos_);
  r = c2.Connect();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ClientStatus::kBadPeerHeader);
  Pages empty;
  Client c3(empty.req.get(), empty.rsp.get(), to_rtos_);
  r = c3.Connect();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ClientStatus::kPeerNotReady);
}

TEST_F(EndpointTest, LinuxRestartOpensNewSession) {
  Connect(client_);
  MustSubmit(client_, MakeRequest(Op::kPing));
  client_.Flush();  // never answered: Linux "crashes" now
  Client restarted(pages_.req.get(), pages_.rsp.get(), to_rtos_);
  Connect(restarted);
  EXPECT_NE(restarted.session(), client_.session());
  EXPECT_EQ(server_.counters().detaches, 1u);
  EXPECT_EQ(server_.counters().attaches, 2u);
  const uint64_t id = MustSubmit(restarted, MakeRequest(Op::kGpioSet, 3, 1));
  Exchange(restarted);
  EXPECT_EQ(MustTake(restarted, id).status, 0u);
  EXPECT_EQ(server_.counters().requests, 1u) << "the dead session's request was dropped";
  EXPECT_EQ(gpio_.levels, 1u << 3);
}

TEST_F(EndpointTest, RtosRestartFailsInFlightAndReconnects) {
  Connect(client_);
  const uint64_t lost = MustSubmit(client_, MakeRequest(Op::kPing));
  client_.Flush();
  // The RTOS restarts with the same pages (a new incarnation of the command task).
  Server restarted(pages_.req.get(), pages_.rsp.get(), to_linux_);
  ASSERT_EQ(restarted.Init(testing::kTestBootId + 1), ServerStatus::kOk);
  EXPECT_EQ(restarted.generation(), 2u);
  client_.Poll();
  EXPECT_EQ(client_.phase(), ClientPhase::kAwaitingAck) << "re-handshake is automatic";
  Result<Response, ClientStatus> r = client_.Take(lost);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ClientStatus::kPeerReset);
  EXPECT_FALSE(client_.Submit(MakeRequest(Op::kPing)).ok());
  restarted.Poll();
  client_.Poll();
  ASSERT_TRUE(client_.connected());
  const uint64_t id = MustSubmit(client_, MakeRequest(Op::kPing, 5));
  client_.Flush();
  restarted.Poll();
  client_.Poll();
  EXPECT_EQ(MustTake(client_, id).result[0], 5u);
  EXPECT_EQ(client_.counters().peer_losses, 1u);
}

TEST_F(EndpointTest, StaleLinuxIsNotAttachedToNewRtos) {
  Connect(client_);
  Server restarted(pages_.req.get(), pages_.rsp.get(), to_linux_);
  ASSERT_EQ(restarted.Init(testing::kTestBootId + 1), ServerStatus::kOk);
  // Linux has not noticed yet: its page still says Connected, for generation 1.
  restarted.Poll();
  EXPECT_EQ(restarted.state(), ChannelState::kInitWait);
}

TEST_F(EndpointTest, LinuxDisconnectAndReconnect) {
  Connect(client_);
  client_.Disconnect();
  server_.Poll();
  EXPECT_EQ(server_.state(), ChannelState::kInitWait);
  Connect(client_);
  const uint64_t id = MustSubmit(client_, MakeRequest(Op::kPing, 1));
  Exchange(client_);
  EXPECT_EQ(MustTake(client_, id).result[0], 1u);
}

TEST_F(EndpointTest, RtosCloseFailsInFlight) {
  Connect(client_);
  const uint64_t id = MustSubmit(client_, MakeRequest(Op::kPing));
  client_.Flush();
  server_.Close();
  client_.Poll();
  Result<Response, ClientStatus> r = client_.Take(id);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ClientStatus::kPeerClosed);
  EXPECT_EQ(client_.phase(), ClientPhase::kPeerDown);
  Client late(pages_.req.get(), pages_.rsp.get(), to_rtos_);
  Result<void, ClientStatus> c = late.Connect();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), ClientStatus::kPeerClosed);
}

TEST_F(EndpointTest, ProducerRunningAheadFreezesRingUntilNewSession) {
  Connect(client_);
  RequestPageHeader& h = pages_.req->header;
  StoreRelease(&h.req_prod, h.req_prod + kSlotCount + 1);  // XSA-86: an index beyond the ring
  const PollResult r = server_.Poll();
  EXPECT_EQ(r.handled, 0u);
  EXPECT_EQ(server_.state(), ChannelState::kClosing);
  EXPECT_EQ(server_.counters().broken, 1u);
  EXPECT_EQ(pages_.rsp->header.error, static_cast<uint32_t>(ConnectionError::kBrokenPeer));
  StoreRelease(&h.req_prod, h.req_prod - kSlotCount);  // even a sane index now: still frozen
  EXPECT_EQ(server_.Poll().handled, 0u);
  // Linux notices; its session stays down (Poll does not resurrect it) and the ring frozen.
  client_.Poll();
  EXPECT_EQ(client_.last_error(), ClientStatus::kBrokenPeer);
  EXPECT_EQ(client_.phase(), ClientPhase::kPeerDown);
  EXPECT_EQ(client_.counters().declared_broken, 1u);
  server_.Poll();
  client_.Poll();
  EXPECT_EQ(client_.phase(), ClientPhase::kPeerDown);
  EXPECT_EQ(server_.state(), ChannelState::kClosing);
  // Its owner opens a fresh session, which works.
  ASSERT_TRUE(client_.Connect().ok());
  server_.Poll();
  client_.Poll();
  ASSERT_TRUE(client_.connected());
  const uint64_t id = MustSubmit(client_, MakeRequest(Op::kPing, 8));
  Exchange(client_);
  EXPECT_EQ(MustTake(client_, id).result[0], 8u);
}

// Issue 11, point 1: what the broken client itself sees. Its command in flight fails at once
// with kBrokenPeer (it does not wait for an answer that will never come), and only that one.
TEST_F(EndpointTest, CommandInFlightWhenTheRingIsFrozenFailsAsBrokenPeer) {
  Connect(client_);
  const uint64_t answered = MustSubmit(client_, MakeRequest(Op::kPing, 1));
  Exchange(client_);
  const uint64_t lost = MustSubmit(client_, MakeRequest(Op::kPing, 2));
  client_.Flush();
  // Something else writes this client's page: a producer index beyond what it wrote.
  StoreRelease(&pages_.req->header.req_prod, pages_.req->header.req_prod + kSlotCount + 3);
  server_.Poll();
  client_.Poll();
  EXPECT_EQ(MustTake(client_, answered).result[0], 1u);
  Result<Response, ClientStatus> r = client_.Take(lost);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ClientStatus::kBrokenPeer);
  EXPECT_EQ(client_.counters().peer_losses, 1u);
  EXPECT_EQ(client_.counters().declared_broken, 1u);
  EXPECT_NE(std::string(ClientStatusName(ClientStatus::kBrokenPeer)).find("broken"),
            std::string::npos);
}

// Issue 11, point 1: a ring frozen after one client's broken session is re-opened by the next
// client (a new process, a new Client on the same pages), without restarting the RTOS.
TEST_F(EndpointTest, NextClientReopensARingFrozenByAnother) {
  Connect(client_);
  StoreRelease(&pages_.req->header.req_prod, pages_.req->header.req_prod - 1);  // backwards
  server_.Poll();
  ASSERT_EQ(server_.state(), ChannelState::kClosing);
  client_.Disconnect();  // the hostile client leaves
  server_.Poll();
  ASSERT_EQ(server_.state(), ChannelState::kClosing) << "a close does not unfreeze the ring";
  Client next(pages_.req.get(), pages_.rsp.get(), to_rtos_);
  Connect(next);
  EXPECT_EQ(server_.state(), ChannelState::kConnected);
  EXPECT_EQ(pages_.rsp->header.error, static_cast<uint32_t>(ConnectionError::kNone));
  const uint64_t id = MustSubmit(next, MakeRequest(Op::kGpioSet, 2, 1));
  Exchange(next);
  EXPECT_EQ(MustTake(next, id).status, 0u);
  EXPECT_EQ(gpio_.levels, 1u << 2);
  EXPECT_EQ(server_.generation(), 1u) << "the RTOS did not re-initialise anything";
  EXPECT_EQ(server_.counters().broken, 1u);
}

// Closing for any other reason than a broken peer is on its way to Closed (a shutdown): no new
// session there.
TEST_F(EndpointTest, ClosingForShutdownRefusesANewSession) {
  StoreRelaxed(&pages_.rsp->header.error, static_cast<uint32_t>(ConnectionError::kShutdown));
  StoreRelease(&pages_.rsp->header.state, static_cast<uint32_t>(ChannelState::kClosing));
  Result<void, ClientStatus> c = client_.Connect();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error(), ClientStatus::kPeerClosed);
  EXPECT_EQ(client_.counters().sessions, 0u);
}

TEST_F(EndpointTest, ProducerMovingBackwardsIsBroken) {
  Connect(client_);
  StoreRelease(&pages_.req->header.req_prod, pages_.req->header.req_prod - 1);
  server_.Poll();
  EXPECT_EQ(server_.counters().broken, 1u);
}

}  // namespace
}  // namespace tandem::channel
