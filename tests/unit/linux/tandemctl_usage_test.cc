// What a bad command line is told (issue 11): the word tandemctl did not understand, where it
// stood, and which words it would take there; exit status 2, nothing sent to the RTOS.
#include <gtest/gtest.h>

#include <string>

#include "tandemctl_fixture.h"

namespace libtandem::testing {
namespace {

class TandemctlUsageTest : public TandemctlTest {
 protected:
  // Runs a command line that must be refused as a usage error; returns what stderr says.
  std::string Refused(std::vector<const char*> args) {
    EXPECT_EQ(Run(args), 2) << out_.str() << err_.str();
    EXPECT_EQ(rtos_.commands_seen, 0u);
    EXPECT_EQ(err_.str().find("A subcommand is required"), std::string::npos) << err_.str();
    return err_.str();
  }
};

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(TandemctlUsageTest, UnknownCommandIsNamedWithTheCommandsThereAre) {
  const std::string e = Refused({"frobnicate"});
  EXPECT_PRED2(Has, e, "unknown command 'frobnicate'");
  EXPECT_PRED2(Has, e, "list, ping, stats, commands, call, watch, gpio");
  EXPECT_PRED2(Has, e, "tandemctl --help");
}

TEST_F(TandemctlUsageTest, UnknownGpioCommandIsNamedWithItsPlace) {
  const std::string e = Refused({"gpio", "frob", "3"});
  EXPECT_PRED2(Has, e, "unknown command 'frob' for `tandemctl gpio`");
  EXPECT_PRED2(Has, e, "set, get, toggle, configure");
  EXPECT_PRED2(Has, e, "tandemctl gpio --help");
}

TEST_F(TandemctlUsageTest, UnknownOptionIsNamedWherever) {
  EXPECT_PRED2(Has, Refused({"-x"}), "unknown option '-x' for `tandemctl`");
  EXPECT_PRED2(Has, Refused({"--bogus", "ping"}), "unknown option '--bogus'");
  EXPECT_PRED2(Has, Refused({"ping", "--bogus"}), "unknown option '--bogus'");
  EXPECT_PRED2(Has, Refused({"gpio", "get", "1", "--bogus"}), "unknown option '--bogus'");
}

TEST_F(TandemctlUsageTest, StrayArgumentIsNamedWithItsCommand) {
  EXPECT_PRED2(Has, Refused({"list", "extra"}), "unexpected argument 'extra' for `tandemctl list`");
}

TEST_F(TandemctlUsageTest, MissingCommandSaysWhichCommandsThereAre) {
  EXPECT_PRED2(Has, Refused({}),
               "no command given: expected one of list, ping, stats, commands, call, watch, gpio");
  EXPECT_PRED2(Has, Refused({"gpio"}),
               "`tandemctl gpio` needs a command: one of set, get, toggle, configure");
}

TEST_F(TandemctlUsageTest, JsonErrorNamesTheWordToo) {
  EXPECT_EQ(Run({"--json", "frobnicate"}), 2);
  EXPECT_PRED2(Has, out_.str(), "\"code\":\"usage\",\"exit\":2");
  EXPECT_PRED2(Has, out_.str(), "unknown command 'frobnicate'");
}

// Every command's --help works, says how to call it and lists the exit statuses.
TEST_F(TandemctlUsageTest, EveryCommandHasHelp) {
  const std::vector<std::vector<const char*>> commands = {{},
                                                          {"list"},
                                                          {"ping"},
                                                          {"stats"},
                                                          {"commands"},
                                                          {"call"},
                                                          {"watch"},
                                                          {"gpio"},
                                                          {"gpio", "set"},
                                                          {"gpio", "get"},
                                                          {"gpio", "toggle"},
                                                          {"gpio", "configure"}};
  for (std::vector<const char*> args : commands) {
    std::string usage = "Usage: tandemctl";
    for (const char* a : args) usage += std::string(" ") + a;
    args.push_back("--help");
    EXPECT_EQ(Run(args), 0) << usage << "\n" << err_.str();
    EXPECT_PRED2(Has, out_.str(), usage);
    EXPECT_PRED2(Has, out_.str(), "Exit status");
  }
}

}  // namespace
}  // namespace libtandem::testing
