// The host port's test controls on the arm64 target (include/scenario_port.h): host
// interrupt lines 40..54 are the SGIs 1..15 of this CPU's GIC redistributor.
#include "scenario_port.h"
#include "tandem/arch.h"
#include "tandem/arm64/platform.h"
#include "tandem/arm64/test_hooks.h"
#include "tandem_scenarios/check.h"

namespace tandem::host {
namespace {

// Xen's virtual GIC reads the distributor's pending state as zero ("Read the pending status of
// an IRQ via GICD/GICR is not supported", xen/arch/arm/vgic-v3.c and vgic-v2.c), so it comes from
// the CPU interface instead: the highest-priority pending interrupt whether or not the priority
// mask lets it through (ICC_HPPIR1_EL1 on GICv3, GICC_HPPIR on GICv2), 1023 if none.
uint32_t HighestPending() { return arm64::HighestPendingInterrupt(); }

// Reads of the pending state after an SGI is raised, waiting for it to be taken when unmasked.
// The SGI write traps to Xen, which makes it pending before returning, so an unmasked SGI is
// normally taken at the first instruction boundary; the reads only cover a slower GIC.
constexpr int kSettleReads = 64;
// Checks of the pending tick count after injecting ticks (each an ISB, a few ns): bounds the wait
// when the timer is masked, to about a millisecond.
constexpr int kSettleTickReads = 200000;

bool SgiOf(uint32_t source, uint32_t* sgi) {
  if (source < kFirstLine || source > kLastLine) {
    test::target::Fail("interrupt line %u has no SGI on the target (lines %u..%u)", source,
                       kFirstLine, kLastLine);
    return false;
  }
  *sgi = source - kFirstLine + 1;
  return true;
}

bool SgiPending(uint32_t sgi) { return HighestPending() == sgi; }

}  // namespace

void RaiseInterrupt(uint32_t source) {
  uint32_t sgi;
  if (!SgiOf(source, &sgi)) return;
  if (!arm64::RaiseSoftwareInterrupt(sgi)) {
    test::target::Fail("RaiseSoftwareInterrupt(%u) refused", sgi);
    return;
  }
  asm volatile("isb" ::: "memory");
  for (int i = 0; i < kSettleReads && SgiPending(sgi); ++i) asm volatile("isb" ::: "memory");
}

bool IsPending(uint32_t source) {
  uint32_t sgi;
  return SgiOf(source, &sgi) && SgiPending(sgi);
}

uint8_t CurrentLevel() { return arm64::CurrentInterruptLevel(); }

bool InterruptsDisabled() { return arch::AllDisabled(); }

void AdvanceTicks(uint32_t ticks) {
  // The runner puts the port in manual-tick mode (arm64::SetManualTicks) before any StartOS.
  arm64::InjectSystemTicks(ticks);
  // Delivered at once unless the running level masks the system timer; the timer's line goes
  // through Xen (a hardware-mapped PPI), so give it a moment as RaiseInterrupt does.
  for (int i = 0; i < kSettleTickReads && arm64::SystemTicksPending() != 0; ++i) {
    asm volatile("isb" ::: "memory");
  }
}

uint64_t TicksDelivered() { return arm64::SystemTicksDelivered(); }

}  // namespace tandem::host
