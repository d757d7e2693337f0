// The kernel overheads oilc's schedulability analysis charges (docs/oil.md, "Schedulability"),
// in one place: the arm64 figures measured in docs/evaluation.md, section "P4 instruction
// counts" (bench/p4, QEMU -icount shift=0), times a margin, at a stated instruction rate.
// `oilc --overhead NAME=NS` replaces any of them (e.g. with a real board's measurements).
#ifndef TOOLS_OILC_OVERHEADS_H_
#define TOOLS_OILC_OVERHEADS_H_

#include <algorithm>
#include <cstdint>

namespace oilc {

// What the analysis charges, in nanoseconds.
struct Overheads {
  uint64_t tick_ns = 0;      // one system tick with no alarm expiring (a periodic interferer)
  uint64_t job_ns = 0;       // per task job: activation, switch to it, termination, switch back
  uint64_t isr_ns = 0;       // per interrupt: delivery through Xen, the port's entry and exit
  uint64_t resource_ns = 0;  // per critical section: GetResource + ReleaseResource
};

// docs/evaluation.md, "P4 instruction counts" (instructions of the vCPU, EL1 and EL2).
inline constexpr uint64_t kP4Tick = 1179;                      // tick
inline constexpr uint64_t kP4ActivateDispatchTerminate = 606;  // activate_dispatch_terminate
inline constexpr uint64_t kP4SetEventSwitchWaitEvent = 642;    // setevent_switch_waitevent
inline constexpr uint64_t kP4SgiRaiseToIsr = 1240;             // sgi_raise_to_isr
inline constexpr uint64_t kP4IsrToActivatedTask = 477;         // isr_to_activated_task
inline constexpr uint64_t kP4GetReleaseResource = 240;         // get_release_resource

// The P4 counts are averages over 10,000 runs in an emulator (warm caches, no contention): the
// analysis charges twice each, a 100 % margin for cache misses, other paths through the same
// code and the kernel's work the counts do not isolate (e.g. an alarm expiring in a tick).
inline constexpr uint64_t kOverheadMarginPercent = 100;

// Under -icount shift=0 one guest nanosecond is one instruction: the P4 figures' own time base.
// On silicon the rate is the core's clock times its IPC on these paths (a 1.5 GHz Cortex-A72
// may be faster, a 1.2 GHz Cortex-A53 with cold caches slower): measure and pass --overhead.
inline constexpr uint64_t kInstructionsPerMicrosecond = 1000;

constexpr uint64_t ChargedNs(uint64_t instructions) {
  const uint64_t with_margin = instructions * (100 + kOverheadMarginPercent) / 100;
  return (with_margin * 1000 + kInstructionsPerMicrosecond - 1) / kInstructionsPerMicrosecond;
}

inline constexpr Overheads kDefaultOverheads{
    ChargedNs(kP4Tick),
    // The dearer of the two task round trips: an activation or an event wake-up.
    ChargedNs(std::max(kP4ActivateDispatchTerminate, kP4SetEventSwitchWaitEvent)),
    // Delivery up to the ISR body (SGI measured, Xen's trap of the raise included) plus its exit.
    ChargedNs(kP4SgiRaiseToIsr + kP4IsrToActivatedTask),
    ChargedNs(kP4GetReleaseResource),
};
static_assert(kDefaultOverheads.tick_ns == 2358 && kDefaultOverheads.job_ns == 1284 &&
                  kDefaultOverheads.isr_ns == 3434 && kDefaultOverheads.resource_ns == 480,
              "docs/oil.md quotes these figures");

}  // namespace oilc

#endif  // TOOLS_OILC_OVERHEADS_H_
