// PL061 register definitions against ARM DDI 0190B's register summary and descriptions.
#include "gpio/pl061/pl061_registers.h"

#include <gtest/gtest.h>

#include "field_span.h"

namespace tandem::drivers::pl061 {
namespace {

using test::Spans;

TEST(Pl061RegistersTest, Offsets) {
  EXPECT_EQ(Data::kOffset, 0x000u);
  EXPECT_EQ(Dir::kOffset, 0x400u);
  EXPECT_EQ(Is::kOffset, 0x404u);
  EXPECT_EQ(Ibe::kOffset, 0x408u);
  EXPECT_EQ(Iev::kOffset, 0x40Cu);
  EXPECT_EQ(Ie::kOffset, 0x410u);
  EXPECT_EQ(Ris::kOffset, 0x414u);
  EXPECT_EQ(Mis::kOffset, 0x418u);
  EXPECT_EQ(Ic::kOffset, 0x41Cu);
  EXPECT_EQ(Afsel::kOffset, 0x420u);
  EXPECT_EQ(IdByte::OffsetOf(kPeriphIdItem + 3), 0xFECu);  // GPIOPeriphID0..3: 0xFE0..0xFEC
  EXPECT_EQ(IdByte::OffsetOf(kPCellIdItem), 0xFF0u);       // GPIOPCellID0..3: 0xFF0..0xFFC
  EXPECT_EQ(IdByte::OffsetOf(kPCellIdItem + 3), 0xFFCu);
}

TEST(Pl061RegistersTest, DataAddressMasksPinsWithBits9To2) {
  EXPECT_EQ(Data::AddressFor(0x01), 0x004u);
  EXPECT_EQ(Data::AddressFor(0x05), 0x014u);
  EXPECT_EQ(Data::AddressFor(0xFF), 0x3FCu);
}

TEST(Pl061RegistersTest, OneBitPerPinInTheLowByte) {
  EXPECT_TRUE(Spans(Dir::kPins, 7, 0));
  for (unsigned pin = 0; pin < kPinCount; ++pin) {
    EXPECT_EQ(Dir{}.Set(Dir::kPin, pin, 1).raw(), 1u << pin);
    EXPECT_EQ(Ie::FromRaw(0xFF).Set(Ie::kPin, pin, 0).raw(), 0xFFu & ~(1u << pin));
  }
}

TEST(Pl061RegistersTest, IdentificationFields) {
  EXPECT_TRUE(Spans(IdByte::kByte, 7, 0));
  EXPECT_TRUE(Spans(PeriphId::kPartNumber, 11, 0));
  EXPECT_TRUE(Spans(PeriphId::kDesigner, 19, 12));
  EXPECT_TRUE(Spans(PeriphId::kRevision, 23, 20));
  EXPECT_TRUE(Spans(PeriphId::kConfiguration, 31, 24));
  // The TRM's reset values of GPIOPeriphID0..3 and GPIOPCellID0..3.
  const uint8_t periph_bytes[4] = {0x61, 0x10, 0x04, 0x00};
  const uint8_t pcell_bytes[4] = {0x0D, 0xF0, 0x05, 0xB1};
  PeriphId periph;
  PCellId pcell;
  for (unsigned i = 0; i < 4; ++i) {
    periph.Set(PeriphId::kByte, i, periph_bytes[i]);
    pcell.Set(PCellId::kByte, i, pcell_bytes[i]);
  }
  EXPECT_EQ(periph.Get(PeriphId::kPartNumber), kPartNumber);
  EXPECT_EQ(periph.Get(PeriphId::kDesigner), kDesignerArm);
  EXPECT_EQ(periph.Get(PeriphId::kRevision), 0u);
  EXPECT_EQ(periph.raw(), 0x00041061u);
  EXPECT_EQ(pcell.raw(), kPCellId);
}

}  // namespace
}  // namespace tandem::drivers::pl061
