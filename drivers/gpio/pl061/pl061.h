// ARM PrimeCell PL061 GPIO controller (ARM DDI 0190B, "PrimeCell General Purpose Input/Output
// (PL061) Technical Reference Manual"), 8 pins, over an injected register-I/O type (io/mmio.h).
//
// The data register is address-masked (TRM, GPIODATA): bits [9:2] of the access address
// select which pins a read returns or a write changes. Pin n alone is therefore the word at
// offset 1 << (n + 2): a write there changes pin n and nothing else, without a read-modify-write
// that could race with another writer of a different pin. The other registers (direction,
// interrupt configuration) are plain read-modify-write: one owner configures them (a task or a
// resource serialises the callers), as with any shared peripheral. Registers and their fields are
// typed in pl061_registers.h (io/register.h).
#ifndef TANDEM_DRIVERS_GPIO_PL061_PL061_H_
#define TANDEM_DRIVERS_GPIO_PL061_PL061_H_

#include <stdint.h>

#include "gpio/pl061/pl061_registers.h"
#include "tandem/result.h"

namespace tandem::drivers {

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
    using pl061::IdByte;
    using pl061::PeriphId;
    PeriphId periph;
    pl061::PCellId pcell;
    for (uint32_t i = 0; i < 4; ++i) {
      periph.Set(PeriphId::kByte, i,
                 IdByte::ReadFor(io_, pl061::kPeriphIdItem + i).Get(IdByte::kByte));
      pcell.Set(pl061::PCellId::kByte, i,
                IdByte::ReadFor(io_, pl061::kPCellIdItem + i).Get(IdByte::kByte));
    }
    if (periph.Get(PeriphId::kPartNumber) != pl061::kPartNumber ||
        periph.Get(PeriphId::kDesigner) != pl061::kDesignerArm || pcell.raw() != pl061::kPCellId) {
      return MakeError(GpioError::kNotPl061);
    }
    return {};
  }

  // Software control (AFSEL bit clear) and the given direction for `pin`.
  Result<void, GpioError> SetDirection(uint32_t pin, GpioDirection dir) {
    TANDEM_TRY(Check(pin));
    SetPin<pl061::Afsel>(pin, false);
    SetPin<pl061::Dir>(pin, dir == GpioDirection::kOutput);
    return {};
  }

  // The direction GPIODIR gives `pin` (what a write to its data address depends on).
  Result<GpioDirection, GpioError> Direction(uint32_t pin) {
    TANDEM_TRY(Check(pin));
    return pl061::Dir::ReadFrom(io_).Get(pl061::Dir::kPin, pin) != 0 ? GpioDirection::kOutput
                                                                     : GpioDirection::kInput;
  }

  Result<void, GpioError> Set(uint32_t pin, bool high) {
    TANDEM_TRY(Check(pin));
    pl061::Data{}.Set(pl061::Data::kPin, pin, high).WriteAt(io_, PinAddress(pin));
    return {};
  }

  Result<bool, GpioError> Get(uint32_t pin) {
    TANDEM_TRY(Check(pin));
    return pl061::Data::ReadAt(io_, PinAddress(pin)).Get(pl061::Data::kPin, pin) != 0;
  }

  // Inverts `pin` and returns its new value. Read and write go through the pin's own masked
  // address, so other pins are untouched even if another context drives them meanwhile.
  Result<bool, GpioError> Toggle(uint32_t pin) {
    TANDEM_TRY(Check(pin));
    const uint32_t address = PinAddress(pin);
    const bool high = pl061::Data::ReadAt(io_, address).Get(pl061::Data::kPin, pin) == 0;
    pl061::Data{}.Set(pl061::Data::kPin, pin, high).WriteAt(io_, address);
    return high;
  }

  // All eight pins at once (a masked read with every address bit set).
  uint8_t ReadAll() {
    return static_cast<uint8_t>(
        pl061::Data::ReadAt(io_, pl061::Data::AddressFor(0xFF)).Get(pl061::Data::kPins));
  }

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
    SetPin<pl061::Ie>(pin, false);
    SetPin<pl061::Is>(pin, level);
    SetPin<pl061::Ibe>(pin, both);
    SetPin<pl061::Iev>(pin, high);
    pl061::Ic{}.Set(pl061::Ic::kPin, pin, 1).WriteTo(io_);
    return {};
  }

  Result<void, GpioError> EnableInterrupt(uint32_t pin, bool enable) {
    TANDEM_TRY(Check(pin));
    SetPin<pl061::Ie>(pin, enable);
    return {};
  }

  // Pins with an enabled, pending interrupt (GPIOMIS); ClearInterrupts acknowledges edge ones.
  uint8_t PendingInterrupts() {
    return static_cast<uint8_t>(pl061::Mis::ReadFrom(io_).Get(pl061::Mis::kPins));
  }
  void ClearInterrupts(uint8_t pins) { pl061::Ic{}.Set(pl061::Ic::kPins, pins).WriteTo(io_); }

 private:
  // The address of `pin` alone in the masked GPIODATA window.
  static constexpr uint32_t PinAddress(uint32_t pin) {
    return pl061::Data::AddressFor(static_cast<uint8_t>(1u << pin));
  }
  static Result<void, GpioError> Check(uint32_t pin) {
    if (pin >= pl061::kPinCount) return MakeError(GpioError::kBadPin);
    return {};
  }
  // Read-modify-write of one pin's bit in a per-pin register.
  template <typename Reg>
  void SetPin(uint32_t pin, bool on) {
    Reg::ReadFrom(io_).Set(Reg::kPin, pin, on).WriteTo(io_);
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
