// tandemd's Daemon run on a thread over the fake Xen, with clients on real Unix sockets in a
// temporary directory. Only the daemon's thread touches the FakeXen while it runs (the fake is
// not thread-safe); tests steer the fake RTOS through atomics read in its hooks, which run on
// that thread.
#ifndef TESTS_UNIT_LINUX_DAEMON_FIXTURE_H_
#define TESTS_UNIT_LINUX_DAEMON_FIXTURE_H_

#include <gtest/gtest.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "daemon.h"
#include "fake_xen.h"
#include "instance.h"
#include "libtandem/daemon_port.h"
#include "libtandem/daemon_wire.h"
#include "tandem/channel/shared_access.h"

namespace libtandem::testing {

// Waits (up to 5 s) until `done()`.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 5000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

class DaemonTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kTimeoutNs = 5'000'000'000;

  DaemonTest() : rtos_(xen_, 3, "tandem-rt") {
    xen_.store["/local/domain/0/name"] = "Domain-0";
    rtos_.Publish();
    char dir[] = "/tmp/tandemd-test-XXXXXX";
    dir_ = mkdtemp(dir);
    path_ = daemon::SocketPath(dir_, "tandem-rt");
    // The RTOS answers only while not held (checked on the daemon's thread).
    xen_.on_wait = [this] { rtos_.responsive = !hold_.load(); };
  }
  ~DaemonTest() override {
    Stop();
    std::filesystem::remove_all(dir_);
  }

  void Start(tandemd::DaemonConfig config = {}) {
    Result<std::unique_ptr<Session>> s = Session::Open(xen_, 3, kTimeoutNs);
    ASSERT_TRUE(s.ok()) << s.error().message;
    Result<int> fd = tandemd::Listen(path_, 0600);
    ASSERT_TRUE(fd.ok()) << fd.error().message;
    config.selector = DomainSelector{DomainSelector::By::kName, 0, "tandem-rt"};
    config.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_ += line + "\n";
    };
    DomainEntry domain;
    domain.domid = 3;
    domain.name = "tandem-rt";
    daemon_ =
        std::make_unique<tandemd::Daemon>(xen_, std::move(s.value()), domain, fd.value(), config);
    ASSERT_EQ(pipe(stop_), 0);
    thread_ = std::thread([this] { run_ = daemon_->Run(stop_[0]); });
  }

  void Stop() {
    if (!thread_.joinable()) return;
    ASSERT_EQ(write(stop_[1], "x", 1), 1);
    thread_.join();
    close(stop_[0]);
    close(stop_[1]);
  }

  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mutex_);
    return log_;
  }

  // Requests the daemon has published on the channel so far (an atomic read of the shared
  // page, as the RTOS reads it).
  uint32_t Published() {
    return tandem::channel::LoadAcquire(&rtos_.request_page->header.req_prod);
  }

  std::unique_ptr<DaemonPort> Client() {
    Result<std::unique_ptr<DaemonPort>> p = DaemonPort::Connect(path_, kTimeoutNs);
    EXPECT_TRUE(p.ok()) << p.error().message;
    EXPECT_NE(p.ok() ? p.value().get() : nullptr, nullptr);
    return p.ok() ? std::move(p.value()) : nullptr;
  }

  // A raw client, for what DaemonPort would never send.
  int RawClient() {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    EXPECT_EQ(connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    return fd;
  }

  FakeXen xen_;
  FakeRtos rtos_;
  std::string dir_, path_;
  std::atomic<bool> hold_{false};
  std::unique_ptr<tandemd::Daemon> daemon_;
  std::thread thread_;
  int stop_[2] = {-1, -1};
  Result<void> run_ = Result<void>();
  std::mutex log_mutex_;
  std::string log_;
};

}  // namespace libtandem::testing

#endif  // TESTS_UNIT_LINUX_DAEMON_FIXTURE_H_
