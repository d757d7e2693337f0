// The shared_info page: where Xen publishes event-channel pending/mask bits and vCPU 0's
// vcpu_info (xen/xen.h struct shared_info). On ARM the guest chooses the frame and asks Xen to
// put the page there (xen/arch-arm.h: XENMEM_add_to_physmap with XENMAPSPACE_shared_info).
#ifndef TANDEM_XEN_SHARED_INFO_H_
#define TANDEM_XEN_SHARED_INFO_H_

#include <stdint.h>

#include "tandem/xen/abi.h"
#include "tandem/xen/hypervisor.h"

namespace tandem::xen {

// Maps shared_info at guest physical page `page_gpa`, which the caller's `page` (4 KiB, aligned,
// normal write-back memory, see arch-arm.h) addresses. The page's old contents are replaced.
// Returns `page` as shared_info*, or kBadArgument for a misaligned page, or Xen's error.
XenResult<shared_info*> MapSharedInfo(Hypervisor& hv, void* page, uint64_t page_gpa);

}  // namespace tandem::xen

#endif  // TANDEM_XEN_SHARED_INFO_H_
