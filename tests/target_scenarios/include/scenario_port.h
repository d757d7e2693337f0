// The port controls a scenario uses (tests/conformance/harness/host/scenario_port.h) on the
// arm64 target: the host port's calls (arch/host/include/tandem/host/host_port.h), same names,
// implemented in src/host_port.cc over the real port. Target scenario images only (this include/
// is first on their include path; the scenario sources include "scenario_port.h").
//
// Interrupt lines: the scenarios raise host lines 40..54; the OIL of a target image gives the
// same ISRs the SGIs 1..15 instead (SOURCE = line - 39, rewritten by CMakeLists.txt), and
// RaiseInterrupt makes that SGI pending through the GIC, so the ISR runs under the GIC's real
// priority mask.
#ifndef TANDEM_TESTS_TARGET_SCENARIOS_SCENARIO_PORT_H_
#define TANDEM_TESTS_TARGET_SCENARIOS_SCENARIO_PORT_H_

#include <stdint.h>

namespace tandem::host {

inline constexpr uint32_t kFirstLine = 40;  // host line 40 = SGI 1, ..., 54 = SGI 15
inline constexpr uint32_t kLastLine = 54;

// Makes the SGI of host line `source` pending and returns once it was taken, or after a short
// wait if it stays pending (masked). A line outside 40..54 fails the running test.
void RaiseInterrupt(uint32_t source);
// Whether the SGI of `source` is the highest-priority interrupt pending at this CPU
// (arm64::HighestPendingInterrupt: Xen reads the distributor's pending state as zero). The
// scenarios ask it with one line pending.
bool IsPending(uint32_t source);
// The level the port masks up to (arm64::CurrentInterruptLevel()).
uint8_t CurrentLevel();
bool InterruptsDisabled();

// Manual system ticks (arm64::SetManualTicks, set by the runner before any StartOS): the system
// timer does not run by itself. AdvanceTicks(n) makes n ticks pending on the virtual timer's
// interrupt line; they are delivered one after the other under the GIC's priority mask (while
// the running level masks the timer they wait, none is lost). TicksDelivered counts the ticks
// delivered since StartOS.
void AdvanceTicks(uint32_t ticks);
uint64_t TicksDelivered();

}  // namespace tandem::host

#endif  // TANDEM_TESTS_TARGET_SCENARIOS_SCENARIO_PORT_H_
