// The early and permanent console of the arm64 port: the SBSA UART that Xen emulates for a
// guest (vpl011, xl `vuart = "sbsa_uart"` or the dom0less `vpl011` property), at the address the
// device tree gives, through the Xen layer's polled vpl011 writer. Transmit only and polled, so
// it works before interrupts are up and inside Panic.
#include "console.h"

#include "tandem/arm64/platform.h"
#include "tandem/format.h"
#include "tandem/xen/vpl011_console.h"

namespace tandem::arm64 {

namespace {
uintptr_t g_uart_base = 0;
}  // namespace

void ConsoleInit(uintptr_t uart_base) { g_uart_base = uart_base; }

void ConsoleWrite(const char* text) {
  if (g_uart_base == 0) return;
  size_t n = 0;
  while (text[n] != '\0') ++n;
  xen::Vpl011Console<xen::MmioRegisters> uart{xen::MmioRegisters(g_uart_base)};
  (void)uart.Write(text, n);
}

void ConsolePrintf(const char* format, ...) {
  char line[256];
  va_list args;
  va_start(args, format);
  const size_t n = FormatLengthV(line, sizeof(line), format, args);
  va_end(args);
  ConsoleWrite(line);
  if (n >= sizeof(line)) ConsoleWrite("...\n");  // truncated: keep the next line apart
}

}  // namespace tandem::arm64
