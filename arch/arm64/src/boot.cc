// C++ start-up of Tandem RT on arm64 (entered from head.S with the MMU and caches on under the
// boot map): read the device tree, open the console, install the precise identity map, bring up
// the GIC and the timer, run static constructors, call main().
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "mmu.h"
#include "port_internal.h"
#include "tandem/arch.h"
#include "tandem/arm64/platform.h"
#include "tandem/xen/device_tree.h"
#include "xen_magic.h"

extern "C" {
extern char __image_start[];
extern char __image_end[];
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
void tandem_arm64_switch_ttbr0(uint64_t ttbr0);
[[noreturn]] void tandem_arm64_boot(uintptr_t dtb);
}

int main();

namespace tandem::arm64 {

namespace {

// Linux booting.rst 2: the device tree blob must not exceed 2 MiB.
constexpr uint64_t kMaxDtbSize = 2 * 1024 * 1024;
constexpr uint64_t kUartSize = 0x1000;  // SBSA generic UART register frame
constexpr size_t kTablePool = 32;

alignas(4096) uint64_t g_tables[kTablePool][kEntries];
PageTables g_page_tables(g_tables, kTablePool);
xen::GuestPlatform g_platform;
uintptr_t g_dtb = 0;

constexpr uint64_t AlignDown(uint64_t v) { return v & ~(kPageSize - 1); }
constexpr uint64_t AlignUp(uint64_t v) { return (v + kPageSize - 1) & ~(kPageSize - 1); }

bool Inside(uint64_t base, uint64_t size, const xen::MemoryRegion& r) {
  return base >= r.base && size <= r.size && base - r.base <= r.size - size;
}

void MapOrPanic(const char* what, uint64_t base, uint64_t size, MemoryType type) {
  auto r = g_page_tables.Map(AlignDown(base), AlignUp(base + size) - AlignDown(base), type);
  if (!r.ok()) {
    ConsolePrintf("tandem-rt: cannot map %s at 0x%lx (+0x%lx): %s\n", what,
                  static_cast<unsigned long>(base), static_cast<unsigned long>(size),
                  MapErrorName(r.error()));
    arch::Panic("building the identity map failed");
  }
}

// The final identity map: RAM (from the device tree) normal write-back, the GIC and the UART
// Device-nGnRE, the grant-table window normal (Xen puts RAM pages there: grant entries are
// updated with atomics, which need Normal memory), nothing else. Stray pointers then fault.
void BuildIdentityMap(const xen::GuestPlatform& p) {
  const uint64_t image = reinterpret_cast<uintptr_t>(__image_start);
  const uint64_t image_size = reinterpret_cast<uintptr_t>(__image_end) - image;
  if (!Inside(image, image_size, p.ram)) {
    ConsolePrintf(
        "tandem-rt: image 0x%lx (+0x%lx) lies outside the RAM of the device tree "
        "(0x%lx +0x%lx)\n",
        static_cast<unsigned long>(image), static_cast<unsigned long>(image_size),
        static_cast<unsigned long>(p.ram.base), static_cast<unsigned long>(p.ram.size));
    arch::Panic("image not in RAM");
  }
  MapOrPanic("RAM", p.ram.base, p.ram.size, MemoryType::kNormal);
  MapOrPanic("GIC distributor", p.gicd.base, p.gicd.size, MemoryType::kDevice);
  if (p.gic_version == xen::GicVersion::kV2) {
    MapOrPanic("GIC CPU interface", p.gicc.base, p.gicc.size, MemoryType::kDevice);
  } else {
    MapOrPanic("GIC redistributors", p.gicr.base, p.gicr.size, MemoryType::kDevice);
  }
  if (p.uart_base != 0) MapOrPanic("UART", p.uart_base, kUartSize, MemoryType::kDevice);
  if (p.has_xen && p.grant_table.size != 0) {
    MapOrPanic("grant table", p.grant_table.base, p.grant_table.size, MemoryType::kNormal);
  }
  if (p.has_xen) {
    // XenStore / PV console rings (xen_magic.cc); unpopulated frames there are never touched:
    // speculative accesses do not report stage-2 faults.
    MapOrPanic("Xen magic pages", kXenMagicBase, kXenMagicSize, MemoryType::kNormal);
  }
  tandem_arm64_switch_ttbr0(reinterpret_cast<uintptr_t>(g_page_tables.root()));
}

}  // namespace

xen::GuestPlatform& MutablePlatform() { return g_platform; }
const xen::GuestPlatform& Platform() { return g_platform; }
uintptr_t DeviceTreeAddress() { return g_dtb; }

Result<void, MapError> MapDevice(uint64_t base, uint64_t size) {
  return g_page_tables.Map(base, size, MemoryType::kDevice);
}

bool MapAndProbeDevice(const char* who, uint64_t base, uint64_t size, uint32_t probe_offset) {
  auto m = MapDevice(base, size);
  if (!m.ok()) {
    ConsolePrintf("%s: cannot map the device at 0x%lx: %s\n", who, static_cast<unsigned long>(base),
                  MapErrorName(m.error()));
    return false;
  }
  uint32_t value = 0;
  return ProbeRead32(static_cast<uintptr_t>(base + probe_offset), &value);
}

Result<void, MapError> MapMemory(uint64_t base, uint64_t size) {
  return g_page_tables.Map(base, size, MemoryType::kNormal);
}

void* XenMagicFrame(void*, uint64_t gfn) {
  if (!g_platform.has_xen || gfn >= (uint64_t{1} << 27)) return nullptr;
  const uint64_t address = gfn << 12;
  if (address < kXenMagicBase || address - kXenMagicBase >= kXenMagicSize) return nullptr;
  return reinterpret_cast<void*>(static_cast<uintptr_t>(address));
}

}  // namespace tandem::arm64

extern "C" [[noreturn]] void tandem_arm64_boot(uintptr_t dtb) {
  using namespace tandem;
  using namespace tandem::arm64;
  g_dtb = dtb;
  // The boot map covers the 1 GiB block holding the device tree; never read past it.
  const uint64_t block_end = (uint64_t{dtb} | ((uint64_t{1} << 30) - 1)) + 1;
  const uint64_t max = block_end - dtb < kMaxDtbSize ? block_end - dtb : kMaxDtbSize;
  auto parsed = xen::ParseGuestDeviceTree(reinterpret_cast<const void*>(dtb), max);
  if (!parsed.ok()) {
    // No console without the device tree; a crash shutdown is what the toolstack can see.
    g_platform.has_xen = true;
    Halt(true);
  }
  g_platform = parsed.value();
  ConsoleInit(g_platform.uart_base);
  ConsolePrintf("tandem-rt: arm64 boot, device tree at 0x%lx, RAM 0x%lx +0x%lx\n",
                static_cast<unsigned long>(dtb), static_cast<unsigned long>(g_platform.ram.base),
                static_cast<unsigned long>(g_platform.ram.size));
  BuildIdentityMap(g_platform);
  InterruptsBoot(g_platform);
  const bool v2 = g_platform.gic_version == xen::GicVersion::kV2;
  ConsolePrintf(
      "tandem-rt: GICv%u dist 0x%lx %s 0x%lx, %u priority bits, timer INTID %u at %u Hz%s\n",
      v2 ? 2u : 3u, static_cast<unsigned long>(g_platform.gicd.base), v2 ? "cpu" : "redist",
      static_cast<unsigned long>(v2 ? g_platform.gicc.base : g_platform.gicr.base),
      GicPriorityBits(), g_platform.timer_virt_intid, CounterFrequency(),
      g_platform.has_xen ? ", on Xen" : "");
  for (void (**ctor)() = __init_array_start; ctor != __init_array_end; ++ctor) (*ctor)();
  main();
  arch::Shutdown(E_OK);
  Halt(false);
}
