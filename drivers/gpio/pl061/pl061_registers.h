// PL061 registers (ARM DDI 0190B, "PrimeCell General Purpose Input/Output (PL061) Technical
// Reference Manual", chapter 3 "Programmer's Model": the register summary and descriptions),
// as offsets from the block's base. Checked against the TRM by
// tests/unit/drivers/pl061_registers_test.cc.
#ifndef TANDEM_DRIVERS_GPIO_PL061_PL061_REGISTERS_H_
#define TANDEM_DRIVERS_GPIO_PL061_PL061_REGISTERS_H_

#include <stdint.h>

#include "io/register.h"

namespace tandem::drivers::pl061 {

inline constexpr uint32_t kPinCount = 8;

// Every register but the ID ones holds one bit per pin in [7:0]; bits [31:8] are reserved.
template <typename Self, uint32_t kAt>
struct PinRegister : MmioRegister<Self, uint32_t, kAt> {
  static constexpr FieldArray<Self, uint32_t, 0, 1, kPinCount> kPin{};
  static constexpr BitField<Self, uint32_t, 0, kPinCount> kPins{};
};

// GPIODATA: 256 words from the base; address bits [9:2] of an access select the pins it reads or
// writes, so AddressFor(mask) reaches exactly the pins in `mask`.
struct Data : PinRegister<Data, 0x000> {
  static constexpr uint32_t AddressFor(uint8_t pin_mask) {
    return kOffset + (uint32_t{pin_mask} << 2);
  }
};
struct Dir : PinRegister<Dir, 0x400> {};      // 1 = output
struct Is : PinRegister<Is, 0x404> {};        // interrupt sense: 1 = level
struct Ibe : PinRegister<Ibe, 0x408> {};      // 1 = both edges (GPIOIEV ignored)
struct Iev : PinRegister<Iev, 0x40C> {};      // 1 = rising edge / high level
struct Ie : PinRegister<Ie, 0x410> {};        // interrupt mask: 1 = enabled
struct Ris : PinRegister<Ris, 0x414> {};      // raw interrupt status
struct Mis : PinRegister<Mis, 0x418> {};      // masked interrupt status
struct Ic : PinRegister<Ic, 0x41C> {};        // write 1 to clear an edge interrupt
struct Afsel : PinRegister<Afsel, 0x420> {};  // 1 = hardware (alternate function) control

// GPIOPeriphID0..3 and GPIOPCellID0..3: four registers each, one byte of the ID in bits [7:0].
struct IdByte : RegisterBank<IdByte, uint32_t, 0xFE0, 32> {
  static constexpr Bits<7, 0> kByte{};
};
inline constexpr uint32_t kPeriphIdItem = 0;  // GPIOPeriphID0 at 0xFE0
inline constexpr uint32_t kPCellIdItem = 4;   // GPIOPCellID0 at 0xFF0

// The peripheral ID the four GPIOPeriphID bytes make, low byte first.
struct PeriphId : RegisterValue<PeriphId, uint32_t> {
  static constexpr Slots<0, 8, 4> kByte{};
  static constexpr Bits<11, 0> kPartNumber{};  // 0x061
  static constexpr Bits<19, 12> kDesigner{};   // 0x41, ARM
  static constexpr Bits<23, 20> kRevision{};
  static constexpr Bits<31, 24> kConfiguration{};
};
inline constexpr uint32_t kPartNumber = 0x061;
inline constexpr uint32_t kDesignerArm = 0x41;

// The PrimeCell ID the four GPIOPCellID bytes make, low byte first: 0xB105F00D.
struct PCellId : RegisterValue<PCellId, uint32_t> {
  static constexpr Slots<0, 8, 4> kByte{};
};
inline constexpr uint32_t kPCellId = 0xB105F00D;

// Offsets by their old names, derived from the definitions above.
inline constexpr uint32_t kData = Data::kOffset;  // ..0x3FC, address-masked
inline constexpr uint32_t kDir = Dir::kOffset;
inline constexpr uint32_t kIs = Is::kOffset;
inline constexpr uint32_t kIbe = Ibe::kOffset;
inline constexpr uint32_t kIev = Iev::kOffset;
inline constexpr uint32_t kIe = Ie::kOffset;
inline constexpr uint32_t kRis = Ris::kOffset;
inline constexpr uint32_t kMis = Mis::kOffset;
inline constexpr uint32_t kIc = Ic::kOffset;
inline constexpr uint32_t kAfsel = Afsel::kOffset;
inline constexpr uint32_t kPeriphId0 = IdByte::OffsetOf(kPeriphIdItem);
inline constexpr uint32_t kPCellId0 = IdByte::OffsetOf(kPCellIdItem);
constexpr uint32_t DataOffset(uint8_t pin_mask) { return Data::AddressFor(pin_mask); }
// The part of the peripheral ID that identifies a PL061 (the revision may vary).
inline constexpr uint32_t kPeriphIdMask = PeriphId::kPartNumber.kMask | PeriphId::kDesigner.kMask;
inline constexpr uint32_t kPeriphId =
    PeriphId{}.Set(PeriphId::kPartNumber, kPartNumber).Set(PeriphId::kDesigner, kDesignerArm).raw();

}  // namespace tandem::drivers::pl061

#endif  // TANDEM_DRIVERS_GPIO_PL061_PL061_REGISTERS_H_
