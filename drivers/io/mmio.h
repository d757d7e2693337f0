// Register access for drivers. Every driver is a template over an `Io` type with
//   uint32_t Read32(uint32_t offset);   void Write32(uint32_t offset, uint32_t value);
//   uint64_t Read64(uint32_t offset);   void Write64(uint32_t offset, uint64_t value);
// at byte offsets from the device's base, so the same driver source runs against the real
// device (MmioIo below) and against a fake in host tests (tests/unit/drivers/fake_io.h). Drivers
// name registers and fields through io/register.h, which reads and writes through an Io.
#ifndef TANDEM_DRIVERS_IO_MMIO_H_
#define TANDEM_DRIVERS_IO_MMIO_H_

#include <stdint.h>

namespace tandem::drivers {

// Memory-mapped registers at `base` (identity-mapped Device-nGnRE memory on arm64). Plain
// volatile accesses: on Device memory they are neither merged nor reordered with each other
// (Arm ARM B2.7.2), which is all the register sequences here rely on.
class MmioIo {
 public:
  explicit constexpr MmioIo(uintptr_t base) : base_(base) {}
  uintptr_t base() const { return base_; }
  uint32_t Read32(uint32_t offset) const { return *Reg<uint32_t>(offset); }
  void Write32(uint32_t offset, uint32_t value) const { *Reg<uint32_t>(offset) = value; }
  uint64_t Read64(uint32_t offset) const { return *Reg<uint64_t>(offset); }
  void Write64(uint32_t offset, uint64_t value) const { *Reg<uint64_t>(offset) = value; }

 private:
  template <typename T>
  volatile T* Reg(uint32_t offset) const {
    return reinterpret_cast<volatile T*>(base_ + offset);
  }
  uintptr_t base_;
};

}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_IO_MMIO_H_
