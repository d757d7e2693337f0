// Discovery and strict parsing of what an RTOS publishes in XenStore.
#include "libtandem/discovery.h"

#include <gtest/gtest.h>

#include "fake_xen.h"
#include "tandem/channel/wire.h"

namespace libtandem::testing {
namespace {

TEST(ParseDecimal, AcceptsOnlyPlainBoundedDecimals) {
  EXPECT_EQ(ParseDecimal("0", 10), 0u);
  EXPECT_EQ(ParseDecimal("42", 100), 42u);
  EXPECT_EQ(ParseDecimal("4294967295", 0xFFFFFFFF), 0xFFFFFFFFu);
  for (const char* bad : {"", " 1", "1 ", "+1", "-1", "0x10", "007", "1e3", "12a", "4294967296",
                          "99999999999", "1\n"}) {
    EXPECT_FALSE(ParseDecimal(bad, 0xFFFFFFFF).has_value()) << "'" << bad << "'";
  }
  EXPECT_FALSE(ParseDecimal(std::string_view("1\0", 2), 10).has_value());
  EXPECT_FALSE(ParseDecimal("11", 10).has_value());
}

TEST(ParseVersion, AcceptsTheThreeDocumentedFormsOnly) {
  EXPECT_EQ(ParseVersion("1.0"), 0x10000u);
  EXPECT_EQ(ParseVersion("1.2"), 0x10002u);
  EXPECT_EQ(ParseVersion("1"), 0x10000u);
  EXPECT_EQ(ParseVersion("65537"), 0x10001u);
  EXPECT_EQ(ParseVersion("2"), 0x20000u);
  for (const char* bad : {"", ".", "1.", ".1", "1.0.0", "1.65536", "v1", "1 .0", "01.0", "-1"}) {
    EXPECT_FALSE(ParseVersion(bad).has_value()) << "'" << bad << "'";
  }
}

// --domain's text as the user typed it (nullopt: no --domain), parsed; it must be well-formed.
DomainSelector Select(const std::optional<std::string>& text) {
  Result<DomainSelector> s = ParseDomainSelector(text);
  EXPECT_TRUE(s.ok()) << (text ? *text : "(none)");
  return s.ok() ? s.value() : DomainSelector{};
}

TEST(ParseDomainSelector, DigitsAreAnIdAnythingElseANameMalformedIsUsage) {
  using By = DomainSelector::By;
  EXPECT_EQ(Select(std::nullopt).by, By::kOnlyPublisher);
  EXPECT_EQ(Select("3").by, By::kId);
  EXPECT_EQ(Select("3").domid, 3u);
  EXPECT_EQ(Select("0").domid, 0u);
  EXPECT_EQ(Select("007").domid, 7u);  // as xl reads it
  EXPECT_EQ(Select("32751").domid, kMaxDomid);
  for (const char* name : {"tandem-rt", "3a", "+3", "0x10", " 3", "-", "-rt", "--1"}) {
    EXPECT_EQ(Select(name).by, By::kName) << name;
    EXPECT_EQ(Select(name).name, name);
  }
  for (const char* bad :
       {"", "-1", "-0", "-32751", "32752", "99999", "4294967296", "99999999999999999999999999"}) {
    Result<DomainSelector> r = ParseDomainSelector(std::string(bad));
    ASSERT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_EQ(r.error().code, Errc::kUsage);
    EXPECT_NE(r.error().message.find("--domain"), std::string::npos) << r.error().message;
  }
}

class DiscoveryTest : public ::testing::Test {
 protected:
  DiscoveryTest() : rtos_(xen_, 3, "tandem-rt") {
    xen_.store["/local/domain/0/name"] = "Domain-0";
    rtos_.Publish();
  }
  std::string Key(const char* k) { return "/local/domain/3/data/tandem/" + std::string(k); }
  FakeXen xen_;
  FakeRtos rtos_;
};

TEST_F(DiscoveryTest, ListsDomainsOtherThanDom0) {
  xen_.store["/local/domain/7/name"] = "linux-guest";
  auto all = ListDomains(xen_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all.value().size(), 2u);
  EXPECT_EQ(all.value()[0].domid, 3u);
  EXPECT_EQ(all.value()[0].name, "tandem-rt");
  EXPECT_TRUE(all.value()[0].published);
  EXPECT_EQ(all.value()[0].channel, "initwait");
  EXPECT_EQ(all.value()[1].domid, 7u);
  EXPECT_FALSE(all.value()[1].published);
}

TEST_F(DiscoveryTest, Dom0IsListedOnlyWhenItPublishes) {
  // tandem-loopback publishes under dom0 itself.
  FakeRtos loopback(xen_, 0, "Domain-0");
  loopback.Publish();
  auto all = ListDomains(xen_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all.value().size(), 2u);
  EXPECT_EQ(all.value()[0].domid, 0u);
  EXPECT_TRUE(all.value()[0].published);
  EXPECT_EQ(ResolveDomain(xen_, Select("0")).value().name, "Domain-0");
}

TEST_F(DiscoveryTest, ResolvesByNameIdOrTheOnlyTandemDomain) {
  xen_.store["/local/domain/7/name"] = "linux-guest";
  EXPECT_EQ(ResolveDomain(xen_, Select("tandem-rt")).value().domid, 3u);
  EXPECT_EQ(ResolveDomain(xen_, Select("3")).value().domid, 3u);
  EXPECT_EQ(ResolveDomain(xen_, Select(std::nullopt)).value().domid, 3u);
  EXPECT_EQ(ResolveDomain(xen_, Select("7")).value().name, "linux-guest");
  auto missing = ResolveDomain(xen_, Select("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::kDomainNotFound);
  EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
  EXPECT_EQ(ResolveDomain(xen_, Select("9")).error().code, Errc::kDomainNotFound);
}

TEST_F(DiscoveryTest, DefaultIsAmbiguousWithTwoTandemDomains) {
  FakeRtos second(xen_, 4, "tandem-rt-2");
  second.Publish();
  auto r = ResolveDomain(xen_, Select(std::nullopt));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUsage);
  EXPECT_NE(r.error().message.find("tandem-rt-2"), std::string::npos);
  EXPECT_NE(r.error().hint.find("--domain"), std::string::npos);
}

TEST_F(DiscoveryTest, NoTandemDomainIsNotFound) {
  for (const char* k : tandem::channel::keys::kAll) xen_.store.erase(Key(k));
  EXPECT_EQ(ResolveDomain(xen_, Select(std::nullopt)).error().code, Errc::kDomainNotFound);
  EXPECT_EQ(ReadChannel(xen_, 3).error().code, Errc::kNotPublished);
}

TEST_F(DiscoveryTest, ReadsAValidChannel) {
  auto c = ReadChannel(xen_, 3);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c.value().boot_id, rtos_.boot_id);
  EXPECT_NE(c.value().boot_id, 0u);
  EXPECT_EQ(c.value().name, "tandem-rt");
  EXPECT_EQ(c.value().request_ref, FakeRtos::kRequestRef);
  EXPECT_EQ(c.value().response_ref, FakeRtos::kResponseRef);
  EXPECT_EQ(c.value().event_channel, FakeRtos::kRemotePort);
  EXPECT_EQ(c.value().version, tandem::channel::kProtocolVersion);
}

// An RTOS of protocol 1.2 or older publishes no boot id: still a channel, boot id 0 ("none").
TEST_F(DiscoveryTest, BootIdIsOptionalAndListed) {
  xen_.store[Key("boot-id")] = "9f3a5c0e12b4d678";
  auto c = ReadChannel(xen_, 3);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c.value().boot_id, 0x9f3a5c0e12b4d678u);
  auto all = ListDomains(xen_);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value()[0].boot_id, 0x9f3a5c0e12b4d678u);
  EXPECT_EQ(BootIdText(all.value()[0].boot_id), "9f3a5c0e12b4d678");
  xen_.store.erase(Key("boot-id"));
  c = ReadChannel(xen_, 3);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c.value().boot_id, 0u);
  EXPECT_EQ(BootIdText(0), "");
}

// Closing is what the RTOS publishes while the ring is frozen after a broken peer: a valid
// channel (Session::Open decides from the page), listed as such.
TEST_F(DiscoveryTest, ClosingIsAValidState) {
  xen_.store[Key("state")] = "5";
  auto c = ReadChannel(xen_, 3);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c.value().state, 5u);
  EXPECT_EQ(ListDomains(xen_).value()[0].channel, "closing");
}

TEST_F(DiscoveryTest, MissingKeyIsNamed) {
  xen_.store.erase(Key("event-channel"));
  auto c = ReadChannel(xen_, 3);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::kNotPublished);
  EXPECT_NE(c.error().message.find("event-channel is missing"), std::string::npos);
}

TEST_F(DiscoveryTest, MalformedValuesAreRejected) {
  const std::pair<const char*, const char*> cases[] = {
      {"ring-ref0", "-1"},
      {"ring-ref0", "7"},  // reserved grant
      {"ring-ref1", "0x20"},
      {"ring-ref1", "10"},  // same as the request ref
      {"event-channel", "0"},
      {"event-channel", "131072"},  // beyond the FIFO ABI
      {"state", "9"},
      {"state", "connected"},
      {"version", "65536 "},
      {"version", "1.x"},
      {"ring-ref0", "4294967295"},
      // boot-id: exactly boot_id.h's 16 lower-case hex digits, not all zero
      {"boot-id", "123"},
      {"boot-id", "0000000000000000"},
      {"boot-id", "9F3A5C0E12B4D678"},
      {"boot-id", "9f3a5c0e12b4d6781"},
      {"boot-id", " f3a5c0e12b4d678"},
      {"boot-id", "9f3a5c0e12b4d67g"},
  };
  for (const auto& [key, value] : cases) {
    FakeXen xen;
    FakeRtos rtos(xen, 3, "tandem-rt");
    rtos.Publish();
    xen.store["/local/domain/3/data/tandem/" + std::string(key)] = value;
    auto c = ReadChannel(xen, 3);
    ASSERT_FALSE(c.ok()) << key << "=" << value;
    EXPECT_EQ(c.error().code, Errc::kNotPublished) << key << "=" << value;
    EXPECT_NE(c.error().message.find(key), std::string::npos) << c.error().message;
  }
}

TEST_F(DiscoveryTest, ControlCharactersAreNotEchoedRaw) {
  xen_.store[Key("state")] = std::string("\x1b[2J", 4);
  auto c = ReadChannel(xen_, 3);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message.find('\x1b'), std::string::npos);
}

TEST_F(DiscoveryTest, OtherMajorVersionIsAMismatch) {
  xen_.store[Key("version")] = std::to_string((tandem::channel::kVersionMajor + 1) << 16);
  auto c = ReadChannel(xen_, 3);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::kVersionMismatch);
  EXPECT_NE(c.error().message.find("speaks Tandem protocol 2.0"), std::string::npos);
  xen_.store[Key("version")] = "2.1";
  EXPECT_EQ(ReadChannel(xen_, 3).error().code, Errc::kVersionMismatch);
  xen_.store[Key("version")] = "1";
  EXPECT_TRUE(ReadChannel(xen_, 3).ok());
  // A newer minor of the same major is fine.
  xen_.store[Key("version")] = std::to_string(tandem::channel::kProtocolVersion + 3);
  EXPECT_TRUE(ReadChannel(xen_, 3).ok());
}

TEST_F(DiscoveryTest, TransactionConflictsAreRetried) {
  xen_.conflicts_to_inject = 3;
  EXPECT_TRUE(ReadChannel(xen_, 3).ok());
  xen_.conflicts_to_inject = 100;
  auto c = ReadChannel(xen_, 3);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::kXen);
}

TEST_F(DiscoveryTest, XenStoreFailureIsAXenError) {
  xen_.xenstore_error = true;
  EXPECT_EQ(ListDomains(xen_).error().code, Errc::kXen);
}

}  // namespace
}  // namespace libtandem::testing
