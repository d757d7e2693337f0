// Arm64Hypervisor: Hypervisor over the hvc stubs of xen/arch/arm64/hypercall.S (arm64 only).
#ifndef TANDEM_XEN_ARM64_HYPERVISOR_H_
#define TANDEM_XEN_ARM64_HYPERVISOR_H_

#include <stdint.h>

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

  // Hypercalls made since boot through any Arm64Hypervisor, of every kind: each one is an entry
  // into Xen (bench/eval's P1). Counted before the call, atomically (ISRs make hypercalls too).
  static const uint64_t* call_count() { return &calls_; }

 private:
  static void Count() { __atomic_fetch_add(&calls_, 1, __ATOMIC_RELAXED); }

  static inline uint64_t calls_ = 0;
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_ARM64_HYPERVISOR_H_
