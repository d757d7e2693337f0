// oilc on hostile inputs: regressions for what oilc_fuzzer (tests/fuzz/oilc) and the review
// around it found (docs/fuzzing.md, "Findings"). Whatever the text, oilc answers with
// diagnostics; it does not crash.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "compiler.h"

namespace oilc {
namespace {

CompileResult CompileText(const std::string& text) {
  CompileOptions options;
  options.input = "app.oil";
  options.reader = [&text](const std::string& path) -> std::optional<std::string> {
    if (path == "app.oil") return text;
    return std::nullopt;
  };
  return Compile(options);
}

std::string FirstError(const CompileResult& r) {
  for (const Diagnostic& d : r.diagnostics.all()) {
    if (d.severity == Severity::kError) return Diagnostics::Format(d);
  }
  return "";
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// 20,000 levels (160 KB) overflowed the parser's stack: it recursed once per level.
TEST(Robustness, ThousandsOfNestedParameterValuesAreAnErrorNotACrash) {
  const int levels = 30000;
  const std::string text = "CPU c { TASK t { X = " + Repeat("A { B = ", levels - 1) + "A { C = D;" +
                           Repeat(" };", levels) + " }; };";
  const CompileResult r = CompileText(text);
  EXPECT_FALSE(r.ok);
  // The 65th '{' is the first one too many: 21 columns in, then 8 per level.
  EXPECT_EQ(FirstError(r),
            "app.oil:1:" + std::to_string(21 + 8 * 64 + 3) +
                ": error: '{' nested more than 64 levels deep, expected at most 64 levels of "
                "parameters inside parameters");
}

TEST(Robustness, ThousandsOfNestedEnumeratorDefinitionsAreAnErrorNotACrash) {
  const int levels = 30000;
  const std::string text = "IMPLEMENTATION i { TASK { " + Repeat("ENUM [ X { ", levels) +
                           Repeat("} ] Y;", levels) + " }; };";
  const CompileResult r = CompileText(text);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(FirstError(r).find("'{' nested more than 64 levels deep"), std::string::npos)
      << FirstError(r);
}

TEST(Robustness, SixtyFourLevelsOfNestingAreStillOil) {
  const std::string text =
      "IMPLEMENTATION i { TASK { " + Repeat("ENUM [ X { ", 64) + Repeat("} ] Y;", 64) + " }; };";
  const CompileResult r = CompileText(text);
  for (const Diagnostic& d : r.diagnostics.all()) {
    EXPECT_EQ(d.message.find("nested"), std::string::npos) << Diagnostics::Format(d);
  }
}

}  // namespace
}  // namespace oilc
