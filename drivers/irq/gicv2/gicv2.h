// GICv2 distributor and CPU interface (Arm IHI 0048B, "ARM Generic Interrupt Controller
// Architecture Specification, version 2.0"; registers cited by name from its chapter 4), as Xen's
// vGIC gives them to a guest: the distributor emulated (xen/arch/arm/vgic-v2.c), the CPU interface
// the hardware's virtual one (GICV) mapped at the guest's GICC address.
//
// Both parts are memory-mapped and take an Io (io/mmio.h), so the logic runs on the host against
// a fake and on arm64 against MmioIo. Registers and fields are typed in gicd_registers.h and
// gicc_registers.h (io/register.h).
//
// Every interrupt stays in group 0 (GICD_IGROUPR reset value; Xen ignores writes to it) and the
// CPU interface signals group 0 as IRQ (GICC_CTLR.FIQEn 0), as Linux runs a GICv2.
#ifndef TANDEM_DRIVERS_IRQ_GICV2_GICV2_H_
#define TANDEM_DRIVERS_IRQ_GICV2_GICV2_H_

#include <stdint.h>

#include "irq/gic_error.h"
#include "irq/gicv2/gicc_registers.h"
#include "irq/gicv2/gicd_registers.h"
#include "tandem/result.h"

namespace tandem::drivers::gicv2 {

template <typename Io>
class Distributor {
 public:
  explicit constexpr Distributor(Io io) : io_(io) {}

  // Forwarding off while this CPU's SGIs and PPIs are disabled (GICD_ICENABLER0, banked), then
  // on (GICD_CTLR.Enable). SPIs keep their reset state: disabled (4.3.5).
  Result<void, GicError> Init() {
    gicd::Ctlr{}.WriteTo(io_);
    gicd::Icenabler::Filled(1).WriteFor(io_, 0);
    gicd::Ctlr{}.Set(gicd::Ctlr::kEnable).WriteTo(io_);
    return {};
  }

  // Highest implemented INTID + 1 (GICD_TYPER.ITLinesNumber; 1020 at most: 1020..1023 are special
  // INTIDs).
  uint32_t IntidLimit() {
    const uint32_t lines = 32 * (gicd::Typer::ReadFrom(io_).Get(gicd::Typer::kItLinesNumber) + 1);
    return lines > 1020 ? 1020 : lines;
  }

  // The CPU-target bit of the CPU interface that reads it: any byte of the banked, read-only
  // GICD_ITARGETSR0 (4.3.12). A uniprocessor GIC reads it as zero (its targets are RAZ/WI).
  uint8_t OwnTargetMask() {
    return static_cast<uint8_t>(
        gicd::Itargetsr::ReadFor(io_, 0).Get(gicd::Itargetsr::kItem, gicd::Itargetsr::SlotOf(0)));
  }

  // Priority and trigger of any INTID, and for an SPI its CPU targets (`targets`, a
  // GICD_ITARGETSR byte); left disabled. SGIs are always edge-triggered: their GICD_ICFGR0 is
  // read-only (4.3.13), so it is not written.
  Result<void, GicError> Configure(uint32_t intid, uint8_t priority, Trigger trigger,
                                   uint8_t targets) {
    TANDEM_TRY(Enable(intid, false));
    gicd::Ipriorityr::Update(io_, intid, gicd::Ipriorityr::kItem, priority);
    if (intid >= 16) {
      gicd::Icfgr::Update(io_, intid, gicd::Icfgr::kEdgeTriggered, trigger == Trigger::kEdge);
    }
    if (intid >= 32) gicd::Itargetsr::Update(io_, intid, gicd::Itargetsr::kItem, targets);
    return {};
  }

  Result<void, GicError> Enable(uint32_t intid, bool enable) {
    if (intid >= IntidLimit()) return MakeError(GicError::kBadIntid);
    if (enable) {
      gicd::Isenabler::OnlyItem(intid).WriteFor(io_, intid);
    } else {
      gicd::Icenabler::OnlyItem(intid).WriteFor(io_, intid);
    }
    return {};
  }

  // Makes SGI `intid` (0..15) pending on the CPU interface that writes GICD_SGIR
  // (GICD_SGIR.TargetListFilter 0b10).
  Result<void, GicError> SendSgiToSelf(uint32_t intid) {
    using gicd::Sgir;
    if (intid >= 16) return MakeError(GicError::kBadIntid);
    Sgir{}.Set(Sgir::kTargetListFilter, Sgir::kToSelf).Set(Sgir::kSgiIntid, intid).WriteTo(io_);
    return {};
  }

 private:
  Io io_;
};

template <typename Io>
class CpuInterface {
 public:
  explicit constexpr CpuInterface(Io io) : io_(io) {}

  // Signalling off, the number of implemented priority bits found (GICC_PMR written with 0xFF
  // reads back with the unimplemented low bits zero, 3.3), every interrupt masked (PMR 0), no
  // preemption grouping (BPR 0: the lowest the interface accepts), then group 0 signalled as IRQ
  // with one EOI both dropping priority and deactivating (GICC_CTLR.EOImode 0). Returns N.
  Result<unsigned, GicError> Init() {
    using gicc::Ctlr;
    using gicc::Pmr;
    Ctlr{}.WriteTo(io_);
    Pmr{}.Set(Pmr::kPriority, 0xFF).WriteTo(io_);
    const auto implemented = static_cast<uint32_t>(Pmr::ReadFrom(io_).Get(Pmr::kPriority));
    unsigned bits = 0;
    while (bits < 8 && ((implemented >> (7 - bits)) & 1u) != 0) ++bits;
    // The implemented bits are the top ones (3.3); anything else is no GIC CPU interface.
    const uint32_t top = (0xFF00u >> bits) & 0xFFu;
    if (bits < 4 || implemented != top) return MakeError(GicError::kBadPriorityBits);
    Pmr{}.WriteTo(io_);
    gicc::Bpr{}.WriteTo(io_);
    Ctlr{}.Set(Ctlr::kEnableGrp0).WriteTo(io_);
    return bits;
  }

  void SetPriorityMask(uint8_t pmr) { gicc::Pmr{}.Set(gicc::Pmr::kPriority, pmr).WriteTo(io_); }
  uint8_t PriorityMask() {
    return static_cast<uint8_t>(gicc::Pmr::ReadFrom(io_).Get(gicc::Pmr::kPriority));
  }

  // GICC_IAR as read: pass it back to EndOfInterrupt unchanged (an SGI's CPUID must match).
  gicc::Iar Acknowledge() { return gicc::Iar::ReadFrom(io_); }
  // The INTID of an acknowledged value, kSpurious for 1020..1023.
  static uint32_t IntidOf(gicc::Iar iar) {
    const auto intid = static_cast<uint32_t>(iar.Get(gicc::Iar::kInterruptId));
    return intid >= 1020 ? gicc::kSpurious : intid;
  }
  void EndOfInterrupt(gicc::Iar iar) { gicc::Eoir::FromRaw(iar.raw()).WriteTo(io_); }
  // The highest-priority pending interrupt whether or not the current GICC_PMR lets it through,
  // kSpurious if none. GICC_HPPIR alone is not enough: QEMU's CPU interface, the virtual
  // one Xen gives a guest included (hw/intc/arm_gic.c gic_update_internal), reports only an
  // interrupt of sufficient priority to be signalled and reads 1023 for a masked one. So the
  // mask is opened for the read and put back. The caller must hold interrupts masked at the CPU
  // (PSTATE.I), or an interrupt the open mask lets through is taken in between.
  uint32_t HighestPending() {
    using gicc::Pmr;
    const Pmr saved = Pmr::ReadFrom(io_);
    Pmr{}.Set(Pmr::kPriority, 0xFF).WriteTo(io_);
    const auto intid =
        static_cast<uint32_t>(gicc::Hppir::ReadFrom(io_).Get(gicc::Hppir::kPendIntid));
    saved.WriteTo(io_);
    return intid >= 1020 ? gicc::kSpurious : intid;
  }

 private:
  Io io_;
};

}  // namespace tandem::drivers::gicv2

#endif  // TANDEM_DRIVERS_IRQ_GICV2_GICV2_H_
