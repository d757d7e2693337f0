// The channel between two processes over real shared memory (memfd) and eventfd, as the Linux
// side and the RTOS side would run in two domains. The parent plays Linux and maps the response
// page read-only; forked children play the RTOS (and, for one test, a Linux that dies).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <thread>
#include <vector>

#include "tandem/channel/shared_access.h"
#include "test_support.h"

namespace tandem::channel {
namespace {

using testing::FakeGpio;
using testing::kSecond;

// Child: serve until Linux closes the session (or 20 s pass), then exit 0 if every handler call
// saw validated arguments.
[[noreturn]] void RunRtosChild(const host::HostChannel& ch) {
  host::Mapping m = host::Mapping::ForRtos(ch.memfd);
  if (!m.ok()) _exit(2);
  host::EventFdNotifier notifier(ch.to_linux);
  host::EventFdWaiter waiter(ch.to_rtos);
  Server server(m.requests(), m.responses_rw(), notifier);
  if (server.Init(testing::kTestBootId) != ServerStatus::kOk) _exit(3);
  FakeGpio gpio(0xFF);
  testing::InstallGpio(server, gpio);
  const uint64_t deadline = waiter.NowNs() + 20 * kSecond;
  bool was_connected = false;
  while (waiter.NowNs() < deadline) {
    const PollResult r = server.Poll();
    was_connected |= server.state() == ChannelState::kConnected;
    if (was_connected && server.state() == ChannelState::kInitWait &&
        LoadAcquire(&m.requests()->header.state) == static_cast<uint32_t>(ChannelState::kClosed)) {
      _exit(gpio.unvalidated == 0 ? 0 : 4);
    }
    if (r.more) continue;
    if (waiter.WaitForEvent(kSecond / 10)) server.OnNotification();
  }
  _exit(5);
}

pid_t SpawnRtos(const host::HostChannel& ch) {
  const pid_t pid = fork();
  if (pid == 0) RunRtosChild(ch);
  return pid;
}

int ExitCode(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class Processes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ch_.Create());
    linux_map_ = std::make_unique<host::Mapping>(host::Mapping::ForLinux(ch_.memfd));
    ASSERT_TRUE(linux_map_->ok());
    notifier_ = std::make_unique<host::EventFdNotifier>(ch_.to_rtos);
    waiter_ = std::make_unique<host::EventFdWaiter>(ch_.to_linux);
  }
  void TearDown() override { ch_.Close(); }

  std::unique_ptr<Client> NewClient() {
    return std::make_unique<Client>(linux_map_->requests(), linux_map_->responses(), *notifier_);
  }
  // Connects once the RTOS child has initialised its page. Until then the page reads as not
  // ready (all zero) or closed (Server::Init marks it Closed before it offers InitWait).
  void Connect(Client& c) {
    const uint64_t deadline = waiter_->NowNs() + 5 * kSecond;
    auto starting = [](ClientStatus s) {
      return s == ClientStatus::kPeerNotReady || s == ClientStatus::kPeerClosed;
    };
    Result<void, ClientStatus> r = c.Connect();
    while (!r.ok() && starting(r.error()) && waiter_->NowNs() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      r = c.Connect();
    }
    ASSERT_TRUE(r.ok()) << ClientStatusName(r.error());
    Result<void, ClientStatus> w = c.WaitConnected(*waiter_, 5 * kSecond);
    ASSERT_TRUE(w.ok()) << ClientStatusName(w.error());
  }

  host::HostChannel ch_;
  std::unique_ptr<host::Mapping> linux_map_;
  std::unique_ptr<host::EventFdNotifier> notifier_;
  std::unique_ptr<host::EventFdWaiter> waiter_;
};

TEST_F(Processes, ResponsePageIsReadOnlyForLinux) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ResponsePage* rsp = const_cast<ResponsePage*>(linux_map_->responses());
  // Dies of SIGSEGV (under TSan, the sanitizer's SEGV report and exit instead).
  EXPECT_DEATH(StoreRelaxed(&rsp->header.rsp_prod, 1u), "");
  // The request page is Linux's to write.
  StoreRelaxed(&linux_map_->requests()->header.rsp_event, 1u);
  EXPECT_EQ(LoadRelaxed(&rsp->header.rsp_prod), 0u);
}

TEST_F(Processes, RequestPageIsReadOnlyForRtos) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  host::Mapping rtos = host::Mapping::ForRtos(ch_.memfd);
  ASSERT_TRUE(rtos.ok());
  EXPECT_DEATH(StoreRelaxed(&rtos.requests()->header.req_prod, 1u), "");
  StoreRelaxed(&rtos.responses_rw()->header.rsp_prod, 0u);
}

TEST_F(Processes, CommandsAcrossProcesses) {
  const pid_t rtos = SpawnRtos(ch_);
  ASSERT_GT(rtos, 0);
  std::unique_ptr<Client> client = NewClient();
  Connect(*client);
  // GPIO through the channel.
  Result<Response, ClientStatus> r =
      client->Call(MakeRequest(Op::kGpioSet, 5, 1), *waiter_, 5 * kSecond);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().status, 0u);
  r = client->Call(MakeRequest(Op::kGpioGet, 5), *waiter_, 5 * kSecond);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().result[0], 1u);
  r = client->Call(MakeRequest(Op::kGpioSet, 9, 1), *waiter_, 5 * kSecond);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().status, static_cast<uint32_t>(WireStatus::kPermissionDenied));
  // Many in flight, repeatedly (wraps the ring many times).
  for (uint32_t round = 0; round < 200; ++round) {
    std::vector<std::pair<uint64_t, uint32_t>> sent;
    for (uint32_t i = 0; i < kSlotCount; ++i) {
      Result<uint64_t, ClientStatus> id = client->Submit(MakeRequest(Op::kPing, round * 1000 + i));
      ASSERT_TRUE(id.ok());
      sent.emplace_back(id.value(), round * 1000 + i);
    }
    client->Flush();
    for (auto [id, value] : sent) {
      Result<Response, ClientStatus> rsp = client->Wait(id, *waiter_, 5 * kSecond);
      ASSERT_TRUE(rsp.ok()) << ClientStatusName(rsp.error());
      ASSERT_EQ(rsp.value().result[0], value);
    }
  }
  const ResponsePageHeader& h = linux_map_->responses()->header;
  // The RTOS refreshes its page counters at the end of a server pass, after it published that
  // pass's responses: the last ones may be counted a moment after they arrived.
  const uint64_t expected = 3u + 200u * kSlotCount;
  for (int i = 0; i < 5000 && LoadRelaxed(&h.requests) < expected; ++i) usleep(1000);
  EXPECT_EQ(LoadRelaxed(&h.requests), expected);
  std::printf(
      "[ figures  ] two processes, %llu commands: Linux sent %llu notifications, RTOS "
      "sent %llu\n",
      static_cast<unsigned long long>(LoadRelaxed(&h.requests)),
      static_cast<unsigned long long>(client->counters().notify_sent),
      static_cast<unsigned long long>(LoadRelaxed(&h.notify_sent)));
  client->Disconnect();
  EXPECT_EQ(ExitCode(rtos), 0);
}

TEST_F(Processes, RtosProcessRestart) {
  pid_t rtos = SpawnRtos(ch_);
  std::unique_ptr<Client> client = NewClient();
  Connect(*client);
  ASSERT_TRUE(client->Call(MakeRequest(Op::kPing), *waiter_, 5 * kSecond).ok());
  kill(rtos, SIGKILL);
  EXPECT_EQ(ExitCode(rtos), 128 + SIGKILL);
  // Nobody answers: a clear timeout, not a hang.
  Result<Response, ClientStatus> r = client->Call(MakeRequest(Op::kPing), *waiter_, kSecond / 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ClientStatus::kTimeout);
  const uint32_t old_generation = LoadRelaxed(&linux_map_->responses()->header.generation);
  rtos = SpawnRtos(ch_);  // a new incarnation on the same pages
  // Until the new RTOS has initialised, the dead one's page still reads "Connected".
  const uint64_t deadline = waiter_->NowNs() + 5 * kSecond;
  while (LoadAcquire(&linux_map_->responses()->header.generation) == old_generation &&
         waiter_->NowNs() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(LoadRelaxed(&linux_map_->responses()->header.generation), old_generation + 1);
  Result<void, ClientStatus> w = client->WaitConnected(*waiter_, 5 * kSecond);
  ASSERT_TRUE(w.ok()) << ClientStatusName(w.error());
  EXPECT_EQ(client->last_error(), ClientStatus::kOk);
  EXPECT_EQ(client->counters().peer_losses, 1u);
  r = client->Call(MakeRequest(Op::kPing, 3), *waiter_, 5 * kSecond);
  ASSERT_TRUE(r.ok()) << ClientStatusName(r.error());
  EXPECT_EQ(r.value().result[0], 3u);
  client->Disconnect();
  EXPECT_EQ(ExitCode(rtos), 0);
}

TEST_F(Processes, LinuxProcessRestart) {
  const pid_t rtos = SpawnRtos(ch_);
  const pid_t dying_linux = fork();
  if (dying_linux == 0) {
    std::unique_ptr<Client> c = NewClient();
    Connect(*c);
    if (!c->Call(MakeRequest(Op::kPing), *waiter_, 5 * kSecond).ok()) _exit(1);
    for (int i = 0; i < 5; ++i) (void)c->Submit(MakeRequest(Op::kPing));
    c->Flush();
    _exit(0);  // dies with commands in flight, session left "Connected"
  }
  ASSERT_EQ(ExitCode(dying_linux), 0);
  const uint32_t old_session = LoadRelaxed(&linux_map_->requests()->header.session);
  std::unique_ptr<Client> client = NewClient();
  Connect(*client);
  EXPECT_GT(client->session(), old_session);
  for (uint32_t i = 0; i < 100; ++i) {
    Result<Response, ClientStatus> r =
        client->Call(MakeRequest(Op::kPing, i), *waiter_, 5 * kSecond);
    ASSERT_TRUE(r.ok()) << ClientStatusName(r.error());
    ASSERT_EQ(r.value().result[0], i);
  }
  client->Disconnect();
  EXPECT_EQ(ExitCode(rtos), 0);
}

}  // namespace
}  // namespace tandem::channel
