// Domain discovery and strict parsing of the RTOS's XenStore keys. See discovery.h.
#include "libtandem/discovery.h"

#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/io/xenbus.h>
#include <xen/xen.h>

#include <algorithm>
#include <map>

#include "tandem/channel/boot_id.h"
#include "tandem/channel/wire.h"

namespace libtandem {
namespace {

// The RTOS's keys under data/tandem (docs/protocol.md, "XenStore"), spelled once for both ends
// in tandem/channel/xenstore_keys.h.
using tandem::channel::keys::kBootId;
constexpr const char* kKeyVersion = tandem::channel::keys::kVersion;
constexpr const char* kKeyRequestRef = tandem::channel::keys::kRequestRef;    // Linux writes
constexpr const char* kKeyResponseRef = tandem::channel::keys::kResponseRef;  // read-only
constexpr const char* kKeyEventChannel = tandem::channel::keys::kEventChannel;
constexpr const char* kKeyState = tandem::channel::keys::kState;

// Bounds from Xen's public headers: grant refs below GNTTAB_NR_RESERVED_ENTRIES belong to the
// toolstack (console, XenStore: public/grant_table.h); port 0 is never a valid event channel and
// the FIFO ABI has EVTCHN_FIFO_NR_CHANNELS ports (public/event_channel.h); domids stop at
// kMaxDomid (discovery.h).
constexpr uint32_t kFirstUsableGrantRef = GNTTAB_NR_RESERVED_ENTRIES;
constexpr uint32_t kMaxGrantRef = 0xFFFFFFFE;  // all-ones is the frontends' "invalid ref"
constexpr uint32_t kMaxEventChannel = EVTCHN_FIFO_NR_CHANNELS - 1;

std::string DomainPath(uint32_t domid) { return "/local/domain/" + std::to_string(domid); }

// A value another domain wrote, fit for a message: at most 32 characters, control and
// non-ASCII bytes as '?' (never echoed raw to a terminal).
std::string Shown(const std::string& value) {
  std::string shown = value.substr(0, 32);
  for (char& c : shown) {
    if (c < 0x20 || c >= 0x7F) c = '?';
  }
  return shown;
}

// What a data/tandem state means for `tandemctl list`, and the boot id when there is one.
void Summarize(XenBackend& xen, DomainEntry& e) {
  Result<ChannelInfo> info = ReadChannel(xen, e.domid);
  if (info.ok()) {
    e.channel = XenbusStateName(info.value().state);
    e.boot_id = info.value().boot_id;
    return;
  }
  switch (info.error().code) {
    case Errc::kVersionMismatch:
      e.channel = "version-mismatch";
      return;
    case Errc::kNotPublished:
      e.channel = "invalid";
      return;
    default:
      e.channel = "unreadable";
      return;
  }
}

}  // namespace

std::optional<uint32_t> ParseDecimal(std::string_view text, uint32_t max) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > max) return std::nullopt;
  return static_cast<uint32_t>(value);
}

std::optional<uint32_t> ParseVersion(std::string_view text) {
  const size_t dot = text.find('.');
  if (dot != std::string_view::npos) {
    std::optional<uint32_t> major = ParseDecimal(text.substr(0, dot), 0xFFFF);
    std::optional<uint32_t> minor = ParseDecimal(text.substr(dot + 1), 0xFFFF);
    if (!major || !minor) return std::nullopt;
    return *major << 16 | *minor;
  }
  std::optional<uint32_t> n = ParseDecimal(text, 0xFFFFFFFF);
  if (!n) return std::nullopt;
  // Major 0 does not exist, so a value below 1 << 16 can only be a bare major number.
  return *n > 0xFFFF ? *n : *n << 16;
}

bool ValidDomainName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c > 0x20 && c < 0x7F && c != '/'; });
}

const char* XenbusStateName(uint32_t state) {
  switch (state) {
    case XenbusStateUnknown:
      return "unknown";
    case XenbusStateInitialising:
      return "initialising";
    case XenbusStateInitWait:
      return "initwait";
    case XenbusStateInitialised:
      return "initialised";
    case XenbusStateConnected:
      return "connected";
    case XenbusStateClosing:
      return "closing";
    case XenbusStateClosed:
      return "closed";
    case XenbusStateReconfiguring:
      return "reconfiguring";
    case XenbusStateReconfigured:
      return "reconfigured";
  }
  return "invalid";
}

std::string BootIdText(uint64_t boot_id) {
  if (boot_id == 0) return "";
  char text[tandem::channel::kBootIdTextLength + 1];
  tandem::channel::BootIdToText(boot_id, text);
  return text;
}

Result<std::vector<DomainEntry>> ListDomains(XenBackend& xen) {
  Result<std::optional<std::vector<std::string>>> ids = xen.StoreDirectory(0, "/local/domain");
  LIBTANDEM_TRY(ids);
  std::vector<DomainEntry> out;
  if (!ids.value()) return out;
  for (const std::string& id_text : *ids.value()) {
    std::optional<uint32_t> domid = ParseDecimal(id_text, kMaxDomid);
    if (!domid) continue;  // not a domain directory
    DomainEntry e;
    e.domid = *domid;
    const std::string base = DomainPath(e.domid);
    Result<std::optional<std::string>> name = xen.StoreRead(0, base + "/name");
    LIBTANDEM_TRY(name);
    if (name.value() && ValidDomainName(*name.value())) e.name = *name.value();
    Result<std::optional<std::vector<std::string>>> dir =
        xen.StoreDirectory(0, base + "/" + std::string(kFrontendDir));
    LIBTANDEM_TRY(dir);
    e.published = dir.value().has_value();
    // dom0 is ourselves: listed only when it publishes a channel (tandem-loopback's test mode).
    if (e.domid == 0 && !e.published) continue;
    if (e.published) {
      Summarize(xen, e);
    } else {
      e.channel = "none";
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const DomainEntry& a, const DomainEntry& b) { return a.domid < b.domid; });
  return out;
}

Result<DomainSelector> ParseDomainSelector(const std::optional<std::string>& text) {
  DomainSelector s;
  if (!text) return s;
  const std::string& t = *text;
  const std::string range =
      "Xen domain ids are 1.." + std::to_string(kMaxDomid) + ", and 0 is dom0";
  if (t.empty()) {
    return Fail(Errc::kUsage, "--domain is empty: it needs a domain name or id",
                "give one (`tandemctl list` shows them), or leave --domain out to use the only "
                "domain that publishes a Tandem channel");
  }
  auto digits = [](std::string_view v) {
    return !v.empty() &&
           std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (t[0] == '-' && digits(std::string_view(t).substr(1))) {
    return Fail(Errc::kUsage, "--domain " + t + ": a domain id cannot be negative (" + range + ")",
                "`tandemctl list` or `xl list` shows the domains and their ids");
  }
  if (!digits(t)) {
    s.by = DomainSelector::By::kName;
    s.name = t;
    return s;
  }
  // As xl reads an id: all digits, leading zeros allowed. Counted without overflow.
  uint64_t id = 0;
  for (char c : t) {
    id = std::min<uint64_t>(id * 10 + static_cast<uint64_t>(c - '0'), uint64_t{kMaxDomid} + 1);
  }
  if (id > kMaxDomid) {
    return Fail(Errc::kUsage,
                "--domain " + t + ": no Xen domain has this id (" + range + "; from " +
                    std::to_string(DOMID_FIRST_RESERVED) + " on, ids are reserved by Xen)",
                "`tandemctl list` or `xl list` shows the domains and their ids");
  }
  s.by = DomainSelector::By::kId;
  s.domid = static_cast<uint32_t>(id);
  return s;
}

Result<DomainEntry> ResolveDomain(XenBackend& xen, const DomainSelector& selector) {
  Result<std::vector<DomainEntry>> all = ListDomains(xen);
  LIBTANDEM_TRY(all);
  const std::vector<DomainEntry>& domains = all.value();
  if (selector.by == DomainSelector::By::kOnlyPublisher) {
    std::vector<const DomainEntry*> tandem;
    for (const DomainEntry& e : domains) {
      if (e.published) tandem.push_back(&e);
    }
    if (tandem.size() == 1) return *tandem[0];
    if (tandem.empty()) {
      return Fail(Errc::kDomainNotFound,
                  "no domain publishes a Tandem channel (no /local/domain/*/data/tandem in "
                  "XenStore)",
                  "start the RTOS (xl create) and check `xl list`; `tandemctl list` shows every "
                  "domain");
    }
    std::string names;
    for (const DomainEntry* e : tandem) {
      names += (names.empty() ? "" : ", ") + (e->name.empty() ? std::to_string(e->domid) : e->name);
    }
    return Fail(Errc::kUsage, "several domains publish a Tandem channel: " + names,
                "choose one with --domain NAME|ID");
  }
  if (selector.by == DomainSelector::By::kId) {
    for (const DomainEntry& e : domains) {
      if (e.domid == selector.domid) return e;
    }
    // ListDomains shows dom0 only while it publishes a channel (tandem-loopback's test mode).
    if (selector.domid == 0) {
      return Fail(Errc::kNotPublished,
                  "domain 0 is dom0, where tandemctl runs: it is not a Tandem RT domain and "
                  "publishes no Tandem channel",
                  "name the RTOS's own domain, or leave --domain out to use the only one that "
                  "publishes a channel (`tandemctl list`); dom0 answers only while tandem-loopback "
                  "runs in it");
    }
    const std::string id = std::to_string(selector.domid);
    return Fail(Errc::kDomainNotFound,
                "no domain with id " + id + " (no /local/domain/" + id + " in XenStore)",
                "`xl list` or `tandemctl list` shows the running domains");
  }
  for (const DomainEntry& e : domains) {
    if (e.name == selector.name) return e;
  }
  return Fail(Errc::kDomainNotFound, "no domain named '" + selector.name + "'",
              "`xl list` or `tandemctl list` shows the running domains");
}

namespace {

// The RTOS's keys as read, each present or not, and the domain's name.
struct RawChannel {
  std::map<std::string, std::optional<std::string>> keys;
  std::optional<std::string> name;
};

// Reads every key under `dir` and the domain's name in one XenStore transaction: the RTOS writes
// all keys in one, so reading them in one makes the set consistent. Retries a conflict 8 times.
Result<RawChannel> ReadRawChannel(XenBackend& xen, uint32_t domid, const std::string& dir) {
  RawChannel raw;
  for (int attempt = 0;; ++attempt) {
    Result<XenBackend::Txn> t = xen.StoreBegin();
    LIBTANDEM_TRY(t);
    raw.keys.clear();
    for (const char* key : tandem::channel::keys::kAll) {
      Result<std::optional<std::string>> v = xen.StoreRead(t.value(), dir + "/" + key);
      if (!v.ok()) {
        (void)xen.StoreEnd(t.value(), /*abort=*/true);
        return Fail(v.error());
      }
      raw.keys[key] = v.value();
    }
    Result<std::optional<std::string>> n = xen.StoreRead(t.value(), DomainPath(domid) + "/name");
    if (!n.ok()) {
      (void)xen.StoreEnd(t.value(), /*abort=*/true);
      return Fail(n.error());
    }
    raw.name = n.value();
    Result<bool> committed = xen.StoreEnd(t.value(), /*abort=*/false);
    LIBTANDEM_TRY(committed);
    if (committed.value()) return raw;
    if (attempt == 8) {
      return Fail(Errc::kXen, "XenStore transaction on " + dir + " kept conflicting",
                  "the RTOS may be rewriting its keys in a loop; retry");
    }
  }
}

// The keys of one read, parsed strictly: every message names the key, its value and the range.
class ChannelKeys {
 public:
  ChannelKeys(RawChannel& raw, uint32_t domid, std::string dir, std::string who)
      : raw_(raw), domid_(domid), dir_(std::move(dir)), who_(std::move(who)) {}

  bool NonePresent() const {
    return std::all_of(raw_.keys.begin(), raw_.keys.end(),
                       [](const auto& k) { return !k.second.has_value(); });
  }

  // A decimal in [min, max].
  Result<uint32_t> Number(const char* key, uint32_t min, uint32_t max) {
    const std::optional<std::string>& v = raw_.keys[key];
    if (!v) {
      return Fail(Errc::kNotPublished,
                  "the Tandem channel of domain " + std::to_string(domid_) +
                      " is incomplete: " + dir_ + "/" + key + " is missing",
                  "the RTOS may still be starting; retry, or check its console");
    }
    std::optional<uint32_t> n = ParseDecimal(*v, max);
    if (!n || *n < min) {
      return Fail(Errc::kNotPublished,
                  dir_ + "/" + key + " = '" + Shown(*v) +
                      "' is not valid (expected a decimal in [" + std::to_string(min) + ", " +
                      std::to_string(max) + "])",
                  "the RTOS published a malformed channel; check its version and console");
    }
    return *n;
  }

  // The protocol version, of this major version.
  Result<uint32_t> Version() {
    if (!raw_.keys[kKeyVersion]) {
      LIBTANDEM_TRY(Number(kKeyVersion, 0, 0));  // reports the missing key
    }
    std::optional<uint32_t> version = ParseVersion(*raw_.keys[kKeyVersion]);
    if (!version) {
      return Fail(Errc::kNotPublished,
                  dir_ + "/" + kKeyVersion + " = '" + Shown(*raw_.keys[kKeyVersion]) +
                      "' is not a protocol version (expected 'major.minor', 'major', or "
                      "major << 16 | minor in decimal)",
                  "the RTOS published a malformed channel; check its version and console");
    }
    if (tandem::channel::VersionMajor(*version) != tandem::channel::kVersionMajor) {
      return Fail(Errc::kVersionMismatch,
                  who_ + " speaks Tandem protocol " +
                      std::to_string(tandem::channel::VersionMajor(*version)) + "." +
                      std::to_string(*version & 0xFFFF) + ", this tandemctl speaks " +
                      std::to_string(tandem::channel::kVersionMajor) + "." +
                      std::to_string(tandem::channel::kVersionMinor),
                  "use the tandemctl built with the same Tandem release as the RTOS image");
    }
    return *version;
  }

  // Optional: an RTOS of protocol 1.2 or older publishes none (0). Present, it is exactly what
  // boot_id.h writes, nothing else (it decides whether a client is told the RTOS restarted).
  Result<uint64_t> BootId() {
    const std::optional<std::string>& b = raw_.keys[kBootId];
    if (!b) return uint64_t{0};
    const uint64_t id = tandem::channel::BootIdFromText(b->data(), b->size());
    if (id == 0) {
      return Fail(Errc::kNotPublished,
                  dir_ + "/" + kBootId + " = '" + Shown(*b) +
                      "' is not a boot id (expected 16 lower-case hex digits, not all zero)",
                  "the RTOS published a malformed channel; check its version and console");
    }
    return id;
  }

 private:
  RawChannel& raw_;
  const uint32_t domid_;
  const std::string dir_;
  const std::string who_;
};

}  // namespace

Result<ChannelInfo> ReadChannel(XenBackend& xen, uint32_t domid) {
  const std::string dir = DomainPath(domid) + "/" + std::string(kFrontendDir);
  Result<RawChannel> raw = ReadRawChannel(xen, domid, dir);
  LIBTANDEM_TRY(raw);

  ChannelInfo info;
  info.domid = domid;
  if (raw.value().name && ValidDomainName(*raw.value().name)) info.name = *raw.value().name;
  const std::string who =
      "domain " + std::to_string(domid) + (info.name.empty() ? "" : " (" + info.name + ")");
  ChannelKeys keys(raw.value(), domid, dir, who);
  if (keys.NonePresent()) {
    return Fail(Errc::kNotPublished, who + " publishes no Tandem channel: nothing under " + dir,
                "is it a Tandem RT domain, and has it finished booting? `tandemctl list`");
  }
  Result<uint32_t> version = keys.Version();
  LIBTANDEM_TRY(version);
  info.version = version.value();
  Result<uint32_t> state = keys.Number(kKeyState, 0, XenbusStateReconfigured);
  LIBTANDEM_TRY(state);
  info.state = state.value();
  Result<uint32_t> rq = keys.Number(kKeyRequestRef, kFirstUsableGrantRef, kMaxGrantRef);
  LIBTANDEM_TRY(rq);
  Result<uint32_t> rs = keys.Number(kKeyResponseRef, kFirstUsableGrantRef, kMaxGrantRef);
  LIBTANDEM_TRY(rs);
  if (rq.value() == rs.value()) {
    return Fail(Errc::kNotPublished,
                dir + ": " + kKeyRequestRef + " and " + kKeyResponseRef +
                    " name the same grant reference " + std::to_string(rq.value()),
                "the RTOS published a malformed channel; check its console");
  }
  info.request_ref = rq.value();
  info.response_ref = rs.value();
  Result<uint32_t> port = keys.Number(kKeyEventChannel, 1, kMaxEventChannel);
  LIBTANDEM_TRY(port);
  info.event_channel = port.value();
  Result<uint64_t> boot_id = keys.BootId();
  LIBTANDEM_TRY(boot_id);
  info.boot_id = boot_id.value();
  return info;
}

}  // namespace libtandem
