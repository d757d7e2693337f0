// FakeHypervisor: records every hypercall and answers with a scripted handler.
#ifndef TANDEM_TESTS_UNIT_XEN_FAKE_HYPERVISOR_H_
#define TANDEM_TESTS_UNIT_XEN_FAKE_HYPERVISOR_H_

#include <functional>
#include <vector>

#include "tandem/xen/hypervisor.h"

namespace tandem::xen::testing {

enum class Call {
  kMemoryOp,
  kEventChannelOp,
  kGrantTableOp,
  kSchedOp,
  kHvmOp,
  kXenVersion,
  kConsoleIo
};

struct Recorded {
  Call call;
  unsigned int cmd;
  unsigned int count;
};

class FakeHypervisor final : public Hypervisor {
 public:
  // The script: gets the call, its command, its argument and count; returns the raw value Xen
  // would return (>= 0 or -XEN_Exxx), and may fill in the argument as Xen would.
  using Handler = std::function<long(Call, unsigned int, void*, unsigned int)>;

  FakeHypervisor() : handler_([](Call, unsigned int, void*, unsigned int) { return 0L; }) {}
  explicit FakeHypervisor(Handler handler) : handler_(std::move(handler)) {}
  void set_handler(Handler handler) { handler_ = std::move(handler); }

  const std::vector<Recorded>& calls() const { return calls_; }
  size_t CountOf(Call call, unsigned int cmd) const {
    size_t n = 0;
    for (const auto& c : calls_) n += (c.call == call && c.cmd == cmd) ? 1 : 0;
    return n;
  }
  void ClearCalls() { calls_.clear(); }

  XenResult<long> MemoryOp(unsigned int cmd, void* arg) override {
    return Do(Call::kMemoryOp, cmd, arg, 1);
  }
  XenResult<long> EventChannelOp(unsigned int cmd, void* arg) override {
    return Do(Call::kEventChannelOp, cmd, arg, 1);
  }
  XenResult<long> GrantTableOp(unsigned int cmd, void* args, unsigned int count) override {
    return Do(Call::kGrantTableOp, cmd, args, count);
  }
  XenResult<long> SchedOp(unsigned int cmd, void* arg) override {
    return Do(Call::kSchedOp, cmd, arg, 1);
  }
  XenResult<long> HvmOp(unsigned int cmd, void* arg) override {
    return Do(Call::kHvmOp, cmd, arg, 1);
  }
  XenResult<long> XenVersion(unsigned int cmd, void* arg) override {
    return Do(Call::kXenVersion, cmd, arg, 1);
  }
  XenResult<long> ConsoleIo(unsigned int cmd, unsigned int count, const char* buffer) override {
    return Do(Call::kConsoleIo, cmd, const_cast<char*>(buffer), count);
  }

 private:
  XenResult<long> Do(Call call, unsigned int cmd, void* arg, unsigned int count) {
    calls_.push_back({call, cmd, count});
    return FromRaw(handler_(call, cmd, arg, count));  // the same typing as Arm64Hypervisor
  }

  Handler handler_;
  std::vector<Recorded> calls_;
};

}  // namespace tandem::xen::testing

#endif  // TANDEM_TESTS_UNIT_XEN_FAKE_HYPERVISOR_H_
