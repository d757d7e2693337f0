#include "compiler.h"

#include <filesystem>
#include <fstream>

#include "build.h"
#include "implementation.h"
#include "lexer.h"
#include "parser.h"

namespace oilc {

CompileResult Compile(const CompileOptions& options) {
  CompileResult result;
  Diagnostics& diags = result.diagnostics;
  const LexOptions lex{options.include_dirs, options.reader};
  OilFile builtin;
  OilFile file;
  try {
    Parse(TokenizeText(kBuiltinTandemOilPath, kBuiltinTandemOil, lex, diags), builtin, diags);
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
