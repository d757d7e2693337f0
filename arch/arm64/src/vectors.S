// Exception vectors (Arm ARM, "Exception vectors": the VBAR_EL1 table, 16 entries of 0x80 bytes).
//
// Tandem RT runs everything at EL1 on SP_EL1 (EL1h): tasks, the idle loop and interrupt
// handlers. An IRQ is handled on the stack of whatever it interrupted, because the kernel may
// switch tasks from inside the handler (leaving a category 2 ISR is a scheduling point): the
// interrupted task's frame then stays on its own stack until it is resumed, and its handler
// returns through the same frame. The frame holds every general-purpose register plus ELR_EL1
// and SPSR_EL1 (nested interrupts overwrite both). There is no FP/SIMD state
// (-mgeneral-regs-only, CPACR_EL1 traps FP).

#include "context_layout.h"

#define FRAME_SIZE TANDEM_ARM64_FRAME_SIZE

.macro save_frame
  sub   sp, sp, #FRAME_SIZE
  stp   x0, x1, [sp, #0]
  stp   x2, x3, [sp, #16]
  stp   x4, x5, [sp, #32]
  stp   x6, x7, [sp, #48]
  stp   x8, x9, [sp, #64]
  stp   x10, x11, [sp, #80]
  stp   x12, x13, [sp, #96]
  stp   x14, x15, [sp, #112]
  stp   x16, x17, [sp, #128]
  stp   x18, x19, [sp, #144]
  stp   x20, x21, [sp, #160]
  stp   x22, x23, [sp, #176]
  stp   x24, x25, [sp, #192]
  stp   x26, x27, [sp, #208]
  stp   x28, x29, [sp, #224]
  mrs   x0, elr_el1
  mrs   x1, spsr_el1
  stp   x30, x0, [sp, #TANDEM_ARM64_FRAME_X30]
  str   x1, [sp, #TANDEM_ARM64_FRAME_SPSR]
.endm

.macro restore_frame
  ldr   x1, [sp, #TANDEM_ARM64_FRAME_SPSR]
  ldp   x30, x0, [sp, #TANDEM_ARM64_FRAME_X30]
  msr   spsr_el1, x1
  msr   elr_el1, x0
  ldp   x0, x1, [sp, #0]
  ldp   x2, x3, [sp, #16]
  ldp   x4, x5, [sp, #32]
  ldp   x6, x7, [sp, #48]
  ldp   x8, x9, [sp, #64]
  ldp   x10, x11, [sp, #80]
  ldp   x12, x13, [sp, #96]
  ldp   x14, x15, [sp, #112]
  ldp   x16, x17, [sp, #128]
  ldp   x18, x19, [sp, #144]
  ldp   x20, x21, [sp, #160]
  ldp   x22, x23, [sp, #176]
  ldp   x24, x25, [sp, #192]
  ldp   x26, x27, [sp, #208]
  ldp   x28, x29, [sp, #224]
  add   sp, sp, #FRAME_SIZE
.endm

// An exception Tandem does not expect: save the frame and report it (never returns).
.macro unexpected kind
  .balign 0x80
  save_frame
  mov   x0, sp
  mov   x1, #\kind
  b     tandem_arm64_unexpected_exception
.endm

  .section .text.vectors, "ax"
  .balign 2048
  .global tandem_arm64_vectors
tandem_arm64_vectors:
  // Current EL with SP_EL0: never used.
  unexpected 0
  unexpected 1
  unexpected 2
  unexpected 3
  // Current EL with SP_ELx.
  .balign 0x80
  b     el1h_sync
  .balign 0x80
  b     el1h_irq
  unexpected 6   // FIQ: group 0, not used by a guest
  unexpected 7   // SError
  // Lower EL, AArch64 and AArch32: Tandem has no EL0.
  unexpected 8
  unexpected 9
  unexpected 10
  unexpected 11
  unexpected 12
  unexpected 13
  unexpected 14
  unexpected 15

// A synchronous exception is fatal unless it is a data abort of tandem_arm64_probe_read32
// (port.cc moves ELR_EL1 to the probe's failure exit): then return to it.
el1h_sync:
  save_frame
  mov   x0, sp
  bl    tandem_arm64_sync
  restore_frame
  eret

el1h_irq:
  save_frame
  mov   x0, sp
  bl    tandem_arm64_irq
  restore_frame
  eret
