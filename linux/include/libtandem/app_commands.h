// An RTOS application's own commands and event kinds, as Linux discovers and uses them
// (protocol 1.6; docs/app-commands.md, docs/events.md). The RTOS publishes its table through
// kCommandInfo / kEventInfo; everything read from it is checked here (names, counts, limits)
// before it is shown or used, since the response page is the RTOS's to write.
#ifndef LIBTANDEM_APP_COMMANDS_H_
#define LIBTANDEM_APP_COMMANDS_H_

#include <stdint.h>

#include <array>
#include <string>
#include <vector>

#include "libtandem/commands.h"
#include "libtandem/error.h"

namespace libtandem {

struct AppCommandInfo {
  uint16_t op = 0;
  std::string name;
  std::string summary;
  std::vector<std::string> arg_names;  // one per argument, in order
  uint32_t result_count = 0;
  std::array<uint32_t, 4> arg_min{};
  std::array<uint32_t, 4> arg_max{};
  uint32_t payload_max = 0;
};

struct AppEventInfo {
  uint16_t kind = 0;
  std::string name;
  std::vector<std::string> fields;  // names of the u32 words of the event's data
};

// The RTOS's command table, in its order. An RTOS before protocol 1.6 has none: kRefused with a
// message that says so.
Result<std::vector<AppCommandInfo>> ListAppCommands(CommandPort& port, uint64_t timeout_ns);
Result<std::vector<AppEventInfo>> ListAppEvents(CommandPort& port, uint64_t timeout_ns);

// The command named `name`, or kUsage naming the commands there are.
Result<AppCommandInfo> FindAppCommand(const std::vector<AppCommandInfo>& table,
                                      const std::string& name);

// One argument as typed (decimal, or hex with 0x), checked against the command's limits; the
// message names the command, the argument and its range.
Result<uint32_t> ParseAppArgument(const AppCommandInfo& command, size_t index,
                                  const std::string& text);

struct AppCallResult {
  std::vector<uint32_t> results;  // result_count words
  std::vector<uint8_t> payload;
};

// Sends the command: `args` must have exactly the command's argument count and `payload` at most
// its payload limit (kUsage otherwise, before anything is sent). A refusal by the RTOS is
// kRefused with the command's name and the reason.
Result<AppCallResult> CallAppCommand(CommandPort& port, const AppCommandInfo& command,
                                     const std::vector<uint32_t>& args,
                                     const std::vector<uint8_t>& payload, uint64_t timeout_ns);

}  // namespace libtandem

#endif  // LIBTANDEM_APP_COMMANDS_H_
