// Console on the UART Xen emulates for the guest (vpl011: `vuart = "sbsa_uart"` in xl, `vpl011`
// for dom0less), at the device tree's uart_base. Register access is injected (an Io type with
// uint32_t Read32(uintptr_t offset) and void Write32(uintptr_t offset, uint32_t value)), so the
// same code runs against MMIO on the target and a fake in host tests.
#ifndef TANDEM_XEN_VPL011_CONSOLE_H_
#define TANDEM_XEN_VPL011_CONSOLE_H_

#include <stddef.h>
#include <stdint.h>

namespace tandem::xen {

// Plain MMIO register access at a base address (device memory, identity mapped).
class MmioRegisters {
 public:
  explicit MmioRegisters(uintptr_t base) : base_(base) {}
  uint32_t Read32(uintptr_t offset) const {
    return *reinterpret_cast<volatile const uint32_t*>(base_ + offset);
  }
  void Write32(uintptr_t offset, uint32_t value) const {
    *reinterpret_cast<volatile uint32_t*>(base_ + offset) = value;
  }

 private:
  uintptr_t base_;
};

template <typename Io>
class Vpl011Console {
 public:
  // ARM SBSA (DEN0029) Generic UART = PL011 subset (PL011 TRM DDI0183, 3.3): UARTDR at 0x000,
  // UARTFR at 0x018 with TXFF (transmit FIFO full) at bit 5.
  static constexpr uintptr_t kDr = 0x000;
  static constexpr uintptr_t kFr = 0x018;
  static constexpr uint32_t kFrTxff = 1u << 5;
  // A full FIFO that never drains (backend gone) must not hang the RTOS: give up on the byte.
  static constexpr uint32_t kMaxPolls = 1u << 20;

  explicit Vpl011Console(Io io) : io_(io) {}

  // False if the FIFO stayed full for kMaxPolls reads; the byte is dropped and counted.
  bool PutChar(char c) {
    for (uint32_t i = 0; i < kMaxPolls; ++i) {
      if ((io_.Read32(kFr) & kFrTxff) == 0) {
        io_.Write32(kDr, static_cast<uint8_t>(c));
        return true;
      }
    }
    ++dropped_;
    return false;
  }

  // Writes `n` bytes, "\n" as "\r\n". Returns the number of bytes of `s` sent.
  size_t Write(const char* s, size_t n) {
    size_t sent = 0;
    for (; sent < n; ++sent) {
      if (s[sent] == '\n' && !PutChar('\r')) break;
      if (!PutChar(s[sent])) break;
    }
    return sent;
  }

  uint32_t dropped() const { return dropped_; }

 private:
  Io io_;
  uint32_t dropped_ = 0;
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_VPL011_CONSOLE_H_
