// Both endpoints in one process on two threads, over the host transport (memfd pages, eventfd
// notifications). Run under the host-tsan preset to check the protocol's memory ordering.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "tandem/channel/shared_access.h"
#include "test_support.h"

namespace tandem::channel {
namespace {

using testing::FakeGpio;
using testing::kSecond;

// An RTOS on its own thread; Restart() stops it and starts a new incarnation on the same pages.
class RtosThread {
 public:
  RtosThread(const host::HostChannel& ch, const host::Mapping& m)
      : ch_(ch), m_(m), notifier_(ch.to_linux), waiter_(ch.to_rtos) {}
  ~RtosThread() { Stop(); }
  void Start() {
    server_ = std::make_unique<Server>(m_.requests(), m_.responses_rw(), notifier_);
    ASSERT_EQ(server_->Init(testing::kTestBootId + incarnations_++), ServerStatus::kOk);
    testing::InstallGpio(*server_, gpio_);
    stop_ = false;
    thread_ =
        std::thread([this] { testing::ServeUntil(*server_, waiter_, stop_, &lost_wakeups_); });
  }
  void Stop() {
    stop_ = true;
    if (!thread_.joinable()) return;
    const uint64_t one = 1;
    // Wake the server so it sees `stop_`; this is not a protocol notification.
    if (write(ch_.to_rtos, &one, sizeof(one)) != sizeof(one)) ADD_FAILURE() << "eventfd write";
    thread_.join();
    // Drop the wake-up so it is not counted by the next incarnation.
    uint64_t count;
    (void)!read(ch_.to_rtos, &count, sizeof(count));
  }
  uint64_t lost_wakeups() const { return lost_wakeups_.load(); }
  Server& server() { return *server_; }  // only while stopped
  FakeGpio& gpio() { return gpio_; }

 private:
  const host::HostChannel& ch_;
  const host::Mapping& m_;
  host::EventFdNotifier notifier_;
  host::EventFdWaiter waiter_;
  uint64_t incarnations_ = 0;  // each Start is a new boot: a new boot id
  FakeGpio gpio_{0xFF};
  std::unique_ptr<Server> server_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> lost_wakeups_{0};
  std::thread thread_;
};

class Threads : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ch_.Create());
    notifier_ = std::make_unique<host::EventFdNotifier>(ch_.to_rtos);
    waiter_ = std::make_unique<host::EventFdWaiter>(ch_.to_linux);
    rtos_map_ = std::make_unique<host::Mapping>(host::Mapping::ForRtos(ch_.memfd));
    linux_map_ = std::make_unique<host::Mapping>(host::Mapping::ForLinux(ch_.memfd));
    ASSERT_TRUE(rtos_map_->ok() && linux_map_->ok());
    rtos_ = std::make_unique<RtosThread>(ch_, *rtos_map_);
    rtos_->Start();
    client_ = std::make_unique<Client>(linux_map_->requests(), linux_map_->responses(), *notifier_);
    ASSERT_TRUE(client_->Connect().ok());
    ASSERT_TRUE(client_->WaitConnected(*waiter_, 5 * kSecond).ok());
  }
  void TearDown() override {
    rtos_->Stop();
    EXPECT_EQ(rtos_->lost_wakeups(), 0u) << "the RTOS slept through published requests";
    rtos_.reset();
    ch_.Close();
  }
  // An isolated round trip starts with the RTOS idle: it has re-armed req_event behind the last
  // request Linux published.
  void WaitRtosIdle() {
    const uint32_t prod = LoadRelaxed(&linux_map_->requests()->header.req_prod);
    while (LoadAcquire(&linux_map_->responses()->header.req_event) != prod + 1) {
      std::this_thread::yield();
    }
  }

  host::HostChannel ch_;
  std::unique_ptr<host::EventFdNotifier> notifier_;
  std::unique_ptr<host::Mapping> rtos_map_, linux_map_;
  std::unique_ptr<RtosThread> rtos_;
  std::unique_ptr<host::EventFdWaiter> waiter_;
  std::unique_ptr<Client> client_;
};

TEST_F(Threads, SequentialCallsRoundTrip) {
  for (uint32_t i = 0; i < 2000; ++i) {
    Result<Response, ClientStatus> r =
        client_->Call(MakeRequest(Op::kPing, i), *waiter_, 5 * kSecond);
    ASSERT_TRUE(r.ok()) << ClientStatusName(r.error());
    ASSERT_EQ(r.value().result[0], i);
  }
}

TEST_F(Threads, ManyInFlightCompleteInAnyWaitOrder) {
  for (int round = 0; round < 50; ++round) {
    std::vector<std::pair<uint64_t, uint32_t>> sent;
    for (uint32_t i = 0; i < kSlotCount; ++i) {
      Result<uint64_t, ClientStatus> id = client_->Submit(MakeRequest(Op::kPing, round * 100 + i));
      ASSERT_TRUE(id.ok());
      sent.emplace_back(id.value(), round * 100 + i);
    }
    EXPECT_FALSE(client_->Submit(MakeRequest(Op::kPing)).ok());
    client_->Flush();
    std::reverse(sent.begin(), sent.end());
    for (auto [id, value] : sent) {
      Result<Response, ClientStatus> r = client_->Wait(id, *waiter_, 5 * kSecond);
      ASSERT_TRUE(r.ok()) << ClientStatusName(r.error());
      ASSERT_EQ(r.value().result[0], value);
    }
  }
}

TEST_F(Threads, IsolatedRoundTripsCostTwoNotificationsEach) {
  constexpr uint64_t kTrips = 200;
  const uint64_t linux_sent = client_->counters().notify_sent;
  for (uint64_t i = 0; i < kTrips; ++i) {
    WaitRtosIdle();
    ASSERT_TRUE(client_->Call(MakeRequest(Op::kGpioToggle, 1), *waiter_, 5 * kSecond).ok());
  }
  const uint64_t linux_delta = client_->counters().notify_sent - linux_sent;
  rtos_->Stop();
  // Server: Init + attach, then one per response.
  const uint64_t rtos_delta = rtos_->server().counters().notify_sent - 2;
  std::printf(
      "[ figures  ] isolated round trip: %.3f notifications Linux->RTOS, %.3f RTOS->Linux\n",
      static_cast<double>(linux_delta) / kTrips, static_cast<double>(rtos_delta) / kTrips);
  EXPECT_EQ(linux_delta, kTrips);
  EXPECT_EQ(rtos_delta, kTrips);
}

// The burst the benchmark reports: keep the ring full, flush once per refill.
TEST_F(Threads, BurstOf10000CostsFarLessThanOneNotificationPerCommand) {
  constexpr uint32_t kCommands = 10000;
  const uint64_t linux_sent = client_->counters().notify_sent;
  uint32_t submitted = 0, completed = 0;
  std::vector<uint64_t> ids;
  while (completed < kCommands) {
    while (submitted < kCommands) {
      Result<uint64_t, ClientStatus> id = client_->Submit(MakeRequest(Op::kPing, submitted));
      if (!id.ok()) break;
      ids.push_back(id.value());
      ++submitted;
    }
    client_->Flush();
    client_->Poll();
    const uint32_t completed_before = completed;
    for (auto it = ids.begin(); it != ids.end();) {
      Result<Response, ClientStatus> r = client_->Take(*it);
      if (!r.ok() && r.error() == ClientStatus::kPending) {
        ++it;
        continue;
      }
      ASSERT_TRUE(r.ok()) << ClientStatusName(r.error());
      ++completed;
      it = ids.erase(it);
    }
    // Sleep only when this pass made no progress and nothing is waiting to be collected.
    if (completed == completed_before && !client_->PrepareWait()) {
      ASSERT_TRUE(waiter_->WaitForEvent(5 * kSecond)) << "lost wakeup: commands in flight";
      client_->OnNotification();
    }
  }
  const uint64_t linux_delta = client_->counters().notify_sent - linux_sent;
  rtos_->Stop();
  const uint64_t rtos_delta = rtos_->server().counters().notify_sent - 2;
  const double per_command = static_cast<double>(linux_delta + rtos_delta) / kCommands;
  std::printf(
      "[ figures  ] burst of %u: %llu Linux->RTOS + %llu RTOS->Linux notifications = "
      "%.4f per command\n",
      kCommands, static_cast<unsigned long long>(linux_delta),
      static_cast<unsigned long long>(rtos_delta), per_command);
  EXPECT_EQ(rtos_->server().counters().requests, kCommands);
  // Structural bound: at most one notification each way per ring-full batch.
  EXPECT_LE(per_command, 2.0 / kSlotCount + 0.01);
}

TEST_F(Threads, RtosRestartFailsWaitersPromptlyAndReconnects) {
  ASSERT_TRUE(client_->Call(MakeRequest(Op::kPing), *waiter_, 5 * kSecond).ok());
  rtos_->Stop();
  Result<uint64_t, ClientStatus> id = client_->Submit(MakeRequest(Op::kPing));
  ASSERT_TRUE(id.ok());
  client_->Flush();
  std::thread restarter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    rtos_->Start();  // Init() bumps the generation and notifies
  });
  Result<Response, ClientStatus> r = client_->Wait(id.value(), *waiter_, 5 * kSecond);
  restarter.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ClientStatus::kPeerReset);
  ASSERT_TRUE(client_->WaitConnected(*waiter_, 5 * kSecond).ok());
  Result<Response, ClientStatus> after =
      client_->Call(MakeRequest(Op::kPing, 77), *waiter_, 5 * kSecond);
  ASSERT_TRUE(after.ok()) << ClientStatusName(after.error());
  EXPECT_EQ(after.value().result[0], 77u);
}

TEST_F(Threads, LinuxRestartReconnects) {
  ASSERT_TRUE(client_->Submit(MakeRequest(Op::kPing)).ok());
  client_->Flush();
  // Linux "crashes" with a command in flight; a new client takes over the same pages.
  client_ = std::make_unique<Client>(linux_map_->requests(), linux_map_->responses(), *notifier_);
  ASSERT_TRUE(client_->Connect().ok());
  ASSERT_TRUE(client_->WaitConnected(*waiter_, 5 * kSecond).ok());
  for (uint32_t i = 0; i < 100; ++i) {
    Result<Response, ClientStatus> r =
        client_->Call(MakeRequest(Op::kPing, i), *waiter_, 5 * kSecond);
    ASSERT_TRUE(r.ok()) << ClientStatusName(r.error());
    EXPECT_EQ(r.value().result[0], i);
  }
}

TEST_F(Threads, TimeoutWhenRtosIsGone) {
  rtos_->Stop();
  host::EventFdWaiter clock(-1);
  const uint64_t start = clock.NowNs();
  Result<Response, ClientStatus> r = client_->Call(MakeRequest(Op::kPing), *waiter_, kSecond / 20);
  const uint64_t elapsed = clock.NowNs() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), ClientStatus::kTimeout);
  EXPECT_GE(elapsed, kSecond / 20);
  EXPECT_LT(elapsed, kSecond);
  // The abandoned command's slot comes back once the RTOS answers it.
  rtos_->Start();
  ASSERT_TRUE(client_->WaitConnected(*waiter_, 5 * kSecond).ok());
  ASSERT_TRUE(client_->Call(MakeRequest(Op::kPing), *waiter_, 5 * kSecond).ok());
}

}  // namespace
}  // namespace tandem::channel
