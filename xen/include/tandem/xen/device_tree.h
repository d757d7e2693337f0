// The guest device tree Xen passes in x0: what Tandem RT needs to know about its domain.
//
// Input is a flattened device tree (Devicetree Specification v0.4, chapter 5: "Flattened
// Devicetree (DTB) Format", version 17, big-endian). It is external input: every offset, length
// and string is bounds-checked against the blob, and a bad blob yields a DtError, never a crash.
// The parser reads nothing outside [blob, blob + min(max_size, totalsize)).
//
// Addresses are taken from `reg` with the parent's #address-cells / #size-cells (spec 2.3.5,
// defaults 2 and 1); they are not translated through `ranges`: Xen puts every device of a guest
// tree at the root (libxl_arm.c, and domain_build.c for dom0less guests).
#ifndef TANDEM_XEN_DEVICE_TREE_H_
#define TANDEM_XEN_DEVICE_TREE_H_

#include <stddef.h>
#include <stdint.h>

#include "tandem/result.h"

namespace tandem::xen {

struct MemoryRegion {
  uint64_t base = 0;
  uint64_t size = 0;
};

// The GIC architecture version of the guest's interrupt controller. Xen gives a guest the
// version of the host's GIC (xen/arch/arm/vgic.c domain_vgic_register).
enum class GicVersion : uint8_t { kV2 = 2, kV3 = 3 };

struct GuestPlatform {
  MemoryRegion ram;  // first reg of the first /memory node
  GicVersion gic_version = GicVersion::kV3;
  // GICv3 ("arm,gic-v3"): reg[0] distributor, reg[1] redistributors; gicc stays empty.
  // GICv2 (kGicv2Compatibles): reg[0] distributor, reg[1] CPU interface; gicr stays empty.
  MemoryRegion gicd, gicr, gicc;
  uint32_t timer_virt_intid = 0;    // "arm,armv8-timer": 3rd interrupt (virtual timer) as INTID
  uint32_t timer_frequency_hz = 0;  // clock-frequency of the timer node if present, else 0
  bool has_xen = false;             // /hypervisor compatible "xen,xen"
  MemoryRegion grant_table;         // /hypervisor reg[0]
  uint32_t evtchn_intid = 0;        // /hypervisor interrupts (PPI -> INTID)
  uint64_t uart_base = 0;           // "arm,sbsa-uart" or "arm,pl011" node, 0 if none
};

enum class DtError : uint8_t {
  kBadMagic,      // not a flattened device tree (magic != 0xd00dfeed)
  kTruncated,     // header or totalsize runs past max_size
  kBadVersion,    // not compatible with version 17
  kBadStructure,  // bad block offsets, tokens, nesting or node names
  kBadProperty,   // property runs past its block, bad name offset, bad value length or content
  kBadCells,      // #address-cells / #size-cells / #interrupt-cells Tandem cannot use
  kTooDeep,       // nodes nested deeper than the parser's fixed stack
  kNoMemory,      // no /memory node
  kNoGic,         // no "arm,gic-v3" nor GICv2 (kGicv2Compatibles) interrupt controller
  kNoTimer,       // no "arm,armv8-timer" node
};

const char* DtErrorName(DtError error);

// The compatible strings of a GICv2 node that Xen writes for a guest: libxl (route xl,
// tools/libs/light/libxl_arm.c make_gicv2_node) "arm,cortex-a15-gic", "arm,cortex-a9-gic";
// dom0less domUs (xen/arch/arm/domain_build.c make_gicv2_domU_node) "arm,gic-400".
inline constexpr const char* kGicv2Compatibles[] = {"arm,gic-400", "arm,cortex-a15-gic",
                                                    "arm,cortex-a9-gic"};
// The least a GICv2 region must span to hold the registers the driver uses (IHI 0048B Tables
// 4-1 and 4-2: GICD_SGIR at 0xF00, GICC_HPPIR at 0x18); one 4 KiB page each.
inline constexpr uint64_t kGicv2MinRegionSize = 0x1000;

// Parses the guest device tree at `blob`; `max_size` bounds every access (pass the size of the
// memory known to hold the blob; the header's totalsize must fit in it).
Result<GuestPlatform, DtError> ParseGuestDeviceTree(const void* blob, size_t max_size);

}  // namespace tandem::xen

#endif  // TANDEM_XEN_DEVICE_TREE_H_
