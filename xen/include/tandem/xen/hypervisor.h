// Hypervisor: one method per hypercall Tandem uses. The arm64 implementation (Arm64Hypervisor)
// forwards to the hvc stubs of arch/arm64/hypercall.S; host tests inject a fake.
//
// Arguments are the ABI structures of Xen's public headers, passed by pointer as the hypercall
// takes them (xen/arch-arm.h: pointers are guest physical addresses; Tandem runs identity-mapped,
// so a pointer is its own GPA). Returns: the raw value (>= 0) or the typed error, converted in the
// implementation via FromRaw().
#ifndef TANDEM_XEN_HYPERVISOR_H_
#define TANDEM_XEN_HYPERVISOR_H_

#include <stdint.h>

#include "tandem/xen/abi.h"
#include "tandem/xen/status.h"

namespace tandem::xen {

class Hypervisor {
 public:
  // __HYPERVISOR_memory_op (xen/memory.h), e.g. XENMEM_add_to_physmap.
  virtual XenResult<long> MemoryOp(unsigned int cmd, void* arg) = 0;
  // __HYPERVISOR_event_channel_op (xen/event_channel.h), EVTCHNOP_*.
  virtual XenResult<long> EventChannelOp(unsigned int cmd, void* arg) = 0;
  // __HYPERVISOR_grant_table_op (xen/grant_table.h): `count` structures at `args`. The per-entry
  // GNTST_* status stays in the structures; convert it with StatusFromGntst().
  virtual XenResult<long> GrantTableOp(unsigned int cmd, void* args, unsigned int count) = 0;
  // __HYPERVISOR_sched_op (xen/sched.h), SCHEDOP_*.
  virtual XenResult<long> SchedOp(unsigned int cmd, void* arg) = 0;
  // __HYPERVISOR_hvm_op (xen/hvm/hvm_op.h): only HVMOP_get_param / HVMOP_set_param on ARM.
  virtual XenResult<long> HvmOp(unsigned int cmd, void* arg) = 0;
  // __HYPERVISOR_xen_version (xen/version.h), XENVER_*.
  virtual XenResult<long> XenVersion(unsigned int cmd, void* arg) = 0;
  // __HYPERVISOR_console_io (xen/xen.h), CONSOLEIO_*. Refused for a domU on non-debug Xen.
  virtual XenResult<long> ConsoleIo(unsigned int cmd, unsigned int count, const char* buffer) = 0;

 protected:
  // Never deleted through the interface: no virtual destructor, so no operator delete is needed
  // in the freestanding image.
  ~Hypervisor() = default;
};

// HVMOP_get_param for this domain (xen/hvm/params.h HVM_PARAM_*).
XenResult<uint64_t> GetHvmParam(Hypervisor& hv, uint32_t index);

// XENVER_version: (major << 16) | minor.
XenResult<uint32_t> GetXenVersion(Hypervisor& hv);

}  // namespace tandem::xen

#endif  // TANDEM_XEN_HYPERVISOR_H_
