// Every file in malformed/ is an invalid OIL application whose first line says which error oilc
// must report first: `// expect: LINE:COL: error: MESSAGE` (or `FILE:LINE:COL: ...` when the
// error is in an included file, FILE relative to malformed/). Each file is checked in process
// (oilc_lib) and through the real oilc binary (exit status 1, the message on stderr).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler.h"

namespace {

namespace fs = std::filesystem;

std::vector<std::string> MalformedFiles() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(OILC_MALFORMED_DIR)) {
    if (entry.path().extension() == ".oil") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Expectation(const std::string& path) {
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  const std::string prefix = "// expect: ";
  if (first.rfind(prefix, 0) != 0) return "";
  return first.substr(prefix.size());
}

// "DIR/x.oil:3:4: error: ..." -> "3:4: error: ..." for the file itself, "inc/y.oil:..." for
// others; other mentions of the directory are dropped as well.
std::string Relative(std::string text, const std::string& main_file) {
  const std::string dir = std::string(OILC_MALFORMED_DIR) + "/";
  if (text.rfind(dir + main_file + ":", 0) == 0) text.erase(0, dir.size() + main_file.size() + 1);
  for (size_t at; (at = text.find(dir)) != std::string::npos;) text.erase(at, dir.size());
  return text;
}

class MalformedTest : public testing::TestWithParam<std::string> {};

TEST(MalformedFiles, ThereAreAtLeast25) { EXPECT_GE(MalformedFiles().size(), 25u); }

TEST_P(MalformedTest, ReportsTheExpectedErrorFirst) {
  const std::string file = GetParam() + ".oil";
  const std::string path = std::string(OILC_MALFORMED_DIR) + "/" + file;
  const std::string expected = Expectation(path);
  ASSERT_FALSE(expected.empty()) << path << " has no '// expect: ' first line";

  oilc::CompileOptions options;
  options.input = path;
  const oilc::CompileResult result = oilc::Compile(options);
  EXPECT_FALSE(result.ok);
  const oilc::Diagnostic* first = nullptr;
  for (const oilc::Diagnostic& d : result.diagnostics.all()) {
    if (d.severity == oilc::Severity::kError) {
      first = &d;
      break;
    }
  }
  ASSERT_NE(first, nullptr) << "no error reported";
  EXPECT_EQ(Relative(oilc::Diagnostics::Format(*first), file), expected);
}

TEST_P(MalformedTest, BinaryExitsWithStatus1AndPrintsTheError) {
  const std::string file = GetParam() + ".oil";
  const std::string path = std::string(OILC_MALFORMED_DIR) + "/" + file;
  const fs::path out = fs::path(testing::TempDir()) / ("oilc_malformed_" + GetParam());
  fs::remove_all(out);
  const std::string cmd = std::string(OILC_BINARY) + " -o " + out.string() + " " + path + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << output;
  std::string first_error;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(": error: ") != std::string::npos) {
      first_error = line;
      break;
    }
  }
  EXPECT_EQ(Relative(first_error, file), Expectation(path)) << output;
  EXPECT_FALSE(fs::exists(out / "os_cfg.cc")) << "nothing may be written on errors";
}

INSTANTIATE_TEST_SUITE_P(Oilc, MalformedTest, testing::ValuesIn(MalformedFiles()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
