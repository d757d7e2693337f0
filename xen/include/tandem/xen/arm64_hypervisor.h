// Arm64Hypervisor: Hypervisor over the hvc stubs of xen/arch/arm64/hypercall.S (arm64 only).
#ifndef TANDEM_XEN_ARM64_HYPERVISOR_H_
#define TANDEM_XEN_ARM64_HYPERVISOR_H_

#include "tandem/xen/hypervisor.h"

namespace tandem::xen {

class Arm64Hypervisor final : public Hypervisor {
 public:
  XenResult<long> MemoryOp(unsigned int cmd, void* arg) override;
  XenResult<long> EventChannelOp(unsigned int cmd, void* arg) override;
  XenResult<long> GrantTableOp(unsigned int cmd, void* args, unsigned int count) override;
  XenResult<long> SchedOp(unsigned int cmd, void* arg) override;
  XenResult<long> HvmOp(unsigned int cmd, void* arg) override;
  XenResult<long> XenVersion(unsigned int cmd, void* arg) override;
  XenResult<long> ConsoleIo(unsigned int cmd, unsigned int count, const char* buffer) override;
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_ARM64_HYPERVISOR_H_
