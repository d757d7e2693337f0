// The one place that includes Xen's public headers (libxen-dev, /usr/include/xen).
//
// Tandem RT is an arm64 guest, so the ARM ABI (xen/arch-arm.h: 64-bit xen_ulong_t, one legacy
// vcpu_info in shared_info, ...) is what every file must see, also in host unit tests built on
// x86-64. xen/xen.h selects the architecture from the compiler's predefined macros, testing
// __x86_64__ before __aarch64__, so on a non-arm64 host this header hides __x86_64__ and
// pretends __aarch64__ while (and only while) the Xen headers are read. The Xen headers include
// nothing but each other, so no C library header sees the change. See docs/xen-layer.md.
//
// The build adds an include directory whose "xen" entry links to /usr/include/xen, so the
// cross compiler can find these headers without seeing the host's /usr/include.
#ifndef TANDEM_XEN_ABI_H_
#define TANDEM_XEN_ABI_H_

#include <stddef.h>
#include <stdint.h>

#include "tandem/xen/interface_version.h"

#if !defined(__aarch64__)
#if defined(__i386__)
#error "host unit tests of the Xen layer need a 64-bit host"
#endif
#if defined(__x86_64__)
#define TANDEM_XEN_RESTORE_X86_64
#undef __x86_64__
#endif
#define __aarch64__ 1
#define TANDEM_XEN_FAKED_AARCH64
#endif

// Xen's ABI is its public headers compiled as C, where GCC gives an empty struct size 0. On ARM
// struct arch_vcpu_info and struct arch_shared_info are empty, and in C++ an empty member takes
// a byte plus padding: vcpu_info would grow from 48 to 56 bytes and every shared_info field
// after it (evtchn_pending, evtchn_mask, wc_*) would sit 8 bytes away from where Xen writes it.
// [[no_unique_address]] on the two members named `arch` restores the C layout; the asserts below
// check it against the numbers the C compiler gives.
#ifdef __cplusplus
#define arch arch [[no_unique_address]]
#endif
// clang-format off: xen.h first, under the macros set above.
#include <xen/xen.h>
// clang-format on

#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/version.h>

#ifdef __cplusplus
#undef arch
#endif
#ifdef TANDEM_XEN_FAKED_AARCH64
#undef __aarch64__
#undef TANDEM_XEN_FAKED_AARCH64
#endif
#ifdef TANDEM_XEN_RESTORE_X86_64
#define __x86_64__ 1
#undef TANDEM_XEN_RESTORE_X86_64
#endif

// The ARM ABI really was selected (xen/arch-arm.h, "Guest ABI"): these are its facts.
static_assert(sizeof(xen_ulong_t) == 8, "arch-arm.h: xen_ulong_t is 64 bits on ARM");
static_assert(XEN_LEGACY_MAX_VCPUS == 1, "arch-arm.h: one legacy vcpu_info in shared_info");
// (The same numbers hold in the arm64 cross build, which checks them against the real ABI.)
// Values from aarch64-linux-gnu-gcc compiling xen/xen.h as C, the way Xen itself is built.
static_assert(sizeof(struct vcpu_info) == 48, "xen.h/arch-arm.h: vcpu_info is 48 bytes on ARM");
static_assert(offsetof(struct shared_info, evtchn_pending) == 48,
              "xen.h: evtchn_pending follows the one legacy vcpu_info");
static_assert(offsetof(struct shared_info, evtchn_mask) == 560, "xen.h: evtchn_mask on ARM");
static_assert(offsetof(struct shared_info, wc_version) == 1072, "xen.h: wc_version on ARM");
static_assert(sizeof(struct shared_info) == 1088, "xen.h/arch-arm.h: shared_info on ARM");
static_assert(sizeof(grant_entry_v1_t) == 8, "grant_table.h: v1 entries are 8 bytes");
static_assert(sizeof(struct xenstore_domain_interface) == 2048 + 28,
              "xs_wire.h: two 1 KiB rings, indices, features, connection, error");
static_assert(sizeof(struct xsd_sockmsg) == 16, "xs_wire.h: message header is 4 x u32");
static_assert(__HYPERVISOR_event_channel_op == 32 && __HYPERVISOR_sched_op == 29,
              "xen.h: the current hypercall numbers, not the pre-3.2 compat ones");

namespace tandem::xen {

inline constexpr uint64_t kPageSize = 4096;  // XEN_PAGE_SIZE: Xen's ARM ABI uses 4 KiB pages.
inline constexpr unsigned kPageShift = 12;

}  // namespace tandem::xen

#endif  // TANDEM_XEN_ABI_H_
