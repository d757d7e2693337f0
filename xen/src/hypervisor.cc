#include "tandem/xen/hypervisor.h"

namespace tandem::xen {

XenResult<uint64_t> GetHvmParam(Hypervisor& hv, uint32_t index) {
  xen_hvm_param_t param{};
  param.domid = DOMID_SELF;
  param.index = index;
  auto rc = hv.HvmOp(HVMOP_get_param, &param);
  if (!rc.ok()) return MakeError(rc.error());
  return uint64_t{param.value};
}

XenResult<uint32_t> GetXenVersion(Hypervisor& hv) {
  auto rc = hv.XenVersion(XENVER_version, nullptr);
  if (!rc.ok()) return MakeError(rc.error());
  return static_cast<uint32_t>(rc.value());
}

}  // namespace tandem::xen
