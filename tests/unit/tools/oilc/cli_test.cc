// The oilc command line: exit statuses (0 ok, 1 input errors, 2 usage), --help/--version,
// outputs written only when their content changes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int status = -1;
  std::string output;  // stdout and stderr
};

Outcome Oilc(const std::string& args) {
  Outcome r;
  FILE* pipe = popen((std::string(OILC_BINARY) + " " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) r.output.append(buf, n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

fs::path Scratch(const std::string& name) {
  fs::path p = fs::path(testing::TempDir()) / ("oilc_cli_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

const std::string kGood = std::string(OILC_GOOD_DIR) + "/rich.oil";

TEST(Cli, HelpAndVersion) {
  Outcome help = Oilc("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(
      help.output.find("usage: oilc [-I DIR]... [--stack-min BYTES] [--depfile FILE] -o OUTDIR "
                       "FILE.oil"),
      std::string::npos);
  Outcome version = Oilc("--version");
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.output.rfind("oilc ", 0), 0u) << version.output;
}

TEST(Cli, BadUsageExitsWith2) {
  EXPECT_EQ(Oilc("").status, 2);
  EXPECT_EQ(Oilc(kGood).status, 2);                         // no -o
  EXPECT_EQ(Oilc("-o").status, 2);                          // -o without a directory
  EXPECT_EQ(Oilc("--frobnicate -o x " + kGood).status, 2);  // unknown option
  EXPECT_EQ(Oilc("--stack-min lots -o x " + kGood).status, 2);
  EXPECT_EQ(Oilc("-o x a.oil b.oil").status, 2);
}

TEST(Cli, InputErrorsExitWith1) {
  const fs::path out = Scratch("missing");
  Outcome r = Oilc("-o " + out.string() + " " + out.string() + "/does_not_exist.oil");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("error: cannot read the OIL file, expected a readable file"),
            std::string::npos)
      << r.output;
}

TEST(Cli, NotesWhichModeIsTheDefaultOne) {
  // Issue 10 item 5: the form of OIL written for other OSEK kernels compiles (exit 0) with a note.
  const fs::path dir = Scratch("appmode");
  std::ofstream(dir / "app.oil") << "OIL_VERSION = \"2.5\";\n"
                                    "CPU c {\n  OS os { };\n  APPMODE std { };\n"
                                    "  TASK T { PRIORITY = 1; ACTIVATION = 1; SCHEDULE = FULL;\n"
                                    "    AUTOSTART = TRUE { APPMODE = std; }; };\n};\n";
  Outcome r = Oilc("-o " + (dir / "gen").string() + " " + (dir / "app.oil").string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("app.oil:4:11: note: APPMODE std is OSDEFAULTAPPMODE"), std::string::npos)
      << r.output;
}

TEST(Cli, WritesBothFilesAndRewritesOnlyOnChange) {
  const fs::path out = Scratch("write") / "gen";  // created by oilc
  Outcome r = Oilc("-I " + std::string(OILC_GOOD_DIR) + " -o " + out.string() + " " + kGood);
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_TRUE(fs::exists(out / "os_cfg.h"));
  ASSERT_TRUE(fs::exists(out / "os_cfg.cc"));
  const auto h_time = fs::last_write_time(out / "os_cfg.h");
  const auto cc_time = fs::last_write_time(out / "os_cfg.cc");

  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  r = Oilc("-I " + std::string(OILC_GOOD_DIR) + " -o " + out.string() + " " + kGood);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(fs::last_write_time(out / "os_cfg.h"), h_time);
  EXPECT_EQ(fs::last_write_time(out / "os_cfg.cc"), cc_time);

  // A different stack minimum changes os_cfg.cc only.
  r = Oilc("--stack-min 262144 -I " + std::string(OILC_GOOD_DIR) + " -o " + out.string() + " " +
           kGood);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(fs::last_write_time(out / "os_cfg.h"), h_time);
  EXPECT_NE(fs::last_write_time(out / "os_cfg.cc"), cc_time);
  std::ifstream cc(out / "os_cfg.cc");
  const std::string text((std::istreambuf_iterator<char>(cc)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("[262144];"), std::string::npos);
}

// The build regenerates the tables when an #included OIL file changes: oilc names every file
// it read in a Makefile rule (cmake/tandem.cmake passes it to ninja as the command's DEPFILE).
TEST(Cli, DepfileNamesTheInputAndEveryInclude) {
  const fs::path dir = Scratch("depfile");
  const fs::path sub = dir / "with space";
  fs::create_directories(sub);
  std::ofstream(sub / "inc.oil") << "TASK T { PRIORITY = 1; SCHEDULE = FULL; ACTIVATION = 1; "
                                    "AUTOSTART = FALSE; STACKSIZE = 1024; };\n";
  std::ofstream(dir / "app.oil") << "OIL_VERSION = \"2.5\";\n#include <tandem.oil>\n"
                                    "CPU c { OS os { STATUS = EXTENDED; };\n"
                                    "#include \"with space/inc.oil\"\n};\n";
  const fs::path out = dir / "gen";
  Outcome r = Oilc("--depfile " + (dir / "app.d").string() + " -o " + out.string() + " " +
                   (dir / "app.oil").string());
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream d(dir / "app.d");
  const std::string rule((std::istreambuf_iterator<char>(d)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rule.rfind((out / "os_cfg.h").string() + " " + (out / "os_cfg.cc").string() + ":", 0),
            0u)
      << rule;
  EXPECT_NE(rule.find((dir / "app.oil").string()), std::string::npos) << rule;
  EXPECT_NE(rule.find((dir / "with\\ space" / "inc.oil").string()), std::string::npos) << rule;
  EXPECT_EQ(rule.find("<oilc>"), std::string::npos) << "the built-in tandem.oil is no file";

  r = Oilc("--depfile");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--depfile needs a file name"), std::string::npos) << r.output;
}

}  // namespace
