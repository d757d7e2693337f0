// The only hvc instructions of Tandem RT: one stub per hypercall.
//
// Xen ARM hypercall ABI (xen/arch-arm.h, "Hypercall calling convention"): the hypercall number
// goes in x16, arguments in x0..x4, `hvc #0xEA1` (XEN_HYPERCALL_TAG), result in x0. Xen
// clobbers x16 and the argument registers the hypercall uses; all of them are caller-saved in
// AAPCS64, so each stub is just the number load and the trap.
#define __ASSEMBLY__ 1  // xen.h: constants only, no C declarations
#include "tandem/xen/interface_version.h"  // else xen.h picks the compat hypercall numbers
#include <xen/xen.h>

#if __HYPERVISOR_event_channel_op != 32 || __HYPERVISOR_sched_op != 29
#error "xen.h gave the pre-3.2 compat hypercall numbers"
#endif

.macro HYPERCALL name, number
  .section .text.\name, "ax", %progbits
  .global \name
  .type \name, %function
  .balign 4
\name:
  mov x16, #\number
  hvc #XEN_HYPERCALL_TAG
  ret
  .size \name, . - \name
.endm

HYPERCALL tandem_hypercall_memory_op, __HYPERVISOR_memory_op
HYPERCALL tandem_hypercall_event_channel_op, __HYPERVISOR_event_channel_op
HYPERCALL tandem_hypercall_grant_table_op, __HYPERVISOR_grant_table_op
HYPERCALL tandem_hypercall_sched_op, __HYPERVISOR_sched_op
HYPERCALL tandem_hypercall_hvm_op, __HYPERVISOR_hvm_op
HYPERCALL tandem_hypercall_xen_version, __HYPERVISOR_xen_version
HYPERCALL tandem_hypercall_console_io, __HYPERVISOR_console_io

  .section .note.GNU-stack, "", %progbits
