// The early and permanent console of the arm64 port: the SBSA UART that Xen emulates for a
// guest (vpl011, xl `vuart = "sbsa_uart"` or the dom0less `vpl011` property), at the address
// the device tree gives. Transmit only, polled (Arm SBSA, "Generic UART": UARTDR at 0x000,
// UARTFR at 0x018 with TXFF at bit 5), so it works before interrupts and inside Panic.
#include "console.h"

#include "io/mmio.h"
#include "tandem/arm64/platform.h"

namespace tandem::arm64 {

namespace {

constexpr uint32_t kUartDr = 0x000;
constexpr uint32_t kUartFr = 0x018;
constexpr uint32_t kUartFrTxff = 1u << 5;
// Xen's vpl011 drains its ring into the console backend; a full FIFO for this many polls means
// nobody reads it (no console attached): drop output rather than hang a real-time system.
constexpr uint32_t kMaxPolls = 1u << 20;

uintptr_t g_uart_base = 0;

void PutChar(char c) {
  if (g_uart_base == 0) return;
  const drivers::MmioIo uart(g_uart_base);
  for (uint32_t i = 0; (uart.Read32(kUartFr) & kUartFrTxff) != 0; ++i) {
    if (i == kMaxPolls) return;
  }
  uart.Write32(kUartDr, static_cast<uint8_t>(c));
}

}  // namespace

void ConsoleInit(uintptr_t uart_base) { g_uart_base = uart_base; }

void ConsoleWrite(const char* text) {
  for (; *text != '\0'; ++text) {
    if (*text == '\n') PutChar('\r');
    PutChar(*text);
  }
}

void ConsolePrintf(const char* format, ...) {
  char line[256];
  va_list args;
  va_start(args, format);
  FormatV(line, sizeof(line), format, args);
  va_end(args);
  ConsoleWrite(line);
}

}  // namespace tandem::arm64
