// Naming and describing RTOS events. See events.h.
#include "libtandem/events.h"

#include <string.h>

#include <cstdlib>
#include <sstream>

namespace libtandem {
namespace {

using tandem::channel::Event;
using tandem::channel::EventKind;

constexpr uint16_t kMiss = static_cast<uint16_t>(EventKind::kDeadlineMiss);
constexpr uint16_t kState = static_cast<uint16_t>(EventKind::kTaskState);

std::string PrintableText(const uint8_t* bytes, size_t len) {
  std::string s;
  for (size_t i = 0; i < len && bytes[i] != 0; ++i) {
    const char c = static_cast<char>(bytes[i]);
    s += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return s;
}

uint32_t Word(const Event& e, size_t i) {
  uint32_t v = 0;
  if ((i + 1) * 4 <= e.data_len) memcpy(&v, e.data + 4 * i, 4);
  return v;
}

std::string Hex(const uint8_t* bytes, size_t len) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < len; ++i) {
    s += kDigits[bytes[i] >> 4];
    s += kDigits[bytes[i] & 15];
  }
  return s;
}

}  // namespace

std::vector<EventKindName> EventKindNames(const std::vector<AppEventInfo>& app) {
  std::vector<EventKindName> names = {{kMiss, "deadline-miss"}, {kState, "task-state"}};
  for (const AppEventInfo& a : app) names.push_back({a.kind, a.name});
  return names;
}

Result<uint64_t> ParseEventKinds(const std::string& list, const std::vector<AppEventInfo>& app) {
  const std::vector<EventKindName> known = EventKindNames(app);
  std::string known_text;
  for (const EventKindName& k : known) known_text += (known_text.empty() ? "" : ", ") + k.name;
  if (list == "all") {
    uint64_t mask = 0;
    for (const EventKindName& k : known) mask |= tandem::channel::EventKindBit(k.kind);
    return mask;
  }
  uint64_t mask = 0;
  std::istringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    bool found = false;
    for (const EventKindName& k : known) {
      if (k.name == item || std::to_string(k.kind) == item) {
        mask |= tandem::channel::EventKindBit(k.kind);
        found = true;
      }
    }
    if (!found) {
      return Fail(Errc::kUsage, "no event kind '" + item + "' on this RTOS",
                  "it has: " + known_text + " (or `all`)");
    }
  }
  if (mask == 0) return Fail(Errc::kUsage, "no event kind given", "it has: " + known_text);
  return mask;
}

EventView DescribeEvent(const Event& e, const std::vector<AppEventInfo>& app) {
  EventView v;
  const size_t len =
      e.data_len > tandem::channel::kEventDataMax ? tandem::channel::kEventDataMax : e.data_len;
  if (e.kind == kMiss) {
    v.kind = "deadline-miss";
    v.numbers = {{"task", e.source}, {"response_us", Word(e, 0)}, {"deadline_us", Word(e, 1)}};
    if (len > 8) v.texts = {{"name", PrintableText(e.data + 8, len - 8)}};
    return v;
  }
  if (e.kind == kState) {
    v.kind = "task-state";
    v.numbers = {{"task", e.source}};
    if (len >= 1) {
      v.texts = {{"state", e.data[0] == 1 ? "running" : "stopped"},
                 {"name", PrintableText(e.data + 1, len - 1)}};
    }
    return v;
  }
  v.kind = "kind-" + std::to_string(e.kind);
  v.numbers = {{"source", e.source}};
  for (const AppEventInfo& a : app) {
    if (a.kind != e.kind) continue;
    v.kind = a.name;
    for (size_t i = 0; i < a.fields.size() && (i + 1) * 4 <= len; ++i) {
      v.numbers.emplace_back(a.fields[i], Word(e, i));
    }
    if (a.fields.size() * 4 < len) {
      v.raw_hex = Hex(e.data + a.fields.size() * 4, len - a.fields.size() * 4);
    }
    return v;
  }
  v.raw_hex = Hex(e.data, len);
  return v;
}

}  // namespace libtandem
