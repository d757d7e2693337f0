#include "tandem/xen/xenstore_status.h"

namespace tandem::xen {
namespace {

struct ErrorName {
  const char* name;
  XsStatus status;
};

// The strings of xs_wire.h's xsd_errors table.
constexpr ErrorName kErrors[] = {
    {"EINVAL", XsStatus::kInvalid},     {"EACCES", XsStatus::kAccess},
    {"EEXIST", XsStatus::kExists},      {"EISDIR", XsStatus::kIsDirectory},
    {"ENOENT", XsStatus::kNoEntry},     {"ENOMEM", XsStatus::kNoMemory},
    {"ENOSPC", XsStatus::kNoSpace},     {"EIO", XsStatus::kIo},
    {"ENOTEMPTY", XsStatus::kNotEmpty}, {"ENOSYS", XsStatus::kNotSupported},
    {"EROFS", XsStatus::kReadOnly},     {"EBUSY", XsStatus::kStoreBusy},
    {"EAGAIN", XsStatus::kAgain},       {"EISCONN", XsStatus::kIsConnected},
    {"E2BIG", XsStatus::kTooBig},       {"EPERM", XsStatus::kPermission},
};

}  // namespace

XsStatus XsStatusFromErrorString(const char* text, size_t len) {
  if (len > 0 && text[len - 1] == '\0') --len;
  for (const auto& e : kErrors) {
    size_t i = 0;
    while (i < len && e.name[i] != '\0' && e.name[i] == text[i]) ++i;
    if (i == len && e.name[i] == '\0') return e.status;
  }
  return XsStatus::kUnknownError;
}

const char* XsStatusName(XsStatus status) {
  switch (status) {
    case XsStatus::kOk:
      return "ok";
    case XsStatus::kNotConnected:
      return "XenStore not connected";
    case XsStatus::kBusy:
      return "a XenStore request is already in flight";
    case XsStatus::kTooLong:
      return "XenStore request too long";
    case XsStatus::kBrokenPeer:
      return "XenStore ring broken by the peer";
    case XsStatus::kTimeout:
      return "XenStore timeout";
    case XsStatus::kBadReply:
      return "malformed XenStore reply";
    case XsStatus::kBufferTooSmall:
      return "buffer too small for the XenStore reply";
    case XsStatus::kInvalid:
      return "EINVAL";
    case XsStatus::kAccess:
      return "EACCES";
    case XsStatus::kExists:
      return "EEXIST";
    case XsStatus::kIsDirectory:
      return "EISDIR";
    case XsStatus::kNoEntry:
      return "ENOENT";
    case XsStatus::kNoMemory:
      return "ENOMEM";
    case XsStatus::kNoSpace:
      return "ENOSPC";
    case XsStatus::kIo:
      return "EIO";
    case XsStatus::kNotEmpty:
      return "ENOTEMPTY";
    case XsStatus::kNotSupported:
      return "ENOSYS";
    case XsStatus::kReadOnly:
      return "EROFS";
    case XsStatus::kStoreBusy:
      return "EBUSY";
    case XsStatus::kAgain:
      return "EAGAIN";
    case XsStatus::kIsConnected:
      return "EISCONN";
    case XsStatus::kTooBig:
      return "E2BIG";
    case XsStatus::kPermission:
      return "EPERM";
    case XsStatus::kUnknownError:
      return "unknown XenStore error";
  }
  return "unknown";
}

}  // namespace tandem::xen
