// oilc as a library: OIL file in, model and generated sources out (main.cc adds the CLI).
#ifndef TOOLS_OILC_COMPILER_H_
#define TOOLS_OILC_COMPILER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "diagnostics.h"
#include "generator.h"
#include "model.h"
#include "source.h"

namespace oilc {

struct CompileOptions {
  std::string input;                      // the application's OIL file
  std::vector<std::string> include_dirs;  // -I
  uint32_t stack_min = 0;                 // --stack-min
  FileReader reader = DiskReader();
};

struct CompileResult {
  bool ok = false;  // no errors (warnings allowed)
  Model model;
  Generated output;
  Diagnostics diagnostics;
};

CompileResult Compile(const CompileOptions& options);

// Writes `content` to `path` unless the file already holds exactly that (so build systems do not
// recompile unchanged configurations). Returns false if the file cannot be written.
bool WriteIfChanged(const std::string& path, const std::string& content);

}  // namespace oilc

#endif  // TOOLS_OILC_COMPILER_H_
