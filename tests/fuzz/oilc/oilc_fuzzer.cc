// libFuzzer target for oilc (tools/oilc): OIL source text in, diagnostics (or generated tables)
// out, through oilc::Compile, the function the command line calls. Lexer, parser, the model
// builder's checks, the schedulability analysis (report mode) and the generator all see the text;
// whatever it is, oilc must answer with diagnostics: no crash, no exception escaping Compile (the
// command line does not catch one), no UB, no hang (libFuzzer's -timeout).
//
// Input: the application file "app.oil", optionally followed by a NUL and the text every other
// #include "..." finds, so that includes (nested, cyclic, of the built-in <tandem.oil>) are
// fuzzed too.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <optional>
#include <string>

#include "compiler.h"
#include "diagnostics.h"

namespace {

constexpr const char* kAppPath = "app.oil";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string app = input.substr(0, nul);
  const std::optional<std::string> included =
      nul == std::string::npos ? std::nullopt : std::optional<std::string>(input.substr(nul + 1));

  oilc::CompileOptions options;
  options.input = kAppPath;
  options.schedulability = oilc::SchedulabilityMode::kReport;
  options.reader = [&](const std::string& path) -> std::optional<std::string> {
    if (path == kAppPath) return app;
    return included;
  };
  const oilc::CompileResult result = oilc::Compile(options);

  // Every diagnostic says where and what; "ok" means no error was reported.
  int errors = 0;
  for (const oilc::Diagnostic& d : result.diagnostics.all()) {
    if (d.message.empty() || d.location.file.empty()) abort();
    if (d.location.line < 1 || d.location.column < 1) abort();
    if (oilc::Diagnostics::Format(d).find(d.message) == std::string::npos) abort();
    if (d.severity == oilc::Severity::kError) ++errors;
  }
  if (errors != result.diagnostics.error_count()) abort();
  // A compile that succeeds produced the tables; one that fails says why.
  if (result.ok && (errors != 0 || result.output.header.empty() || result.output.source.empty())) {
    abort();
  }
  if (!result.ok && errors == 0) abort();
  return 0;
}
