#include "tandem/xen/status.h"

#include <gtest/gtest.h>

#include "fake_hypervisor.h"
#include "tandem/xen/abi.h"
#include "tandem/xen/hypervisor.h"

namespace tandem::xen {
namespace {

using testing::Call;
using testing::FakeHypervisor;

TEST(XenStatusTest, ErrnoBecomesTypedStatus) {
  EXPECT_EQ(StatusFromErrno(0), XenStatus::kOk);
  EXPECT_EQ(StatusFromErrno(5), XenStatus::kOk);
  EXPECT_EQ(StatusFromErrno(-XEN_EPERM), XenStatus::kPermission);
  EXPECT_EQ(StatusFromErrno(-XEN_EACCES), XenStatus::kPermission);
  EXPECT_EQ(StatusFromErrno(-XEN_ENOENT), XenStatus::kNoEntry);
  EXPECT_EQ(StatusFromErrno(-XEN_EAGAIN), XenStatus::kAgain);
  EXPECT_EQ(StatusFromErrno(-XEN_ENOMEM), XenStatus::kNoMemory);
  EXPECT_EQ(StatusFromErrno(-XEN_EINVAL), XenStatus::kInvalid);
  EXPECT_EQ(StatusFromErrno(-XEN_ENOSYS), XenStatus::kNotImplemented);
  EXPECT_EQ(StatusFromErrno(-XEN_ESRCH), XenStatus::kBadDomain);
  EXPECT_EQ(StatusFromErrno(-9999), XenStatus::kOther);
}

TEST(XenStatusTest, GntstBecomesTypedStatus) {
  EXPECT_EQ(StatusFromGntst(GNTST_okay), XenStatus::kOk);
  EXPECT_EQ(StatusFromGntst(GNTST_bad_domain), XenStatus::kBadDomain);
  EXPECT_EQ(StatusFromGntst(GNTST_permission_denied), XenStatus::kPermission);
  EXPECT_EQ(StatusFromGntst(GNTST_eagain), XenStatus::kAgain);
  EXPECT_EQ(StatusFromGntst(GNTST_bad_page), XenStatus::kBadPage);
  EXPECT_EQ(StatusFromGntst(-100), XenStatus::kOther);
}

TEST(XenStatusTest, EveryStatusHasAName) {
  for (int s = 0; s <= static_cast<int>(XenStatus::kOther); ++s) {
    EXPECT_STRNE(XenStatusName(static_cast<XenStatus>(s)), "unknown");
  }
}

TEST(HypervisorTest, GetHvmParamAsksForThisDomainAndReturnsValue) {
  FakeHypervisor hv([](Call call, unsigned int cmd, void* arg, unsigned int) -> long {
    EXPECT_EQ(call, Call::kHvmOp);
    EXPECT_EQ(cmd, static_cast<unsigned>(HVMOP_get_param));
    auto* p = static_cast<xen_hvm_param_t*>(arg);
    EXPECT_EQ(p->domid, DOMID_SELF);
    if (p->index != HVM_PARAM_STORE_PFN) return -XEN_EINVAL;
    p->value = 0x40123;
    return 0;
  });
  auto pfn = GetHvmParam(hv, HVM_PARAM_STORE_PFN);
  ASSERT_TRUE(pfn.ok());
  EXPECT_EQ(pfn.value(), 0x40123u);
  auto bad = GetHvmParam(hv, HVM_PARAM_CONSOLE_PFN);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), XenStatus::kInvalid);
  EXPECT_EQ(hv.CountOf(Call::kHvmOp, HVMOP_get_param), 2u);
}

TEST(HypervisorTest, XenVersionIsReturnedValue) {
  FakeHypervisor hv([](Call, unsigned int cmd, void*, unsigned int) -> long {
    return cmd == XENVER_version ? (4 << 16) | 17 : -XEN_ENOSYS;
  });
  auto v = GetXenVersion(hv);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value() >> 16, 4u);
  EXPECT_EQ(v.value() & 0xffff, 17u);
}

}  // namespace
}  // namespace tandem::xen
