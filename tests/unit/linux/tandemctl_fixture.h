// tandemctl run in process over the fake Xen: one published RTOS (domain 3, "tandem-rt") and
// dom0's name node, as `xl list` would show them. Shared by the tandemctl test files.
#ifndef TESTS_UNIT_LINUX_TANDEMCTL_FIXTURE_H_
#define TESTS_UNIT_LINUX_TANDEMCTL_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <vector>

#include "cli.h"
#include "fake_xen.h"

namespace libtandem::testing {

class TandemctlTest : public ::testing::Test {
 protected:
  TandemctlTest() : rtos_(xen_, 3, "tandem-rt") {
    xen_.store["/local/domain/0/name"] = "Domain-0";
    rtos_.Publish();
  }

  // Runs `tandemctl args...`; returns the exit status, output in out_ and err_.
  int Run(std::vector<const char*> args) {
    args.insert(args.begin(), "tandemctl");
    out_.str("");
    err_.str("");
    return tandemctl::RunTandemctl(
        static_cast<int>(args.size()), args.data(),
        [this]() -> Result<std::unique_ptr<XenBackend>> {
          if (no_xen_) {
            return Fail(Errc::kXen, "not running in a Xen domain", "run it in dom0");
          }
          return std::unique_ptr<XenBackend>(std::make_unique<BorrowedXen>(xen_));
        },
        out_, err_);
  }

  FakeXen xen_;
  FakeRtos rtos_;
  bool no_xen_ = false;
  std::ostringstream out_, err_;
};

}  // namespace libtandem::testing

#endif  // TESTS_UNIT_LINUX_TANDEMCTL_FIXTURE_H_
