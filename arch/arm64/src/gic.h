// The GIC the device tree names, GICv2 or GICv3, behind the few operations the port's interrupt
// code needs (interrupts.cc): the version is found once at boot and every call takes one branch
// on it. The drivers (drivers/irq/gicv2, drivers/irq/gicv3) hold the register logic; this file
// only instantiates them at the device tree's addresses.
//
// The hot operations (acknowledge, end of interrupt, priority mask) are inline: the IRQ entry and
// arch::SetLevel run them on every interrupt and level change. The rest lives in gic.cc.
#ifndef TANDEM_ARCH_ARM64_GIC_H_
#define TANDEM_ARCH_ARM64_GIC_H_

#include <stdint.h>

#include "io/mmio.h"
#include "irq/gicv2/gicv2.h"
#include "irq/gicv3/gicv3.h"
#include "sysreg.h"
#include "tandem/xen/device_tree.h"

namespace tandem::arm64::gic {

// INTID of "nothing to acknowledge" on both versions.
inline constexpr uint32_t kSpurious = 1023;
static_assert(drivers::icc::kSpurious == kSpurious && drivers::gicv2::gicc::kSpurious == kSpurious);

// Brings up the GIC of `platform` (distributor, this CPU's redistributor or CPU interface), every
// source disabled and masked. Returns the number of implemented priority bits. Panics with a
// message on a GIC it cannot use.
unsigned Boot(const xen::GuestPlatform& platform);

xen::GicVersion Version();

// Priority, level trigger and routing to this CPU of `intid`, enabled if `enable`. Panics on an
// INTID the GIC does not implement.
void Program(uint32_t intid, uint8_t priority, bool enable);
void Disable(uint32_t intid);

// Makes SGI `sgi` (0..15) pending on this CPU; false if it is no SGI.
bool SendSgiToSelf(uint32_t sgi);

// The highest-priority pending interrupt whether or not the priority mask lets it through
// (GICC_HPPIR / ICC_HPPIR1_EL1), kSpurious if none.
uint32_t HighestPending();

namespace internal {
struct State {
  bool v2 = false;
  uintptr_t gicc = 0;  // GICv2 CPU interface
};
extern State g_state;
inline drivers::gicv2::CpuInterface<drivers::MmioIo> V2Cpu() {
  return drivers::gicv2::CpuInterface<drivers::MmioIo>(drivers::MmioIo(g_state.gicc));
}
inline drivers::GicCpuInterface<IccSysregs> V3Cpu() {
  return drivers::GicCpuInterface<IccSysregs>(IccSysregs{});
}
}  // namespace internal

// An acknowledged interrupt: its INTID (kSpurious for none), and what the end of interrupt must
// write back (GICv2: the GICC_IAR value, whose CPUID names an SGI's requester).
struct Ack {
  uint32_t intid;
  uint32_t token;
};

inline Ack Acknowledge() {
  using internal::g_state;
  if (g_state.v2) {
    const auto iar = internal::V2Cpu().Acknowledge();
    return {drivers::gicv2::CpuInterface<drivers::MmioIo>::IntidOf(iar), iar.raw()};
  }
  const uint32_t intid = internal::V3Cpu().Acknowledge();
  return {intid, intid};
}

// EOImode 0 on both versions: drops the running priority and deactivates.
inline void EndOfInterrupt(Ack ack) {
  if (internal::g_state.v2) {
    internal::V2Cpu().EndOfInterrupt(drivers::gicv2::gicc::Iar::FromRaw(ack.token));
    return;
  }
  internal::V3Cpu().EndOfInterrupt(ack.token);
}

// Takes effect before the next instruction that could take an interrupt. GICv3: the ISB after
// the ICC_PMR_EL1 write (IHI 0069 12.1.6, "Observability of the effects of accesses to the GIC
// registers"). GICv2: GICC_PMR is a Device store; DSB waits for it to complete, ISB for the
// interrupt state that follows. An interrupt the CPU still takes in the window sees the new mask
// when it reads GICC_IAR (the same device, in order) and is acknowledged as spurious.
inline void SetPriorityMask(uint8_t pmr) {
  if (internal::g_state.v2) {
    internal::V2Cpu().SetPriorityMask(pmr);
    asm volatile("dsb sy" ::: "memory");
  } else {
    internal::V3Cpu().SetPriorityMask(pmr);
  }
  Isb();
}

}  // namespace tandem::arm64::gic

#endif  // TANDEM_ARCH_ARM64_GIC_H_
