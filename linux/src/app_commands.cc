// The RTOS application's command and event tables (protocol 1.6). See app_commands.h.
#include "libtandem/app_commands.h"

#include <string.h>

#include <cerrno>
#include <cstdlib>
#include <set>
#include <sstream>

#include "tandem/channel/app_commands.h"
#include "tandem/channel/events.h"

namespace libtandem {
namespace {

using tandem::channel::EventInfoPart;
using tandem::channel::MakeRequest;
using tandem::channel::Op;
using tandem::channel::WireStatus;

// A table longer than this is a broken RTOS (the server holds 16): bounds our loop.
constexpr uint32_t kMaxEntries = 64;

std::string Text(const Response& r) {
  const uint32_t len = r.payload_len > tandem::channel::kMaxPayload ? 0 : r.payload_len;
  return std::string(reinterpret_cast<const char*>(r.payload), len);
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> words;
  std::istringstream in(s);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

bool Printable(const std::string& s) {
  for (char c : s) {
    if (c < 0x20 || c >= 0x7F) return false;
  }
  return true;
}

bool ValidName(const std::string& name) {
  return tandem::channel::IsValidCommandName(name.data(), static_cast<uint32_t>(name.size()));
}

Error Malformed(const std::string& table, uint32_t index, const std::string& why) {
  return Error{Errc::kProtocol,
               "the RTOS's " + table + " entry " + std::to_string(index) + " is malformed: " + why,
               "the RTOS application declares it wrongly; check its console"};
}

// Asks part `part` of entry `index`; an RTOS before 1.6 does not know the op.
Result<Response> AskInfo(CommandPort& port, Op op, uint32_t index, uint32_t part, const char* what,
                         uint64_t timeout_ns) {
  WireStatus status = WireStatus::kOk;
  Result<Response> r = SendRequest(port, MakeRequest(op, index, part), what, timeout_ns, &status);
  if (!r.ok() && status == WireStatus::kUnknownOp) {
    return Fail(
        Errc::kRefused,
        std::string("this RTOS publishes no ") + what + " (it speaks a protocol before 1.6)",
        "update the RTOS image; docs/app-commands.md");
  }
  return r;
}

}  // namespace

Result<std::vector<AppCommandInfo>> ListAppCommands(CommandPort& port, uint64_t timeout_ns) {
  std::vector<AppCommandInfo> table;
  std::set<std::string> names;
  for (uint32_t i = 0;; ++i) {
    Result<Response> id = AskInfo(port, Op::kCommandInfo, i, 0, "command table", timeout_ns);
    LIBTANDEM_TRY(id);
    const uint32_t count = id.value().result[0];
    if (count > kMaxEntries)
      return Fail(Malformed("command table", i, "it claims " + std::to_string(count) + " entries"));
    if (i >= count) break;
    AppCommandInfo c;
    const uint32_t packed = id.value().result[1];
    c.op = static_cast<uint16_t>(packed & 0xFFFF);
    const uint32_t arg_count = (packed >> 16) & 0xFF;
    c.result_count = packed >> 24;
    c.payload_max = id.value().result[2];
    c.name = Text(id.value());
    if (!tandem::channel::IsAppOp(c.op))
      return Fail(Malformed("command table", i, "op outside 0x8000-0xffff"));
    if (!ValidName(c.name)) return Fail(Malformed("command table", i, "bad name"));
    if (!names.insert(c.name).second)
      return Fail(Malformed("command table", i, "name '" + c.name + "' given twice"));
    if (arg_count > 4 || c.result_count > 4)
      return Fail(Malformed("command table", i, "more than 4 arguments or results"));
    if (c.payload_max > tandem::channel::kMaxPayload)
      return Fail(Malformed("command table", i, "payload limit above 32"));

    Result<Response> limits = AskInfo(port, Op::kCommandInfo, i, 1, "command table", timeout_ns);
    LIBTANDEM_TRY(limits);
    if (limits.value().payload_len != 16)
      return Fail(Malformed("command table", i, "limits are not 16 bytes"));
    for (uint32_t a = 0; a < 4; ++a) {
      c.arg_min[a] = limits.value().result[a];
      memcpy(&c.arg_max[a], limits.value().payload + 4 * a, 4);
      if (a < arg_count && c.arg_min[a] > c.arg_max[a])
        return Fail(Malformed("command table", i, "a minimum above its maximum"));
    }
    Result<Response> summary = AskInfo(port, Op::kCommandInfo, i, 2, "command table", timeout_ns);
    LIBTANDEM_TRY(summary);
    c.summary = Text(summary.value());
    Result<Response> arg_names = AskInfo(port, Op::kCommandInfo, i, 3, "command table", timeout_ns);
    LIBTANDEM_TRY(arg_names);
    c.arg_names = Words(Text(arg_names.value()));
    if (!Printable(c.summary) || c.arg_names.size() != arg_count) {
      return Fail(Malformed("command table", i, "summary or argument names do not fit"));
    }
    for (const std::string& n : c.arg_names) {
      if (!Printable(n)) return Fail(Malformed("command table", i, "unprintable argument name"));
    }
    table.push_back(std::move(c));
  }
  return table;
}

Result<std::vector<AppEventInfo>> ListAppEvents(CommandPort& port, uint64_t timeout_ns) {
  std::vector<AppEventInfo> table;
  std::set<std::string> names;
  for (uint32_t i = 0;; ++i) {
    Result<Response> id =
        AskInfo(port, Op::kEventInfo, i, static_cast<uint32_t>(EventInfoPart::kIdentity),
                "event table", timeout_ns);
    LIBTANDEM_TRY(id);
    const uint32_t count = id.value().result[0];
    if (count > kMaxEntries)
      return Fail(Malformed("event table", i, "it claims " + std::to_string(count) + " entries"));
    if (i >= count) break;
    AppEventInfo e;
    const uint32_t kind = id.value().result[1];
    e.name = Text(id.value());
    if (kind < tandem::channel::kAppEventFirst || kind >= tandem::channel::kEventKinds) {
      return Fail(Malformed("event table", i, "kind " + std::to_string(kind) + " outside 16-63"));
    }
    e.kind = static_cast<uint16_t>(kind);
    if (!ValidName(e.name) || !names.insert(e.name).second)
      return Fail(Malformed("event table", i, "bad or repeated name"));
    Result<Response> fields =
        AskInfo(port, Op::kEventInfo, i, static_cast<uint32_t>(EventInfoPart::kFields),
                "event table", timeout_ns);
    LIBTANDEM_TRY(fields);
    e.fields = Words(Text(fields.value()));
    if (e.fields.size() > 4) return Fail(Malformed("event table", i, "more than 4 fields"));
    for (const std::string& f : e.fields) {
      if (!Printable(f)) return Fail(Malformed("event table", i, "unprintable field name"));
    }
    table.push_back(std::move(e));
  }
  return table;
}

Result<AppCommandInfo> FindAppCommand(const std::vector<AppCommandInfo>& table,
                                      const std::string& name) {
  std::string names;
  for (const AppCommandInfo& c : table) {
    if (c.name == name) return c;
    names += (names.empty() ? "" : ", ") + c.name;
  }
  return Fail(Errc::kUsage, "the RTOS has no command '" + name + "'",
              table.empty() ? "its application declares no commands"
                            : "it has: " + names + " (`tandemctl commands` describes them)");
}

Result<uint32_t> ParseAppArgument(const AppCommandInfo& command, size_t index,
                                  const std::string& text) {
  const std::string name = index < command.arg_names.size()
                               ? command.arg_names[index]
                               : "argument " + std::to_string(index + 1);
  const std::string range =
      std::to_string(command.arg_min[index]) + ".." + std::to_string(command.arg_max[index]);
  errno = 0;
  char* end = nullptr;
  const bool digits = !text.empty() && text[0] != '-' && text[0] != '+';
  const unsigned long long v = digits ? std::strtoull(text.c_str(), &end, 0) : 0;
  if (!digits || end == nullptr || *end != '\0' || errno == ERANGE || v > 0xFFFFFFFFull) {
    return Fail(Errc::kUsage,
                command.name + ": " + name + " '" + text + "' is not a number (" + range + ")",
                "decimal, or hex with 0x");
  }
  if (v < command.arg_min[index] || v > command.arg_max[index]) {
    return Fail(Errc::kUsage,
                command.name + ": " + name + " " + text + " is out of range (" + range + ")",
                "`tandemctl commands` lists every command's limits");
  }
  return static_cast<uint32_t>(v);
}

Result<AppCallResult> CallAppCommand(CommandPort& port, const AppCommandInfo& command,
                                     const std::vector<uint32_t>& args,
                                     const std::vector<uint8_t>& payload, uint64_t timeout_ns) {
  std::string usage = command.name;
  for (const std::string& a : command.arg_names) usage += " <" + a + ">";
  if (args.size() != command.arg_names.size()) {
    return Fail(Errc::kUsage,
                command.name + " takes " + std::to_string(command.arg_names.size()) +
                    " argument(s), " + std::to_string(args.size()) + " given",
                "tandemctl call " + usage);
  }
  if (payload.size() > command.payload_max) {
    return Fail(Errc::kUsage,
                command.name + " takes at most " + std::to_string(command.payload_max) +
                    " payload bytes, " + std::to_string(payload.size()) + " given",
                command.payload_max == 0 ? "it takes no payload" : "shorten the payload");
  }
  Request r{};
  r.op = command.op;
  for (size_t i = 0; i < args.size(); ++i) r.arg[i] = args[i];
  r.payload_len = static_cast<uint16_t>(payload.size());
  if (!payload.empty()) memcpy(r.payload, payload.data(), payload.size());
  Result<Response> rsp = SendRequest(port, r, command.name, timeout_ns);
  LIBTANDEM_TRY(rsp);
  AppCallResult out;
  out.results.assign(rsp.value().result, rsp.value().result + command.result_count);
  const uint32_t len =
      rsp.value().payload_len > tandem::channel::kMaxPayload ? 0 : rsp.value().payload_len;
  out.payload.assign(rsp.value().payload, rsp.value().payload + len);
  return out;
}

}  // namespace libtandem
