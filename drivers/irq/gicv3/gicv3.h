// GICv3 distributor, redistributor and CPU interface (Arm IHI 0069, "GIC architecture
// specification, GICv3 and GICv4"; registers are cited by name from its programmers' model
// chapter), as Xen's vGIC emulates them for a guest.
//
// Memory-mapped parts take an Io (io/mmio.h); the CPU interface is system registers, reached
// through a `Sys` type with Read(IccReg) / Write(IccReg, v) / Isb(), so the logic runs on the host
// against a fake and on arm64 against mrs/msr (arch/arm64). Registers and their fields are typed
// in gicd_registers.h, gicr_registers.h and icc_registers.h (io/register.h).
#ifndef TANDEM_DRIVERS_IRQ_GICV3_GICV3_H_
#define TANDEM_DRIVERS_IRQ_GICV3_GICV3_H_

#include <stdint.h>

#include "irq/gic_error.h"
#include "irq/gicv3/gicd_registers.h"
#include "irq/gicv3/gicr_registers.h"
#include "irq/gicv3/icc_registers.h"
#include "tandem/result.h"

namespace tandem::drivers {

// Spins on a bit; the emulated GIC answers at once, real hardware within microseconds.
inline constexpr uint32_t kGicMaxPolls = 1000000;

// Affinity value (Aff3.Aff2.Aff1.Aff0) of an MPIDR_EL1 value, as GICR_TYPER.Affinity_Value
// holds it.
constexpr uint32_t AffinityOf(uint64_t mpidr) {
  const Mpidr m = Mpidr::FromRaw(mpidr);
  return static_cast<uint32_t>((m.Get(Mpidr::kAff3) << 24) | (m.Get(Mpidr::kAff2) << 16) |
                               (m.Get(Mpidr::kAff1) << 8) | m.Get(Mpidr::kAff0));
}

template <typename Io>
class GicDistributor {
 public:
  explicit constexpr GicDistributor(Io io) : io_(io) {}

  // Affinity routing on, group 1 enabled (GICD_CTLR). Disables first, as the spec wants ARE changed
  // only while the groups are disabled.
  Result<void, GicError> Init() {
    using gicd::Ctlr;
    Ctlr{}.WriteTo(io_);
    TANDEM_TRY(WaitRwp());
    Ctlr{}.Set(Ctlr::kAreNs).Set(Ctlr::kEnableGrp1A).Set(Ctlr::kEnableGrp1).WriteTo(io_);
    return WaitRwp();
  }

  // Highest implemented SPI INTID + 1 (GICD_TYPER.ITLinesNumber).
  uint32_t IntidLimit() {
    const uint32_t lines = 32 * (gicd::Typer::ReadFrom(io_).Get(gicd::Typer::kItLinesNumber) + 1);
    return lines > 1020 ? 1020 : lines;
  }

  // Group 1, priority, trigger, routed to the CPU with `affinity`; left disabled.
  Result<void, GicError> ConfigureSpi(uint32_t intid, uint8_t priority, Trigger trigger,
                                      uint64_t mpidr) {
    if (intid < 32 || intid >= IntidLimit()) return MakeError(GicError::kBadIntid);
    TANDEM_TRY(Enable(intid, false));
    gicd::Igroupr::Update(io_, intid, gicd::Igroupr::kItem, 1);
    gicd::Ipriorityr::Update(io_, intid, gicd::Ipriorityr::kItem, priority);
    gicd::Icfgr::Update(io_, intid, gicd::Icfgr::kEdgeTriggered, trigger == Trigger::kEdge);
    // Routed to the PE with `mpidr`'s affinity alone (Interrupt_Routing_Mode 0).
    using gicd::Irouter;
    const Mpidr pe = Mpidr::FromRaw(mpidr);
    Irouter{}
        .Set(Irouter::kAff0, pe.Get(Mpidr::kAff0))
        .Set(Irouter::kAff1, pe.Get(Mpidr::kAff1))
        .Set(Irouter::kAff2, pe.Get(Mpidr::kAff2))
        .Set(Irouter::kAff3, pe.Get(Mpidr::kAff3))
        .WriteAt(io_, Irouter::OffsetOf(intid));
    return {};
  }

  Result<void, GicError> Enable(uint32_t intid, bool enable) {
    if (intid < 32 || intid >= IntidLimit()) return MakeError(GicError::kBadIntid);
    if (enable) {
      gicd::Isenabler::OnlyItem(intid).WriteFor(io_, intid);
      return {};
    }
    gicd::Icenabler::OnlyItem(intid).WriteFor(io_, intid);
    return WaitRwp();
  }

 private:
  Result<void, GicError> WaitRwp() {
    for (uint32_t i = 0; i < kGicMaxPolls; ++i) {
      if (!gicd::Ctlr::ReadFrom(io_).IsSet(gicd::Ctlr::kRwp)) return {};
    }
    return MakeError(GicError::kTimeout);
  }

  Io io_;
};

// One CPU's redistributor, found in the GICR region by affinity (GICR_TYPER).
template <typename Io>
class GicRedistributor {
 public:
  // `io` covers the whole redistributor region; `frame` is the offset of this CPU's RD_base.
  constexpr GicRedistributor(Io io, uint32_t frame) : io_(io), frame_(frame) {}

  // The offset of the frame whose GICR_TYPER affinity is the CPU's, in a region of
  // `region_size` bytes (bounded by the region and by GICR_TYPER.Last).
  static Result<uint32_t, GicError> FindFrame(Io io, uint64_t region_size, uint64_t mpidr) {
    const uint32_t affinity = AffinityOf(mpidr);
    for (uint64_t frame = 0; frame + gicr::kFrameStride <= region_size;
         frame += gicr::kFrameStride) {
      const auto typer = gicr::Typer::ReadFrom(io, static_cast<uint32_t>(frame));
      if (typer.Get(gicr::Typer::kAffinityValue) == affinity) return static_cast<uint32_t>(frame);
      if (typer.IsSet(gicr::Typer::kLast)) break;
    }
    return MakeError(GicError::kNoRedistributor);
  }

  // Wakes the redistributor (GICR_WAKER): clear ProcessorSleep, then wait until
  // ChildrenAsleep reads 0. Then every SGI/PPI is disabled and put in group 1.
  Result<void, GicError> Init() {
    using gicr::Waker;
    Waker::ReadFrom(io_, frame_).Clear(Waker::kProcessorSleep).WriteTo(io_, frame_);
    uint32_t i = 0;
    while (Waker::ReadFrom(io_, frame_).IsSet(Waker::kChildrenAsleep)) {
      if (++i == kGicMaxPolls) return MakeError(GicError::kTimeout);
    }
    gicr::Icenabler0::Filled(1).WriteFor(io_, 0, frame_);
    TANDEM_TRY(WaitRwp());
    gicr::Igroupr0::Filled(1).WriteFor(io_, 0, frame_);
    return {};
  }

  // SGI/PPI (INTID 0..31) priority and trigger (PPIs only: SGIs are always edge); left disabled.
  Result<void, GicError> ConfigurePrivate(uint32_t intid, uint8_t priority, Trigger trigger) {
    if (intid >= 32) return MakeError(GicError::kBadIntid);
    TANDEM_TRY(Enable(intid, false));
    gicr::Ipriorityr::Update(io_, intid, gicr::Ipriorityr::kItem, priority, frame_);
    if (intid >= 16) {
      gicr::Icfgr::Update(io_, intid, gicr::Icfgr::kEdgeTriggered, trigger == Trigger::kEdge,
                          frame_);
    }
    return {};
  }

  Result<void, GicError> Enable(uint32_t intid, bool enable) {
    if (intid >= 32) return MakeError(GicError::kBadIntid);
    if (enable) {
      gicr::Isenabler0::OnlyItem(intid).WriteFor(io_, intid, frame_);
      return {};
    }
    gicr::Icenabler0::OnlyItem(intid).WriteFor(io_, intid, frame_);
    return WaitRwp();
  }

  uint32_t frame() const { return frame_; }

 private:
  Result<void, GicError> WaitRwp() {
    for (uint32_t i = 0; i < kGicMaxPolls; ++i) {
      if (!gicr::Ctlr::ReadFrom(io_, frame_).IsSet(gicr::Ctlr::kRwp)) return {};
    }
    return MakeError(GicError::kTimeout);
  }

  Io io_;
  uint32_t frame_;
};

template <typename Sys>
class GicCpuInterface {
 public:
  explicit constexpr GicCpuInterface(Sys sys) : sys_(sys) {}

  // System-register access on, every interrupt masked (PMR 0), one EOI both drops priority and
  // deactivates (EOImode 0), group 1 on. Returns the number of implemented priority bits.
  Result<unsigned, GicError> Init() {
    using icc::Ctlr;
    using icc::Sre;
    Sre::ReadFrom(sys_).Set(Sre::kSre).WriteTo(sys_);
    sys_.Isb();
    if (!Sre::ReadFrom(sys_).IsSet(Sre::kSre)) return MakeError(GicError::kNoSysregInterface);
    icc::Pmr{}.WriteTo(sys_);
    icc::Bpr1{}.WriteTo(sys_);
    const Ctlr ctlr = Ctlr::ReadFrom(sys_);
    Ctlr(ctlr).Clear(Ctlr::kEoiMode).WriteTo(sys_);
    icc::Igrpen1{}.Set(icc::Igrpen1::kEnable).WriteTo(sys_);
    sys_.Isb();
    return static_cast<unsigned>(ctlr.Get(Ctlr::kPriBits) + 1);
  }

  void SetPriorityMask(uint8_t pmr) { icc::Pmr{}.Set(icc::Pmr::kPriority, pmr).WriteTo(sys_); }
  uint8_t PriorityMask() {
    return static_cast<uint8_t>(icc::Pmr::ReadFrom(sys_).Get(icc::Pmr::kPriority));
  }

  // ICC_IAR1_EL1: the INTID being acknowledged, or kSpurious (1020..1023 map to it).
  uint32_t Acknowledge() {
    const auto intid = static_cast<uint32_t>(icc::Iar1::ReadFrom(sys_).Get(icc::Iar1::kIntid));
    return intid >= 1020 && intid <= 1023 ? icc::kSpurious : intid;
  }
  void EndOfInterrupt(uint32_t intid) { icc::Eoir1{}.Set(icc::Eoir1::kIntid, intid).WriteTo(sys_); }
  uint64_t Mpidr() { return drivers::Mpidr::ReadFrom(sys_).raw(); }

  // Makes SGI `intid` (0..15) pending on this PE only: IRM 0, this PE's Aff3.Aff2.Aff1, and its
  // Aff0 as range RS = Aff0 / 16 and TargetList bit Aff0 % 16.
  Result<void, GicError> SendSgiToSelf(uint32_t intid) {
    using drivers::Mpidr;
    using icc::Sgi1r;
    if (intid >= 16) return MakeError(GicError::kBadIntid);
    const Mpidr self = Mpidr::ReadFrom(sys_);
    const uint64_t aff0 = self.Get(Mpidr::kAff0);
    Sgi1r{}
        .Set(Sgi1r::kTargetList, uint64_t{1} << (aff0 % 16))
        .Set(Sgi1r::kRs, aff0 / 16)
        .Set(Sgi1r::kAff1, self.Get(Mpidr::kAff1))
        .Set(Sgi1r::kAff2, self.Get(Mpidr::kAff2))
        .Set(Sgi1r::kAff3, self.Get(Mpidr::kAff3))
        .Set(Sgi1r::kIntid, intid)
        .WriteTo(sys_);
    sys_.Isb();
    return {};
  }

 private:
  Sys sys_;
};

}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_IRQ_GICV3_GICV3_H_
