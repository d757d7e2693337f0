// The boot id (tandem/channel/boot_id.h) and the XenStore key names (xenstore_keys.h): what both
// ends of the channel share.
#include "tandem/channel/boot_id.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

#include "tandem/channel/xenstore_keys.h"

namespace tandem::channel {
namespace {

// Two boots on one machine read different physical counts: their ids must differ. Consecutive
// counts (the worst case: boots a tick apart) and counts a domain creation apart.
TEST(BootId, DistinctCountsGiveDistinctNonZeroIds) {
  std::set<uint64_t> ids;
  for (uint64_t count = 0; count < 100'000; ++count) {
    const uint64_t id = MakeBootId(count);
    EXPECT_NE(id, 0u) << count;
    ids.insert(id);
  }
  uint64_t count = 1;
  for (int i = 0; i < 40; ++i, count *= 3) {
    ids.insert(MakeBootId(count << 20));  // far apart, up to the 64-bit range
  }
  EXPECT_EQ(ids.size(), 100'000u + 40u);
  EXPECT_EQ(ids.count(0), 0u);
  static_assert(MakeBootId(62'500'000) != MakeBootId(62'500'001));
}

// The low bits of the count vary most between boots (jitter); they spread over every digit.
TEST(BootId, NeighbouringCountsDifferInManyDigits) {
  char a[kBootIdTextLength + 1], b[kBootIdTextLength + 1];
  BootIdToText(MakeBootId(1'000'000), a);
  BootIdToText(MakeBootId(1'000'001), b);
  int differing = 0;
  for (size_t i = 0; i < kBootIdTextLength; ++i) differing += a[i] != b[i];
  EXPECT_GE(differing, 8) << a << " " << b;
}

TEST(BootId, TextIsSixteenLowerCaseHexDigitsAndRoundTrips) {
  char text[kBootIdTextLength + 1];
  BootIdToText(0x9f3a5c0e12b4d678u, text);
  EXPECT_STREQ(text, "9f3a5c0e12b4d678");
  BootIdToText(0x1u, text);
  EXPECT_STREQ(text, "0000000000000001");
  EXPECT_EQ(BootIdFromText(text, strlen(text)), 1u);
  const uint64_t id = MakeBootId(123456789);
  BootIdToText(id, text);
  EXPECT_EQ(BootIdFromText(text, kBootIdTextLength), id);
}

TEST(BootId, ParserRefusesAnythingElse) {
  for (const char* bad :
       {"", "9f3a5c0e12b4d67", "9f3a5c0e12b4d6789", "9F3A5C0E12B4D678", "0x3a5c0e12b4d678",
        "9f3a5c0e12b4d67 ", "-f3a5c0e12b4d678", "0000000000000000", "9f3a5c0e12b4d67z"}) {
    EXPECT_EQ(BootIdFromText(bad, strlen(bad)), 0u) << "'" << bad << "'";
  }
  EXPECT_EQ(BootIdFromText(nullptr, 16), 0u);
  EXPECT_EQ(BootIdFromText("9f3a5c0e\0002b4d678", 16), 0u);
}

TEST(XenStoreKeys, PathsAreTheDirectoryAndTheLeaf) {
  EXPECT_STREQ(keys::kStatePath.c_str(), "data/tandem/state");
  EXPECT_STREQ(keys::kBootIdPath.c_str(), "data/tandem/boot-id");
  EXPECT_STREQ(keys::kRequestRefPath.c_str(), "data/tandem/ring-ref0");
  std::set<std::string> leaves(std::begin(keys::kAll), std::end(keys::kAll));
  EXPECT_EQ(leaves.size(), 6u) << "every key once";
}

}  // namespace
}  // namespace tandem::channel
