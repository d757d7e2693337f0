// The real XenBackend on a machine that is not a Xen domain (the build host, CI): opening it must
// fail cleanly with kXen and say why, never crash or hang.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "libtandem/xen_backend.h"

namespace libtandem {
namespace {

bool OnXen() {
  std::ifstream f("/sys/hypervisor/type");
  std::string t;
  return f && (f >> t) && t == "xen";
}

TEST(RealBackend, OutsideXenFailsWithAClearMessage) {
  if (OnXen()) GTEST_SKIP() << "running in a Xen domain";
  auto b = OpenXenBackend();
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, Errc::kXen);
  EXPECT_NE(b.error().message.find("not running in a Xen domain"), std::string::npos)
      << b.error().message;
  EXPECT_NE(b.error().hint.find("dom0"), std::string::npos);
}

}  // namespace
}  // namespace libtandem
