// The XenStore keys of the command channel, written once for both ends: the RTOS publishes them
// (channel/xen/src/frontend.cc), libtandem reads them (linux/src/discovery.cc), tandem-loopback
// publishes them from dom0 (linux/loopback/main.cc). Tables: docs/rtos-channel.md section 2 and
// docs/protocol.md section 8. No OS includes: this header is built freestanding as well.
#ifndef TANDEM_CHANNEL_XENSTORE_KEYS_H_
#define TANDEM_CHANNEL_XENSTORE_KEYS_H_

#include <stddef.h>

namespace tandem::channel::keys {

// The RTOS's directory, relative to its domain's home /local/domain/<domid>/ (xenstore.txt,
// "Paths"): under data/, which the guest may write with libxl's default permissions.
inline constexpr char kDir[] = "data/tandem";

// The leaves under kDir.
inline constexpr char kVersion[] = "version";             // "major.minor" of kProtocolVersion
inline constexpr char kRequestRef[] = "ring-ref0";        // grant of the request page (RW)
inline constexpr char kResponseRef[] = "ring-ref1";       // grant of the response page (RO)
inline constexpr char kEventChannel[] = "event-channel";  // the unbound port for dom0
inline constexpr char kState[] = "state";                 // the Server's ChannelState, decimal
inline constexpr char kBootId[] = "boot-id";              // boot_id.h, 16 hex digits (1.3)

// Every key, in the order the RTOS writes them in its one transaction.
inline constexpr const char* kAll[] = {kVersion,      kRequestRef, kResponseRef,
                                       kEventChannel, kState,      kBootId};

// "data/tandem/<leaf>" as one constant (the RTOS writes relative paths), built at compile time so
// the directory and the leaves above stay the only spelling of each name.
template <size_t N>
struct Path {
  char text[sizeof(kDir) + N] = {};  // kDir without its NUL, '/', the leaf with its NUL
  constexpr explicit Path(const char (&leaf)[N]) {
    size_t i = 0;
    for (size_t j = 0; j + 1 < sizeof(kDir); ++j) text[i++] = kDir[j];
    text[i++] = '/';
    for (size_t j = 0; j < N; ++j) text[i++] = leaf[j];
  }
  constexpr const char* c_str() const { return text; }
};

inline constexpr Path kVersionPath{kVersion};
inline constexpr Path kRequestRefPath{kRequestRef};
inline constexpr Path kResponseRefPath{kResponseRef};
inline constexpr Path kEventChannelPath{kEventChannel};
inline constexpr Path kStatePath{kState};
inline constexpr Path kBootIdPath{kBootId};

// Every path, in kAll's order.
inline constexpr const char* kAllPaths[] = {kVersionPath.c_str(),     kRequestRefPath.c_str(),
                                            kResponseRefPath.c_str(), kEventChannelPath.c_str(),
                                            kStatePath.c_str(),       kBootIdPath.c_str()};
static_assert(sizeof(kAllPaths) == sizeof(kAll), "a key without its path");

}  // namespace tandem::channel::keys

#endif  // TANDEM_CHANNEL_XENSTORE_KEYS_H_
