// What tandemctl says when CLI11 refuses a command line. CLI11 checks for a missing subcommand
// before it looks at words it did not recognise, so `tandemctl frobnicate` alone would get "A
// subcommand is required"; this names the word, the command it was given to, and what that
// command takes instead (issue 11).
#ifndef TANDEMCTL_USAGE_H_
#define TANDEMCTL_USAGE_H_

#include <CLI/CLI.hpp>

#include "libtandem/error.h"

namespace tandemctl {

// `app` is the top-level App after its parse() threw `e`; its parse state says where it stopped.
libtandem::Error DescribeUsageError(const CLI::App& app, const CLI::ParseError& e);

}  // namespace tandemctl

#endif  // TANDEMCTL_USAGE_H_
