// Entry of the Tandem RT image: the Linux arm64 Image header (Linux Documentation/arch/arm64/
// booting.rst, "Call the kernel image"), then the EL1 start-up that runs with the MMU off.
//
// Xen enters at offset 0 at EL1, MMU and D-cache off, interrupts masked, x0 = guest physical
// address of the device tree (booting.rst 4). With the MMU off every data access is
// Device-nGnRnE (Arm ARM, "Behavior when stage 1 address translation is disabled"): no unaligned access is allowed and nothing is cached. So only
// this assembly runs before the MMU is on: it clears .bss, builds a boot map of 1 GiB blocks
// (Normal write-back for the block holding the image and the block holding the device tree,
// Device-nGnRE everywhere else) and enables the MMU and caches. The C++ boot code then reads
// the device tree and replaces the boot map with the precise one (mmu.cc).

#define SCTLR_M   (1 << 0)
#define SCTLR_C   (1 << 2)
#define SCTLR_SA  (1 << 3)
#define SCTLR_I   (1 << 12)
// SCTLR_EL1 bits that are RES1 in ARMv8.0 (Arm ARM, SCTLR_EL1): 29, 28, 23, 22, 20, 11.
#define SCTLR_RES1 ((1 << 29) | (1 << 28) | (1 << 23) | (1 << 22) | (1 << 20) | (1 << 11))

// MAIR_EL1 (Arm ARM, MAIR_EL1 Attr<n> encodings): attr0 Device-nGnRE, attr1 Normal inner/outer write-back RW-allocate,
// attr2 Normal non-cacheable. The indices are shared with mmu.h.
#define MAIR_VALUE 0x44ff04

// Block descriptor bits (Arm ARM, VMSAv8-64 translation table descriptor formats): valid block, AttrIndx [4:2], SH [9:8], AF [10], PXN [53],
// UXN [54].
#define DESC_BLOCK      0x1
#define DESC_AF         (1 << 10)
#define DESC_SH_INNER   (3 << 8)
#define DESC_NORMAL     (DESC_BLOCK | DESC_AF | DESC_SH_INNER | (1 << 2))
#define DESC_DEVICE_LO  (DESC_BLOCK | DESC_AF | (0 << 2))
#define DESC_XN_HI      0x60  // PXN | UXN in bits [54:53], as bits [6:5] of the top half

// TCR_EL1 (Arm ARM, TCR_EL1): T0SZ = 25 (39-bit VA, walks start at level 1), IRGN0/ORGN0 write-back
// RW-allocate, SH0 inner shareable, TG0 4 KiB, EPD1 (no TTBR1 walks); IPS set from
// ID_AA64MMFR0_EL1.PARange below.
#define TCR_VALUE ((25 << 0) | (1 << 8) | (1 << 10) | (3 << 12) | (0 << 14) | (1 << 23))

  .section .text.head, "ax"
  .global _start
_start:
  b     primary_entry            // code0
  .long 0                        // code1
  .quad 0                        // text_offset: load at the 2 MiB-aligned RAM base
  .quad __image_size             // image_size, including .bss
  .quad 0xa                      // flags: little-endian, 4 KiB pages, placed anywhere
  .quad 0                        // res2
  .quad 0                        // res3
  .quad 0                        // res4
  .ascii "ARM\x64"               // magic at 0x38
  .long 0                        // res5

primary_entry:
  msr   daifset, #0xf
  mov   x19, x0                          // device tree address, kept for boot.cc
  mrs   x0, CurrentEL
  cmp   x0, #(1 << 2)
  b.ne  wrong_el
  ldr   x0, =SCTLR_RES1 | SCTLR_SA       // MMU and caches off, little-endian, SP alignment check
  msr   sctlr_el1, x0
  isb
  ldr   x0, =tandem_arm64_vectors
  msr   vbar_el1, x0
  msr   cpacr_el1, xzr                   // FP/SIMD traps: the kernel saves no FP state
  isb

  // Clear .bss with the MMU off (writes go straight to memory), then invalidate those lines by
  // VA so no stale line from before boot can later hide the zeros (no set/way maintenance:
  // Xen does not virtualise it, and it would not be correct in a guest anyway).
  ldr   x0, =__bss_start
  ldr   x1, =__bss_end
1:cmp   x0, x1
  b.hs  2f
  stp   xzr, xzr, [x0], #16
  b     1b
2:ldr   x0, =__bss_start
  bl    invalidate_range

  // Boot map: 512 level-1 block entries of 1 GiB.
  ldr   x20, =boot_l1
  mov   x2, #0
  ldr   x3, =DESC_DEVICE_LO
  mov   x4, #DESC_XN_HI
  lsl   x4, x4, #48
  orr   x3, x3, x4                       // device block template
  ldr   x4, =DESC_NORMAL                 // normal block template
  adr   x5, _start
  lsr   x5, x5, #30                      // block index of the image
  lsr   x6, x19, #30                     // block index of the device tree
3:lsl   x7, x2, #30
  cmp   x2, x5
  b.eq  4f
  cmp   x2, x6
  b.eq  4f
  orr   x7, x7, x3
  b     5f
4:orr   x7, x7, x4
5:str   x7, [x20, x2, lsl #3]
  add   x2, x2, #1
  cmp   x2, #512
  b.lo  3b
  mov   x0, x20
  add   x1, x20, #4096
  bl    invalidate_range

  ldr   x0, =MAIR_VALUE
  msr   mair_el1, x0
  mrs   x1, id_aa64mmfr0_el1
  and   x1, x1, #0x7                     // PARange
  ldr   x0, =TCR_VALUE
  orr   x0, x0, x1, lsl #32              // IPS = PARange
  msr   tcr_el1, x0
  msr   ttbr0_el1, x20
  isb
  tlbi  vmalle1
  ic    iallu
  dsb   nsh
  isb
  mrs   x0, sctlr_el1
  ldr   x1, =SCTLR_M | SCTLR_C | SCTLR_I
  orr   x0, x0, x1
  msr   sctlr_el1, x0
  isb

  ldr   x0, =tandem_arm64_boot_stack_top
  mov   sp, x0
  mov   x29, #0
  mov   x30, #0
  mov   x0, x19
  bl    tandem_arm64_boot                // [[noreturn]]
wrong_el:
  wfi                                    // not entered at EL1: nothing sane to do
  b     wrong_el

// invalidate_range(x0 = start, x1 = end): DC IVAC over [start, end) by cache line.
invalidate_range:
  mrs   x3, ctr_el0
  ubfx  x3, x3, #16, #4                  // DminLine: log2(words) of the smallest D-cache line
  mov   x2, #4
  lsl   x2, x2, x3
  sub   x3, x2, #1
  bic   x0, x0, x3
6:dc    ivac, x0
  add   x0, x0, x2
  cmp   x0, x1
  b.lo  6b
  dsb   sy
  ret

  .ltorg

  .section .bss.pagetables, "aw", %nobits
  .balign 4096
boot_l1:
  .space 4096

  .section .bss, "aw", %nobits
  .balign 16
boot_stack:
  .space 16384
  .global tandem_arm64_boot_stack_top
tandem_arm64_boot_stack_top:
