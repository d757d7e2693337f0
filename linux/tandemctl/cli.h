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

int RunTandemctl(int argc, const char* const* argv, const BackendFactory& open_backend,
                 std::ostream& out, std::ostream& err);

}  // namespace tandemctl

#endif  // TANDEMCTL_CLI_H_
