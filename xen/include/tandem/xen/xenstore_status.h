// XsStatus: outcomes of XenStore requests, including the errno names xenstored sends back in an
// XS_ERROR reply (xen/io/xs_wire.h, "We hand errors as strings, for portability").
#ifndef TANDEM_XEN_XENSTORE_STATUS_H_
#define TANDEM_XEN_XENSTORE_STATUS_H_

#include <stddef.h>
#include <stdint.h>

#include "tandem/result.h"

namespace tandem::xen {

enum class XsStatus : uint8_t {
  kOk,
  // Raised by the client.
  kNotConnected,    // no ring attached yet, or xenstored has not (re)connected the ring
  kBusy,            // a request is already in flight
  kTooLong,         // request payload above XENSTORE_PAYLOAD_MAX
  kBrokenPeer,      // impossible ring indices or message length: the ring is not used again
  kTimeout,         // the injected wait gave up before the reply came
  kBadReply,        // reply of the wrong type or malformed
  kBufferTooSmall,  // the caller's buffer cannot hold the reply
  // Sent by xenstored in XS_ERROR (xs_wire.h xsd_errors).
  kInvalid,       // EINVAL
  kAccess,        // EACCES
  kExists,        // EEXIST
  kIsDirectory,   // EISDIR
  kNoEntry,       // ENOENT
  kNoMemory,      // ENOMEM
  kNoSpace,       // ENOSPC
  kIo,            // EIO
  kNotEmpty,      // ENOTEMPTY
  kNotSupported,  // ENOSYS
  kReadOnly,      // EROFS
  kStoreBusy,     // EBUSY
  kAgain,         // EAGAIN: transaction conflict, retry the whole transaction
  kIsConnected,   // EISCONN
  kTooBig,        // E2BIG
  kPermission,    // EPERM
  kUnknownError,  // any other XS_ERROR string
};

const char* XsStatusName(XsStatus status);

// The XS_ERROR payload (an errno name, NUL-terminated or not) -> XsStatus.
XsStatus XsStatusFromErrorString(const char* text, size_t len);

}  // namespace tandem::xen

#endif  // TANDEM_XEN_XENSTORE_STATUS_H_
