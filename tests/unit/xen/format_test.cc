#include "tandem/format.h"

#include <gtest/gtest.h>

#include <string>

namespace tandem {
namespace {

template <typename... Args>
std::string F(const char* fmt, Args... args) {
  char buf[128];
  const size_t n = Format(buf, sizeof(buf), fmt, args...);
  EXPECT_EQ(n, std::string(buf).size());
  return buf;
}

TEST(FormatTest, Conversions) {
  EXPECT_EQ(F("plain"), "plain");
  EXPECT_EQ(F("%s=%d", "x", -42), "x=-42");
  EXPECT_EQ(F("%u %x %X", 42u, 0xbeefu, 0xbeefu), "42 beef BEEF");
  EXPECT_EQ(F("%lu %ld", 4000000000ul, -4000000000l), "4000000000 -4000000000");
  EXPECT_EQ(F("%llx", 0x123456789abcdefull), "123456789abcdef");
  EXPECT_EQ(F("%lld", static_cast<long long>(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(F("%zu", size_t{7}), "7");
  EXPECT_EQ(F("%c%c", 'o', 'k'), "ok");
  EXPECT_EQ(F("100%%"), "100%");
  EXPECT_EQ(F("%p", reinterpret_cast<void*>(0x1000)), "0x1000");
  EXPECT_EQ(F("%s", static_cast<const char*>(nullptr)), "(null)");
  EXPECT_EQ(F("%d", 0), "0");
}

TEST(FormatTest, WidthAndFlags) {
  EXPECT_EQ(F("%08x", 0x2au), "0000002a");
  EXPECT_EQ(F("%5d|", 42), "   42|");
  EXPECT_EQ(F("%-5d|", 42), "42   |");
  EXPECT_EQ(F("%05d", -42), "-0042");
  EXPECT_EQ(F("%6s|%-6s|", "ab", "cd"), "    ab|cd    |");
}

TEST(FormatTest, UnknownConversionsAreCopied) {
  EXPECT_EQ(F("%q %d", 5), "%q 5");
  EXPECT_EQ(F("end %"), "end %");
}

TEST(FormatTest, TruncatesAndAlwaysTerminates) {
  char buf[6];
  EXPECT_EQ(Format(buf, sizeof(buf), "%s", "hello world"), 5u);
  EXPECT_STREQ(buf, "hello");
  char one[1] = {'x'};
  EXPECT_EQ(Format(one, 1, "abc"), 0u);
  EXPECT_EQ(one[0], '\0');
  EXPECT_EQ(Format(nullptr, 0, "abc"), 0u);
}

}  // namespace
}  // namespace tandem
