// ProcessesWithOpen over a /proc tree made in a temporary directory: who holds the device, by
// pid and command name, ourselves and non-pid entries left out.
#include "libtandem/process_scan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace libtandem {
namespace {

namespace fs = std::filesystem;

class ProcessScanTest : public ::testing::Test {
 protected:
  ProcessScanTest() : root_(fs::path(::testing::TempDir()) / "process_scan_proc") {
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~ProcessScanTest() override { fs::remove_all(root_); }

  // /proc/<pid>/comm and one fd/<n> symlink per target.
  void Process(const std::string& pid, const std::string& comm,
               const std::vector<std::string>& fds) {
    fs::create_directories(root_ / pid / "fd");
    std::ofstream(root_ / pid / "comm") << comm << "\n";
    for (size_t i = 0; i < fds.size(); ++i) {
      fs::create_symlink(fds[i], root_ / pid / "fd" / std::to_string(i));
    }
  }

  fs::path root_;
};

TEST_F(ProcessScanTest, FindsTheHoldersOfTheDeviceInPidOrder) {
  Process("4242", "tandem-bench", {"/dev/null", "/dev/xen/evtchn", "/dev/xen/gntdev"});
  Process("312", "xenstored", {"/dev/xen/evtchn"});
  Process("77", "bash", {"/dev/pts/0"});
  Process("1000", "tandemctl", {"/dev/xen/evtchn"});  // ourselves
  Process("self", "tandemctl", {"/dev/xen/evtchn"});  // not a pid directory
  fs::create_directories(root_ / "55");               // a process whose fds we may not read
  const std::vector<ProcessInfo> found = ProcessesWithOpen(root_, "/dev/xen/evtchn", 1000);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].pid, 312);
  EXPECT_EQ(found[0].command, "xenstored");
  EXPECT_EQ(found[1].pid, 4242);
  EXPECT_EQ(found[1].command, "tandem-bench");
}

TEST_F(ProcessScanTest, NoProcDirectoryFindsNobody) {
  EXPECT_TRUE(ProcessesWithOpen((root_ / "absent").string(), "/dev/xen/evtchn", 0).empty());
}

}  // namespace
}  // namespace libtandem
