#include "compiler.h"

#include <filesystem>
#include <fstream>
#include <optional>

#include "build.h"
#include "implementation.h"
#include "lexer.h"
#include "parser.h"

namespace oilc {
namespace {

struct ParsedBuiltin {
  OilFile file;
  Diagnostics diagnostics;  // empty unless tandem.oil itself is broken
  bool ok = false;
};

// The built-in implementation part is a constant of oilc, so it is lexed and parsed once per
// process: oilc_test and oilc_fuzzer compile thousands of files in one, and parsing tandem.oil
// again for each was most of their time. It includes no file, so it needs no -I or reader.
const ParsedBuiltin& Builtin() {
  static const ParsedBuiltin parsed = [] {
    ParsedBuiltin p;
    const LexOptions none{{}, [](const std::string&) { return std::optional<std::string>(); }};
    try {
      Parse(TokenizeText(kBuiltinTandemOilPath, kBuiltinTandemOil, none, p.diagnostics), p.file,
            p.diagnostics);
      p.ok = true;
    } catch (const FatalError&) {
    }
    return p;
  }();
  return parsed;
}

// One diagnostic per miss at the TASK (ISR, system counter), naming the largest contributor.
void ReportMisses(const RtaResult& rta, SchedulabilityMode mode, Diagnostics& diags) {
  for (const RtaRow& row : rta.rows) {
    if (row.schedulable) continue;
    std::string what = row.name + " misses its deadline of " + Microseconds(row.deadline_ns) +
                       " us: worst-case response ";
    if (row.unbounded) {
      what += "unbounded, " + row.largest.what;
    } else {
      what +=
          "above " + Microseconds(row.response_ns) + " us; the largest interference is " +
          (row.largest.ns == 0 ? "none: its WCET alone exceeds the deadline"
                               : row.largest.what + ", " + Microseconds(row.largest.ns) + " us");
    }
    const std::string expected =
        "a worst-case response within the deadline (a shorter WCET or critical section, a "
        "longer PERIOD or DEADLINE, or another PRIORITY; oilc --schedulability=report shows the "
        "table)";
    if (mode == SchedulabilityMode::kError) {
      diags.Error(row.location, what, expected);
    } else {
      diags.Warning(row.location, what);
    }
  }
}

}  // namespace

CompileResult Compile(const CompileOptions& options) {
  CompileResult result;
  Diagnostics& diags = result.diagnostics;
  const ParsedBuiltin& builtin_part = Builtin();
  diags = builtin_part.diagnostics;
  if (!builtin_part.ok) return result;
  const OilFile& builtin = builtin_part.file;
  const LexOptions lex{options.include_dirs, options.reader};
  OilFile file;
  try {
    Parse(Tokenize(options.input, lex, diags), file, diags);
  } catch (const FatalError&) {
    return result;
  }
  const Location file_location{options.input, 1, 1};
  if (!file.version) {
    diags.Warning(file_location, "no OIL_VERSION; assuming \"2.5\"");
  } else if (*file.version != "2.5") {
    diags.Warning(file.version_location, "OIL_VERSION \"" + *file.version +
                                             "\" read as OIL 2.5 (the version oilc "
                                             "implements)");
  }
  ImplementationModel impl;
  for (const Implementation& part : builtin.implementations) impl.Add(part);
  for (const Implementation& part : file.implementations) impl.Add(part);

  BuildOptions build;
  build.stack_min = options.stack_min;
  if (!BuildModel(file, file_location, impl, build, result.model, diags)) return result;
  if (options.schedulability != SchedulabilityMode::kOff) {
    result.schedulability = AnalyseSchedulability(result.model, options.overheads, diags);
    result.schedulability_table =
        FormatSchedulabilityReport(result.schedulability, options.overheads);
    ReportMisses(result.schedulability, options.schedulability, diags);
  }
  result.output = Generate(result.model, std::filesystem::path(options.input).filename().string());
  result.ok = !diags.HasErrors();
  return result;
}

bool WriteIfChanged(const std::string& path, const std::string& content) {
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (old == content) return true;
    }
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << content;
    if (!out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace oilc
