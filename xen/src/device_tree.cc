// ParseGuestDeviceTree: one pass over the structure block keeping a small stack of per-node
// facts; a node is classified when it ends (its properties may come in any order), with the
// #address-cells / #size-cells of its parent, which precede it (spec 5.4.2: properties come
// before subnodes).
#include "tandem/xen/device_tree.h"

#include "fdt.h"

namespace tandem::xen {
namespace {

using fdt::Bytes;

constexpr int kMaxDepth = 16;
// Spec 2.3.5: defaults when a node does not say.
constexpr uint32_t kDefaultAddressCells = 2;
constexpr uint32_t kDefaultSizeCells = 1;

struct Node {
  Bytes name;
  uint32_t address_cells = kDefaultAddressCells;  // for this node's children
  uint32_t size_cells = kDefaultSizeCells;
  bool has_child = false;
  bool has_reg = false, has_interrupts = false, has_compatible = false, has_device_type = false;
  bool has_clock_frequency = false, has_interrupt_cells = false;
  Bytes reg, interrupts, compatible, device_type, clock_frequency, interrupt_cells;
};

struct Found {
  GuestPlatform platform;
  bool memory = false, gic = false, timer = false, hypervisor = false, uart = false;
};

Result<uint32_t, DtError> ReadU32(Bytes prop) {
  if (prop.size != 4) return MakeError(DtError::kBadProperty);
  return fdt::LoadBe32(prop.data);
}

// A "stringlist" (spec 2.2.4.1): NUL-terminated strings back to back; SetProperty has checked
// that it is non-empty and ends with a NUL.
bool StringListContains(Bytes list, const char* wanted) {
  uint32_t start = 0;
  for (uint32_t i = 0; i < list.size; ++i) {
    if (list.data[i] == '\0') {
      if (fdt::Equal(Bytes{list.data + start, i - start}, wanted)) return true;
      start = i + 1;
    }
  }
  return false;
}

bool IsCompatible(const Node& node, const char* wanted) {
  return node.has_compatible && StringListContains(node.compatible, wanted);
}

bool IsGicv2(const Node& node) {
  for (const char* compatible : kGicv2Compatibles) {
    if (IsCompatible(node, compatible)) return true;
  }
  return false;
}

// Both GIC bindings use 3-cell specifiers (type, number, flags), which InterruptIntid reads.
Result<void, DtError> CheckGicInterruptCells(const Node& node) {
  if (node.has_interrupt_cells) {
    auto cells = ReadU32(node.interrupt_cells);
    if (!cells.ok() || cells.value() != 3) return MakeError(DtError::kBadCells);
  }
  return {};
}

bool IsString(Bytes value) { return value.size > 0 && value.data[value.size - 1] == '\0'; }

// Entry `index` of `reg` (spec 2.3.6) with the parent's cell sizes.
Result<MemoryRegion, DtError> RegEntry(const Node& node, const Node& parent, uint32_t index) {
  const uint32_t ac = parent.address_cells;
  const uint32_t sc = parent.size_cells;
  // Tandem keeps 64-bit addresses and sizes; a region needs a size.
  if (ac < 1 || ac > 2 || sc < 1 || sc > 2) return MakeError(DtError::kBadCells);
  if (!node.has_reg) return MakeError(DtError::kBadProperty);
  const uint32_t entry = (ac + sc) * 4;
  if (node.reg.size % entry != 0 || node.reg.size / entry <= index) {
    return MakeError(DtError::kBadProperty);
  }
  const uint8_t* p = node.reg.data + index * entry;
  auto cells = [&p](uint32_t n) {
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; ++i, p += 4) v = (v << 32) | fdt::LoadBe32(p);
    return v;
  };
  MemoryRegion region;
  region.base = cells(ac);
  region.size = cells(sc);
  if (region.size == 0 || region.base + region.size < region.base) {
    return MakeError(DtError::kBadProperty);
  }
  return region;
}

// Interrupt `index` of a 3-cell GIC specifier list (bindings/interrupt-controller/arm,gic-v3 and
// arm,gic: cell 0 type (0 SPI, 1 PPI), cell 1 number, cell 2 flags) as a GIC INTID (GICv3 spec
// 2.2, GICv2 spec IHI 0048B 2.2.1: PPIs are INTIDs 16..31, SPIs 32..1019).
Result<uint32_t, DtError> InterruptIntid(const Node& node, uint32_t index) {
  if (!node.has_interrupts || node.interrupts.size % 12 != 0 ||
      node.interrupts.size / 12 <= index) {
    return MakeError(DtError::kBadProperty);
  }
  const uint8_t* p = node.interrupts.data + index * 12;
  const uint32_t type = fdt::LoadBe32(p);
  const uint32_t number = fdt::LoadBe32(p + 4);
  if (type == 1 && number < 16) return 16 + number;
  if (type == 0 && number < 988) return 32 + number;
  return MakeError(DtError::kBadProperty);
}

bool NameIs(const Node& node, const char* base) {
  // "base" or "base@unit-address" (spec 2.2.1).
  uint32_t len = 0;
  while (len < node.name.size && node.name.data[len] != '@') ++len;
  return fdt::Equal(Bytes{node.name.data, len}, base);
}

Result<void, DtError> Classify(const Node& node, const Node& parent, int depth, Found& found) {
  GuestPlatform& out = found.platform;

  if (depth == 1 && !found.memory) {
    const bool is_memory = NameIs(node, "memory") ||
                           (node.has_device_type && StringListContains(node.device_type, "memory"));
    if (is_memory) {
      auto reg = RegEntry(node, parent, 0);
      if (!reg.ok()) return MakeError(reg.error());
      out.ram = reg.value();
      found.memory = true;
      return {};
    }
  }

  if (!found.gic && IsCompatible(node, "arm,gic-v3")) {
    TANDEM_TRY(CheckGicInterruptCells(node));
    auto gicd = RegEntry(node, parent, 0);
    if (!gicd.ok()) return MakeError(gicd.error());
    auto gicr = RegEntry(node, parent, 1);
    if (!gicr.ok()) return MakeError(gicr.error());
    out.gic_version = GicVersion::kV3;
    out.gicd = gicd.value();
    out.gicr = gicr.value();
    found.gic = true;
    return {};
  }

  if (!found.gic && IsGicv2(node)) {
    // bindings/interrupt-controller/arm,gic.yaml: reg = distributor, CPU interface, (GICH,
    // GICV: a guest's node has only the first two).
    TANDEM_TRY(CheckGicInterruptCells(node));
    auto gicd = RegEntry(node, parent, 0);
    if (!gicd.ok()) return MakeError(gicd.error());
    auto gicc = RegEntry(node, parent, 1);
    if (!gicc.ok()) return MakeError(gicc.error());
    if (gicd.value().size < kGicv2MinRegionSize || gicc.value().size < kGicv2MinRegionSize) {
      return MakeError(DtError::kBadProperty);
    }
    out.gic_version = GicVersion::kV2;
    out.gicd = gicd.value();
    out.gicc = gicc.value();
    found.gic = true;
    return {};
  }

  if (!found.timer && IsCompatible(node, "arm,armv8-timer")) {
    // bindings/timer/arm,arch_timer: secure phys, non-secure phys, virtual, hyp phys.
    auto intid = InterruptIntid(node, 2);
    if (!intid.ok()) return MakeError(intid.error());
    out.timer_virt_intid = intid.value();
    if (node.has_clock_frequency) {
      auto hz = ReadU32(node.clock_frequency);
      if (!hz.ok()) return MakeError(hz.error());
      out.timer_frequency_hz = hz.value();
    }
    found.timer = true;
    return {};
  }

  if (depth == 1 && !found.hypervisor && NameIs(node, "hypervisor")) {
    // Xen's docs/misc/arm/device-tree/guest.txt: compatible "xen,xen-<version>", "xen,xen";
    // reg = the grant-table region; interrupts = the event-channel PPI.
    found.hypervisor = true;
    if (!IsCompatible(node, "xen,xen")) return {};  // some other hypervisor's node
    auto grant = RegEntry(node, parent, 0);
    if (!grant.ok()) return MakeError(grant.error());
    auto intid = InterruptIntid(node, 0);
    if (!intid.ok()) return MakeError(intid.error());
    out.has_xen = true;
    out.grant_table = grant.value();
    out.evtchn_intid = intid.value();
    return {};
  }

  if (!found.uart && (IsCompatible(node, "arm,sbsa-uart") || IsCompatible(node, "arm,pl011"))) {
    auto reg = RegEntry(node, parent, 0);
    if (!reg.ok()) return MakeError(reg.error());
    out.uart_base = reg.value().base;
    found.uart = true;
    return {};
  }
  return {};
}

Result<void, DtError> SetProperty(Node& node, const fdt::Token& prop) {
  auto is = [&prop](const char* name) { return fdt::Equal(prop.name, name); };
  if (is("#address-cells")) {
    auto v = ReadU32(prop.value);
    if (!v.ok()) return MakeError(DtError::kBadCells);
    node.address_cells = v.value();
  } else if (is("#size-cells")) {
    auto v = ReadU32(prop.value);
    if (!v.ok()) return MakeError(DtError::kBadCells);
    node.size_cells = v.value();
  } else if (is("reg")) {
    node.reg = prop.value;
    node.has_reg = true;
  } else if (is("interrupts")) {
    node.interrupts = prop.value;
    node.has_interrupts = true;
  } else if (is("compatible")) {
    if (!IsString(prop.value)) return MakeError(DtError::kBadProperty);
    node.compatible = prop.value;
    node.has_compatible = true;
  } else if (is("device_type")) {
    if (!IsString(prop.value)) return MakeError(DtError::kBadProperty);
    node.device_type = prop.value;
    node.has_device_type = true;
  } else if (is("clock-frequency")) {
    node.clock_frequency = prop.value;
    node.has_clock_frequency = true;
  } else if (is("#interrupt-cells")) {
    node.interrupt_cells = prop.value;
    node.has_interrupt_cells = true;
  }
  return {};
}

}  // namespace

const char* DtErrorName(DtError error) {
  switch (error) {
    case DtError::kBadMagic:
      return "not a flattened device tree (bad magic)";
    case DtError::kTruncated:
      return "device tree truncated";
    case DtError::kBadVersion:
      return "unsupported device tree version";
    case DtError::kBadStructure:
      return "malformed device tree structure";
    case DtError::kBadProperty:
      return "malformed device tree property";
    case DtError::kBadCells:
      return "unsupported #address-cells/#size-cells/#interrupt-cells";
    case DtError::kTooDeep:
      return "device tree nested too deeply";
    case DtError::kNoMemory:
      return "no memory node";
    case DtError::kNoGic:
      return "no arm,gic-v3 or GICv2 (arm,gic-400, arm,cortex-a15-gic) interrupt controller";
    case DtError::kNoTimer:
      return "no arm,armv8-timer node";
  }
  return "unknown device tree error";
}

Result<GuestPlatform, DtError> ParseGuestDeviceTree(const void* blob, size_t max_size) {
  auto opened = fdt::FdtCursor::Open(blob, max_size);
  if (!opened.ok()) return MakeError(opened.error());
  fdt::FdtCursor& cursor = opened.value();

  // stack[0] stands for the parent of the root (default cells); stack[d] is the node at depth d.
  Node stack[kMaxDepth + 1];
  int depth = 0;
  bool root_seen = false;
  Found found;
  for (;;) {
    auto next = cursor.Next();
    if (!next.ok()) return MakeError(next.error());
    const fdt::Token& token = next.value();
    if (token.kind == fdt::kEnd) {
      if (depth != 0 || !root_seen) return MakeError(DtError::kBadStructure);
      break;
    }
    if (token.kind == fdt::kBeginNode) {
      if (depth == 0 && root_seen) return MakeError(DtError::kBadStructure);  // second root
      if (depth == kMaxDepth) return MakeError(DtError::kTooDeep);
      stack[depth].has_child = true;
      ++depth;
      stack[depth] = Node{};
      stack[depth].name = token.name;
      root_seen = true;
      continue;
    }
    if (token.kind == fdt::kEndNode) {
      if (depth == 0) return MakeError(DtError::kBadStructure);
      // Depth 1 is the root's children: Classify's `depth` counts from the root (= 0).
      TANDEM_TRY(Classify(stack[depth], stack[depth - 1], depth - 1, found));
      --depth;
      continue;
    }
    // kProp: only inside a node, and before its first subnode (spec 5.4.2).
    if (depth == 0 || stack[depth].has_child) return MakeError(DtError::kBadStructure);
    TANDEM_TRY(SetProperty(stack[depth], token));
  }
  if (!found.memory) return MakeError(DtError::kNoMemory);
  if (!found.gic) return MakeError(DtError::kNoGic);
  if (!found.timer) return MakeError(DtError::kNoTimer);
  return found.platform;
}

}  // namespace tandem::xen
