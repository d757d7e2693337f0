// Port-internal console set-up (the public side is tandem/arm64/platform.h).
#ifndef TANDEM_ARCH_ARM64_CONSOLE_H_
#define TANDEM_ARCH_ARM64_CONSOLE_H_

#include <stdint.h>

namespace tandem::arm64 {
// Directs console output to the UART at `uart_base` (0: output is dropped).
void ConsoleInit(uintptr_t uart_base);
}  // namespace tandem::arm64

#endif  // TANDEM_ARCH_ARM64_CONSOLE_H_
