#include "tandem/xen/xenstore_client.h"

#include "tandem/format.h"

namespace tandem::xen {

Result<XsReply, XsStatus> XenStoreClient::Call(uint32_t type, uint32_t tx, const XsPart* parts,
                                               size_t count) {
  auto submitted = connection_.Submit(type, tx, parts, count);
  TANDEM_TRY(submitted);
  for (;;) {
    auto polled = connection_.Poll();
    TANDEM_TRY(polled);
    if (connection_.reply_ready()) return connection_.TakeReply();
    if (!wait_()) {
      connection_.Abandon();
      return MakeError(XsStatus::kTimeout);
    }
  }
}

Result<void, XsStatus> XenStoreClient::CallExpectOk(uint32_t type, uint32_t tx, const XsPart* parts,
                                                    size_t count) {
  auto reply = Call(type, tx, parts, count);
  TANDEM_TRY(reply);
  // xenstore.txt: these operations answer "OK\0".
  const XsReply& r = reply.value();
  if (r.len != 3 || r.payload[0] != 'O' || r.payload[1] != 'K' || r.payload[2] != '\0') {
    return MakeError(XsStatus::kBadReply);
  }
  return {};
}

Result<size_t, XsStatus> XenStoreClient::Read(const char* path, char* out, size_t size,
                                              uint32_t tx) {
  const XsPart parts[] = {XsString(path)};
  auto reply = Call(XS_READ, tx, parts, 1);
  TANDEM_TRY(reply);
  const XsReply& r = reply.value();
  if (size == 0 || r.len > size - 1) return MakeError(XsStatus::kBufferTooSmall);
  __builtin_memcpy(out, r.payload, r.len);
  out[r.len] = '\0';
  return size_t{r.len};
}

Result<void, XsStatus> XenStoreClient::Write(const char* path, const char* value, uint32_t tx) {
  const XsPart parts[] = {XsString(path), XsBytes(value)};  // xenstore.txt: no NUL after value
  return CallExpectOk(XS_WRITE, tx, parts, 2);
}

Result<void, XsStatus> XenStoreClient::Mkdir(const char* path, uint32_t tx) {
  const XsPart parts[] = {XsString(path)};
  return CallExpectOk(XS_MKDIR, tx, parts, 1);
}

Result<void, XsStatus> XenStoreClient::Remove(const char* path, uint32_t tx) {
  const XsPart parts[] = {XsString(path)};
  return CallExpectOk(XS_RM, tx, parts, 1);
}

Result<size_t, XsStatus> XenStoreClient::Directory(const char* path, char* out, size_t size,
                                                   uint32_t tx) {
  const XsPart parts[] = {XsString(path)};
  auto reply = Call(XS_DIRECTORY, tx, parts, 1);
  TANDEM_TRY(reply);
  const XsReply& r = reply.value();
  // Children as NUL-terminated names back to back; an empty directory is an empty payload.
  if (r.len > 0 && r.payload[r.len - 1] != '\0') return MakeError(XsStatus::kBadReply);
  if (r.len > size) return MakeError(XsStatus::kBufferTooSmall);
  size_t names = 0;
  for (uint32_t i = 0; i < r.len; ++i) names += r.payload[i] == '\0' ? 1 : 0;
  if (r.len != 0) __builtin_memcpy(out, r.payload, r.len);
  return names;
}

Result<void, XsStatus> XenStoreClient::SetPermissions(const char* path, const XsPermission* perms,
                                                      size_t count, uint32_t tx) {
  if (count == 0 || count > kMaxPermissions) return MakeError(XsStatus::kInvalid);
  char text[kMaxPermissions][8];  // access letter + domid (<= 5 digits) + NUL
  XsPart parts[1 + kMaxPermissions];
  parts[0] = XsString(path);
  for (size_t i = 0; i < count; ++i) {
    const char access = static_cast<char>(perms[i].access);
    if (access != 'n' && access != 'r' && access != 'w' && access != 'b') {
      return MakeError(XsStatus::kInvalid);
    }
    Format(text[i], sizeof(text[i]), "%c%u", access, static_cast<unsigned>(perms[i].domid));
    parts[1 + i] = XsString(text[i]);
  }
  return CallExpectOk(XS_SET_PERMS, tx, parts, 1 + count);
}

Result<uint32_t, XsStatus> XenStoreClient::TransactionStart() {
  const XsPart parts[] = {XsPart{"", 1}};  // xenstore.txt: TRANSACTION_START <nul>
  auto reply = Call(XS_TRANSACTION_START, 0, parts, 1);
  TANDEM_TRY(reply);
  // The reply is the decimal transaction id, NUL-terminated.
  const XsReply& r = reply.value();
  if (r.len < 2 || r.len > 11 || r.payload[r.len - 1] != '\0') {
    return MakeError(XsStatus::kBadReply);
  }
  uint64_t id = 0;
  for (uint32_t i = 0; i + 1 < r.len; ++i) {
    if (r.payload[i] < '0' || r.payload[i] > '9') return MakeError(XsStatus::kBadReply);
    id = id * 10 + static_cast<uint64_t>(r.payload[i] - '0');
  }
  if (id == 0 || id > UINT32_MAX) return MakeError(XsStatus::kBadReply);  // 0 = no transaction
  return static_cast<uint32_t>(id);
}

Result<void, XsStatus> XenStoreClient::TransactionEnd(uint32_t tx, bool commit) {
  if (tx == 0) return MakeError(XsStatus::kInvalid);
  const XsPart parts[] = {XsString(commit ? "T" : "F")};
  return CallExpectOk(XS_TRANSACTION_END, tx, parts, 1);
}

Result<void, XsStatus> XenStoreClient::Watch(const char* path, const char* token) {
  const XsPart parts[] = {XsString(path), XsString(token)};
  return CallExpectOk(XS_WATCH, 0, parts, 2);
}

Result<void, XsStatus> XenStoreClient::Unwatch(const char* path, const char* token) {
  const XsPart parts[] = {XsString(path), XsString(token)};
  return CallExpectOk(XS_UNWATCH, 0, parts, 2);
}

}  // namespace tandem::xen
