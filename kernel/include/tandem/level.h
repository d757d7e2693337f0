// A priority level in Tandem's one priority space (shared by task priorities, resource
// ceilings and interrupt levels; docs/kernel.md): the kernel's configuration and the port
// contract both speak it, so it is defined here once for both.
#ifndef TANDEM_LEVEL_H_
#define TANDEM_LEVEL_H_

#include <stdint.h>

namespace tandem {
using Level = uint8_t;
}  // namespace tandem

#endif  // TANDEM_LEVEL_H_
