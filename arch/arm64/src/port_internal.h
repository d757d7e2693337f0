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

// port.cc
[[noreturn]] void Halt(bool crashed);

}  // namespace tandem::arm64

#endif  // TANDEM_ARCH_ARM64_PORT_INTERNAL_H_
