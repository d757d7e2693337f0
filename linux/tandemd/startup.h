// tandemd as a function: parses argv, opens the channel of the domain through the XenBackend that
// `open_backend` returns and serves it until `stop_fd` polls readable (-1: until SIGTERM or
// SIGINT, through a signalfd). Returns the exit status. main() passes the real Xen libraries;
// tests pass a fake and a pipe.
#ifndef TANDEMD_STARTUP_H_
#define TANDEMD_STARTUP_H_

#include <functional>
#include <memory>
#include <ostream>

#include "libtandem/error.h"
#include "libtandem/xen_backend.h"

namespace tandemd {

using BackendFactory = std::function<libtandem::Result<std::unique_ptr<libtandem::XenBackend>>()>;

int RunTandemd(int argc, const char* const* argv, const BackendFactory& open_backend,
               std::ostream& out, std::ostream& err, int stop_fd = -1);

}  // namespace tandemd

#endif  // TANDEMD_STARTUP_H_
