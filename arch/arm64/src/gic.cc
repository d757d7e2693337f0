// The GIC of the device tree, brought up and programmed (gic.h). GICv3: the distributor routes
// SPIs by affinity (GICD_IROUTER) and this CPU's redistributor holds SGIs and PPIs. GICv2: the
// distributor holds every INTID and routes SPIs by CPU-target bitmap (GICD_ITARGETSR), here the
// reading CPU's own bit. Both: every source level-triggered (OIL has no trigger attribute yet;
// Xen fixes the trigger of passed-through SPIs from the host tree anyway).
#include "gic.h"

#include "tandem/arch.h"
#include "tandem/arm64/platform.h"

namespace tandem::arm64::gic {

namespace internal {
State g_state;
}  // namespace internal

namespace {

using drivers::GicError;
using drivers::MmioIo;
using drivers::Trigger;
using internal::g_state;

struct Config {
  xen::GicVersion version = xen::GicVersion::kV3;
  uintptr_t gicd = 0;
  uintptr_t gicr = 0;
  uint32_t redist_frame = 0;  // GICv3: this CPU's frame in the redistributor region
  uint64_t mpidr = 0;         // GICv3: SPIs are routed to this affinity
  uint8_t targets = 0;        // GICv2: SPIs are sent to these CPU interfaces
};
Config g_config;

drivers::GicDistributor<MmioIo> V3Dist() {
  return drivers::GicDistributor<MmioIo>(MmioIo(g_config.gicd));
}
drivers::GicRedistributor<MmioIo> V3Redist() {
  return drivers::GicRedistributor<MmioIo>(MmioIo(g_config.gicr), g_config.redist_frame);
}
drivers::gicv2::Distributor<MmioIo> V2Dist() {
  return drivers::gicv2::Distributor<MmioIo>(MmioIo(g_config.gicd));
}

[[noreturn]] void PanicGic(const char* what, GicError error, uint32_t intid) {
  ConsolePrintf("tandem-rt: GIC: %s (INTID %u): %s\n", what, intid, drivers::GicErrorName(error));
  arch::Panic("GIC configuration failed");
}

template <typename T>
T OrPanic(Result<T, GicError> r, const char* what) {
  if (!r.ok()) PanicGic(what, r.error(), 0);
  return r.value();
}
void OrPanic(Result<void, GicError> r, const char* what) {
  if (!r.ok()) PanicGic(what, r.error(), 0);
}

unsigned BootV3(const xen::GuestPlatform& platform) {
  g_config.gicr = platform.gicr.base;
  const unsigned bits = OrPanic(internal::V3Cpu().Init(), "CPU interface");
  g_config.mpidr = internal::V3Cpu().Mpidr();
  OrPanic(V3Dist().Init(), "distributor");
  g_config.redist_frame = OrPanic(drivers::GicRedistributor<MmioIo>::FindFrame(
                                      MmioIo(g_config.gicr), platform.gicr.size, g_config.mpidr),
                                  "redistributor");
  OrPanic(V3Redist().Init(), "redistributor wake-up");
  return bits;
}

unsigned BootV2(const xen::GuestPlatform& platform) {
  g_state.gicc = platform.gicc.base;
  const unsigned bits = OrPanic(internal::V2Cpu().Init(), "CPU interface");
  OrPanic(V2Dist().Init(), "distributor");
  // A uniprocessor GIC reads its targets as zero and ignores writes to them (IHI 0048B 4.3.12):
  // CPU interface 0 is then the only one, and the value written does not matter.
  const uint8_t own = V2Dist().OwnTargetMask();
  g_config.targets = own != 0 ? own : 1;
  g_state.v2 = true;
  return bits;
}

}  // namespace

unsigned Boot(const xen::GuestPlatform& platform) {
  g_config.version = platform.gic_version;
  g_config.gicd = platform.gicd.base;
  return platform.gic_version == xen::GicVersion::kV2 ? BootV2(platform) : BootV3(platform);
}

xen::GicVersion Version() { return g_config.version; }

void Program(uint32_t intid, uint8_t priority, bool enable) {
  if (g_state.v2) {
    auto r = V2Dist().Configure(intid, priority, Trigger::kLevel, g_config.targets);
    if (!r.ok()) PanicGic("configure", r.error(), intid);
    if (enable) (void)V2Dist().Enable(intid, true);
    return;
  }
  if (intid < 32) {
    auto r = V3Redist().ConfigurePrivate(intid, priority, Trigger::kLevel);
    if (!r.ok()) PanicGic("configure SGI/PPI", r.error(), intid);
    if (enable) (void)V3Redist().Enable(intid, true);
  } else {
    auto r = V3Dist().ConfigureSpi(intid, priority, Trigger::kLevel, g_config.mpidr);
    if (!r.ok()) PanicGic("configure SPI", r.error(), intid);
    if (enable) (void)V3Dist().Enable(intid, true);
  }
}

void Disable(uint32_t intid) {
  if (g_state.v2) {
    (void)V2Dist().Enable(intid, false);
  } else if (intid < 32) {
    (void)V3Redist().Enable(intid, false);
  } else {
    (void)V3Dist().Enable(intid, false);
  }
}

bool SendSgiToSelf(uint32_t sgi) {
  if (g_state.v2) return V2Dist().SendSgiToSelf(sgi).ok();
  return internal::V3Cpu().SendSgiToSelf(sgi).ok();
}

uint32_t HighestPending() {
  if (g_state.v2) {
    // The driver opens GICC_PMR for the read: nothing may be taken meanwhile.
    uint64_t daif;
    asm volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
    const uint32_t intid = internal::V2Cpu().HighestPending();
    asm volatile("dsb sy\n\tisb\n\tmsr daif, %0" ::"r"(daif) : "memory");
    return intid;
  }
  // ICC_HPPIR1_EL1 (IHI 0069 12.2.13; served by Xen's virtual CPU interface from its list
  // registers): INTID in bits [23:0], 1023 if none.
  const auto intid = static_cast<uint32_t>(TANDEM_MRS(S3_0_C12_C12_2) & 0xFFFFFFu);
  return intid >= 1020 && intid <= 1023 ? kSpurious : intid;
}

}  // namespace tandem::arm64::gic
