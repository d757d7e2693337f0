// ARM PrimeCell PL061 GPIO controller (ARM DDI 0190B, "PrimeCell General Purpose Input/Output
// (PL061) Technical Reference Manual"), 8 pins, over an injected register-I/O type (io/mmio.h).
//
// The data register is address-masked (TRM, GPIODATA): bits [9:2] of the access address
// select which pins a read returns or a write changes. Pin n alone is therefore the word at
// offset 1 << (n + 2): a write there changes pin n and nothing else, without a read-modify-write
// that could race with another writer of a different pin. The other registers (direction,
// interrupt configuration) are plain read-modify-write: one owner configures them (a task or a
// resource serialises the callers), as with any shared peripheral.
#ifndef TANDEM_DRIVERS_GPIO_PL061_PL061_H_
#define TANDEM_DRIVERS_GPIO_PL061_PL061_H_

#include <stdint.h>

#include "tandem/result.h"

namespace tandem::drivers {

// Register offsets (TRM, summary of PrimeCell GPIO registers).
namespace pl061 {
inline constexpr uint32_t kData = 0x000;   // ..0x3FC, address-masked
inline constexpr uint32_t kDir = 0x400;    // 1 = output
inline constexpr uint32_t kIs = 0x404;     // interrupt sense: 1 = level
inline constexpr uint32_t kIbe = 0x408;    // both edges
inline constexpr uint32_t kIev = 0x40C;    // event: 1 = rising edge / high level
inline constexpr uint32_t kIe = 0x410;     // interrupt mask: 1 = enabled
inline constexpr uint32_t kRis = 0x414;    // raw status
inline constexpr uint32_t kMis = 0x418;    // masked status
inline constexpr uint32_t kIc = 0x41C;     // interrupt clear (write 1)
inline constexpr uint32_t kAfsel = 0x420;  // mode control: 1 = hardware control
inline constexpr uint32_t kPeriphId0 = 0xFE0;
inline constexpr uint32_t kPCellId0 = 0xFF0;
inline constexpr uint32_t kPinCount = 8;
// TRM, GPIOPeriphID0-3 and GPIOPCellID0-3: GPIOPeriphID0..3 = 0x61 0x10 0x?4 0x00 (bits [23:20] of
// the ID are the revision), GPIOPCellID0..3 = 0x0D 0xF0 0x05 0xB1.
inline constexpr uint32_t kPeriphIdMask = 0x000FFFFF;
inline constexpr uint32_t kPeriphId = 0x00041061;
inline constexpr uint32_t kPCellId = 0xB105F00D;
constexpr uint32_t DataOffset(uint8_t pin_mask) { return uint32_t{pin_mask} << 2; }
}  // namespace pl061

enum class GpioError : uint8_t {
  kBadPin,    // pin number outside 0..7
  kNotPl061,  // the ID registers do not identify a PL061 (wrong base or mapping)
  kBadTrigger,
};

const char* GpioErrorName(GpioError error);

enum class GpioDirection : uint8_t { kInput, kOutput };
enum class GpioTrigger : uint8_t { kRisingEdge, kFallingEdge, kBothEdges, kHighLevel, kLowLevel };

template <typename Io>
class Pl061 {
 public:
  explicit constexpr Pl061(Io io) : io_(io) {}

  // Checks the PrimeCell and peripheral IDs, so a wrong base address is found at start-up.
  Result<void, GpioError> Probe() {
    uint32_t periph = 0, pcell = 0;
    for (uint32_t i = 0; i < 4; ++i) {
      periph |= (io_.Read32(pl061::kPeriphId0 + 4 * i) & 0xFF) << (8 * i);
      pcell |= (io_.Read32(pl061::kPCellId0 + 4 * i) & 0xFF) << (8 * i);
    }
    if ((periph & pl061::kPeriphIdMask) != pl061::kPeriphId || pcell != pl061::kPCellId) {
      return MakeError(GpioError::kNotPl061);
    }
    return {};
  }

  // Software control (AFSEL bit clear) and the given direction for `pin`.
  Result<void, GpioError> SetDirection(uint32_t pin, GpioDirection dir) {
    TANDEM_TRY(Check(pin));
    const uint32_t bit = 1u << pin;
    io_.Write32(pl061::kAfsel, io_.Read32(pl061::kAfsel) & ~bit);
    const uint32_t d = io_.Read32(pl061::kDir);
    io_.Write32(pl061::kDir, dir == GpioDirection::kOutput ? (d | bit) : (d & ~bit));
    return {};
  }

  // The direction GPIODIR gives `pin` (what a write to its data address depends on).
  Result<GpioDirection, GpioError> Direction(uint32_t pin) {
    TANDEM_TRY(Check(pin));
    return (io_.Read32(pl061::kDir) & Bit(pin)) != 0 ? GpioDirection::kOutput
                                                     : GpioDirection::kInput;
  }

  Result<void, GpioError> Set(uint32_t pin, bool high) {
    TANDEM_TRY(Check(pin));
    io_.Write32(pl061::DataOffset(Bit(pin)), high ? Bit(pin) : 0u);
    return {};
  }

  Result<bool, GpioError> Get(uint32_t pin) {
    if (pin >= pl061::kPinCount) return MakeError(GpioError::kBadPin);
    return (io_.Read32(pl061::DataOffset(Bit(pin))) & Bit(pin)) != 0;
  }

  // Inverts `pin` and returns its new value. Read and write go through the pin's own masked
  // address, so other pins are untouched even if another context drives them meanwhile.
  Result<bool, GpioError> Toggle(uint32_t pin) {
    if (pin >= pl061::kPinCount) return MakeError(GpioError::kBadPin);
    const uint32_t offset = pl061::DataOffset(Bit(pin));
    const uint32_t next = (io_.Read32(offset) & Bit(pin)) ^ Bit(pin);
    io_.Write32(offset, next);
    return next != 0;
  }

  // All eight pins at once (a masked read with every address bit set).
  uint8_t ReadAll() { return static_cast<uint8_t>(io_.Read32(pl061::DataOffset(0xFF))); }

  // Interrupt sense/edge/event for `pin` (GPIOIS, GPIOIBE, GPIOIEV); leaves the pin masked. The
  // pin's stale edge status is cleared so the first interrupt after EnableInterrupt is a real one.
  Result<void, GpioError> ConfigureInterrupt(uint32_t pin, GpioTrigger trigger) {
    TANDEM_TRY(Check(pin));
    bool level = false, both = false, high = false;
    switch (trigger) {
      case GpioTrigger::kRisingEdge:
        high = true;
        break;
      case GpioTrigger::kFallingEdge:
        break;
      case GpioTrigger::kBothEdges:
        both = true;
        break;
      case GpioTrigger::kHighLevel:
        level = true;
        high = true;
        break;
      case GpioTrigger::kLowLevel:
        level = true;
        break;
      default:
        return MakeError(GpioError::kBadTrigger);
    }
    const uint32_t bit = Bit(pin);
    SetBit(pl061::kIe, bit, false);
    SetBit(pl061::kIs, bit, level);
    SetBit(pl061::kIbe, bit, both);
    SetBit(pl061::kIev, bit, high);
    io_.Write32(pl061::kIc, bit);
    return {};
  }

  Result<void, GpioError> EnableInterrupt(uint32_t pin, bool enable) {
    TANDEM_TRY(Check(pin));
    SetBit(pl061::kIe, Bit(pin), enable);
    return {};
  }

  // Pins with an enabled, pending interrupt (GPIOMIS); ClearInterrupts acknowledges edge ones.
  uint8_t PendingInterrupts() { return static_cast<uint8_t>(io_.Read32(pl061::kMis)); }
  void ClearInterrupts(uint8_t pins) { io_.Write32(pl061::kIc, pins); }

 private:
  static constexpr uint8_t Bit(uint32_t pin) { return static_cast<uint8_t>(1u << pin); }
  static Result<void, GpioError> Check(uint32_t pin) {
    if (pin >= pl061::kPinCount) return MakeError(GpioError::kBadPin);
    return {};
  }
  void SetBit(uint32_t reg, uint32_t bit, bool on) {
    const uint32_t v = io_.Read32(reg);
    io_.Write32(reg, on ? (v | bit) : (v & ~bit));
  }

  Io io_;
};

inline const char* GpioErrorName(GpioError error) {
  switch (error) {
    case GpioError::kBadPin:
      return "pin number outside 0..7";
    case GpioError::kNotPl061:
      return "no PL061 at this address (ID registers do not match)";
    case GpioError::kBadTrigger:
      return "unknown interrupt trigger";
  }
  return "unknown GPIO error";
}

}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_GPIO_PL061_PL061_H_
