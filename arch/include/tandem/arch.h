// The port contract: what the portable kernel needs from a CPU port, declarations only.
// Implemented by arch/host (a Linux process, for tests and simulation) and arch/arm64 (Xen guest).
//
// Interrupt model (the one priority space, see kernel/include/tandem/config.h): every interrupt
// source has a level; the port masks every source whose level is <= the current level
// (SetLevel), and DisableAll/EnableAll gate everything on top of that. The port calls
// kernel::HandleIsr / kernel::HandleSystemTick from its interrupt entry with interrupts disabled.
#ifndef TANDEM_ARCH_H_
#define TANDEM_ARCH_H_

#include <stddef.h>
#include <stdint.h>

#include "os.h"
#include "tandem/level.h"

namespace tandem::arch {

// An execution context (a task's saved registers). Opaque to the kernel; ports keep it on the
// task's own stack, so the kernel stores only this handle.
using Context = void*;

// Builds a fresh context on [stack, stack + size) that calls entry() when first switched to.
// entry never returns.
Context PrepareContext(void* stack, size_t size, void (*entry)());

// Saves the running context into *from and resumes `to`. Returns when someone switches back.
void SwitchContext(Context* from, Context to);

// Resumes `to`, abandoning the running context (a terminated task, or StartOS's first dispatch).
[[noreturn]] void ResumeContext(Context to);

// Global interrupt gate (DisableAllInterrupts, kernel critical sections). Not nested here: the
// kernel counts nesting.
void DisableAll();
void EnableAll();
bool AllDisabled();

// Masks every interrupt source whose level is <= level (the GIC's priority mask on arm64).
void SetLevel(Level level);

// Registers an interrupt source with its level; the port calls kernel::HandleIsr(isr) for it.
void ConfigureSource(uint32_t source, Level level, ISRType isr);

// Starts the periodic system timer (tick_ns period) at the given level; the port calls
// kernel::HandleSystemTick() on each tick.
void StartSystemTimer(uint32_t tick_ns, Level level);
void StopSystemTimer();

// Called by the idle context in a loop with interrupts enabled: wait for an interrupt.
void Idle();

// Called once at the top of StartOS, before any hook or task.
void Init();

// Ends the system after ShutdownOS ran the ShutdownHook (called with interrupts disabled). A real
// target halts (the arm64 port asks Xen to shut the domain down) and never returns; the host
// port returns, and the kernel then resumes the caller of StartOS so a test can inspect the run
// and start the next one. A port that returns first discards every pending interrupt: nothing of
// the application may run after ShutdownOS, nor in the next StartOS.
void Shutdown(StatusType error);

// The scheduling trace's clock (kernel/include/tandem/trace.h; called by the traced kernel
// only, so an untraced image keeps neither): a free-running count and its frequency in Hz. On
// arm64 the virtual counter (CNTVCT_EL0, the system timer's own time base).
uint64_t TraceClock();
uint64_t TraceClockHz();

// Internal invariant broken: print and stop. Never used for external input.
[[noreturn]] void Panic(const char* message);

}  // namespace tandem::arch

namespace tandem::kernel {
// Entry points the port calls from interrupt context, interrupts disabled.
void HandleIsr(ISRType isr);
void HandleSystemTick();
}  // namespace tandem::kernel

#endif  // TANDEM_ARCH_H_
