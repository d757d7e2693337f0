// Who may use tandemd: the caller's credentials as the kernel reports them for the socket
// (SO_PEERCRED, unix(7)), checked against the daemon's --allow-uid / --allow-group lists.
#ifndef TANDEMD_ACCESS_H_
#define TANDEMD_ACCESS_H_

#include <stdint.h>
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tandemd {

struct PeerCred {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

struct AccessPolicy {
  std::vector<uid_t> uids;  // --allow-uid
  std::vector<gid_t> gids;  // --allow-group
};

// The credentials of a connected socket's peer; nullopt if the kernel does not say.
using CredentialFn = std::function<std::optional<PeerCred>(int fd)>;
// The groups a user belongs to (supplementary ones included), for --allow-group.
using GroupsFn = std::function<std::vector<gid_t>(uid_t uid, gid_t primary)>;

// The real ones: getsockopt(SO_PEERCRED), and getpwuid + getgrouplist (the primary group alone
// where the user is not in the password database, as in a minimal dom0 initramfs).
std::optional<PeerCred> SocketPeerCred(int fd);
std::vector<gid_t> UserGroups(uid_t uid, gid_t primary);

// Root always; anyone else only by uid or by one of their groups. `why` says what refused.
bool Allowed(const AccessPolicy& policy, const PeerCred& peer, const std::vector<gid_t>& groups,
             std::string* why);

// The socket file's mode that fits the policy: 0600 (root only) without allow lists, else 0666
// (connect(2) needs write permission on the file; SO_PEERCRED is the real check).
uint32_t SocketMode(const AccessPolicy& policy);

}  // namespace tandemd

#endif  // TANDEMD_ACCESS_H_
