// Words for wire values, one spelling shared by both ends: the RTOS console (channel incidents,
// incident.h) and libtandem/tandemctl's messages. Freestanding: plain C strings and
// tandem::Format into the caller's buffer.
#ifndef TANDEM_CHANNEL_DESCRIBE_H_
#define TANDEM_CHANNEL_DESCRIBE_H_

#include <stddef.h>
#include <stdint.h>

namespace tandem::channel {

// "ok", "bad argument", ... for a WireStatus value (any uint32_t: it may come off the wire).
const char* WireStatusName(uint32_t status);

// "gpio set", "task stats", ... for a core op; nullptr for any other value.
const char* OpName(uint16_t op);

// What a GPIO op answered with kHardwareError found (GpioFault in result[1], the level read in
// result[0]), e.g. "pin 3 is configured as input (it reads 0)"; empty for kUnspecified. `fault`
// and `level` may come off the wire: an unknown fault gets a sentence with its number. Returns
// the length written (NUL-terminated, truncated to fit).
size_t DescribeGpioFault(char* buf, size_t size, uint32_t pin, uint32_t fault, uint32_t level);

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_DESCRIBE_H_
