// From the syntax tree to the semantic model: checks every object against the implementation
// part, extracts the typed attributes, resolves references and runs the static checks, then
// computes event masks (events.h) and the priority space (priority.h).
#ifndef TOOLS_OILC_BUILD_H_
#define TOOLS_OILC_BUILD_H_

#include <cstdint>
#include <string>

#include "ast.h"
#include "diagnostics.h"
#include "implementation.h"
#include "model.h"

namespace oilc {

struct BuildOptions {
  uint32_t stack_min = 0;  // --stack-min: every task stack is at least this many bytes
};

// Returns false if any error was reported (the model is then incomplete).
bool BuildModel(const OilFile& file, const Location& file_location, const ImplementationModel& impl,
                const BuildOptions& options, Model& model, Diagnostics& diags);

}  // namespace oilc

#endif  // TOOLS_OILC_BUILD_H_
