// The console's printf subset (arch/arm64/src/format.cc), on the host against snprintf.
#include <gtest/gtest.h>

#include <cstdarg>
#include <cstdio>
#include <string>

#include "tandem/arm64/platform.h"

namespace tandem::arm64 {
namespace {

std::string F(const char* fmt, ...) {
  char buf[128];
  va_list args;
  va_start(args, fmt);
  FormatV(buf, sizeof(buf), fmt, args);
  va_end(args);
  return buf;
}

TEST(FormatTest, MatchesSnprintfForTheSupportedSubset) {
  EXPECT_EQ(F("t=%us ctrl=%lu misses=%lu", 5u, 4987ul, 0ul), "t=5s ctrl=4987 misses=0");
  EXPECT_EQ(F("%d %i %d", -42, 7, 0), "-42 7 0");
  EXPECT_EQ(F("0x%lx %X %08x", 0x40000000ul, 0xabcu, 0x1fu), "0x40000000 ABC 0000001f");
  EXPECT_EQ(F("[%5s|%-5s|%c]", "ab", "cd", 'z'), "[   ab|cd   |z]");
  EXPECT_EQ(F("%lld %llu", -9000000000ll, 18446744073709551615ull),
            "-9000000000 18446744073709551615");
  EXPECT_EQ(F("%zu %%", size_t{12}), "12 %");
  EXPECT_EQ(F("%s", static_cast<const char*>(nullptr)), "(null)");
  EXPECT_EQ(F("%05d", -42), "-0042");
}

size_t Into(char* buf, size_t size, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const size_t n = FormatV(buf, size, fmt, args);
  va_end(args);
  return n;
}

TEST(FormatTest, TruncatesAndReportsTheFullLength) {
  char buf[8];
  EXPECT_EQ(Into(buf, sizeof(buf), "%s", "0123456789"), 10u);
  EXPECT_STREQ(buf, "0123456");
  EXPECT_EQ(Into(buf, sizeof(buf), "%u", 1234567890u), 10u);
  EXPECT_STREQ(buf, "1234567");
}

}  // namespace
}  // namespace tandem::arm64
