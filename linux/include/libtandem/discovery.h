// Finding Tandem RTOS domains and reading what they publish in XenStore (the channel is a Xen
// split device: docs/tandemctl.md, "Where the channel is found"). Everything read here is written
// by another domain and parsed strictly: decimal only, no signs, spaces or leading zeros, bounded.
#ifndef LIBTANDEM_DISCOVERY_H_
#define LIBTANDEM_DISCOVERY_H_

#include <stdint.h>
#include <xen/xen.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libtandem/error.h"
#include "libtandem/xen_backend.h"
#include "tandem/channel/xenstore_keys.h"

namespace libtandem {

// The RTOS's keys, relative to /local/domain/<domid>/ (names: tandem/channel/xenstore_keys.h).
inline constexpr std::string_view kFrontendDir = tandem::channel::keys::kDir;

// One domain as `tandemctl list` shows it.
struct DomainEntry {
  uint32_t domid = 0;
  std::string name;        // "" if the domain has no name node
  bool published = false;  // has a data/tandem directory
  std::string channel;     // "connected", "initwait", ... or why it is not usable
  uint64_t boot_id = 0;    // the RTOS's boot id (boot_id.h); 0: none published or unreadable
};

// What the RTOS published, validated.
struct ChannelInfo {
  uint32_t domid = 0;
  std::string name;
  uint32_t version = 0;        // as published: major << 16 | minor
  uint32_t request_ref = 0;    // grant of the request page (mapped read-write)
  uint32_t response_ref = 0;   // grant of the response page (mapped read-only)
  uint32_t event_channel = 0;  // the RTOS's unbound port for dom0
  uint32_t state = 0;          // XenbusState
  uint64_t boot_id = 0;        // this boot of the RTOS (boot_id.h); 0: not published (< 1.3)
};

// Strict decimal parse: 1..10 digits, no leading zero unless "0", value <= max.
std::optional<uint32_t> ParseDecimal(std::string_view text, uint32_t max);
// data/tandem/version: "major.minor" ("1.0"), a bare major ("1"), or the wire form
// major << 16 | minor in decimal ("65536"). Major 0 does not exist, which keeps these apart.
std::optional<uint32_t> ParseVersion(std::string_view text);
// A XenStore domain name is printable ASCII without '/' and at most 64 characters here.
bool ValidDomainName(std::string_view name);
const char* XenbusStateName(uint32_t state);
// 16 hex digits, or "" for 0 (no boot id).
std::string BootIdText(uint64_t boot_id);

// Every domain other than ourselves (domid 0) under /local/domain.
Result<std::vector<DomainEntry>> ListDomains(XenBackend& xen);

// The highest id of an ordinary domain; ids from DOMID_FIRST_RESERVED on are Xen's own
// (DOMID_SELF, DOMID_IO, ...: public/xen.h).
inline constexpr uint32_t kMaxDomid = DOMID_FIRST_RESERVED - 1;

// What --domain selects (docs/tandemctl.md, "Choosing the domain"), decided from its text alone
// so that a malformed --domain is a usage error before, and wherever, Xen is asked.
struct DomainSelector {
  enum class By : uint8_t { kOnlyPublisher, kId, kName };
  By by = By::kOnlyPublisher;  // no --domain: the only domain that publishes a channel
  uint32_t domid = 0;          // kId
  std::string name;            // kName
};

// nullopt: kOnlyPublisher. All decimal digits: a domain id, as `xl` reads it ("03" is 3), which
// must be below DOMID_FIRST_RESERVED (xen/xen.h). Anything else is a name. kUsage for "", for a
// '-' followed by digits (a negative id, not a name) and for an id out of range.
Result<DomainSelector> ParseDomainSelector(const std::optional<std::string>& text);

// The domain `selector` names. kDomainNotFound; kUsage when kOnlyPublisher is ambiguous;
// kNotPublished for id 0 unless dom0 publishes a channel (tandem-loopback): dom0 is where
// tandemctl runs, not a Tandem RT domain.
Result<DomainEntry> ResolveDomain(XenBackend& xen, const DomainSelector& selector);

// Reads data/tandem/* in one XenStore transaction (retried on conflict) and validates it.
// kNotPublished if absent, incomplete or malformed; kVersionMismatch if the major version
// differs from ours. boot-id is optional (an RTOS of protocol 1.2 or older has none) but, when
// present, must be well-formed. Whether `state` admits a session is Session::Open's business.
Result<ChannelInfo> ReadChannel(XenBackend& xen, uint32_t domid);

}  // namespace libtandem

#endif  // LIBTANDEM_DISCOVERY_H_
