// tandemd's lock and socket files. See instance.h.
#include "instance.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace tandemd {

using libtandem::Errc;
using libtandem::Fail;

namespace {
libtandem::Error SysError(const std::string& what, int err, std::string hint = {}) {
  return libtandem::Error{Errc::kInternal, what + ": " + strerror(err), std::move(hint)};
}
}  // namespace

libtandem::Result<int> LockInstance(const std::string& dir, const std::string& name) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Fail(SysError("cannot create the socket directory " + dir, errno,
                         "run tandemd as root, or choose another --socket-dir"));
  }
  const std::string path = dir + "/" + name + ".lock";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Fail(SysError("cannot open " + path, errno, "run tandemd as root"));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char pid[32] = {};
    const ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
    close(fd);
    if (err != EWOULDBLOCK) return Fail(SysError("cannot lock " + path, err));
    std::string holder(pid, n > 0 ? static_cast<size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return Fail(Errc::kBusy,
                "another tandemd" + (holder.empty() ? std::string() : " (pid " + holder + ")") +
                    " already serves " + name + " (it holds " + path + ")",
                "use that one (tandemctl finds it by itself), or stop it first (kill " +
                    (holder.empty() ? std::string("<pid>") : holder) + ")");
  }
  const std::string self = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, self.data(), self.size(), 0) < 0) {
    const int err = errno;
    close(fd);
    return Fail(SysError("cannot write " + path, err));
  }
  return fd;
}

libtandem::Result<int> Listen(const std::string& path, uint32_t mode) {
  // Bound, opened up and listening under a temporary name, then renamed into place: a client
  // that finds the socket can connect (one that found a bound socket not yet listening would be
  // refused, and take tandemd for dead).
  const std::string staging = path + ".new";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (staging.size() >= sizeof addr.sun_path) {
    return Fail(Errc::kUsage, "socket path too long: " + path, "choose a shorter --socket-dir");
  }
  memcpy(addr.sun_path, staging.c_str(), staging.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(SysError("socket(AF_UNIX)", errno));
  (void)unlink(staging.c_str());  // a dead tandemd's (we hold the lock)
  // Created without permissions for anyone but the owner; opened up by chmod only once bound,
  // so no client connects through a wider mode in between.
  const mode_t old_mask = umask(0177);
  const int rc = bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int err = errno;
  umask(old_mask);
  if (rc != 0) {
    close(fd);
    return Fail(SysError("cannot bind " + staging, err));
  }
  // rename(2) replaces a dead tandemd's socket at `path` atomically.
  if (chmod(staging.c_str(), mode) != 0 || listen(fd, 64) != 0 ||
      rename(staging.c_str(), path.c_str()) != 0) {
    const int e = errno;
    close(fd);
    (void)unlink(staging.c_str());
    return Fail(SysError("cannot set up " + path, e));
  }
  return fd;
}

}  // namespace tandemd
