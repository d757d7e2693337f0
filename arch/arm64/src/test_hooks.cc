// The test-image controls of the arm64 port (tandem/arm64/test_hooks.h), in their own library
// (tandem_port_test_hooks) so that product images carry none of them: they set the port's
// g_test_hooks (port_internal.h), which a product image leaves at its defaults.
#include "tandem/arm64/test_hooks.h"

#include "port_internal.h"
#include "sysreg.h"

namespace tandem::arm64 {

namespace {

struct Manual {
  uint32_t injected = 0;   // injected, not yet delivered
  uint64_t delivered = 0;  // delivered since StartSystemTimer
};
Manual g_manual;

const ManualTicks kManualTicks = {
    /*start=*/[] { g_manual = Manual{}; },
    /*stop=*/[] { g_manual.injected = 0; },
    /*take=*/
    [] {
      const bool tick = SystemTimerRunning() && g_manual.injected > 0;
      if (tick) {
        --g_manual.injected;
        ++g_manual.delivered;
      }
      // Before EOI: lower the line once no injected tick is left, else re-open it (Xen's vtimer
      // sets CNTV_CTL_EL0.IMASK each time it forwards the timer interrupt, xen/arch/arm/time.c),
      // so the next tick is taken once the kernel's level lets it through.
      TANDEM_MSR(cntv_ctl_el0,
                 g_manual.injected == 0 ? drivers::cntv_ctl::kImask : drivers::cntv_ctl::kEnable);
      return tick;
    },
};

}  // namespace

void SetShutdownReturns(bool returns) { g_test_hooks.shutdown_returns = returns; }

void SetIdleHook(void (*hook)()) { g_test_hooks.idle = hook; }

uint8_t CurrentInterruptLevel() { return MaskedLevel(); }

void SetManualTicks(bool manual) { g_test_hooks.ticks = manual ? &kManualTicks : nullptr; }

void InjectSystemTicks(uint32_t ticks) {
  if (g_test_hooks.ticks == nullptr || !SystemTimerRunning() || ticks == 0) return;
  uint64_t daif;
  asm volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
  g_manual.injected += ticks;
  // Assert the timer's line: a compare value of 0 is always reached (Arm ARM, Generic Timer:
  // the timer condition is CNTVCT_EL0 - CNTV_CVAL_EL0 >= 0); the IRQ entry lowers it again
  // after the last injected tick.
  TANDEM_MSR(cntv_cval_el0, uint64_t{0});
  TANDEM_MSR(cntv_ctl_el0, drivers::cntv_ctl::kEnable);
  Isb();
  asm volatile("msr daif, %0" ::"r"(daif) : "memory");
}

uint32_t SystemTicksPending() { return g_manual.injected; }
uint64_t SystemTicksDelivered() { return g_manual.delivered; }

}  // namespace tandem::arm64
