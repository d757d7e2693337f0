// The command server of an arm64 Tandem RT image on Xen: one call at start, then the OIL objects
// of command_server.oil and the bodies in command_server_tasks.cc do the rest.
// See docs/rtos-channel.md, "Integrating the command server".
#ifndef TANDEM_APPS_COMMAND_SERVER_COMMAND_SERVER_H_
#define TANDEM_APPS_COMMAND_SERVER_COMMAND_SERVER_H_

#include <stdint.h>

#include "gpio/pl061/pl061.h"
#include "io/mmio.h"
#include "tandem/apps/command_server/events.h"
#include "tandem/apps/command_server/gpio_commands.h"
#include "tandem/apps/command_server/task_stats.h"
#include "tandem/channel/xen/frontend.h"
#include "tandem/channel/xen/xenstore_link.h"

namespace tandem::apps {

// One application command (docs/app-commands.md): its spec (a constant) and its handler, which
// runs in the ChannelServer task after the channel checked the request against the spec.
struct AppCommand {
  const channel::AppCommandSpec* spec;
  channel::CommandHandler* handler;
};

struct CommandServerSetup {
  // The PL061 the GPIO operations drive (already probed), or nullptr: GPIO ops then answer
  // kNotSupported.
  drivers::Pl061<drivers::MmioIo>* gpio = nullptr;
  // The pins Linux may use; all others are refused with kPermissionDenied.
  GpioExports exports{};
  // The application's statistics table, or nullptr: kTaskStats answers kNotSupported. Not
  // const: a kTaskStats request with kTaskStatsReset clears the counters it reads.
  TaskStats* stats = nullptr;
  // Maps the XenStore ring's guest frame as Normal write-back memory and returns its address.
  // Unset: tandem::arm64::XenMagicFrame, which resolves frames in the toolstack's "magic"
  // region (GUEST_MAGIC_BASE, where Xen 4.17's xl and init-dom0less put the store page) that
  // the port maps Normal at boot.
  xen::GfnMapper store_mapper{};
  // The application's commands and event kinds (docs/app-commands.md, docs/events.md),
  // published to Linux in this order. A malformed one is refused with a console line naming it.
  const AppCommand* commands = nullptr;
  uint32_t command_count = 0;
  const channel::AppEventSpec* events = nullptr;
  uint32_t event_count = 0;
};

// Call from main() before StartOS: maps shared_info, maps the grant table (the /hypervisor
// node's region), masks every event channel, installs the handlers, grants the channel pages
// and allocates the event channel (channel::XenFrontend::Start). XenStore is not touched: the
// ChannelServer task publishes the channel when XenStore is there. Returns false (and says why
// on the console) when the channel cannot work; the rest of the RTOS runs on regardless.
bool StartCommandServer(const CommandServerSetup& setup);

// For status lines and benchmarks (interrupts taken, batches drained, requests, ...).
const channel::XenFrontend& CommandServerFrontend();

}  // namespace tandem::apps

#endif  // TANDEM_APPS_COMMAND_SERVER_COMMAND_SERVER_H_
