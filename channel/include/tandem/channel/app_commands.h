// Application-defined commands (docs/app-commands.md): an RTOS application declares each command
// once, as an AppCommandSpec in a constant table, and registers it with the Server. The Server
// validates every request against the spec exactly as it validates the built-in ops, and
// publishes the table to Linux through kCommandInfo (protocol 1.6), so `tandemctl call NAME`
// needs no op numbers and no C++ on the Linux side.
//
// Portable and freestanding: used by the RTOS (to declare and validate) and by libtandem (to
// check a name it read from the RTOS, which is untrusted input).
#ifndef TANDEM_CHANNEL_APP_COMMANDS_H_
#define TANDEM_CHANNEL_APP_COMMANDS_H_

#include <stdint.h>

#include "tandem/channel/ops.h"
#include "tandem/channel/wire.h"

namespace tandem::channel {

// A command's name: 1..kMaxCommandName characters of [a-z0-9-], starting with a letter. The
// charset keeps names safe to print and to type as a shell word; the length fits one payload.
inline constexpr uint32_t kMaxCommandName = 24;
// The summary and the argument names each travel in one payload.
inline constexpr uint32_t kMaxCommandText = kMaxPayload;

struct AppCommandSpec {
  uint16_t op;           // in [kAppOpFirst, kAppOpLast]
  const char* name;      // see kMaxCommandName
  uint8_t arg_count;     // argument words used (0..4); the words above must be zero
  uint8_t result_count;  // result words the handler fills (0..4): what tandemctl prints
  uint32_t arg_min[4];   // inclusive bounds per used word
  uint32_t arg_max[4];
  uint32_t payload_max;   // 0..kMaxPayload bytes
  const char* summary;    // one line for `tandemctl commands`, <= kMaxCommandText bytes
  const char* arg_names;  // space-separated, one per used word, <= kMaxCommandText bytes
};

// kCommandInfo's arg[1]: which part of entry arg[0] the RTOS answers (docs/protocol.md, 7).
enum class CommandInfoPart : uint32_t {
  kIdentity = 0,  // result[0] count, [1] op | arg_count << 16 | result_count << 24,
                  // [2] payload_max; payload: name
  kLimits = 1,    // result[0..3] arg_min; payload: arg_max[0..3] (16 bytes, little-endian)
  kSummary = 2,   // payload: summary
  kArgNames = 3,  // payload: argument names, space-separated
};
static_assert(static_cast<uint32_t>(CommandInfoPart::kArgNames) == kCommandInfoPartLast);

constexpr uint32_t PackCommandIdentity(uint16_t op, uint8_t arg_count, uint8_t result_count) {
  return uint32_t{op} | uint32_t{arg_count} << 16 | uint32_t{result_count} << 24;
}

constexpr bool IsCommandNameChar(char c, bool first) {
  if (c >= 'a' && c <= 'z') return true;
  if (first) return false;
  return (c >= '0' && c <= '9') || c == '-';
}

// Whether `name[0..len)` is a valid command name (see kMaxCommandName).
constexpr bool IsValidCommandName(const char* name, uint32_t len) {
  if (name == nullptr || len == 0 || len > kMaxCommandName) return false;
  for (uint32_t i = 0; i < len; ++i) {
    if (!IsCommandNameChar(name[i], i == 0)) return false;
  }
  return true;
}

// Length of a NUL-terminated string, at most `limit + 1` (so "too long" is visible).
constexpr uint32_t BoundedLength(const char* s, uint32_t limit) {
  if (s == nullptr) return 0;
  uint32_t n = 0;
  while (n <= limit && s[n] != '\0') ++n;
  return n;
}

// Why a spec is refused at registration (Server::RegisterAppCommand).
enum class SpecError : uint8_t {
  kNone,
  kOpOutOfRange,     // not in [kAppOpFirst, kAppOpLast]
  kBadName,          // see kMaxCommandName
  kBadArgCount,      // arg_count or result_count > 4
  kBadLimits,        // arg_min > arg_max, or bounds on an unused word
  kBadPayloadMax,    // > kMaxPayload
  kTextTooLong,      // summary or arg_names > kMaxCommandText
  kArgNamesMismatch  // arg_names does not name exactly arg_count words
};

constexpr uint32_t CountWords(const char* s) {
  uint32_t words = 0;
  bool in_word = false;
  for (uint32_t i = 0; s != nullptr && s[i] != '\0'; ++i) {
    const bool space = s[i] == ' ';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

constexpr SpecError CheckSpec(const AppCommandSpec& s) {
  if (!IsAppOp(s.op)) return SpecError::kOpOutOfRange;
  if (!IsValidCommandName(s.name, BoundedLength(s.name, kMaxCommandName))) {
    return SpecError::kBadName;
  }
  if (s.arg_count > 4 || s.result_count > 4) return SpecError::kBadArgCount;
  for (uint32_t i = 0; i < 4; ++i) {
    if (i < s.arg_count && s.arg_min[i] > s.arg_max[i]) return SpecError::kBadLimits;
    if (i >= s.arg_count && (s.arg_min[i] != 0 || s.arg_max[i] != 0)) {
      return SpecError::kBadLimits;
    }
  }
  if (s.payload_max > kMaxPayload) return SpecError::kBadPayloadMax;
  if (BoundedLength(s.summary, kMaxCommandText) > kMaxCommandText ||
      BoundedLength(s.arg_names, kMaxCommandText) > kMaxCommandText) {
    return SpecError::kTextTooLong;
  }
  if (CountWords(s.arg_names) != s.arg_count) return SpecError::kArgNamesMismatch;
  return SpecError::kNone;
}

// A request for a registered application command, checked against its spec after the generic
// checks (ValidateRequest): unused words zero, used words within bounds, payload within limit.
constexpr WireStatus ValidateAppRequest(const AppCommandSpec& s, const Request& r) {
  if (r.payload_len > s.payload_max) return WireStatus::kBadPayload;
  for (uint32_t i = 0; i < 4; ++i) {
    if (i >= s.arg_count) {
      if (r.arg[i] != 0) return WireStatus::kBadArgument;
    } else if (r.arg[i] < s.arg_min[i] || r.arg[i] > s.arg_max[i]) {
      return WireStatus::kBadArgument;
    }
  }
  return WireStatus::kOk;
}

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_APP_COMMANDS_H_
