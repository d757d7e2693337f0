// tandemd's caller check. See access.h.
#include "access.h"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>

#include <algorithm>

namespace tandemd {

std::optional<PeerCred> SocketPeerCred(int fd) {
  ucred c{};
  socklen_t len = sizeof c;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &len) != 0 || len != sizeof c) {
    return std::nullopt;
  }
  return PeerCred{c.pid, c.uid, c.gid};
}

std::vector<gid_t> UserGroups(uid_t uid, gid_t primary) {
  std::vector<gid_t> groups = {primary};
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
    return groups;
  }
  int n = 64;
  std::vector<gid_t> list(static_cast<size_t>(n));
  if (getgrouplist(pw.pw_name, primary, list.data(), &n) < 0) {
    list.resize(static_cast<size_t>(n));
    if (getgrouplist(pw.pw_name, primary, list.data(), &n) < 0) return groups;
  }
  list.resize(static_cast<size_t>(n));
  return list;
}

bool Allowed(const AccessPolicy& policy, const PeerCred& peer, const std::vector<gid_t>& groups,
             std::string* why) {
  if (peer.uid == 0) return true;
  if (std::find(policy.uids.begin(), policy.uids.end(), peer.uid) != policy.uids.end()) {
    return true;
  }
  for (gid_t g : groups) {
    if (std::find(policy.gids.begin(), policy.gids.end(), g) != policy.gids.end()) return true;
  }
  if (why != nullptr) {
    *why = "uid " + std::to_string(peer.uid) +
           " is not root and neither it nor its groups are in "
           "tandemd's --allow-uid/--allow-group" +
           (policy.uids.empty() && policy.gids.empty() ? " (none given: root only)" : "");
  }
  return false;
}

uint32_t SocketMode(const AccessPolicy& policy) {
  return policy.uids.empty() && policy.gids.empty() ? 0600 : 0666;
}

}  // namespace tandemd
