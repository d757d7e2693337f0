// GICv3 distributor, redistributor and CPU interface (Arm IHI 0069, "GIC architecture
// specification, GICv3 and GICv4"; registers are cited by name from its programmers' model
// chapter), as Xen's vGIC emulates them for a guest.
//
// Memory-mapped parts take an Io (io/mmio.h); the CPU interface is system registers, reached
// through a `Sys` type with Read(IccReg) / Write(IccReg, v) / Isb(), so the logic runs on the host
// against a fake and on arm64 against mrs/msr (arch/arm64).
#ifndef TANDEM_DRIVERS_IRQ_GICV3_GICV3_H_
#define TANDEM_DRIVERS_IRQ_GICV3_GICV3_H_

#include <stdint.h>

#include "tandem/result.h"

namespace tandem::drivers {

namespace gicd {  // distributor registers, offsets from GICD_base
inline constexpr uint32_t kCtlr = 0x0000;
inline constexpr uint32_t kTyper = 0x0004;
inline constexpr uint32_t kIgroupr = 0x0080;
inline constexpr uint32_t kIsenabler = 0x0100;
inline constexpr uint32_t kIcenabler = 0x0180;
inline constexpr uint32_t kIcpendr = 0x0280;
inline constexpr uint32_t kIpriorityr = 0x0400;
inline constexpr uint32_t kIcfgr = 0x0C00;
inline constexpr uint32_t kIrouter = 0x6000;  // 64-bit per INTID, INTID 32 at 0x6100
// GICD_CTLR, Non-secure view: EnableGrp1 [0], EnableGrp1A [1], ARE_NS [4], RWP [31].
inline constexpr uint32_t kCtlrEnableGrp1 = 1u << 0;
inline constexpr uint32_t kCtlrEnableGrp1A = 1u << 1;
inline constexpr uint32_t kCtlrAreNs = 1u << 4;
inline constexpr uint32_t kCtlrRwp = 1u << 31;
}  // namespace gicd

namespace gicr {  // redistributor registers, offsets from each redistributor's RD_base
inline constexpr uint32_t kCtlr = 0x0000;
inline constexpr uint32_t kTyper = 0x0008;  // 64-bit
inline constexpr uint32_t kWaker = 0x0014;
inline constexpr uint32_t kSgiBase = 0x10000;      // SGI_base frame follows RD_base
inline constexpr uint32_t kFrameStride = 0x20000;  // GICv3: RD_base + SGI_base, 64 KiB each
inline constexpr uint32_t kIgroupr0 = kSgiBase + 0x0080;
inline constexpr uint32_t kIsenabler0 = kSgiBase + 0x0100;
inline constexpr uint32_t kIcenabler0 = kSgiBase + 0x0180;
inline constexpr uint32_t kIpriorityr = kSgiBase + 0x0400;
inline constexpr uint32_t kIcfgr0 = kSgiBase + 0x0C00;
inline constexpr uint32_t kCtlrRwp = 1u << 3;
inline constexpr uint64_t kTyperLast = 1u << 4;
inline constexpr uint32_t kWakerProcessorSleep = 1u << 1;
inline constexpr uint32_t kWakerChildrenAsleep = 1u << 2;
}  // namespace gicr

// CPU interface system registers used here (ICC_*_EL1).
enum class IccReg : uint8_t { kSre, kCtlr, kPmr, kBpr1, kIgrpen1, kIar1, kEoir1, kSgi1r, kMpidr };

namespace icc {
inline constexpr uint64_t kSreEnable = 1u << 0;    // ICC_SRE_EL1.SRE
inline constexpr uint64_t kCtlrEoiMode = 1u << 1;  // ICC_CTLR_EL1.EOImode
inline constexpr unsigned kCtlrPriBitsShift = 8;   // ICC_CTLR_EL1.PRIbits [10:8]
inline constexpr uint32_t kSpurious = 1023;        // INTIDs 1020..1023 are special
}  // namespace icc

enum class GicError : uint8_t {
  kTimeout,            // RWP or ChildrenAsleep never cleared
  kNoRedistributor,    // no redistributor frame has this CPU's affinity
  kNoSysregInterface,  // ICC_SRE_EL1.SRE stays 0: no system-register CPU interface
  kBadIntid,           // not an SGI/PPI (0..31) or an implemented SPI (32..1019)
};

const char* GicErrorName(GicError error);

enum class Trigger : uint8_t { kLevel, kEdge };

// Spins on a bit; the emulated GIC answers at once, real hardware within microseconds.
inline constexpr uint32_t kGicMaxPolls = 1000000;

// Affinity value (Aff3.Aff2.Aff1.Aff0) of an MPIDR_EL1 value, as GICR_TYPER[63:32] holds it.
constexpr uint32_t AffinityOf(uint64_t mpidr) {
  return static_cast<uint32_t>(((mpidr >> 8) & 0xFF000000u) | (mpidr & 0x00FFFFFFu));
}

template <typename Io>
class GicDistributor {
 public:
  explicit constexpr GicDistributor(Io io) : io_(io) {}

  // Affinity routing on, group 1 enabled (GICD_CTLR). Disables first, as the spec wants ARE changed
  // only while the groups are disabled.
  Result<void, GicError> Init() {
    io_.Write32(gicd::kCtlr, 0);
    TANDEM_TRY(WaitRwp());
    io_.Write32(gicd::kCtlr, gicd::kCtlrAreNs | gicd::kCtlrEnableGrp1A | gicd::kCtlrEnableGrp1);
    return WaitRwp();
  }

  // Highest implemented SPI INTID + 1 (GICD_TYPER.ITLinesNumber).
  uint32_t IntidLimit() {
    const uint32_t lines = 32 * ((io_.Read32(gicd::kTyper) & 0x1F) + 1);
    return lines > 1020 ? 1020 : lines;
  }

  // Group 1, priority, trigger, routed to the CPU with `affinity`; left disabled.
  Result<void, GicError> ConfigureSpi(uint32_t intid, uint8_t priority, Trigger trigger,
                                      uint64_t mpidr) {
    if (intid < 32 || intid >= IntidLimit()) return MakeError(GicError::kBadIntid);
    TANDEM_TRY(Enable(intid, false));
    SetBit(gicd::kIgroupr + 4 * (intid / 32), intid % 32, true);
    SetField8(gicd::kIpriorityr, intid, priority);
    SetCfg(intid, trigger);
    // GICD_IROUTER<n>: Aff3 [39:32], Aff2..Aff0 [23:0], IRM [31] = 0 (this PE only).
    io_.Write64(gicd::kIrouter + 8 * intid, mpidr & 0xFF00FFFFFFull);
    return {};
  }

  Result<void, GicError> Enable(uint32_t intid, bool enable) {
    if (intid < 32 || intid >= IntidLimit()) return MakeError(GicError::kBadIntid);
    io_.Write32((enable ? gicd::kIsenabler : gicd::kIcenabler) + 4 * (intid / 32),
                1u << (intid % 32));
    if (!enable) return WaitRwp();
    return {};
  }

 private:
  Result<void, GicError> WaitRwp() {
    for (uint32_t i = 0; i < kGicMaxPolls; ++i) {
      if ((io_.Read32(gicd::kCtlr) & gicd::kCtlrRwp) == 0) return {};
    }
    return MakeError(GicError::kTimeout);
  }
  void SetBit(uint32_t reg, uint32_t bit, bool on) {
    const uint32_t v = io_.Read32(reg);
    io_.Write32(reg, on ? (v | (1u << bit)) : (v & ~(1u << bit)));
  }
  void SetField8(uint32_t base, uint32_t intid, uint8_t value) {
    const uint32_t reg = base + (intid & ~3u);
    const uint32_t shift = 8 * (intid & 3u);
    io_.Write32(reg, (io_.Read32(reg) & ~(0xFFu << shift)) | (uint32_t{value} << shift));
  }
  void SetCfg(uint32_t intid, Trigger trigger) {
    // GICD_ICFGR<n>: two bits per INTID, bit [2m+1] set = edge-triggered.
    const uint32_t reg = gicd::kIcfgr + 4 * (intid / 16);
    const uint32_t bit = 2 * (intid % 16) + 1;
    SetBit(reg, bit, trigger == Trigger::kEdge);
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
      const uint64_t typer = io.Read64(static_cast<uint32_t>(frame) + gicr::kTyper);
      if (static_cast<uint32_t>(typer >> 32) == affinity) {
        return static_cast<uint32_t>(frame);
      }
      if ((typer & gicr::kTyperLast) != 0) break;
    }
    return MakeError(GicError::kNoRedistributor);
  }

  // Wakes the redistributor (GICR_WAKER): clear ProcessorSleep, then wait until
  // ChildrenAsleep reads 0. Then every SGI/PPI is disabled and put in group 1.
  Result<void, GicError> Init() {
    Write32(gicr::kWaker, Read32(gicr::kWaker) & ~gicr::kWakerProcessorSleep);
    uint32_t i = 0;
    while ((Read32(gicr::kWaker) & gicr::kWakerChildrenAsleep) != 0) {
      if (++i == kGicMaxPolls) return MakeError(GicError::kTimeout);
    }
    Write32(gicr::kIcenabler0, 0xFFFFFFFFu);
    TANDEM_TRY(WaitRwp());
    Write32(gicr::kIgroupr0, 0xFFFFFFFFu);
    return {};
  }

  // SGI/PPI (INTID 0..31) priority and trigger (PPIs only: SGIs are always edge); left disabled.
  Result<void, GicError> ConfigurePrivate(uint32_t intid, uint8_t priority, Trigger trigger) {
    if (intid >= 32) return MakeError(GicError::kBadIntid);
    TANDEM_TRY(Enable(intid, false));
    const uint32_t reg = gicr::kIpriorityr + (intid & ~3u);
    const uint32_t shift = 8 * (intid & 3u);
    Write32(reg, (Read32(reg) & ~(0xFFu << shift)) | (uint32_t{priority} << shift));
    if (intid >= 16) {
      const uint32_t cfg = gicr::kIcfgr0 + 4 * (intid / 16);
      const uint32_t bit = 1u << (2 * (intid % 16) + 1);
      const uint32_t v = Read32(cfg);
      Write32(cfg, trigger == Trigger::kEdge ? (v | bit) : (v & ~bit));
    }
    return {};
  }

  Result<void, GicError> Enable(uint32_t intid, bool enable) {
    if (intid >= 32) return MakeError(GicError::kBadIntid);
    Write32(enable ? gicr::kIsenabler0 : gicr::kIcenabler0, 1u << intid);
    if (!enable) return WaitRwp();
    return {};
  }

  uint32_t frame() const { return frame_; }

 private:
  uint32_t Read32(uint32_t reg) { return io_.Read32(frame_ + reg); }
  void Write32(uint32_t reg, uint32_t v) { io_.Write32(frame_ + reg, v); }
  Result<void, GicError> WaitRwp() {
    for (uint32_t i = 0; i < kGicMaxPolls; ++i) {
      if ((Read32(gicr::kCtlr) & gicr::kCtlrRwp) == 0) return {};
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
    sys_.Write(IccReg::kSre, sys_.Read(IccReg::kSre) | icc::kSreEnable);
    sys_.Isb();
    if ((sys_.Read(IccReg::kSre) & icc::kSreEnable) == 0) {
      return MakeError(GicError::kNoSysregInterface);
    }
    sys_.Write(IccReg::kPmr, 0);
    sys_.Write(IccReg::kBpr1, 0);
    const uint64_t ctlr = sys_.Read(IccReg::kCtlr);
    sys_.Write(IccReg::kCtlr, ctlr & ~icc::kCtlrEoiMode);
    sys_.Write(IccReg::kIgrpen1, 1);
    sys_.Isb();
    return static_cast<unsigned>(((ctlr >> icc::kCtlrPriBitsShift) & 7u) + 1);
  }

  void SetPriorityMask(uint8_t pmr) { sys_.Write(IccReg::kPmr, pmr); }
  uint8_t PriorityMask() { return static_cast<uint8_t>(sys_.Read(IccReg::kPmr)); }

  // ICC_IAR1_EL1: the INTID being acknowledged, or kSpurious (1020..1023 map to it).
  uint32_t Acknowledge() {
    const uint32_t intid = static_cast<uint32_t>(sys_.Read(IccReg::kIar1) & 0xFFFFFF);
    return intid >= 1020 && intid <= 1023 ? icc::kSpurious : intid;
  }
  void EndOfInterrupt(uint32_t intid) { sys_.Write(IccReg::kEoir1, intid); }
  uint64_t Mpidr() { return sys_.Read(IccReg::kMpidr); }

  // Makes SGI `intid` (0..15) pending on this PE only (ICC_SGI1R_EL1: TargetList
  // [15:0] is a bit per Aff0 within the range RS [47:44] = Aff0 / 16; Aff1 [23:16], INTID
  // [27:24], Aff2 [39:32], IRM [40] = 0, Aff3 [55:48]).
  Result<void, GicError> SendSgiToSelf(uint32_t intid) {
    if (intid >= 16) return MakeError(GicError::kBadIntid);
    const uint64_t mpidr = Mpidr();
    const uint64_t aff0 = mpidr & 0xFF;
    const uint64_t v = (uint64_t{1} << (aff0 % 16)) | (((mpidr >> 8) & 0xFF) << 16) |
                       (uint64_t{intid} << 24) | (((mpidr >> 16) & 0xFF) << 32) |
                       ((aff0 / 16) << 44) | (((mpidr >> 32) & 0xFF) << 48);
    sys_.Write(IccReg::kSgi1r, v);
    sys_.Isb();
    return {};
  }

 private:
  Sys sys_;
};

inline const char* GicErrorName(GicError error) {
  switch (error) {
    case GicError::kTimeout:
      return "GIC register write never completed (RWP/ChildrenAsleep)";
    case GicError::kNoRedistributor:
      return "no GIC redistributor for this CPU's affinity";
    case GicError::kNoSysregInterface:
      return "GIC CPU interface has no system-register access";
    case GicError::kBadIntid:
      return "INTID not implemented by this GIC";
  }
  return "unknown GIC error";
}

}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_IRQ_GICV3_GICV3_H_
