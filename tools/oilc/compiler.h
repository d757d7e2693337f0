// oilc as a library: OIL file in, model and generated sources out (main.cc adds the CLI).
#ifndef TOOLS_OILC_COMPILER_H_
#define TOOLS_OILC_COMPILER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "diagnostics.h"
#include "generator.h"
#include "model.h"
#include "overheads.h"
#include "schedulability.h"
#include "source.h"

namespace oilc {

struct CompileOptions {
  std::string input;                      // the application's OIL file
  std::vector<std::string> include_dirs;  // -I
  uint32_t stack_min = 0;                 // --stack-min
  // --schedulability: kReport reports a miss as a warning, kError as an error.
  SchedulabilityMode schedulability = SchedulabilityMode::kOff;
  Overheads overheads = kDefaultOverheads;  // --overhead
  FileReader reader = DiskReader();
};

struct CompileResult {
  bool ok = false;  // no errors (warnings allowed)
  Model model;
  Generated output;
  RtaResult schedulability;          // when options.schedulability is not kOff
  std::string schedulability_table;  // FormatSchedulabilityReport of it
  Diagnostics diagnostics;
};

CompileResult Compile(const CompileOptions& options);

// Writes `content` to `path` unless the file already holds exactly that (so build systems do not
// recompile unchanged configurations). Returns false if the file cannot be written.
bool WriteIfChanged(const std::string& path, const std::string& content);

}  // namespace oilc

#endif  // TOOLS_OILC_COMPILER_H_
