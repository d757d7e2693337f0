// libtandem's error codes are one table (LIBTANDEM_ERRC_TABLE): the values tandemctl exits with,
// the names --json prints and the lines every --help lists come from it, and docs/tandemctl.md's
// table of exit statuses names the same values and names.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include "libtandem/error.h"
#include "tandemctl_fixture.h"

namespace libtandem::testing {
namespace {

TEST(ErrcTableTest, ValuesAreDenseAndNamesUnique) {
  std::set<std::string> names;
  for (size_t i = 0; i < std::size(kErrcTable); ++i) {
    const ErrcInfo& row = kErrcTable[i];
    EXPECT_EQ(static_cast<size_t>(row.code), i);
    EXPECT_STREQ(ErrcName(row.code), row.name);
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_NE(std::string(row.help), "");
  }
  EXPECT_STREQ(ErrcName(static_cast<Errc>(std::size(kErrcTable))), "unknown");
}

TEST(ErrcTableTest, DocumentedInTheUserGuide) {
  std::ifstream doc(TANDEM_SOURCE_DIR "/docs/tandemctl.md");
  ASSERT_TRUE(doc) << "docs/tandemctl.md";
  const std::string text{std::istreambuf_iterator<char>(doc), std::istreambuf_iterator<char>()};
  for (const ErrcInfo& row : kErrcTable) {
    const std::string line =
        "| " + std::to_string(static_cast<unsigned>(row.code)) + " | " + row.name + " | ";
    EXPECT_NE(text.find("\n" + line), std::string::npos) << line;
  }
}

class ErrcHelpTest : public TandemctlTest {};

TEST_F(ErrcHelpTest, EveryHelpListsEveryStatus) {
  for (std::vector<const char*> args : std::vector<std::vector<const char*>>{
           {"--help"}, {"ping", "--help"}, {"gpio", "set", "--help"}}) {
    ASSERT_EQ(Run(args), 0);
    for (const ErrcInfo& row : kErrcTable) {
      char line[160];
      std::snprintf(line, sizeof(line), "\n%3u  %s\n", static_cast<unsigned>(row.code), row.help);
      EXPECT_NE(out_.str().find(line), std::string::npos) << args[0] << ": " << line;
    }
  }
}

}  // namespace
}  // namespace libtandem::testing
