// PvControl against FakeXenstored: the toolstack's side of `xl shutdown` / `xl reboot` is a
// write to control/shutdown and a wait for the node to become empty.
#include "tandem/xen/pv_control.h"

#include <gtest/gtest.h>
#include <xen/sched.h>

#include <memory>
#include <string>

#include "xenstore_fixture.h"

namespace tandem::xen {
namespace {

using testing::XenStoreTest;

class PvControlTest : public XenStoreTest {
 protected:
  // What xl does: write the request; the guest's watch then fires.
  void Toolstack(const std::string& request) { xs_->store["control/shutdown"] = request; }

  // Made after the fixture's SetUp has made the client.
  void SetUp() override {
    XenStoreTest::SetUp();
    control_ptr_ = std::make_unique<PvControl>(*client_);
  }
  PvControl& control() { return *control_ptr_; }
  std::unique_ptr<PvControl> control_ptr_;
};

TEST_F(PvControlTest, StartAdvertisesTheFeaturesAndWatchesTheNode) {
  ASSERT_TRUE(control().Start().ok());
  EXPECT_TRUE(control().started());
  EXPECT_EQ(xs_->store["control/feature-poweroff"], "1");
  EXPECT_EQ(xs_->store["control/feature-reboot"], "1");
  ASSERT_EQ(xs_->watches.size(), 2u);
  EXPECT_EQ(xs_->watches[0].first, "control/shutdown");
  EXPECT_EQ(xs_->watches[0].second, PvControl::kWatchToken);
  EXPECT_EQ(xs_->watches[1].first, "control/sysrq");
  EXPECT_EQ(xs_->watches[1].second, PvControl::kWatchToken);
  // A watch fires once at registration; the event follows the reply on the ring.
  xs_->Step();
  ASSERT_TRUE(conn_->Poll().ok());
  XsWatchEvent event;
  ASSERT_TRUE(conn_->PopWatchEvent(&event));
  EXPECT_STREQ(event.token, PvControl::kWatchToken);
}

TEST_F(PvControlTest, PoweroffAndHaltAreAcknowledgedThenReturned) {
  for (const char* request : {"poweroff", "halt"}) {
    Toolstack(request);
    auto r = control().Check();
    ASSERT_TRUE(r.ok()) << request;
    EXPECT_EQ(r.value(), ShutdownRequest::kPoweroff) << request;
    EXPECT_EQ(xs_->store["control/shutdown"], "") << "acknowledged: the toolstack stops waiting";
  }
  EXPECT_EQ(ShutdownReason(ShutdownRequest::kPoweroff), unsigned{SHUTDOWN_poweroff});
}

TEST_F(PvControlTest, RebootIsAcknowledgedWithItsOwnReason) {
  Toolstack("reboot");
  auto r = control().Check();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), ShutdownRequest::kReboot);
  EXPECT_EQ(xs_->store["control/shutdown"], "");
  EXPECT_EQ(ShutdownReason(ShutdownRequest::kReboot), unsigned{SHUTDOWN_reboot});
}

TEST_F(PvControlTest, NothingAskedIsNone) {
  auto absent = control().Check();
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent.value(), ShutdownRequest::kNone);
  Toolstack("");
  auto empty = control().Check();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value(), ShutdownRequest::kNone);
  EXPECT_EQ(xs_->requests.back().header.type, uint32_t{XS_READ}) << "no write without a request";
}

TEST_F(PvControlTest, UnknownRequestsAreRefusedOnceAndLeftUnacknowledged) {
  for (const std::string& request :
       {std::string("suspend"), std::string("crash"), std::string("\xff\x01", 2),
        std::string(200, 'x'), std::string("poweroff\n")}) {
    Toolstack(request);
    auto first = control().Check();
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first.value(), ShutdownRequest::kRefused);
    EXPECT_EQ(xs_->store["control/shutdown"], request) << "left for the toolstack to time out";
    auto again = control().Check();  // the same value again (e.g. another watch event)
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), ShutdownRequest::kNone) << "reported once";
  }
  Toolstack("poweroff");  // a valid request after refused ones is still honoured
  auto r = control().Check();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), ShutdownRequest::kPoweroff);
}

TEST_F(PvControlTest, StoreErrorsAreReturned) {
  xs_->override = [](testing::FakeXenstored& xs, const testing::FakeXenstored::Request& r) {
    if (r.header.type != XS_WRITE) return false;
    xs.Reply(r.header, XS_ERROR, std::string("EACCES") + '\0');
    return true;
  };
  // The features are advertised best effort: a read-only control/ still gets the watch.
  ASSERT_TRUE(control().Start().ok());
  EXPECT_TRUE(control().started());
  Toolstack("poweroff");
  auto r = control().Check();
  ASSERT_FALSE(r.ok()) << "an unacknowledged request is not acted on";
  EXPECT_EQ(r.error(), XsStatus::kAccess);
}

TEST_F(PvControlTest, RefusedWatchIsReturnedAndStartCanBeRetried) {
  xs_->override = [](testing::FakeXenstored& xs, const testing::FakeXenstored::Request& r) {
    if (r.header.type != XS_WATCH) return false;
    xs.Reply(r.header, XS_ERROR, std::string("ENOSPC") + '\0');
    return true;
  };
  EXPECT_EQ(control().Start().error(), XsStatus::kNoSpace);
  EXPECT_FALSE(control().started());
  xs_->override = nullptr;
  EXPECT_TRUE(control().Start().ok());
  EXPECT_TRUE(control().started());
}

TEST_F(PvControlTest, ARetryPlacesOnlyTheWatchesStillMissing) {
  int watches = 0;
  xs_->override = [&watches](testing::FakeXenstored& xs, const testing::FakeXenstored::Request& r) {
    if (r.header.type != XS_WATCH || ++watches != 2) return false;
    xs.Reply(r.header, XS_ERROR, std::string("ENOSPC") + '\0');  // the second one, once
    return true;
  };
  EXPECT_EQ(control().Start().error(), XsStatus::kNoSpace);
  EXPECT_TRUE(control().Start().ok());
  ASSERT_EQ(xs_->watches.size(), 2u) << "control/shutdown is not watched twice";
  EXPECT_EQ(xs_->watches[1].first, "control/sysrq");
}

// `xl sysrq DOMAIN c` (libxl_send_sysrq): one character in control/sysrq, which the guest clears.
TEST_F(PvControlTest, SysrqKeyIsAcknowledgedThenReturned) {
  auto none = control().CheckSysrq();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.value(), '\0');
  xs_->store["control/sysrq"] = "c";
  auto key = control().CheckSysrq();
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value(), 'c');
  EXPECT_EQ(xs_->store["control/sysrq"], "") << "cleared, as Linux's sysrq handler does";
  auto after = control().CheckSysrq();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.value(), '\0') << "the cleared node is no second key";
}

TEST_F(PvControlTest, SysrqValueLongerThanAKeyIsClearedAsUnknown) {
  xs_->store["control/sysrq"] = "crash";
  auto key = control().CheckSysrq();
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value(), '?');
  EXPECT_EQ(xs_->store["control/sysrq"], "");
}

}  // namespace
}  // namespace tandem::xen
