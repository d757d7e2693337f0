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
