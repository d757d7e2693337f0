// tandem/format.h, the one printf engine of freestanding code (the channel, the Xen layer, the
// arm64 console), on the host against what snprintf gives.
#include "tandem/format.h"

#include <gtest/gtest.h>

#include <cstdarg>
#include <cstdio>
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

// The arm64 console's uses: what ConsolePrintf and the demo's status lines print.
std::string Console(const char* fmt, ...) {
  char buf[128];
  va_list args;
  va_start(args, fmt);
  FormatLengthV(buf, sizeof(buf), fmt, args);
  va_end(args);
  return buf;
}

TEST(FormatTest, MatchesSnprintfForTheSupportedSubset) {
  EXPECT_EQ(Console("t=%us ctrl=%lu misses=%lu", 5u, 4987ul, 0ul), "t=5s ctrl=4987 misses=0");
  EXPECT_EQ(Console("%d %i %d", -42, 7, 0), "-42 7 0");
  EXPECT_EQ(Console("0x%lx %X %08x", 0x40000000ul, 0xabcu, 0x1fu), "0x40000000 ABC 0000001f");
  EXPECT_EQ(Console("[%5s|%-5s|%c]", "ab", "cd", 'z'), "[   ab|cd   |z]");
  EXPECT_EQ(Console("%lld %llu", -9000000000ll, 18446744073709551615ull),
            "-9000000000 18446744073709551615");
  EXPECT_EQ(Console("%zu %%", size_t{12}), "12 %");
  EXPECT_EQ(Console("%s", static_cast<const char*>(nullptr)), "(null)");
  EXPECT_EQ(Console("%05d", -42), "-0042");
}

TEST(FormatTest, WidthAppliesToCharactersAndWholePointers) {
  char want[64];
  std::snprintf(want, sizeof(want), "[%3c|%-3c|%10p|%-10p]", 'a', 'b',
                reinterpret_cast<void*>(0x1000), reinterpret_cast<void*>(0x1000));
  EXPECT_EQ(F("[%3c|%-3c|%10p|%-10p]", 'a', 'b', reinterpret_cast<void*>(0x1000),
              reinterpret_cast<void*>(0x1000)),
            want);
}

size_t Into(char* buf, size_t size, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const size_t n = FormatLengthV(buf, size, fmt, args);
  va_end(args);
  return n;
}

TEST(FormatTest, FormatLengthTruncatesAndReportsTheFullLength) {
  char buf[8];
  EXPECT_EQ(Into(buf, sizeof(buf), "%s", "0123456789"), 10u);
  EXPECT_STREQ(buf, "0123456");
  EXPECT_EQ(Into(buf, sizeof(buf), "%u", 1234567890u), 10u);
  EXPECT_STREQ(buf, "1234567");
  EXPECT_EQ(FormatLength(nullptr, 0, "abc%d", 12), 5u);
}

}  // namespace
}  // namespace tandem
