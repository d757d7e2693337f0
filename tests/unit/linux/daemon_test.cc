// tandemd's Daemon: several clients on one channel, a client dying mid-command, a hostile client,
// the caller check, backpressure, an RTOS restart. Over the fake Xen (daemon_fixture.h).
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <vector>

#include "daemon_fixture.h"
#include "libtandem/commands.h"

namespace libtandem::testing {
namespace {

using tandem::channel::Op;

// Reads frames from a raw client until `n` of them came (or 5 s passed).
std::vector<daemon::Frame> ReadFrames(int fd, size_t n) {
  std::vector<daemon::Frame> frames;
  std::string in;
  while (frames.size() < n) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) break;
    char buf[4096];
    const ssize_t got = read(fd, buf, sizeof buf);
    if (got <= 0) break;
    in.append(buf, static_cast<size_t>(got));
    for (;;) {
      Result<std::optional<daemon::Frame>> f = daemon::TakeFrame(in, daemon::Direction::kToClient);
      if (!f.ok() || !f.value()) break;
      frames.push_back(*f.value());
    }
  }
  return frames;
}

Request Toggle(uint32_t pin, uint64_t id) {
  Request r{};
  r.id = id;
  r.op = static_cast<uint16_t>(Op::kGpioToggle);
  r.arg[0] = pin;
  return r;
}

void SendAll(int fd, const std::string& bytes) {
  ASSERT_EQ(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
}

TEST_F(DaemonTest, TwoClientsAtOnceCompleteAllTheirCommands) {
  Start();
  constexpr int kEach = 200;
  std::atomic<int> ok_a{0}, ok_b{0};
  std::thread a([&] {
    std::unique_ptr<DaemonPort> p = Client();
    for (int i = 0; i < kEach && p; ++i) ok_a += GpioToggle(*p, 1, kTimeoutNs).ok();
  });
  std::thread b([&] {
    std::unique_ptr<DaemonPort> p = Client();
    for (int i = 0; i < kEach && p; ++i) ok_b += Ping(*p, kTimeoutNs).ok();
  });
  a.join();
  b.join();
  Stop();
  EXPECT_EQ(ok_a.load(), kEach);
  EXPECT_EQ(ok_b.load(), kEach);
  EXPECT_EQ(rtos_.commands_seen, uint64_t{kEach}) << "every toggle ran once on the RTOS";
  EXPECT_EQ(rtos_.levels[1], 0u) << "an even number of toggles";
  EXPECT_EQ(daemon_->stats().commands, uint64_t{2 * kEach});
  EXPECT_TRUE(run_.ok());
  EXPECT_EQ(Log().find(" connected"), std::string::npos) << "routine clients are not logged:\n"
                                                         << Log();
  // A clean stop closes the session: libtandem's claim in XenStore is gone.
  EXPECT_EQ(xen_.store.count(BackendPath(3) + "/owner"), 0u);
}

TEST_F(DaemonTest, PipelinedRequestsComeBackUnderTheirTagsWithTheClientsIds) {
  Start();
  const int fd = RawClient();
  ASSERT_EQ(ReadFrames(fd, 1).at(0).type, daemon::FrameType::kWelcome);
  hold_ = true;  // all of them are on the channel at once before the RTOS answers
  const uint32_t before = Published();
  std::string frames;
  for (uint64_t tag = 1; tag <= 8; ++tag)
    daemon::AppendRequest(frames, tag, 5000, Toggle(2, 100 + tag));
  SendAll(fd, frames);
  EXPECT_TRUE(Eventually([&] { return Published() - before == 8; }))
      << "8 requests of one client in flight together";
  hold_ = false;
  const std::vector<daemon::Frame> got = ReadFrames(fd, 8);
  ASSERT_EQ(got.size(), 8u);
  std::set<uint64_t> tags;
  for (const daemon::Frame& f : got) {
    ASSERT_EQ(f.type, daemon::FrameType::kResponse);
    const daemon::ResponseBody r = daemon::DecodeResponse(f).value();
    EXPECT_EQ(r.response.id, 100 + r.tag) << "the client's own id is restored";
    EXPECT_EQ(r.response.status, 0u);
    tags.insert(r.tag);
  }
  EXPECT_EQ(tags.size(), 8u);
  close(fd);
}

TEST_F(DaemonTest, AClientThatDiesMidCommandDisturbsNoOther) {
  Start();
  std::atomic<bool> victim_gone{false};
  std::atomic<int> ok{0}, done{0};
  std::thread other([&] {
    std::unique_ptr<DaemonPort> p = Client();
    for (int i = 0; i < 100 && p; ++i) {
      ok += Ping(*p, kTimeoutNs).ok();
      ++done;
    }
  });
  ASSERT_TRUE(Eventually([&] { return done.load() >= 10; }));
  // The victim has 8 toggles on the channel, unanswered, when it goes away.
  const int fd = RawClient();
  ASSERT_EQ(ReadFrames(fd, 1).size(), 1u);
  hold_ = true;
  const uint32_t before = Published();
  std::string frames;
  for (uint64_t tag = 1; tag <= 8; ++tag) daemon::AppendRequest(frames, tag, 5000, Toggle(3, tag));
  SendAll(fd, frames);
  ASSERT_TRUE(Eventually([&] { return Published() - before >= 8; }));
  // The other client's ping may have been among those 8: let the last of the victim's follow.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  close(fd);
  victim_gone = true;
  EXPECT_TRUE(Eventually([&] { return Log().find("abandoned 8 in-flight") != std::string::npos; }))
      << Log();
  hold_ = false;
  other.join();
  EXPECT_EQ(ok.load(), 100) << "the other client's commands all completed";
  // A client that comes afterwards is served too.
  std::unique_ptr<DaemonPort> third = Client();
  ASSERT_NE(third, nullptr);
  Result<uint32_t> level = GpioGet(*third, 3, kTimeoutNs);
  ASSERT_TRUE(level.ok()) << level.error().message;
  Stop();
  EXPECT_EQ(daemon_->stats().discarded, 8u) << "the dead client's answers were dropped";
  EXPECT_EQ(level.value(), 0u) << "its 8 toggles still ran on the RTOS (they had been sent)";
}

TEST_F(DaemonTest, AClientWritingGarbageIsDisconnectedAndLogged) {
  Start();
  std::unique_ptr<DaemonPort> good = Client();
  ASSERT_NE(good, nullptr);
  ASSERT_TRUE(Ping(*good, kTimeoutNs).ok());
  const int fd = RawClient();
  ASSERT_EQ(ReadFrames(fd, 1).size(), 1u);
  SendAll(fd, "GET / HTTP/1.1\r\nHost: tandem\r\n\r\n");
  const std::vector<daemon::Frame> answer = ReadFrames(fd, 2);  // the error, then EOF
  ASSERT_EQ(answer.size(), 1u);
  ASSERT_EQ(answer[0].type, daemon::FrameType::kError);
  EXPECT_EQ(daemon::DecodeError(answer[0]).value().error.code, Errc::kProtocol);
  char byte;
  EXPECT_EQ(read(fd, &byte, 1), 0) << "disconnected";
  close(fd);
  EXPECT_NE(Log().find("disconnecting client 2 (pid " + std::to_string(getpid()) + ", uid " +
                       std::to_string(getuid()) + "): malformed tandemd frame: version 71"),
            std::string::npos)
      << Log();
  // Frames of the wrong direction and oversized ones are refused the same way.
  for (std::string bad :
       {std::string("\x01\x82\0\0\x48\0\0\0", 8), std::string("\x01\x02\0\0\xff\xff\0\0", 8)}) {
    const int f2 = RawClient();
    ASSERT_EQ(ReadFrames(f2, 1).size(), 1u);
    SendAll(f2, bad);
    EXPECT_EQ(ReadFrames(f2, 1).at(0).type, daemon::FrameType::kError);
    close(f2);
  }
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Ping(*good, kTimeoutNs).ok()) << "others unaffected";
  Stop();
  EXPECT_EQ(daemon_->stats().dropped, 3u);
}

TEST_F(DaemonTest, AUserNotAllowedIsRefusedWithAClearErrorAndALogLine) {
  tandemd::DaemonConfig config;
  config.credentials = [](int) { return tandemd::PeerCred{4242, 1000, 1000}; };
  Start(config);
  Result<std::unique_ptr<DaemonPort>> p = DaemonPort::Connect(path_, kTimeoutNs);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kRefused);
  EXPECT_NE(p.error().message.find("uid 1000 is not root"), std::string::npos) << p.error().message;
  EXPECT_NE(p.error().hint.find("--allow-uid 1000"), std::string::npos) << p.error().hint;
  Stop();
  EXPECT_NE(Log().find("refused client 1 (pid 4242, uid 1000): uid 1000 is not root"),
            std::string::npos)
      << Log();
  EXPECT_EQ(rtos_.commands_seen, 0u);
}

TEST_F(DaemonTest, AllowedUsersAndGroupsAreServed) {
  tandemd::DaemonConfig config;
  std::atomic<uint32_t> uid{1000};
  config.credentials = [&](int) { return tandemd::PeerCred{4242, uid.load(), 1000}; };
  config.groups = [](uid_t u, gid_t) {
    return u == 1001 ? std::vector<gid_t>{1001, 27} : std::vector<gid_t>{u};
  };
  config.access.uids = {1000};
  config.access.gids = {27};
  Start(config);
  for (uint32_t u : {1000u, 1001u, 0u}) {
    uid = u;
    std::unique_ptr<DaemonPort> p = Client();
    ASSERT_NE(p, nullptr) << "uid " << u;
    EXPECT_TRUE(GpioToggle(*p, 0, kTimeoutNs).ok()) << "uid " << u;
  }
  uid = 1002;
  EXPECT_FALSE(DaemonPort::Connect(path_, kTimeoutNs).ok()) << "in neither list";
  EXPECT_EQ(tandemd::SocketMode(config.access), 0666u);
  EXPECT_EQ(tandemd::SocketMode({}), 0600u) << "root only: nobody else may even connect";
}

TEST_F(DaemonTest, BackpressureBoundsOneClientsShareAndItsBuffers) {
  tandemd::DaemonConfig config;
  config.max_outstanding = 4;
  Start(config);
  const int fd = RawClient();
  ASSERT_EQ(ReadFrames(fd, 1).size(), 1u);
  hold_ = true;
  const uint32_t before = Published();
  // Writing without reading: the daemon stops taking frames after its bounded buffer, so the
  // socket fills up and the writer is blocked (here: EAGAIN), instead of the daemon's memory.
  std::string frame;
  daemon::AppendRequest(frame, 1, 60000, Toggle(0, 1));
  ASSERT_EQ(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
  size_t sent = 0;
  for (; sent < 1'000'000; ++sent) {
    if (send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size())) {
      break;
    }
  }
  EXPECT_LT(sent, 1'000'000u) << "the writer was stopped";
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Published() - before, 4u) << "no more than --per-client on the channel";
  // Another client is not starved by it.
  std::thread other([&] {
    std::unique_ptr<DaemonPort> p = Client();
    EXPECT_TRUE(p && Ping(*p, kTimeoutNs).ok());
  });
  hold_ = false;
  other.join();
  close(fd);
}

TEST_F(DaemonTest, AnRtosRestartIsReportedToEachClientOnce) {
  std::atomic<bool> reboot{false};
  xen_.on_wait = [this, &reboot] {
    if (reboot.exchange(false)) rtos_.Reboot();
    rtos_.responsive = true;
  };
  Start();
  std::unique_ptr<DaemonPort> a = Client(), b = Client();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(Ping(*a, kTimeoutNs).ok());
  ASSERT_TRUE(Ping(*b, kTimeoutNs).ok());
  reboot = true;  // taken by the daemon's next pump, i.e. with the next command
  for (DaemonPort* p : {a.get(), b.get()}) {
    Result<void> first = Ping(*p, kTimeoutNs);
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().code, Errc::kRtosRestarted) << first.error().message;
    EXPECT_NE(first.error().message.find("boot id"), std::string::npos);
    EXPECT_TRUE(Ping(*p, kTimeoutNs).ok()) << "reported once";
  }
  // A client that connects after the restart has nothing to be told.
  std::unique_ptr<DaemonPort> c = Client();
  EXPECT_TRUE(c && Ping(*c, kTimeoutNs).ok());
}

TEST_F(DaemonTest, ARingFrozenByAForeignWriterIsReportedOnceAndReopened) {
  std::atomic<bool> forge{false};
  xen_.on_wait = [&] {
    if (!forge.exchange(false)) return;
    // Someone else writes the request page (a hand-written client ignoring the claim): a
    // producer index far ahead, which the RTOS must treat as a broken peer and freeze.
    auto* h = &rtos_.request_page->header;
    tandem::channel::StoreRelease(&h->req_prod, tandem::channel::LoadRelaxed(&h->req_prod) + 100);
    rtos_.server->OnNotification();
    rtos_.kicked = true;
  };
  Start();
  std::unique_ptr<DaemonPort> p = Client();
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(Ping(*p, kTimeoutNs).ok());
  forge = true;
  Result<void> first = Ping(*p, kTimeoutNs);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, Errc::kProtocol) << "as a direct session reports it";
  EXPECT_NE(first.error().message.find("froze the ring"), std::string::npos)
      << first.error().message;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(Ping(*p, kTimeoutNs).ok()) << "re-opened, reported once";
}

TEST_F(DaemonTest, AChannelTheRtosShutDownEndsEachCommandAtItsDeadlineAsADirectOneDoes) {
  std::atomic<bool> shut{false};
  xen_.now_step_ns = 1'000'000;  // the daemon's clock moves, so deadlines come
  xen_.on_wait = [&] {
    if (shut.exchange(false)) rtos_.server->Close();
  };
  Start();
  std::unique_ptr<DaemonPort> p = Client();
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(Ping(*p, kTimeoutNs).ok());
  shut = true;
  for (int i = 0; i < 2; ++i) {
    Result<void> r = Ping(*p, 500'000'000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kProtocol) << r.error().message;
    EXPECT_NE(r.error().message.find("did not take a new one"), std::string::npos)
        << r.error().message;
  }
}

TEST_F(DaemonTest, ADestroyedDomainFailsWhatWasInFlightAndTheRecreatedOneIsFoundAgain) {
  std::atomic<int> step{0};
  std::unique_ptr<FakeRtos> recreated;
  xen_.now_step_ns = 1'000'000;  // the daemon's clock moves, so its liveness checks run
  xen_.on_wait = [&] {
    rtos_.responsive = !hold_.load();
    if (step.load() != 1) return;
    // `xl destroy`, then `xl create` of the same configuration: another domain id.
    xen_.run_state.erase(3);
    for (auto it = xen_.store.begin(); it != xen_.store.end();) {
      it = it->first.rfind("/local/domain/3/", 0) == 0 ? xen_.store.erase(it) : std::next(it);
    }
    recreated = std::make_unique<FakeRtos>(xen_, 4, "tandem-rt");
    recreated->Publish();
    step = 2;
  };
  Start();
  std::unique_ptr<DaemonPort> p = Client();
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(Ping(*p, kTimeoutNs).ok());
  hold_ = true;
  const uint32_t before = Published();
  Result<uint32_t> in_flight = Fail(Errc::kInternal, "not run");
  std::thread t([&] { in_flight = GpioToggle(*p, 1, kTimeoutNs); });
  ASSERT_TRUE(Eventually([&] { return Published() != before; }));
  step = 1;
  t.join();
  ASSERT_FALSE(in_flight.ok());
  EXPECT_EQ(in_flight.error().code, Errc::kDomainDown) << in_flight.error().message;
  // The next command finds the domain again by name, and says it is another RTOS, once.
  Result<void> first = Ping(*p, kTimeoutNs);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, Errc::kRtosRestarted) << first.error().message;
  EXPECT_NE(first.error().message.find("domain 3 before, 4 now"), std::string::npos)
      << first.error().message;
  EXPECT_TRUE(Ping(*p, kTimeoutNs).ok());
  Stop();
  EXPECT_NE(Log().find("opened the channel of domain 4 (tandem-rt) again"), std::string::npos)
      << Log();
}

// While the domain stays gone, tandemd tries to open its channel again every period (a command
// or a watcher waits), and says why it cannot once, not at every try.
TEST_F(DaemonTest, ALastingOutageIsLoggedOnceNotAtEveryTry) {
  std::atomic<bool> destroy{false};
  xen_.now_step_ns = 100'000'000;  // the daemon's clock runs fast: many re-open periods pass
  xen_.on_wait = [&] {
    if (!destroy.exchange(false)) return;
    xen_.run_state.erase(3);
    for (auto it = xen_.store.begin(); it != xen_.store.end();) {
      it = it->first.rfind("/local/domain/3/", 0) == 0 ? xen_.store.erase(it) : std::next(it);
    }
  };
  Start();
  std::unique_ptr<DaemonPort> p = Client();
  ASSERT_TRUE(p && Ping(*p, kTimeoutNs).ok());
  destroy = true;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Ping(*p, kTimeoutNs).ok()) << i;
  Stop();
  const std::string log = Log();
  size_t lines = 0;
  for (size_t at = log.find("cannot open the channel again"); at != std::string::npos;
       at = log.find("cannot open the channel again", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 1u) << log;
}

// Events through tandemd (docs/events.md): each client gets the kinds it subscribed to, while
// other clients send commands; a client that leaves narrows the daemon's subscription.
TEST_F(DaemonTest, EventsReachEachSubscriberOfTheirKind) {
  Start();
  std::unique_ptr<DaemonPort> app_watcher = Client();
  std::unique_ptr<DaemonPort> miss_watcher = Client();
  std::unique_ptr<DaemonPort> caller = Client();
  ASSERT_TRUE(app_watcher && miss_watcher && caller);
  constexpr uint16_t kPeriodChanged = 16;  // the fake RTOS's set-period posts it
  const uint64_t miss = tandem::channel::EventKindBit(
      static_cast<uint16_t>(tandem::channel::EventKind::kDeadlineMiss));
  ASSERT_TRUE(
      app_watcher->SubscribeEvents(tandem::channel::EventKindBit(kPeriodChanged), kTimeoutNs).ok());
  ASSERT_TRUE(miss_watcher->SubscribeEvents(miss, kTimeoutNs).ok());
  EXPECT_EQ(rtos_.request_page->header.evt_kinds_lo,
            static_cast<uint32_t>(tandem::channel::EventKindBit(kPeriodChanged) | miss))
      << "the session asks the RTOS for the union";

  Request set_period{};
  set_period.op = 0x8000;
  set_period.arg[0] = 3;
  Result<Response> r = caller->Call(set_period, kTimeoutNs);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().result[0], 1u);

  Result<std::vector<tandem::channel::Event>> got = app_watcher->WaitEvents(kTimeoutNs);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got.value().size(), 1u);
  EXPECT_EQ(got.value()[0].kind, kPeriodChanged);
  uint32_t fields[2];
  memcpy(fields, got.value()[0].data, sizeof fields);
  EXPECT_EQ(fields[0], 1u);
  EXPECT_EQ(fields[1], 3u);
  EXPECT_EQ(app_watcher->events_dropped(), 0u);
  Result<std::vector<tandem::channel::Event>> none = miss_watcher->WaitEvents(200'000'000);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().empty()) << "not its kind";

  app_watcher.reset();  // leaves: only deadline misses are still wanted
  EXPECT_TRUE(Eventually([&] {
    return tandem::channel::LoadAcquire(&rtos_.request_page->header.evt_kinds_lo) ==
           static_cast<uint32_t>(miss);
  }));
  Stop();
}

// A watcher needs no command to flow: after an RTOS restart tandemd opens the session again and
// subscribes it again by itself, and the events come back.
TEST_F(DaemonTest, EventsComeBackAfterAnRtosRestartWithoutAnyCommand) {
  constexpr uint16_t kPeriodChanged = 16;
  std::atomic<bool> reboot{false}, post{false};
  std::atomic<int> posted{0};
  xen_.on_wait = [&] {
    if (reboot.exchange(false)) rtos_.Reboot();
    if (post.exchange(false) &&
        rtos_.PostEvent(kPeriodChanged, 0, {7, 8}) != tandem::channel::PostStatus::kNotSubscribed) {
      ++posted;
    }
    rtos_.responsive = true;
  };
  Start();
  std::unique_ptr<DaemonPort> watcher = Client();
  ASSERT_TRUE(watcher);
  ASSERT_TRUE(
      watcher->SubscribeEvents(tandem::channel::EventKindBit(kPeriodChanged), kTimeoutNs).ok());
  post = true;
  Result<std::vector<tandem::channel::Event>> got = watcher->WaitEvents(kTimeoutNs);
  ASSERT_TRUE(got.ok() && got.value().size() == 1u);
  reboot = true;
  ASSERT_TRUE(Eventually([&] { return !reboot.load(); }));
  // Posts until the RTOS sees the subscription again (the session's handshake comes first).
  size_t received = 0;
  EXPECT_TRUE(Eventually([&] {
    post = true;
    Result<std::vector<tandem::channel::Event>> more = watcher->WaitEvents(10'000'000);
    if (more.ok()) received += more.value().size();
    return received != 0;
  })) << "no event after the restart; "
      << posted.load() << " posted";
  Stop();
}

// Each client's "dropped" counts the RTOS's drops since its own subscription.
TEST_F(DaemonTest, DropsBeforeAClientSubscribedAreNotItsOwn) {
  constexpr uint16_t kPeriodChanged = 16;
  std::atomic<int> burst{0};
  xen_.on_wait = [&] {
    // More than the ring holds at once, before tandemd reads any: the rest is dropped.
    for (int n = burst.exchange(0); n > 0; --n) (void)rtos_.PostEvent(kPeriodChanged, 0, {1, 2});
    rtos_.responsive = true;
  };
  Start();
  const uint64_t bit = tandem::channel::EventKindBit(kPeriodChanged);
  std::unique_ptr<DaemonPort> early = Client();
  ASSERT_TRUE(early && early->SubscribeEvents(bit, kTimeoutNs).ok());
  const int slots = tandem::channel::LoadRelaxed(&rtos_.response_page->header.evt_slot_count);
  burst = slots + 8;
  size_t early_got = 0;
  ASSERT_TRUE(Eventually([&] {
    Result<std::vector<tandem::channel::Event>> e = early->WaitEvents(10'000'000);
    if (e.ok()) early_got += e.value().size();
    return early_got == static_cast<size_t>(slots);
  })) << early_got;
  std::unique_ptr<DaemonPort> late = Client();
  ASSERT_TRUE(late && late->SubscribeEvents(bit, kTimeoutNs).ok());
  burst = 1;
  for (DaemonPort* p : {early.get(), late.get()}) {
    Result<std::vector<tandem::channel::Event>> e = p->WaitEvents(kTimeoutNs);
    ASSERT_TRUE(e.ok() && e.value().size() == 1u);
  }
  EXPECT_EQ(early->events_dropped(), 8u);
  EXPECT_EQ(late->events_dropped(), 0u) << "the 8 were dropped before it subscribed";
  Stop();
}

TEST_F(DaemonTest, ASubscriptionAnRtosCannotServeIsRefused) {
  Start();
  std::unique_ptr<DaemonPort> p = Client();
  ASSERT_TRUE(p);
  // An RTOS without an event ring (before protocol 1.6) publishes no geometry.
  tandem::channel::StoreRelaxed(&rtos_.response_page->header.evt_slot_count, uint16_t{0});
  Result<void> r = p->SubscribeEvents(1u << 1, kTimeoutNs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kRefused);
  EXPECT_NE(r.error().message.find("no event ring"), std::string::npos) << r.error().message;
  EXPECT_TRUE(Ping(*p, kTimeoutNs).ok()) << "the connection stays usable";
  Stop();
}

}  // namespace
}  // namespace libtandem::testing
