// Arm64Hypervisor: forwards each method to its stub in hypercall.S and types the raw result.
#include "tandem/xen/arm64_hypervisor.h"

extern "C" {
long tandem_hypercall_memory_op(unsigned int cmd, void* arg);
long tandem_hypercall_event_channel_op(unsigned int cmd, void* arg);
long tandem_hypercall_grant_table_op(unsigned int cmd, void* args, unsigned int count);
long tandem_hypercall_sched_op(unsigned int cmd, void* arg);
long tandem_hypercall_hvm_op(unsigned int cmd, void* arg);
long tandem_hypercall_xen_version(unsigned int cmd, void* arg);
long tandem_hypercall_console_io(unsigned int cmd, unsigned int count, const char* buffer);
}

namespace tandem::xen {

XenResult<long> Arm64Hypervisor::MemoryOp(unsigned int cmd, void* arg) {
  Count();
  return FromRaw(tandem_hypercall_memory_op(cmd, arg));
}
XenResult<long> Arm64Hypervisor::EventChannelOp(unsigned int cmd, void* arg) {
  Count();
  return FromRaw(tandem_hypercall_event_channel_op(cmd, arg));
}
XenResult<long> Arm64Hypervisor::GrantTableOp(unsigned int cmd, void* args, unsigned int count) {
  Count();
  return FromRaw(tandem_hypercall_grant_table_op(cmd, args, count));
}
XenResult<long> Arm64Hypervisor::SchedOp(unsigned int cmd, void* arg) {
  Count();
  return FromRaw(tandem_hypercall_sched_op(cmd, arg));
}
XenResult<long> Arm64Hypervisor::HvmOp(unsigned int cmd, void* arg) {
  Count();
  return FromRaw(tandem_hypercall_hvm_op(cmd, arg));
}
XenResult<long> Arm64Hypervisor::XenVersion(unsigned int cmd, void* arg) {
  Count();
  return FromRaw(tandem_hypercall_xen_version(cmd, arg));
}
XenResult<long> Arm64Hypervisor::ConsoleIo(unsigned int cmd, unsigned int count,
                                           const char* buffer) {
  Count();
  return FromRaw(tandem_hypercall_console_io(cmd, count, buffer));
}

}  // namespace tandem::xen

// An abstract class's vtable names __cxa_pure_virtual; without libstdc++'s runtime the image
// must provide it. Weak, so the kernel's port can supply its own (e.g. one that panics loudly).
extern "C" __attribute__((weak)) void __cxa_pure_virtual() {
  for (;;) {
    __asm__ volatile("wfi");
  }
}
