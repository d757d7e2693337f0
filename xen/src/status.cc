#include "tandem/xen/status.h"

#include "tandem/xen/abi.h"

namespace tandem::xen {

const char* XenStatusName(XenStatus status) {
  switch (status) {
    case XenStatus::kOk:
      return "ok";
    case XenStatus::kPermission:
      return "permission denied";
    case XenStatus::kNoEntry:
      return "no such entry";
    case XenStatus::kAgain:
      return "try again";
    case XenStatus::kNoMemory:
      return "out of memory";
    case XenStatus::kFault:
      return "bad address";
    case XenStatus::kBusy:
      return "busy";
    case XenStatus::kExists:
      return "already exists";
    case XenStatus::kInvalid:
      return "invalid argument";
    case XenStatus::kNoSpace:
      return "no space";
    case XenStatus::kNotImplemented:
      return "not implemented";
    case XenStatus::kBadDomain:
      return "bad domain";
    case XenStatus::kBadPage:
      return "bad page";
    case XenStatus::kBadArgument:
      return "bad argument (rejected before the hypercall)";
    case XenStatus::kInUse:
      return "grant still in use by the peer";
    case XenStatus::kNotReady:
      return "not ready";
    case XenStatus::kBrokenPeer:
      return "peer broke the shared ring protocol";
    case XenStatus::kOther:
      return "other error";
  }
  return "unknown";
}

XenStatus StatusFromErrno(long raw) {
  if (raw >= 0) return XenStatus::kOk;
  switch (-raw) {
    case XEN_EPERM:
    case XEN_EACCES:
      return XenStatus::kPermission;
    case XEN_ENOENT:
      return XenStatus::kNoEntry;
    case XEN_EAGAIN:
      return XenStatus::kAgain;
    case XEN_ENOMEM:
      return XenStatus::kNoMemory;
    case XEN_EFAULT:
      return XenStatus::kFault;
    case XEN_EBUSY:
      return XenStatus::kBusy;
    case XEN_EEXIST:
      return XenStatus::kExists;
    case XEN_EINVAL:
      return XenStatus::kInvalid;
    case XEN_ENOSPC:
      return XenStatus::kNoSpace;
    case XEN_ENOSYS:
    case XEN_EOPNOTSUPP:
      return XenStatus::kNotImplemented;
    case XEN_ESRCH:
      return XenStatus::kBadDomain;
    default:
      return XenStatus::kOther;
  }
}

XenStatus StatusFromGntst(int16_t gntst) {
  switch (gntst) {
    case GNTST_okay:
      return XenStatus::kOk;
    case GNTST_general_error:
      return XenStatus::kInvalid;
    case GNTST_bad_domain:
      return XenStatus::kBadDomain;
    case GNTST_bad_gntref:
      return XenStatus::kInvalid;
    case GNTST_bad_handle:
      return XenStatus::kInvalid;
    case GNTST_bad_virt_addr:
      return XenStatus::kFault;
    case GNTST_bad_dev_addr:
      return XenStatus::kFault;
    case GNTST_no_device_space:
      return XenStatus::kNoMemory;
    case GNTST_permission_denied:
      return XenStatus::kPermission;
    case GNTST_bad_page:
      return XenStatus::kBadPage;
    case GNTST_bad_copy_arg:
      return XenStatus::kInvalid;
    case GNTST_address_too_big:
      return XenStatus::kNotImplemented;
    case GNTST_eagain:
      return XenStatus::kAgain;
    default:
      return XenStatus::kOther;
  }
}

}  // namespace tandem::xen
