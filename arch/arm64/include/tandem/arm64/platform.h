// What the arm64 port offers applications and the Xen layer beyond the port contract: the
// platform it found in the device tree, device mappings, the console and the system counter.
// What only test images use is in tandem/arm64/test_hooks.h.
#ifndef TANDEM_ARM64_PLATFORM_H_
#define TANDEM_ARM64_PLATFORM_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/result.h"
#include "tandem/xen/device_tree.h"
#include "timer/generic_timer/late_tick_record.h"

namespace tandem::arm64 {

// The guest platform parsed from the device tree Xen passed in x0 (valid from main() on).
const xen::GuestPlatform& Platform();
// Guest physical address of that device tree.
uintptr_t DeviceTreeAddress();

enum class MapError : uint8_t {
  kUnaligned,    // base or size not a multiple of 4 KiB
  kOverlap,      // the range overlaps a mapping with other attributes (e.g. RAM)
  kOutOfTables,  // the static translation-table pool is exhausted
  kOutOfRange,   // beyond the 39-bit address space of the identity map
};
const char* MapErrorName(MapError error);

// Identity-maps [base, base + size) as Device-nGnRE memory, e.g. a controller given to the domain
// with xl `iomem` (whose guest address the application knows, not the device tree). Call from
// main() before StartOS; mapping the same range twice is fine.
Result<void, MapError> MapDevice(uint64_t base, uint64_t size);

// Identity-maps [base, base + size) as Normal write-back memory: pages Xen puts outside the RAM
// of the device tree (e.g. shared_info at a frame of the caller's choice). Same rules as
// MapDevice.
Result<void, MapError> MapMemory(uint64_t base, uint64_t size);

// The address of guest frame `gfn` if it lies in Xen's "magic" region (GUEST_MAGIC_BASE, where
// the toolstack puts the XenStore and PV console rings; mapped Normal write-back at boot on
// Xen), else nullptr. Signature of tandem::xen::GfnMapper::map; `context` is unused.
void* XenMagicFrame(void* context, uint64_t gfn);

// The console: the emulated SBSA UART (vpl011) named by the device tree. Output is polled and
// safe from any context; lines from different contexts may interleave.
void ConsoleWrite(const char* text);
// The printf subset of tandem/format.h; a line longer than 255 characters is cut and "..." ends it.
void ConsolePrintf(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Maps a device given to the domain by the toolstack (MapDevice) and checks that it answers: a
// read of the 32-bit register at base + probe_offset (ProbeRead32). Returns whether the device
// can be used; a mapping error is said on the console, prefixed with `who` (e.g. "tandem-rt").
// For devices whose presence depends on the configuration (xl `iomem`, a dom0less partial tree).
bool MapAndProbeDevice(const char* who, uint64_t base, uint64_t size, uint32_t probe_offset);

// Reads the 32-bit register at `address` (mapped with MapDevice) and returns false instead of
// faulting if the domain has no access to it (Xen answers an access to an address it has not
// given the domain with a data abort). For probing a device whose presence depends on the
// toolstack configuration (e.g. xl `iomem`), before using it.
bool ProbeRead32(uintptr_t address, uint32_t* value);

// Makes software-generated interrupt `sgi` (GIC INTID 0..15) pending on this CPU, as a device
// would raise its line: an ISR with that SOURCE then runs under the usual masking rules. For
// tests of the interrupt path on the target. Returns false for an INTID above 15.
bool RaiseSoftwareInterrupt(uint32_t sgi);

// The INTID of the highest-priority pending interrupt of this CPU whether or not the current
// level masks it (GICC_HPPIR on GICv2, ICC_HPPIR1_EL1 on GICv3), 1023 if none. Xen's vGIC does
// not report pending state through the distributor (it reads GICD_ISPENDR/GICR_ISPENDR0 as
// zero), so tests of the interrupt path ask the CPU interface.
uint32_t HighestPendingInterrupt();

// The architecture version of the GIC the device tree named: 2 or 3.
unsigned GicVersion();

// The SCHEDOP_shutdown reason (xen/sched.h SHUTDOWN_poweroff, the default, or SHUTDOWN_reboot)
// with which the domain ends after ShutdownOS: the toolstack then applies its on_poweroff or
// on_reboot action. Set before calling ShutdownOS, e.g. for `xl reboot` (xen::PvControl).
void SetShutdownReason(unsigned reason);

// The virtual counter (CNTVCT_EL0) and its frequency, for time stamps.
uint64_t CounterNow();
uint32_t CounterFrequency();
// The physical counter (CNTPCT_EL0, same frequency). Under Xen it counts from the machine's
// reset, whereas the virtual counter starts near 0 at the domain's creation (Xen sets CNTVOFF_EL2
// per domain, xen/arch/arm/vtimer.c); guests may read it (CNTHCTL_EL2.EL1PCTEN, set by
// xen/arch/arm/time.c). For the channel's boot id (tandem/channel/boot_id.h).
uint64_t PhysicalCounterNow();
// Microseconds since the machine's power-on, from the physical counter (for boot timelines:
// "tandem-rt: milestone NAME T us" lines, bench/eval's P5).
uint64_t MicrosSincePowerOn();
// The nominal counter value of the latest delivered system tick (the compare value it was due
// at), i.e. the release time of whatever that tick activated; periods skipped as lost time
// are not ticks. The timer's start time before its first tick, 0 before it starts.
uint64_t LastTickCounter();

// How well the system tick keeps its grid: ticks handled more than a period late (the timer
// then fires back to back to catch up), and the largest deadline-to-handler delay of a delivered
// tick, in counter ticks; periods lost (the domain did not run for more than the catch-up bound,
// e.g. `xl pause`: skipped, no tick delivered, docs/arm64-port.md "Lost time") and the number of
// such gaps. Under QEMU's software emulation these mostly measure the host's scheduling.
struct TickStats {
  uint64_t ticks_late;
  uint64_t max_latency;
  uint64_t periods_skipped;
  uint64_t skips;
  // Ticks by deadline-to-handler delay: < 10 us, < 100 us, < 1 ms, >= 1 ms.
  uint64_t latency_histogram[4];
  // Ticks delivered and the sum of their deadline-to-handler delays (counter ticks).
  uint64_t delivered;
  uint64_t latency_sum;
};
TickStats SystemTickStats();

// When the system tick's late ticks fell since the timer started: the 8 worst (deadline on the
// virtual counter, lateness in counter ticks; periods skipped as lost time included) and, per
// 100 ms slot of the first 3 s, how many came 100 us late or more and the worst of them. To find
// out what delays the RTOS while dom0 boots (docs/platform.md, "Guest time"). A consistent copy.
using LateTicks = drivers::LateTickRecord<8, 30>;
LateTicks SystemLateTicks();

}  // namespace tandem::arm64

#endif  // TANDEM_ARM64_PLATFORM_H_
