// Fakes of the drivers' injected register access: a register file with a write log, and hooks
// to model registers whose reads have side effects or change over time.
#ifndef TANDEM_TESTS_UNIT_DRIVERS_FAKE_IO_H_
#define TANDEM_TESTS_UNIT_DRIVERS_FAKE_IO_H_

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace tandem::test {

struct Access {
  bool write;
  uint32_t offset;
  uint64_t value;
  int width;
  bool operator==(const Access&) const = default;
};

struct FakeRegs {
  std::map<uint32_t, uint64_t> regs;
  std::vector<Access> log;
  // Called on a read; may return a value instead of the register file's.
  std::function<bool(uint32_t offset, uint64_t* value)> on_read;
  // Called on a write instead of storing it when it returns true.
  std::function<bool(uint32_t offset, uint64_t value)> on_write;

  uint64_t Read(uint32_t offset, int width) {
    uint64_t v = 0;
    if (!(on_read && on_read(offset, &v))) {
      auto it = regs.find(offset);
      v = it == regs.end() ? 0 : it->second;
    }
    log.push_back({false, offset, v, width});
    return v;
  }
  void Write(uint32_t offset, uint64_t value, int width) {
    log.push_back({true, offset, value, width});
    if (on_write && on_write(offset, value)) return;
    regs[offset] = value;
  }
  std::vector<Access> Writes() const {
    std::vector<Access> w;
    for (const Access& a : log) {
      if (a.write) w.push_back(a);
    }
    return w;
  }
};

// The Io type the drivers take: a handle onto a shared FakeRegs (drivers copy their Io).
class FakeIo {
 public:
  explicit FakeIo(FakeRegs* regs) : r_(regs) {}
  uint32_t Read32(uint32_t offset) const { return static_cast<uint32_t>(r_->Read(offset, 32)); }
  void Write32(uint32_t offset, uint32_t value) const { r_->Write(offset, value, 32); }
  uint64_t Read64(uint32_t offset) const { return r_->Read(offset, 64); }
  void Write64(uint32_t offset, uint64_t value) const { r_->Write(offset, value, 64); }

 private:
  FakeRegs* r_;
};

// System registers, keyed by the drivers' register enums.
template <typename Reg>
class FakeSys {
 public:
  explicit FakeSys(FakeRegs* regs) : r_(regs) {}
  uint64_t Read(Reg reg) const { return r_->Read(static_cast<uint32_t>(reg), 64); }
  void Write(Reg reg, uint64_t value) const { r_->Write(static_cast<uint32_t>(reg), value, 64); }
  void Isb() const {}

 private:
  FakeRegs* r_;
};

}  // namespace tandem::test

#endif  // TANDEM_TESTS_UNIT_DRIVERS_FAKE_IO_H_
