// Shared helpers for the channel tests: page pairs, a counting notifier, fake handlers, and a
// server loop over the host transport.
#ifndef TANDEM_TESTS_UNIT_CHANNEL_TEST_SUPPORT_H_
#define TANDEM_TESTS_UNIT_CHANNEL_TEST_SUPPORT_H_

#include <atomic>
#include <memory>

#include "tandem/channel/app_commands.h"
#include "tandem/channel/client.h"
#include "tandem/channel/host/shm_transport.h"
#include "tandem/channel/ops.h"
#include "tandem/channel/server.h"
#include "tandem/channel/wire.h"

namespace tandem::channel::testing {

inline constexpr uint64_t kSecond = 1'000'000'000;
// The boot id the test RTOS passes to Server::Init (boot_id.h); a restarted one passes another.
inline constexpr uint64_t kTestBootId = 0x0123456789abcdefu;

// Two zeroed, page-aligned pages on the heap (aligned operator new honours alignas(4096)).
struct Pages {
  std::unique_ptr<RequestPage> req = std::make_unique<RequestPage>();
  std::unique_ptr<ResponsePage> rsp = std::make_unique<ResponsePage>();
};

struct CountingNotifier final : Notifier {
  void Notify() override { count.fetch_add(1, std::memory_order_relaxed); }
  std::atomic<uint64_t> count{0};
};

// A GPIO bank of 32 pins of which `exported` may be used by Linux; records every argument it
// is handed, so tests can check the channel validated before dispatching.
class FakeGpio final : public CommandHandler {
 public:
  explicit FakeGpio(uint32_t exported) : exported_(exported) {}
  WireStatus Handle(const Request& r, Response& rsp) override {
    ++calls;
    const uint32_t pin = r.arg[0];
    if (pin > kGpioMaxPin || r.arg[1] > 1 || r.flags != 0 || r.payload_len != 0) {
      ++unvalidated;  // the channel should never let this through
    }
    if (pin >= 32 || (exported_ & (1u << pin)) == 0) return WireStatus::kPermissionDenied;
    const uint32_t bit = 1u << pin;
    switch (static_cast<Op>(r.op)) {
      case Op::kGpioSet:
        levels = r.arg[1] ? (levels | bit) : (levels & ~bit);
        return WireStatus::kOk;
      case Op::kGpioGet:
        rsp.result[0] = (levels & bit) ? 1 : 0;
        return WireStatus::kOk;
      case Op::kGpioToggle:
        levels ^= bit;
        rsp.result[0] = (levels & bit) ? 1 : 0;
        return WireStatus::kOk;
      case Op::kGpioConfigure:
        return WireStatus::kOk;
      default:
        return WireStatus::kInternal;
    }
  }
  uint32_t levels = 0;
  uint64_t calls = 0;
  uint64_t unvalidated = 0;

 private:
  uint32_t exported_;
};

// A permissive application command (four words of any value, any payload) for tests of the
// dispatch path; the spec must outlive the server, so tests keep it beside it.
inline AppCommandSpec AnyArgsSpec(uint16_t op, const char* name) {
  return {op,          name,        4,        4, {0, 0, 0, 0}, {kAny, kAny, kAny, kAny},
          kMaxPayload, "for tests", "a b c d"};
}

inline void InstallGpio(Server& server, FakeGpio& gpio) {
  for (Op op : {Op::kGpioSet, Op::kGpioGet, Op::kGpioToggle, Op::kGpioConfigure}) {
    (void)server.SetHandler(op, &gpio);
  }
}

// Runs a server the way the RTOS command task does: poll until drained and re-armed, then
// sleep on the event channel. A sleep that ends by timeout and is followed by work means a
// notification was lost: counted in `lost_wakeups` (the tests require zero). Stop by setting
// `stop` and signalling the server's eventfd.
inline void ServeUntil(Server& server, host::EventFdWaiter& waiter, const std::atomic<bool>& stop,
                       std::atomic<uint64_t>* lost_wakeups = nullptr) {
  bool timed_out = false;
  while (!stop.load(std::memory_order_relaxed)) {
    const PollResult r = server.Poll();
    if (timed_out && r.handled > 0 && lost_wakeups != nullptr) lost_wakeups->fetch_add(1);
    timed_out = false;
    if (r.more) continue;
    if (waiter.WaitForEvent(kSecond)) {
      server.OnNotification();
    } else {
      timed_out = true;
    }
  }
}

}  // namespace tandem::channel::testing

#endif  // TANDEM_TESTS_UNIT_CHANNEL_TEST_SUPPORT_H_
