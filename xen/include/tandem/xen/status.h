// XenStatus: the typed form of a hypercall's raw return (negative Xen errno, xen/errno.h) and of
// a grant-table operation's per-entry status (GNTST_*, xen/grant_table.h). Plain ints stop here.
#ifndef TANDEM_XEN_STATUS_H_
#define TANDEM_XEN_STATUS_H_

#include <stdint.h>

#include "tandem/result.h"

namespace tandem::xen {

enum class XenStatus : uint8_t {
  kOk,
  kPermission,      // -EPERM / -EACCES / GNTST_permission_denied
  kNoEntry,         // -ENOENT
  kAgain,           // -EAGAIN / GNTST_eagain
  kNoMemory,        // -ENOMEM / GNTST_no_device_space
  kFault,           // -EFAULT / GNTST_bad_virt_addr
  kBusy,            // -EBUSY
  kExists,          // -EEXIST
  kInvalid,         // -EINVAL / GNTST_general_error / GNTST_bad_gntref / bad handle
  kNoSpace,         // -ENOSPC
  kNotImplemented,  // -ENOSYS / -EOPNOTSUPP / GNTST_address_too_big
  kBadDomain,       // -ESRCH / GNTST_bad_domain
  kBadPage,         // GNTST_bad_page
  kBadArgument,     // rejected by this layer before any hypercall
  kInUse,           // grant still mapped by the peer (GTF_reading/GTF_writing)
  kNotReady,        // e.g. HVM param not yet set (dom0less XenStore page)
  kBrokenPeer,      // a shared ring's indices are impossible: the peer is broken (XSA-86)
  kOther,           // any other errno / GNTST value
};

const char* XenStatusName(XenStatus status);

// Hypercalls return a non-negative value (often 0) or -errno.
template <typename T>
using XenResult = Result<T, XenStatus>;

// -errno (xen/errno.h values) -> XenStatus; non-negative -> kOk.
XenStatus StatusFromErrno(long raw);
// GNTST_* (xen/grant_table.h) -> XenStatus.
XenStatus StatusFromGntst(int16_t gntst);

// Raw hypercall return -> its value or its typed error.
inline XenResult<long> FromRaw(long raw) {
  if (raw >= 0) return raw;
  return MakeError(StatusFromErrno(raw));
}

}  // namespace tandem::xen

#endif  // TANDEM_XEN_STATUS_H_
