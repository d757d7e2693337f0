// The --domain rule (docs/tandemctl.md, "Choosing the domain", issue 11): all digits is a domain
// id, anything else a name; an empty, negative or out-of-range value is a usage error before Xen
// is asked, and dom0 is not taken for an RTOS domain.
#include <gtest/gtest.h>

#include <string>

#include "tandemctl_fixture.h"

namespace libtandem::testing {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class TandemctlDomainTest : public TandemctlTest {
 protected:
  // A malformed --domain is refused from the command line alone: also where Xen is absent.
  std::string RefusedEverywhere(std::vector<const char*> args) {
    no_xen_ = true;
    EXPECT_EQ(Run(args), 2) << err_.str();
    no_xen_ = false;
    EXPECT_EQ(Run(args), 2) << err_.str();
    EXPECT_EQ(rtos_.commands_seen, 0u);
    return err_.str();
  }
};

TEST_F(TandemctlDomainTest, EmptyDomainIsRefusedNotTheDefault) {
  for (std::vector<const char*> args : {std::vector<const char*>{"-d", "", "ping"},
                                        std::vector<const char*>{"--domain", "", "ping"}}) {
    const std::string e = RefusedEverywhere(args);
    EXPECT_PRED2(Has, e, "--domain is empty");
    EXPECT_PRED2(Has, e, "leave --domain out");
  }
}

TEST_F(TandemctlDomainTest, NegativeIdIsRefusedNotTakenForAName) {
  const std::string e = RefusedEverywhere({"-d", "-1", "ping"});
  EXPECT_PRED2(Has, e, "--domain -1: a domain id cannot be negative");
  EXPECT_PRED2(Has, e, "1..32751");
}

TEST_F(TandemctlDomainTest, IdAboveTheDomidRangeIsRefusedNotTakenForAName) {
  for (const char* id : {"99999", "32752", "99999999999999999999999"}) {
    const std::string e = RefusedEverywhere({"-d", id, "ping"});
    EXPECT_PRED2(Has, e, std::string("--domain ") + id + ": no Xen domain has this id");
    EXPECT_PRED2(Has, e, "1..32751");
  }
  // The top of the range is an id like any other: not found here.
  EXPECT_EQ(Run({"-d", "32751", "ping"}), 3);
  EXPECT_PRED2(Has, err_.str(), "no domain with id 32751");
}

TEST_F(TandemctlDomainTest, Dom0IsNotATandemRtDomain) {
  EXPECT_EQ(Run({"-d", "0", "ping"}), 4);
  EXPECT_PRED2(Has, err_.str(), "domain 0 is dom0");
  EXPECT_PRED2(Has, err_.str(), "not a Tandem RT domain");
  EXPECT_FALSE(Has(err_.str(), "no /local/domain/0")) << err_.str();
  EXPECT_EQ(Run({"--json", "-d", "0", "ping"}), 4);
  EXPECT_PRED2(Has, out_.str(), "\"code\":\"channel-not-published\"");
}

TEST_F(TandemctlDomainTest, Dom0WithTandemLoopbackIsReachable) {
  FakeRtos loopback(xen_, 0, "Domain-0");  // tandem-loopback publishes under dom0 itself
  loopback.Publish();
  EXPECT_EQ(Run({"-d", "0", "ping"}), 0) << err_.str();
  EXPECT_PRED2(Has, out_.str(), "(domain 0)");
}

TEST_F(TandemctlDomainTest, DigitsAreAnIdAsXlReadsThem) {
  EXPECT_EQ(Run({"-d", "3", "ping"}), 0) << err_.str();
  EXPECT_EQ(Run({"-d", "03", "ping"}), 0) << err_.str();  // xl list takes 03 for domain 3 too
  EXPECT_PRED2(Has, out_.str(), "pong from tandem-rt (domain 3)");
}

}  // namespace
}  // namespace libtandem::testing
