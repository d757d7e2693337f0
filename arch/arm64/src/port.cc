// The port contract (arch/include/tandem/arch.h) on arm64: contexts, the interrupt gate, idle,
// shutdown and panic. Interrupt sources and the timer are in interrupts.cc.
#include <stddef.h>
#include <stdint.h>

#include "context_layout.h"
#include "port_internal.h"
#include "sysreg.h"
#include "tandem/arch.h"
#include "tandem/arm64/platform.h"
#include "tandem/assert.h"
#include "tandem/xen/arm64_hypervisor.h"

extern "C" {
void tandem_arm64_switch(void** from, void* to);
[[noreturn]] void tandem_arm64_resume(void* to);
void tandem_arm64_context_start();
bool tandem_arm64_probe_read32(uintptr_t address, uint32_t* value);
extern char tandem_arm64_probe_load[];
extern char tandem_arm64_probe_fault[];
}

namespace tandem::arm64 {

namespace {
constexpr size_t kContextSize = TANDEM_ARM64_CONTEXT_SIZE;
static_assert(kContextSize == 12 * 8, "x19-x30, as context.S saves them");
static_assert(TANDEM_ARM64_CONTEXT_X19 == 0 && TANDEM_ARM64_CONTEXT_X30 == kContextSize - 8,
              "context.S stores x19 first and x30 last");
constexpr size_t kMinStack = 2048;  // a context, an exception frame and a few calls
unsigned g_shutdown_reason = SHUTDOWN_poweroff;
}  // namespace

TestHooks g_test_hooks;

void SetShutdownReason(unsigned reason) {
  // Only the reasons a guest ends itself with on request; a crash is Panic's.
  g_shutdown_reason = reason == SHUTDOWN_reboot ? SHUTDOWN_reboot : SHUTDOWN_poweroff;
}

bool ProbeRead32(uintptr_t address, uint32_t* value) {
  return tandem_arm64_probe_read32(address, value);
}

[[noreturn]] void Halt(bool crashed) {
  asm volatile("msr daifset, #0xf" ::: "memory");
  // SCHEDOP_shutdown (xen/sched.h): the toolstack then applies on_poweroff / on_crash. Tried
  // even without a /hypervisor node: Xen gives a plain dom0less domain none, yet serves its
  // hypercalls. Where HVC is undefined (no EL2), tandem_arm64_sync turns it into -ENOSYS.
  sched_shutdown_t shutdown{};
  shutdown.reason = crashed ? SHUTDOWN_crash : g_shutdown_reason;
  xen::Arm64Hypervisor hv;
  (void)hv.SchedOp(SCHEDOP_shutdown, &shutdown);
  for (;;) asm volatile("wfi");
}

}  // namespace tandem::arm64

namespace tandem::arch {

Context PrepareContext(void* stack, size_t size, void (*entry)()) {
  if (stack == nullptr || size < arm64::kMinStack) Panic("task stack missing or below 2 KiB");
  const uintptr_t top = (reinterpret_cast<uintptr_t>(stack) + size) & ~uintptr_t{15};
  uint64_t* frame = reinterpret_cast<uint64_t*>(top - arm64::kContextSize);
  for (size_t i = 0; i < arm64::kContextSize / 8; ++i) frame[i] = 0;
  frame[TANDEM_ARM64_CONTEXT_X19 / 8] = reinterpret_cast<uintptr_t>(entry);
  frame[TANDEM_ARM64_CONTEXT_X30 / 8] = reinterpret_cast<uintptr_t>(&tandem_arm64_context_start);
  return frame;
}

void SwitchContext(Context* from, Context to) { tandem_arm64_switch(from, to); }

void ResumeContext(Context to) { tandem_arm64_resume(to); }

// Only IRQs are gated: FIQ is group 0 (unused by a guest), SError and debug stay as they are.
void DisableAll() { asm volatile("msr daifset, #2" ::: "memory"); }
void EnableAll() { asm volatile("msr daifclr, #2" ::: "memory"); }
bool AllDisabled() {
  constexpr uint64_t kDaifI = uint64_t{1} << 7;  // DAIF.I: IRQs masked (Arm ARM C5.2.2)
  return (TANDEM_MRS(daif) & kDaifI) != 0;
}

// WFI wakes on any interrupt that would be taken if unmasked; the kernel's idle loop runs this
// with interrupts enabled, so the interrupt is handled right after.
void Idle() {
  if (arm64::g_test_hooks.idle != nullptr) {
    arm64::g_test_hooks.idle();
    return;
  }
  asm volatile("dsb sy\n\twfi" ::: "memory");
}

void Shutdown(StatusType error) {
  arm64::ConsolePrintf("tandem-rt: shutdown, status %u\n", static_cast<unsigned>(error));
  if (arm64::g_test_hooks.shutdown_returns) {  // the kernel resumes the caller of StartOS
    arm64::DiscardPendingInterrupts();
    return;
  }
  // Halt masks every exception first and the domain ends: nothing of the application runs again.
  arm64::Halt(false);
}

void Panic(const char* message) {
  DisableAll();
  arm64::ConsolePrintf("tandem-rt: PANIC: %s\n", message);
  arm64::Halt(true);
}

}  // namespace tandem::arch

namespace tandem {

// TANDEM_DEBUG_ASSERT's failure in a debug image (tandem/assert.h): said on the console, then the
// domain ends as crashed.
void AssertionFailed(const char* file, int line, const char* condition) {
  arch::DisableAll();
  arm64::ConsolePrintf("tandem-rt: PANIC: %s:%d: assertion failed: %s\n", file, line, condition);
  arm64::Halt(true);
}

}  // namespace tandem

extern "C" [[noreturn]] void tandem_arm64_context_returned() {
  tandem::arch::Panic("a context's entry function returned");
}

extern "C" [[noreturn]] void tandem_arm64_unexpected_exception(tandem::arm64::ExceptionFrame* f,
                                                               uint64_t kind);

// Synchronous exception from EL1h (vectors.S). A data abort from EL1 (ESR_EL1.EC 0x25)
// on the probe's load resumes at the probe's failure exit; anything else is fatal.
extern "C" void tandem_arm64_sync(tandem::arm64::ExceptionFrame* f) {
  const uint64_t esr = TANDEM_MRS(esr_el1);
  if ((esr >> 26) == 0x25 && f->elr == reinterpret_cast<uintptr_t>(tandem_arm64_probe_load)) {
    f->elr = reinterpret_cast<uintptr_t>(tandem_arm64_probe_fault);
    return;
  }
  // An HVC with no hypervisor to take it is UNDEFINED (ESR_EL1.EC 0x00, "unknown reason"): answer
  // it like a hypervisor that lacks the call, -ENOSYS, and continue after it. (ELR is read only for
  // EC 0x00: then it addresses an instruction that was fetched.)
  if ((esr >> 26) == 0x00 && (*reinterpret_cast<const uint32_t*>(static_cast<uintptr_t>(f->elr)) &
                              0xFFE0001Fu) == 0xD4000002u) {
    f->x[0] = static_cast<uint64_t>(-static_cast<int64_t>(XEN_ENOSYS));  // xen/errno.h
    f->elr += 4;
    return;
  }
  tandem_arm64_unexpected_exception(f, 4);
}

// Every exception but an IRQ from EL1h (vectors.S): report and stop.
extern "C" [[noreturn]] void tandem_arm64_unexpected_exception(tandem::arm64::ExceptionFrame* f,
                                                               uint64_t kind) {
  static const char* const kKinds[16] = {
      "sync (SP0)",     "IRQ (SP0)",     "FIQ (SP0)",     "SError (SP0)",
      "sync",           "IRQ",           "FIQ",           "SError",
      "sync (EL0)",     "IRQ (EL0)",     "FIQ (EL0)",     "SError (EL0)",
      "sync (AArch32)", "IRQ (AArch32)", "FIQ (AArch32)", "SError (AArch32)"};
  const uint64_t esr = TANDEM_MRS(esr_el1);
  const uint64_t far = TANDEM_MRS(far_el1);
  // Two short lines: Xen's console splits long guest lines.
  tandem::arm64::ConsolePrintf("tandem-rt: exception %s: ESR_EL1=0x%lx (EC=0x%lx) FAR_EL1=0x%lx\n",
                               kKinds[kind & 15], static_cast<unsigned long>(esr),
                               static_cast<unsigned long>(esr >> 26),
                               static_cast<unsigned long>(far));
  tandem::arm64::ConsolePrintf(
      "tandem-rt: at ELR_EL1=0x%lx SPSR_EL1=0x%lx LR=0x%lx SP=0x%lx\n",
      static_cast<unsigned long>(f->elr), static_cast<unsigned long>(f->spsr),
      static_cast<unsigned long>(f->x[30]),
      static_cast<unsigned long>(reinterpret_cast<uintptr_t>(f) + sizeof(*f)));
  tandem::arch::Panic("unexpected exception");
}
