// Test images only: what a test image of the arm64 port (tests/target_scenarios, apps/port_check)
// changes in the port to run several systems in a row and to drive simulated time, like the
// host port's controls (arch/host/include/tandem/host/host_port.h). Defined in
// arch/arm64/src/test_hooks.cc, in the library tandem_port_test_hooks that only test images
// link: a product image that includes this header does not link.
#ifndef TANDEM_ARM64_TEST_HOOKS_H_
#define TANDEM_ARM64_TEST_HOOKS_H_

#include <stdint.h>

namespace tandem::arm64 {

// When true, ShutdownOS does not end the domain but returns from StartOS (as on the host port),
// so one image can run several systems in a row. Off by default; when main() returns the domain
// is shut down as usual.
void SetShutdownReturns(bool returns);

// Called by the idle loop instead of WFI (interrupts enabled, no task ready), like the host
// port's idle handler: a scenario runner can end a run when the system goes idle (ShutdownOS is
// allowed there). nullptr restores WFI.
void SetIdleHook(void (*hook)());

// The level of the one priority space the port masks up to now (the last arch::SetLevel, i.e.
// what ICC_PMR_EL1 was programmed for), as the host port's CurrentLevel.
uint8_t CurrentInterruptLevel();

// Manual system ticks, as the host port's manual mode. Set before StartOS: the system timer
// then does not run by itself; InjectSystemTicks(n) makes n ticks pending on the virtual timer's
// interrupt line, delivered one after the other under the usual masking (while the running
// level masks the timer they wait, none is lost).
void SetManualTicks(bool manual);
void InjectSystemTicks(uint32_t ticks);
// Manual mode: ticks injected and not yet delivered; ticks delivered since StartOS.
uint32_t SystemTicksPending();
uint64_t SystemTicksDelivered();

}  // namespace tandem::arm64

#endif  // TANDEM_ARM64_TEST_HOOKS_H_
