// Typed registers: a register is a small value type whose bit fields have names, so a driver
// writes `ctlr.Set(Ctlr::kAreNs)` instead of `v | (1u << 4)`, and each field's position is
// written once, next to the manual's section, where a host test can check it (the idea of
// Zircon's hwreg, without its macros).
//
//   struct Ctlr : SysRegister<Ctlr, IccReg::kCtlr> {  // ICC_CTLR_EL1
//     static constexpr Bit<1> kEoiMode{};             // the manual's "[1]"
//     static constexpr Bits<10, 8> kPriBits{};        // the manual's "[10:8]"
//   };
//   Ctlr::ReadFrom(sys).Clear(Ctlr::kEoiMode).WriteTo(sys);
//   const unsigned bits = Ctlr::ReadFrom(sys).Get(Ctlr::kPriBits) + 1;
//
// A field belongs to one register type: using GICD_CTLR's field on GICR_WAKER does not compile.
// A value wider than its field is a caller bug: it does not compile in a constant expression, it
// fails TANDEM_DEBUG_ASSERT in debug builds, and release builds keep only the field's bits, so
// the neighbouring fields never change. Freestanding, constexpr, no storage beyond the raw value.
#ifndef TANDEM_DRIVERS_IO_REGISTER_H_
#define TANDEM_DRIVERS_IO_REGISTER_H_

#include <stdint.h>

#include "tandem/assert.h"

namespace tandem::drivers {

// Bits [kLsb + kWidth - 1 : kLsb] of a register of type Reg whose raw value is an Int.
template <typename Reg, typename Int, unsigned kLsb, unsigned kWidth>
struct BitField {
  static_assert(kWidth >= 1 && kLsb + kWidth <= 8 * sizeof(Int), "field outside its register");
  static constexpr unsigned kShift = kLsb;
  static constexpr unsigned kBits = kWidth;
  // The largest value the field holds, and the field's bits in place.
  static constexpr Int kMax =
      kWidth == 8 * sizeof(Int) ? Int(~Int{0}) : Int((Int{1} << kWidth) - 1);
  static constexpr Int kMask = Int(kMax << kLsb);
  static constexpr bool Fits(uint64_t value) { return value <= kMax; }
};

// kCount slots of kWidth bits, one per item (a pin, an INTID), every kStride bits from bit kLsb
// up: slot i is bits [kLsb + i * kStride + kWidth - 1 : kLsb + i * kStride]. A stride wider than
// the slot names one part of each item's field (GICD_ICFGR: bit 1 of each 2-bit field).
template <typename Reg, typename Int, unsigned kLsb, unsigned kWidth, unsigned kCount,
          unsigned kStride = kWidth>
struct FieldArray {
  static_assert(kWidth >= 1 && kCount >= 1 && kStride >= kWidth &&
                    kLsb + kStride * (kCount - 1) + kWidth <= 8 * sizeof(Int),
                "field array outside its register");
  static constexpr unsigned kSlotBits = kWidth;
  static constexpr unsigned kSlots = kCount;
  static constexpr Int kMax =
      kWidth == 8 * sizeof(Int) ? Int(~Int{0}) : Int((Int{1} << kWidth) - 1);
  static constexpr unsigned ShiftOf(unsigned slot) { return kLsb + slot * kStride; }
  static constexpr bool Fits(uint64_t value) { return value <= kMax; }
};

namespace register_internal {
// Not constexpr: reaching it while evaluating a constant expression makes that expression
// ill-formed, which turns an out-of-range constant into a compile error.
inline void ValueOutOfRange() {}
}  // namespace register_internal

// The value of a register of type Self (the derived register type, so that Set() chains keep
// it) with raw width Int (uint32_t or uint64_t). A default-constructed value is all zeros.
template <typename Self, typename Int>
class RegisterValue {
 public:
  using Raw = Int;

  constexpr RegisterValue() = default;
  static constexpr Self FromRaw(Int raw) {
    Self value;
    value.raw_ = raw;
    return value;
  }
  constexpr Int raw() const { return raw_; }

  template <unsigned kLsb, unsigned kWidth>
  constexpr Int Get(BitField<Self, Int, kLsb, kWidth>) const {
    return Int((raw_ >> kLsb) & BitField<Self, Int, kLsb, kWidth>::kMax);
  }
  template <unsigned kLsb>
  constexpr bool IsSet(BitField<Self, Int, kLsb, 1> bit) const {
    return Get(bit) != 0;
  }
  template <unsigned kLsb, unsigned kWidth>
  constexpr Self& Set(BitField<Self, Int, kLsb, kWidth> field, uint64_t value) {
    return Place(kLsb, field.kMax, field.Fits(value), value);
  }
  template <unsigned kLsb>
  constexpr Self& Set(BitField<Self, Int, kLsb, 1> bit) {
    return Set(bit, 1);
  }
  template <unsigned kLsb>
  constexpr Self& Clear(BitField<Self, Int, kLsb, 1> bit) {
    return Set(bit, 0);
  }

  // Slot `slot` of a field array; a slot past the array is a caller bug, like a wide value.
  template <unsigned kLsb, unsigned kWidth, unsigned kCount, unsigned kStride>
  constexpr Int Get(FieldArray<Self, Int, kLsb, kWidth, kCount, kStride> array,
                    unsigned slot) const {
    CheckSlot(slot < kCount);
    return Int((raw_ >> array.ShiftOf(slot % kCount)) & array.kMax);
  }
  template <unsigned kLsb, unsigned kWidth, unsigned kCount, unsigned kStride>
  constexpr Self& Set(FieldArray<Self, Int, kLsb, kWidth, kCount, kStride> array, unsigned slot,
                      uint64_t value) {
    CheckSlot(slot < kCount);
    return Place(array.ShiftOf(slot % kCount), array.kMax, array.Fits(value), value);
  }

  // Memory-mapped access at a byte offset through an Io (io/mmio.h), 32 or 64 bits wide as Int.
  template <typename Io>
  static Self ReadAt(Io& io, uint32_t offset) {
    if constexpr (sizeof(Int) == 8) {
      return FromRaw(io.Read64(offset));
    } else {
      return FromRaw(io.Read32(offset));
    }
  }
  template <typename Io>
  void WriteAt(Io& io, uint32_t offset) const {
    if constexpr (sizeof(Int) == 8) {
      io.Write64(offset, raw_);
    } else {
      io.Write32(offset, raw_);
    }
  }

  constexpr bool operator==(const RegisterValue&) const = default;

 protected:
  // How a register type names its fields: Bits<msb, lsb> and Bit<n> as the manuals write them.
  template <unsigned kMsb, unsigned kLsb>
  using Bits = BitField<Self, Int, kLsb, kMsb - kLsb + 1>;
  template <unsigned kBit>
  using Bit = BitField<Self, Int, kBit, 1>;
  template <unsigned kLsb, unsigned kWidth, unsigned kCount, unsigned kStride = kWidth>
  using Slots = FieldArray<Self, Int, kLsb, kWidth, kCount, kStride>;

 private:
  constexpr Self& Place(unsigned shift, Int max, bool fits, uint64_t value) {
    if (__builtin_is_constant_evaluated() && !fits) register_internal::ValueOutOfRange();
    TANDEM_DEBUG_ASSERT(fits && "value wider than its register field");
    raw_ = Int((raw_ & ~Int(max << shift)) | Int((Int(value) & max) << shift));
    return static_cast<Self&>(*this);
  }
  static constexpr void CheckSlot(bool in_range) {
    if (__builtin_is_constant_evaluated() && !in_range) register_internal::ValueOutOfRange();
    TANDEM_DEBUG_ASSERT(in_range && "slot outside its field array");
  }

  Int raw_ = 0;
};

// A register at a fixed offset from its block's base (or from a frame inside it, as a GIC
// redistributor's).
template <typename Self, typename Int, uint32_t kAt>
class MmioRegister : public RegisterValue<Self, Int> {
 public:
  static constexpr uint32_t kOffset = kAt;

  template <typename Io>
  static Self ReadFrom(Io& io, uint32_t frame = 0) {
    return RegisterValue<Self, Int>::ReadAt(io, frame + kOffset);
  }
  template <typename Io>
  void WriteTo(Io& io, uint32_t frame = 0) const {
    this->WriteAt(io, frame + kOffset);
  }
};

// A run of identical registers from offset kBase holding one kWidth-bit slot per item (the GIC's
// per-INTID group, enable, priority and configuration banks): item n is slot n % kPerRegister of
// the register at kBase + sizeof(Int) * (n / kPerRegister). `frame` offsets the whole bank (a
// GIC redistributor's frame inside the redistributor region).
template <typename Self, typename Int, uint32_t kBase, unsigned kWidth>
class RegisterBank : public RegisterValue<Self, Int> {
  using Value = RegisterValue<Self, Int>;

 public:
  static constexpr unsigned kPerRegister = 8 * sizeof(Int) / kWidth;
  static constexpr FieldArray<Self, Int, 0, kWidth, kPerRegister> kItem{};

  static constexpr uint32_t OffsetOf(uint32_t item) {
    return kBase + uint32_t{sizeof(Int)} * (item / kPerRegister);
  }
  static constexpr unsigned SlotOf(uint32_t item) { return item % kPerRegister; }

  // The value with every slot holding `slot_value` (e.g. all 32 SGIs/PPIs at once).
  static constexpr Self Filled(uint64_t slot_value) {
    Self value;
    for (unsigned slot = 0; slot < kPerRegister; ++slot) value.Set(kItem, slot, slot_value);
    return value;
  }
  // The value with only `item`'s slot all ones: what a write-1-to-act register (set-enable,
  // clear-enable) takes to act on that item alone.
  static constexpr Self OnlyItem(uint32_t item) {
    Self value;
    value.Set(kItem, SlotOf(item), kItem.kMax);
    return value;
  }

  template <typename Io>
  static Self ReadFor(Io& io, uint32_t item, uint32_t frame = 0) {
    return Value::ReadAt(io, frame + OffsetOf(item));
  }
  template <typename Io>
  void WriteFor(Io& io, uint32_t item, uint32_t frame = 0) const {
    this->WriteAt(io, frame + OffsetOf(item));
  }
  // Read-modify-write of `item`'s slot of `array` (kItem, or a field array naming part of each
  // item's slot), leaving every other item's bits as read.
  template <typename Io, typename Array>
  static void Update(Io& io, uint32_t item, Array array, uint64_t value, uint32_t frame = 0) {
    static_assert(Array::kSlots == kPerRegister, "the array must have a slot per item");
    ReadFor(io, item, frame).Set(array, SlotOf(item), value).WriteFor(io, item, frame);
  }
};

// A system register reached through a `Sys` seam (Read(Id) / Write(Id, v)), so the same driver
// runs against mrs/msr on arm64 and a fake on the host.
template <typename Self, auto kId>
class SysRegister : public RegisterValue<Self, uint64_t> {
 public:
  static constexpr auto kRegister = kId;

  template <typename Sys>
  static Self ReadFrom(Sys& sys) {
    return RegisterValue<Self, uint64_t>::FromRaw(sys.Read(kId));
  }
  template <typename Sys>
  void WriteTo(Sys& sys) const {
    sys.Write(kId, this->raw());
  }
};

}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_IO_REGISTER_H_
