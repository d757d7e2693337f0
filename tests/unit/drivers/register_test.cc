// The typed-register facility (io/register.h): fields read and write only their own bits,
// values too wide for a field are rejected, and register accesses reach the right offset, width
// and system register.
#include "io/register.h"

#include <gtest/gtest.h>

#include <type_traits>

#include "fake_io.h"

namespace tandem::drivers {
namespace {

using test::FakeIo;
using test::FakeRegs;

struct Reg32 : MmioRegister<Reg32, uint32_t, 0x40> {
  static constexpr Bit<0> kFlag{};
  static constexpr Bits<7, 4> kNibble{};
  static constexpr Bit<31> kTop{};
  static constexpr Bits<31, 0> kWhole{};
  static constexpr Slots<8, 2, 4> kPairs{};        // bits [15:8], two per slot
  static constexpr Slots<17, 1, 4, 2> kOddBits{};  // bits 17, 19, 21, 23
};

struct Reg64 : MmioRegister<Reg64, uint64_t, 0x08> {
  static constexpr Bits<39, 32> kHighByte{};
  static constexpr Bit<63> kTop{};
};

struct OtherReg : RegisterValue<OtherReg, uint32_t> {
  static constexpr Bit<0> kFlag{};
};

enum class FakeSysId : uint8_t { kFirst, kSecond };
struct SysReg : SysRegister<SysReg, FakeSysId::kSecond> {
  static constexpr Bits<15, 8> kByte1{};
};

struct Bank : RegisterBank<Bank, uint32_t, 0x100, 8> {};

TEST(RegisterFieldTest, MasksAndLimitsFollowTheBitRange) {
  static_assert(Reg32::kNibble.kShift == 4 && Reg32::kNibble.kBits == 4);
  static_assert(Reg32::kNibble.kMask == 0xF0u && Reg32::kNibble.kMax == 0xFu);
  static_assert(Reg32::kTop.kMask == 0x80000000u);
  static_assert(Reg32::kWhole.kMask == 0xFFFFFFFFu);  // a full-width field, no overlong shift
  static_assert(Reg64::kHighByte.kMask == 0xFF00000000ull);
  static_assert(Reg64::kTop.kMask == 0x8000000000000000ull);
  EXPECT_TRUE(Reg32::kNibble.Fits(15));
  EXPECT_FALSE(Reg32::kNibble.Fits(16));
}

TEST(RegisterValueTest, GetAndSetAreConstexpr) {
  constexpr Reg32 value = Reg32{}.Set(Reg32::kNibble, 0xA).Set(Reg32::kFlag);
  static_assert(value.raw() == 0xA1u);
  static_assert(value.Get(Reg32::kNibble) == 0xAu);
  static_assert(value.IsSet(Reg32::kFlag) && !value.IsSet(Reg32::kTop));
  EXPECT_EQ(Reg32{}.raw(), 0u);
}

TEST(RegisterValueTest, SetLeavesNeighbouringBitsUntouched) {
  EXPECT_EQ(Reg32::FromRaw(0xFFFFFFFF).Set(Reg32::kNibble, 0).raw(), 0xFFFFFF0Fu);
  EXPECT_EQ(Reg32::FromRaw(0xFFFFFFFF).Set(Reg32::kNibble, 0x5).raw(), 0xFFFFFF5Fu);
  EXPECT_EQ(Reg32::FromRaw(0).Set(Reg32::kNibble, 0xF).raw(), 0xF0u);
  EXPECT_EQ(Reg32::FromRaw(0x0000000F).Clear(Reg32::kFlag).raw(), 0xEu);
  EXPECT_EQ(Reg32::FromRaw(0).Set(Reg32::kTop).raw(), 0x80000000u);
  EXPECT_EQ(Reg64::FromRaw(~0ull).Set(Reg64::kHighByte, 0x12).raw(), 0xFFFFFF12FFFFFFFFull);
  EXPECT_EQ(Reg64::FromRaw(0x5A).Get(Reg64::kHighByte), 0u);
}

TEST(RegisterValueTest, FieldArraysAddressOneSlotEach) {
  Reg32 value = Reg32::FromRaw(0xFFFFFFFF);
  value.Set(Reg32::kPairs, 2, 0);
  EXPECT_EQ(value.raw(), 0xFFFFCFFFu);  // slot 2 = bits [13:12]
  EXPECT_EQ(value.Get(Reg32::kPairs, 1), 3u);
  EXPECT_EQ(value.Get(Reg32::kPairs, 2), 0u);
  // A stride wider than the slot: slot i is bit 17 + 2i, the bits between stay.
  EXPECT_EQ(Reg32{}.Set(Reg32::kOddBits, 3, 1).raw(), 1u << 23);
  EXPECT_EQ(Reg32::FromRaw(0xFFFFFFFF).Set(Reg32::kOddBits, 0, 0).raw(), ~(1u << 17));
}

// Whether `Set(field, kValue)` is a constant expression: a value wider than the field is not.
template <uint64_t kValue>
constexpr bool NibbleTakesConstant() {
  return requires {
    typename std::integral_constant<uint32_t, Reg32{}.Set(Reg32::kNibble, kValue).raw()>;
  };
}
template <unsigned kSlot>
constexpr bool PairsHaveSlot() {
  return requires {
    typename std::integral_constant<uint32_t, Reg32{}.Set(Reg32::kPairs, kSlot, 1).raw()>;
  };
}

TEST(RegisterValueTest, OutOfRangeConstantsDoNotCompile) {
  static_assert(NibbleTakesConstant<0xF>());
  static_assert(!NibbleTakesConstant<0x10>());
  static_assert(PairsHaveSlot<3>());
  static_assert(!PairsHaveSlot<4>());
}

#ifndef NDEBUG
TEST(RegisterValueDeathTest, OutOfRangeValuesFailTheDebugAssertion) {
  volatile uint64_t too_wide = 0x10;
  EXPECT_DEATH(Reg32{}.Set(Reg32::kNibble, too_wide), "value wider than its register field");
  volatile unsigned past_the_end = 4;
  EXPECT_DEATH(Reg32{}.Set(Reg32::kPairs, past_the_end, 1), "slot outside its field array");
}
#endif

// A field of another register is not accepted (it would silently be at the wrong place).
template <typename Value, typename Field>
constexpr bool Accepts() {
  return requires(Value v, Field f) { v.Get(f); };
}

TEST(RegisterValueTest, FieldsBelongToTheirRegister) {
  static_assert(Accepts<Reg32, decltype(Reg32::kFlag)>());
  static_assert(!Accepts<Reg32, decltype(OtherReg::kFlag)>());
  static_assert(!Accepts<OtherReg, decltype(Reg32::kFlag)>());
}

TEST(MmioRegisterTest, ReadsAndWritesAtItsOffsetWithItsWidth) {
  FakeRegs regs;
  FakeIo io(&regs);
  regs.regs[0x40] = 0x30;
  EXPECT_EQ(Reg32::ReadFrom(io).Get(Reg32::kNibble), 3u);
  Reg32{}.Set(Reg32::kFlag).WriteTo(io, 0x20000);  // in a frame further on
  Reg64{}.Set(Reg64::kTop).WriteTo(io);
  ASSERT_EQ(regs.log.size(), 3u);
  EXPECT_EQ(regs.log[0], (test::Access{false, 0x40, 0x30, 32}));
  EXPECT_EQ(regs.log[1], (test::Access{true, 0x20040, 1, 32}));
  EXPECT_EQ(regs.log[2], (test::Access{true, 0x08, 1ull << 63, 64}));
}

TEST(RegisterBankTest, ItemsMapToRegistersAndSlots) {
  static_assert(Bank::kPerRegister == 4);
  static_assert(Bank::OffsetOf(0) == 0x100 && Bank::OffsetOf(3) == 0x100);
  static_assert(Bank::OffsetOf(39) == 0x124 && Bank::SlotOf(39) == 3);
  static_assert(Bank::Filled(0xAB).raw() == 0xABABABABu);
  static_assert(Bank::OnlyItem(6).raw() == 0x00FF0000u);
}

TEST(RegisterBankTest, UpdateChangesOnlyTheItemsSlot) {
  FakeRegs regs;
  FakeIo io(&regs);
  regs.regs[0x124] = 0xAABBCCDD;
  Bank::Update(io, 37, Bank::kItem, 0x11);
  EXPECT_EQ(regs.regs[0x124], 0xAABB11DDu);
  Bank::Update(io, 37, Bank::kItem, 0x22, 0x1000);  // the same bank in another frame
  EXPECT_EQ(regs.regs[0x1124], 0x00002200u);
  Bank::OnlyItem(0).WriteFor(io, 0);
  EXPECT_EQ(regs.regs[0x100], 0xFFu);
}

TEST(SysRegisterTest, ReachesItsRegisterThroughTheSeam) {
  FakeRegs regs;
  test::FakeSys<FakeSysId> sys(&regs);
  const auto second = static_cast<uint32_t>(FakeSysId::kSecond);
  regs.regs[second] = 0x1234;
  EXPECT_EQ(SysReg::ReadFrom(sys).Get(SysReg::kByte1), 0x12u);
  SysReg{}.Set(SysReg::kByte1, 0x56).WriteTo(sys);
  EXPECT_EQ(regs.regs[second], 0x5600u);
  EXPECT_EQ(regs.regs.count(static_cast<uint32_t>(FakeSysId::kFirst)), 0u);
}

}  // namespace
}  // namespace tandem::drivers
