// Task contexts (port contract arch.h: Context is the saved stack pointer). A context switch is
// a function call, so only the AAPCS64 callee-saved registers x19-x29 and the return address
// x30 need saving (Procedure Call Standard for the Arm 64-bit Architecture, 6.1.1); they are
// pushed on the task's own stack and the stack pointer is the handle. Callers hold interrupts
// masked (DAIF.I), so DAIF is not part of the context.

#include "context_layout.h"
#define CONTEXT_SIZE TANDEM_ARM64_CONTEXT_SIZE

  .text
// void tandem_arm64_switch(void** from, void* to)
  .global tandem_arm64_switch
tandem_arm64_switch:
  sub   sp, sp, #CONTEXT_SIZE
  stp   x19, x20, [sp, #0]
  stp   x21, x22, [sp, #16]
  stp   x23, x24, [sp, #32]
  stp   x25, x26, [sp, #48]
  stp   x27, x28, [sp, #64]
  stp   x29, x30, [sp, #80]
  mov   x2, sp
  str   x2, [x0]
  mov   x0, x1
  // fall through
// void tandem_arm64_resume(void* to)
  .global tandem_arm64_resume
tandem_arm64_resume:
  mov   sp, x0
  ldp   x19, x20, [sp, #0]
  ldp   x21, x22, [sp, #16]
  ldp   x23, x24, [sp, #32]
  ldp   x25, x26, [sp, #48]
  ldp   x27, x28, [sp, #64]
  ldp   x29, x30, [sp, #80]
  add   sp, sp, #CONTEXT_SIZE
  ret

// First code of a fresh context (PrepareContext in port.cc puts the entry in x19): a clean
// frame chain, then entry(); entry never returns, and a return is an internal error.
  .global tandem_arm64_context_start
tandem_arm64_context_start:
  mov   x29, #0
  blr   x19
  b     tandem_arm64_context_returned

// void tandem_arm64_switch_ttbr0(uint64_t ttbr0): installs new translation tables for the
// running identity map. The MMU is turned off around the switch so that entries of the old map
// (1 GiB blocks) and the new one (smaller blocks) are never both live in the TLB (no TLB
// conflict abort, Arm ARM "TLB conflict aborts"); nothing touches memory while it is off.
  .global tandem_arm64_switch_ttbr0
tandem_arm64_switch_ttbr0:
  dsb   ish
  mrs   x1, sctlr_el1
  bic   x2, x1, #1
  msr   sctlr_el1, x2
  isb
  msr   ttbr0_el1, x0
  isb
  tlbi  vmalle1
  dsb   nsh
  isb
  msr   sctlr_el1, x1
  isb
  ret

// bool tandem_arm64_probe_read32(uintptr_t address, uint32_t* value): one 32-bit load that may
// fault. A data abort on the load (e.g. Xen has no stage-2 mapping for the address) resumes at
// probe_fault (port.cc, tandem_arm64_sync) and the function returns false.
  .global tandem_arm64_probe_read32
  .global tandem_arm64_probe_load
  .global tandem_arm64_probe_fault
tandem_arm64_probe_read32:
tandem_arm64_probe_load:
  ldr   w2, [x0]
  str   w2, [x1]
  mov   x0, #1
  ret
tandem_arm64_probe_fault:
  mov   x0, #0
  ret
