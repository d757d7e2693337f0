// XenStoreClient: blocking XenStore operations over a XenStoreConnection. Each call submits one
// request and then alternates Poll() with the injected Waiter (on Tandem: wait for the store
// event channel's event, with a timeout) until the reply is there or the Waiter gives up
// (kTimeout). Operations and payloads: Xen's docs/misc/xenstore.txt. Paths may be absolute or
// relative to the domain's home (/local/domain/<domid>/).
#ifndef TANDEM_XEN_XENSTORE_CLIENT_H_
#define TANDEM_XEN_XENSTORE_CLIENT_H_

#include <stddef.h>
#include <stdint.h>

#include "tandem/xen/notifier.h"
#include "tandem/xen/xenstore_connection.h"

namespace tandem::xen {

// One entry of a node's permission list (xenstore.txt, SET_PERMS): the first entry names the
// owner and the access of every domain not listed; the others grant `access` to `domid`.
struct XsPermission {
  enum class Access : char { kNone = 'n', kRead = 'r', kWrite = 'w', kBoth = 'b' };
  Access access = Access::kNone;
  domid_t domid = 0;
};

class XenStoreClient {
 public:
  static constexpr size_t kMaxPermissions = 8;

  XenStoreClient(XenStoreConnection& connection, Waiter wait)
      : connection_(connection), wait_(wait) {}

  // The value of `path` into `out` (NUL added); returns its length. kBufferTooSmall if it
  // does not fit (with its NUL).
  Result<size_t, XsStatus> Read(const char* path, char* out, size_t size, uint32_t tx = 0);
  Result<void, XsStatus> Write(const char* path, const char* value, uint32_t tx = 0);
  Result<void, XsStatus> Mkdir(const char* path, uint32_t tx = 0);
  Result<void, XsStatus> Remove(const char* path, uint32_t tx = 0);
  // The names of `path`'s children into `out`, each NUL-terminated; returns how many.
  Result<size_t, XsStatus> Directory(const char* path, char* out, size_t size, uint32_t tx = 0);
  Result<void, XsStatus> SetPermissions(const char* path, const XsPermission* perms, size_t count,
                                        uint32_t tx = 0);

  // A transaction id for the calls above. TransactionEnd(commit) answers kAgain when another
  // writer conflicted: redo the whole transaction.
  Result<uint32_t, XsStatus> TransactionStart();
  Result<void, XsStatus> TransactionEnd(uint32_t tx, bool commit);

  // Watches fire once at registration and at every change below `path`; read them with
  // connection().PopWatchEvent().
  Result<void, XsStatus> Watch(const char* path, const char* token);
  Result<void, XsStatus> Unwatch(const char* path, const char* token);

  XenStoreConnection& connection() { return connection_; }

 private:
  Result<XsReply, XsStatus> Call(uint32_t type, uint32_t tx, const XsPart* parts, size_t count);
  Result<void, XsStatus> CallExpectOk(uint32_t type, uint32_t tx, const XsPart* parts,
                                      size_t count);

  XenStoreConnection& connection_;
  Waiter wait_;
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_XENSTORE_CLIENT_H_
