// Where the toolstack puts a guest's "magic" pages (XenStore ring, PV console ring): the
// GUEST_MAGIC_BASE/SIZE region of xen/arch-arm.h. Xen hides it from guests' view of the header
// (it is inside `#if defined(__XEN__) || defined(__XEN_TOOLS__)`) and from the device tree, yet
// libxl and init-dom0less place HVM_PARAM_STORE_PFN / HVM_PARAM_CONSOLE_PFN there. This one
// translation unit reads the header the way the tools do, so the numbers are Xen's, not retyped.
#define __XEN_TOOLS__ 1
#include "xen_magic.h"

#include <xen/xen.h>

namespace tandem::arm64 {
extern const uint64_t kXenMagicBase = GUEST_MAGIC_BASE;
extern const uint64_t kXenMagicSize = GUEST_MAGIC_SIZE;
}  // namespace tandem::arm64
