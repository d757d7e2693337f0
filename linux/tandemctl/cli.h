// tandemctl as a function: parses argv, runs one command against the XenBackend that
// `open_backend` returns, prints to `out`/`err`, and returns the exit status. main() passes the
// real Xen libraries; tests pass a fake.
#ifndef TANDEMCTL_CLI_H_
#define TANDEMCTL_CLI_H_

#include <functional>
#include <memory>
#include <ostream>

#include "libtandem/error.h"
#include "libtandem/xen_backend.h"

namespace tandemctl {

using BackendFactory = std::function<libtandem::Result<std::unique_ptr<libtandem::XenBackend>>()>;

// `watchdog`: libxenstore has no timeouts, and in dom0 without xenstored xs_open may fall back to
// the kernel's xenbus device, where a read blocks for ever. With the watchdog on, a run that
// outlives --timeout by kWatchdogGraceMs is ended with exit status 6 and a message that names
// the likely cause. main() turns it on; tests do not.
inline constexpr unsigned kWatchdogGraceMs = 1000;
int RunTandemctl(int argc, const char* const* argv, const BackendFactory& open_backend,
                 std::ostream& out, std::ostream& err, bool watchdog = false);

}  // namespace tandemctl

#endif  // TANDEMCTL_CLI_H_
