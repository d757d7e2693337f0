// The guest "magic" region of xen/arch-arm.h (see xen_magic.cc).
#ifndef TANDEM_ARCH_ARM64_XEN_MAGIC_H_
#define TANDEM_ARCH_ARM64_XEN_MAGIC_H_

#include <stdint.h>

namespace tandem::arm64 {
extern const uint64_t kXenMagicBase;
extern const uint64_t kXenMagicSize;
}  // namespace tandem::arm64

#endif  // TANDEM_ARCH_ARM64_XEN_MAGIC_H_
