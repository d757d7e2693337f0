// tandemd's command line and start-up (RunTandemd), and tandemctl through a running daemon.
#include <sys/stat.h>

#include <sstream>

#include "cli.h"
#include "daemon_fixture.h"
#include "startup.h"

namespace libtandem::testing {
namespace {

using Factory = std::function<Result<std::unique_ptr<XenBackend>>()>;

Factory Borrow(FakeXen& xen) {
  return [&xen]() -> Result<std::unique_ptr<XenBackend>> {
    return std::unique_ptr<XenBackend>(std::make_unique<BorrowedXen>(xen));
  };
}

Result<std::unique_ptr<XenBackend>> NoXen() {
  return Fail(Errc::kXen, "xenstored is not reachable (xs_open: Permission denied)",
              "run it as root in dom0");
}

int Tandemctl(std::vector<const char*> args, std::ostringstream& out, std::ostringstream& err) {
  args.insert(args.begin(), "tandemctl");
  return tandemctl::RunTandemctl(static_cast<int>(args.size()), args.data(), NoXen, out, err);
}

TEST_F(DaemonTest, TandemctlGoesThroughTandemdWithoutXenAccessAndSaysSo) {
  Start();
  std::ostringstream out, err;
  ASSERT_EQ(
      Tandemctl({"--socket-dir", dir_.c_str(), "-d", "tandem-rt", "--json", "gpio", "toggle", "2"},
                out, err),
      0)
      << out.str() << err.str();
  EXPECT_NE(out.str().find("\"level\":1"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("\"via\":\"" + path_ + "\""), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("\"boot_id\":\"" + BootIdText(rtos_.boot_id) + "\""), std::string::npos);
  // No --domain: the only socket there. --verbose names it.
  out.str("");
  ASSERT_EQ(Tandemctl({"--socket-dir", dir_.c_str(), "-v", "stats"}, out, err), 0) << err.str();
  EXPECT_NE(err.str().find("through tandemd at " + path_), std::string::npos) << err.str();
  EXPECT_NE(out.str().find("Channel (RTOS side):"), std::string::npos) << out.str();
  // --expect-boot-id is checked by the daemon for this client, as a direct session does.
  out.str("");
  EXPECT_EQ(
      Tandemctl({"--socket-dir", dir_.c_str(), "--expect-boot-id", "0123456789abcdef", "ping"}, out,
                err),
      12)
      << err.str();
  // Without Xen and without tandemd, the Xen error stands.
  out.str("");
  err.str("");
  EXPECT_EQ(Tandemctl({"--socket-dir", "/nonexistent", "ping"}, out, err), 8);
  EXPECT_NE(err.str().find("xenstored is not reachable"), std::string::npos) << err.str();
}

class TandemdCliTest : public ::testing::Test {
 protected:
  TandemdCliTest() : rtos_(xen_, 3, "tandem-rt") {
    xen_.store["/local/domain/0/name"] = "Domain-0";
    rtos_.Publish();
    char dir[] = "/tmp/tandemd-cli-XXXXXX";
    dir_ = mkdtemp(dir);
  }
  ~TandemdCliTest() override { std::filesystem::remove_all(dir_); }

  int Run(std::vector<const char*> args, FakeXen& xen, int stop_fd, std::ostringstream& out,
          std::ostringstream& err) {
    args.insert(args.begin(), "tandemd");
    return tandemd::RunTandemd(static_cast<int>(args.size()), args.data(), Borrow(xen), out, err,
                               stop_fd);
  }

  FakeXen xen_;
  FakeRtos rtos_;
  std::string dir_;
};

TEST_F(TandemdCliTest, ASecondTandemdForTheSameDomainRefusesToStart) {
  int stop[2];
  ASSERT_EQ(pipe(stop), 0);
  std::ostringstream out1, err1;
  int rc1 = -1;
  std::thread first([&] {
    rc1 = Run({"-d", "tandem-rt", "--socket-dir", dir_.c_str()}, xen_, stop[0], out1, err1);
  });
  const std::string sock = dir_ + "/tandem-rt.sock";
  struct stat st;
  ASSERT_TRUE(Eventually([&] { return stat(sock.c_str(), &st) == 0; }));
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "root only without --allow-uid/--allow-group";
  // Another dom0 with the same domain name, so that only tandemd's own lock can refuse it.
  FakeXen xen2;
  FakeRtos rtos2(xen2, 3, "tandem-rt");
  rtos2.Publish();
  std::ostringstream out2, err2;
  EXPECT_EQ(Run({"-d", "tandem-rt", "--socket-dir", dir_.c_str()}, xen2, stop[0], out2, err2), 11);
  EXPECT_NE(err2.str().find("another tandemd (pid " + std::to_string(getpid()) +
                            ") already serves tandem-rt"),
            std::string::npos)
      << err2.str();
  EXPECT_EQ(xen2.store.count(BackendPath(3) + "/owner"), 0u) << "it did not touch the channel";
  ASSERT_EQ(write(stop[1], "x", 1), 1);
  first.join();
  EXPECT_EQ(rc1, 0) << err1.str();
  EXPECT_NE(err1.str().find("tandemd[tandem-rt]: serving domain 3"), std::string::npos);
  EXPECT_NE(err1.str().find("tandemd[tandem-rt]: stopped"), std::string::npos) << err1.str();
  EXPECT_NE(stat(sock.c_str(), &st), 0) << "the socket is removed";
  EXPECT_EQ(xen_.store.count(BackendPath(3) + "/owner"), 0u) << "the session is closed";
  close(stop[0]);
  close(stop[1]);
}

TEST_F(TandemdCliTest, HelpAndUsageErrors) {
  std::ostringstream out, err;
  EXPECT_EQ(Run({"--help"}, xen_, -1, out, err), 0);
  for (const char* word : {"--allow-uid", "--allow-group", "--socket-dir", "-d,--domain", "SIGTERM",
                           "docs/daemon.md"}) {
    EXPECT_NE(out.str().find(word), std::string::npos) << word;
  }
  EXPECT_EQ(Run({"--allow-uid", "no-such-user-here", "-d", "tandem-rt"}, xen_, -1, out, err), 2);
  EXPECT_NE(err.str().find("--allow-uid 'no-such-user-here': no such user"), std::string::npos);
  err.str("");
  EXPECT_EQ(Run({"-d", "nosuch", "--socket-dir", dir_.c_str()}, xen_, -1, out, err), 3)
      << err.str();
}

}  // namespace
}  // namespace libtandem::testing
