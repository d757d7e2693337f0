// The files one tandemd holds in its socket directory: <name>.lock, flock(2)ed for the daemon's
// lifetime (one tandemd per domain; the kernel releases it when the process dies, so a crash
// leaves nothing to clean up by hand), and <name>.sock, the socket clients connect to.
#ifndef TANDEMD_INSTANCE_H_
#define TANDEMD_INSTANCE_H_

#include <stdint.h>

#include <string>

#include "libtandem/error.h"

namespace tandemd {

// Creates `dir` (0755) if needed and takes <dir>/<name>.lock, writing our pid into it. kBusy,
// naming the other daemon's pid, when another tandemd holds it. Returns the lock's descriptor.
libtandem::Result<int> LockInstance(const std::string& dir, const std::string& name);

// A listening, non-blocking Unix stream socket at `path` with file mode `mode`, in place only
// once it listens (set up as <path>.new, then renamed). Only call with the instance lock held:
// a socket file already there was left by a dead tandemd and is replaced.
libtandem::Result<int> Listen(const std::string& path, uint32_t mode);

}  // namespace tandemd

#endif  // TANDEMD_INSTANCE_H_
