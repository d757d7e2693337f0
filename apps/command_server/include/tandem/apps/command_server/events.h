// Events from the RTOS application to Linux (docs/events.md): what an application calls to post
// one, from any of its contexts. The command server owns the ring (channel/events.h) and the
// notification; a post never waits for Linux and never enters Xen in the caller's context.
#ifndef TANDEM_APPS_COMMAND_SERVER_EVENTS_H_
#define TANDEM_APPS_COMMAND_SERVER_EVENTS_H_

#include <stdint.h>

#include "tandem/channel/events.h"

namespace tandem::apps {

// From a task or a category 2 ISR. Interrupts are masked for the copy into the ring (constant
// time: 32 bytes and two indices); when Linux sleeps waiting for events, the ChannelServer task
// (priority 4 in command_server.oil) is told to notify it, so the hypercall is made there, at
// the channel's priority, not at the poster's.
channel::PostStatus PostEvent(uint16_t kind, uint32_t source, const void* data, uint32_t data_len);

// The same from an OSEK hook (PreTaskHook, PostTaskHook, ErrorHook), where no OSEK event may be
// set: a sleeping reader is woken by the ChannelServer's next pass (its 10 Hz tick at the
// latest), so these events may reach it up to 100 ms late. Nothing is lost meanwhile.
channel::PostStatus PostEventFromHook(uint16_t kind, uint32_t source, const void* data,
                                      uint32_t data_len);

// Built-in kinds (channel::EventKind), posted with the task's stats index as source.
void PostDeadlineMiss(uint32_t task, const char* name, uint64_t response_us, uint64_t deadline_us,
                      bool in_hook);
// From PreTaskHook (running = true) / PostTaskHook (false): only when a reader subscribed to
// kTaskState does it cost more than a few loads.
void PostTaskState(uint32_t task, const char* name, bool running);

}  // namespace tandem::apps

#endif  // TANDEM_APPS_COMMAND_SERVER_EVENTS_H_
