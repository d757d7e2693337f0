// The host port: Tandem RT inside a Linux process, for tests and for simulating an OSEK
// application on a PC. The kernel is the real one; the "CPU" is the calling thread, tasks are
// ucontext contexts on their own stacks, and interrupts are simulated lines with levels.
//
// Two time modes:
// - manual (default, deterministic): nothing happens by itself. The test raises interrupt lines
//   and advances the system timer; when every task is idle the port calls the idle handler.
// - real time: the system timer is a POSIX timer signal; a busy task is really preempted.
#ifndef TANDEM_HOST_HOST_PORT_H_
#define TANDEM_HOST_HOST_PORT_H_

#include <cstdint>
#include <functional>

namespace tandem::host {

// Raises an interrupt line (an ISR's SOURCE). Delivered at once if the line's level is above
// the current level and interrupts are enabled, otherwise as soon as that becomes true.
// Callable from task, ISR and hook code, and from the idle handler.
void RaiseInterrupt(uint32_t source);

// Manual mode: delivers `ticks` system timer interrupts one after the other (each one waits
// while masked, so none is lost).
void AdvanceTicks(uint32_t ticks);

// Called whenever no task is ready, in manual mode. It may raise interrupts, advance ticks or
// call ShutdownOS. Without a handler the port advances the system timer by one tick if it runs,
// and otherwise stops with a diagnostic (nothing could ever happen again).
void SetIdleHandler(std::function<void()> handler);

// Selects the time mode for the next StartOS (default: manual).
void SetRealTime(bool real_time);

// Introspection for tests: the current interrupt-mask level and gate, system ticks delivered.
uint8_t CurrentLevel();
bool InterruptsDisabled();
uint64_t TicksDelivered();
bool IsPending(uint32_t source);

}  // namespace tandem::host

#endif  // TANDEM_HOST_HOST_PORT_H_
