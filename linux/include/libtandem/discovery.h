// Finding Tandem RTOS domains and reading what they publish in XenStore (DESIGN.md, "The channel
// is a Xen split device"; docs/protocol.md, "XenStore"). Everything read here is written by
// another domain and parsed strictly: decimal only, no signs, spaces or leading zeros, bounded.
#ifndef LIBTANDEM_DISCOVERY_H_
#define LIBTANDEM_DISCOVERY_H_

#include <stdint.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libtandem/error.h"
#include "libtandem/xen_backend.h"

namespace libtandem {

// The RTOS's keys, relative to /local/domain/<domid>/.
inline constexpr std::string_view kFrontendDir = "data/tandem";

// One domain as `tandemctl list` shows it.
struct DomainEntry {
  uint32_t domid = 0;
  std::string name;        // "" if the domain has no name node
  bool published = false;  // has a data/tandem directory
  std::string channel;     // "connected", "initwait", ... or why it is not usable
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
};

// Strict decimal parse: 1..10 digits, no leading zero unless "0", value <= max.
std::optional<uint32_t> ParseDecimal(std::string_view text, uint32_t max);
// data/tandem/version: "major.minor" ("1.0"), a bare major ("1"), or the wire form
// major << 16 | minor in decimal ("65536"). Major 0 does not exist, which keeps these apart.
std::optional<uint32_t> ParseVersion(std::string_view text);
// A XenStore domain name is printable ASCII without '/' and at most 64 characters here.
bool ValidDomainName(std::string_view name);
const char* XenbusStateName(uint32_t state);

// Every domain other than ourselves (domid 0) under /local/domain.
Result<std::vector<DomainEntry>> ListDomains(XenBackend& xen);

// Resolves --domain: a domid ("3"), a name ("tandem-rt"), or "" for the only domain that
// publishes a channel. kDomainNotFound, or kUsage when "" is ambiguous.
Result<DomainEntry> ResolveDomain(XenBackend& xen, std::string_view selector);

// Reads data/tandem/* in one XenStore transaction (retried on conflict) and validates it.
// kNotPublished if absent, incomplete, malformed or not ready; kVersionMismatch if the major
// version differs from ours.
Result<ChannelInfo> ReadChannel(XenBackend& xen, uint32_t domid);

}  // namespace libtandem

#endif  // LIBTANDEM_DISCOVERY_H_
