// libFuzzer target for the guest device-tree parser (xen/src/device_tree.cc over fdt.cc): the
// input is the blob Xen passes in x0, copied into an exactly-sized heap buffer so that ASan flags
// any read past it. Beyond "no crash, no UB", the checks below hold the parser to its header's
// promises: it reads nothing beyond the header's totalsize, and what it returns is usable.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <memory>

#include "tandem/xen/device_tree.h"

namespace {

using tandem::xen::GuestPlatform;
using tandem::xen::MemoryRegion;

uint32_t LoadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// A region the kernel can map: non-empty and not wrapping around the address space.
void CheckRegion(const MemoryRegion& r) {
  if (r.size == 0 || r.base + r.size < r.base) abort();
}

// GICv3 2.2, GICv2 (IHI 0048B) 2.2.1: PPIs are INTIDs 16..31, SPIs 32..1019.
bool IsPpiOrSpi(uint32_t intid) { return intid >= 16 && intid < 1020; }

bool Same(const GuestPlatform& a, const GuestPlatform& b) {
  // Field by field: GuestPlatform has padding, so memcmp would compare indeterminate bytes.
  auto same = [](const MemoryRegion& x, const MemoryRegion& y) {
    return x.base == y.base && x.size == y.size;
  };
  return same(a.ram, b.ram) && a.gic_version == b.gic_version && same(a.gicd, b.gicd) &&
         same(a.gicr, b.gicr) && same(a.gicc, b.gicc) && a.timer_virt_intid == b.timer_virt_intid &&
         a.timer_frequency_hz == b.timer_frequency_hz && a.has_xen == b.has_xen &&
         same(a.grant_table, b.grant_table) && a.evtchn_intid == b.evtchn_intid &&
         a.uart_base == b.uart_base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto blob = std::make_unique<uint8_t[]>(size);
  if (size != 0) memcpy(blob.get(), data, size);
  const auto parsed = tandem::xen::ParseGuestDeviceTree(blob.get(), size);
  if (!parsed.ok()) {
    if (tandem::xen::DtErrorName(parsed.error()) == nullptr) abort();
    return 0;
  }
  const GuestPlatform& p = parsed.value();
  CheckRegion(p.ram);
  CheckRegion(p.gicd);
  // The version's second region is there and valid, the other one empty.
  if (p.gic_version == tandem::xen::GicVersion::kV2) {
    CheckRegion(p.gicc);
    if (p.gicr.size != 0 || p.gicd.size < tandem::xen::kGicv2MinRegionSize ||
        p.gicc.size < tandem::xen::kGicv2MinRegionSize) {
      abort();
    }
  } else {
    CheckRegion(p.gicr);
    if (p.gicc.size != 0) abort();
  }
  if (!IsPpiOrSpi(p.timer_virt_intid)) abort();
  if (p.has_xen) {
    CheckRegion(p.grant_table);
    if (!IsPpiOrSpi(p.evtchn_intid)) abort();
  }

  // device_tree.h: "The parser reads nothing outside [blob, blob + min(max_size, totalsize))".
  // Parse again from a buffer cut at totalsize: ASan would see any read past it, and the answer
  // must not change.
  const uint32_t total = LoadBe32(blob.get() + 4);  // a successful parse had a full header
  if (total < size) {
    auto cut = std::make_unique<uint8_t[]>(total);
    memcpy(cut.get(), blob.get(), total);
    const auto again = tandem::xen::ParseGuestDeviceTree(cut.get(), total);
    if (!again.ok() || !Same(again.value(), p)) abort();
  }
  return 0;
}
