// State shared by the arm64 port's files (boot, interrupts, port services).
#ifndef TANDEM_ARCH_ARM64_PORT_INTERNAL_H_
#define TANDEM_ARCH_ARM64_PORT_INTERNAL_H_

#include <stddef.h>
#include <stdint.h>

#include "context_layout.h"
#include "tandem/arch.h"
#include "tandem/xen/device_tree.h"

namespace tandem::arm64 {

// Exception frame pushed by vectors.S (layout: context_layout.h).
struct ExceptionFrame {
  uint64_t x[31];
  uint64_t elr;
  uint64_t spsr;
  uint64_t pad;
};
static_assert(sizeof(ExceptionFrame) == TANDEM_ARM64_FRAME_SIZE);
static_assert(offsetof(ExceptionFrame, x) + 30 * sizeof(uint64_t) == TANDEM_ARM64_FRAME_X30);
static_assert(offsetof(ExceptionFrame, elr) == TANDEM_ARM64_FRAME_X30 + sizeof(uint64_t));
static_assert(offsetof(ExceptionFrame, spsr) == TANDEM_ARM64_FRAME_SPSR);

// boot.cc
xen::GuestPlatform& MutablePlatform();

// interrupts.cc: brings up the GIC found in the device tree (boot, once) and the timer.
void InterruptsBoot(const xen::GuestPlatform& platform);
unsigned GicPriorityBits();
// After ShutdownOS, when StartOS returns (test images): takes every pending interrupt off the
// GIC without running it and disables the ISRs' sources, so that nothing of the application
// runs again, nor in the next StartOS. Interrupts must be masked at the CPU.
void DiscardPendingInterrupts();

// The level the priority mask is programmed for (the last arch::SetLevel).
Level MaskedLevel();
// Whether the system timer runs (between arch::StartSystemTimer and StopSystemTimer).
bool SystemTimerRunning();

// port.cc
[[noreturn]] void Halt(bool crashed);

// What a test image changes in the port (tandem/arm64/test_hooks.h). Only test_hooks.cc, which
// only test images link, sets these; a product image keeps the defaults: WFI when idle, the
// domain ends at ShutdownOS, the generic timer ticks by itself.
struct ManualTicks {
  // arch::StartSystemTimer / StopSystemTimer, instead of running the generic timer.
  void (*start)();
  void (*stop)();
  // The timer's interrupt was acknowledged: lower or re-open its line (before EOI), and whether
  // a tick is to be delivered.
  bool (*take)();
};
struct TestHooks {
  bool shutdown_returns = false;       // ShutdownOS returns from StartOS (as on the host port)
  void (*idle)() = nullptr;            // called by arch::Idle instead of WFI
  const ManualTicks* ticks = nullptr;  // nullptr: the generic timer is the system tick
};
extern TestHooks g_test_hooks;  // defined in port.cc

}  // namespace tandem::arm64

#endif  // TANDEM_ARCH_ARM64_PORT_INTERNAL_H_
