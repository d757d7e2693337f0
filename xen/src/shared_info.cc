#include "tandem/xen/shared_info.h"

namespace tandem::xen {

XenResult<shared_info*> MapSharedInfo(Hypervisor& hv, void* page, uint64_t page_gpa) {
  if (page == nullptr || reinterpret_cast<uintptr_t>(page) % kPageSize != 0 ||
      page_gpa % kPageSize != 0) {
    return MakeError(XenStatus::kBadArgument);
  }
  xen_add_to_physmap_t map{};
  map.domid = DOMID_SELF;
  map.space = XENMAPSPACE_shared_info;
  map.idx = 0;
  map.gpfn = page_gpa >> kPageShift;
  auto rc = hv.MemoryOp(XENMEM_add_to_physmap, &map);
  if (!rc.ok()) return MakeError(rc.error());
  return static_cast<shared_info*>(page);
}

}  // namespace tandem::xen
