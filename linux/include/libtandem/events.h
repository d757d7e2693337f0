// Events from the RTOS as Linux shows them (docs/events.md): kind names (the RTOS's built-in
// ones and the application's, from its published table), a subscription from a list of names,
// and an event's fields as name/value pairs for text and JSON output.
#ifndef LIBTANDEM_EVENTS_H_
#define LIBTANDEM_EVENTS_H_

#include <stdint.h>

#include <string>
#include <utility>
#include <vector>

#include "libtandem/app_commands.h"
#include "libtandem/error.h"
#include "tandem/channel/events.h"

namespace libtandem {

// The kinds a reader may ask for: the built-in ones, then the application's.
struct EventKindName {
  uint16_t kind;
  std::string name;
};
std::vector<EventKindName> EventKindNames(const std::vector<AppEventInfo>& app);

// "deadline-miss,period-changed" (names or numbers, comma-separated) or "all" into a
// subscription mask; kUsage naming the unknown kind and the known ones.
Result<uint64_t> ParseEventKinds(const std::string& list, const std::vector<AppEventInfo>& app);

struct EventView {
  std::string kind;                                        // its name, or "kind-N"
  std::vector<std::pair<std::string, uint64_t>> numbers;   // named numeric fields
  std::vector<std::pair<std::string, std::string>> texts;  // named text fields (task names)
  std::string raw_hex;                                     // data no field describes
};
// Everything comes from the RTOS: lengths are bounded, text is made printable.
EventView DescribeEvent(const tandem::channel::Event& e, const std::vector<AppEventInfo>& app);

}  // namespace libtandem

#endif  // LIBTANDEM_EVENTS_H_
