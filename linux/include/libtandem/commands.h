// The channel's operations (tandem/channel/ops.h) as typed calls. Each builds the request, sends
// it through a CommandPort (a persistent Session, or one self-contained transaction per call),
// and turns the RTOS's WireStatus into kRefused with a message that names the pin or task.
#ifndef LIBTANDEM_COMMANDS_H_
#define LIBTANDEM_COMMANDS_H_

#include <stdint.h>

#include <optional>
#include <string>
#include <vector>

#include "libtandem/error.h"
#include "libtandem/session.h"
#include "tandem/channel/ops.h"

namespace libtandem {

// Where commands go.
class CommandPort {
 public:
  virtual ~CommandPort() = default;
  virtual Result<Response> Call(const Request& request, uint64_t timeout_ns) = 0;
};

// Every call on the same open Session.
class SessionPort final : public CommandPort {
 public:
  explicit SessionPort(Session& session) : session_(session) {}
  Result<Response> Call(const Request& request, uint64_t timeout_ns) override {
    return session_.Call(request, timeout_ns);
  }

 private:
  Session& session_;
};

// The seed's mode: every call binds, maps, sends, awaits and unbinds (Transact).
class TransactionPort final : public CommandPort {
 public:
  TransactionPort(XenBackend& xen, uint32_t domid) : xen_(xen), domid_(domid) {}
  Result<Response> Call(const Request& request, uint64_t timeout_ns) override {
    return Transact(xen_, domid_, request, timeout_ns);
  }

 private:
  XenBackend& xen_;
  uint32_t domid_;
};

const char* WireStatusName(uint32_t status);

// Sends `request` and turns a non-OK status into kRefused, with `what` (e.g. "gpio set on pin
// 3") naming the command and a hint for the status; kProtocol if the answer is for another op.
// The RTOS's status, when it answered, goes to *answered.
Result<Response> SendRequest(CommandPort& port, const Request& request, const std::string& what,
                             uint64_t timeout_ns, tandem::channel::WireStatus* answered = nullptr);

struct TaskStats {
  uint32_t index = 0;
  std::string name;
  uint32_t activations = 0;
  uint32_t deadline_misses = 0;
  uint32_t worst_response_us = 0;  // 0xFFFFFFFF: saturated
  // The longest time one job held the CPU (protocol 1.5; 0xFFFFFFFF: saturated). Absent from an
  // RTOS before 1.5; 0 from one whose application does not measure it.
  std::optional<uint32_t> worst_execution_us;
};

// Round trip with a payload the RTOS must echo; fails with kProtocol if the echo differs.
Result<void> Ping(CommandPort& port, uint64_t timeout_ns);
Result<void> GpioSet(CommandPort& port, uint32_t pin, uint32_t level, uint64_t timeout_ns);
Result<uint32_t> GpioGet(CommandPort& port, uint32_t pin, uint64_t timeout_ns);
Result<uint32_t> GpioToggle(CommandPort& port, uint32_t pin, uint64_t timeout_ns);
Result<void> GpioConfigure(CommandPort& port, uint32_t pin, tandem::channel::GpioDirection dir,
                           uint32_t initial_level, uint64_t timeout_ns);
// All tasks the RTOS reports (task 0 tells how many there are). `timeout_ns` is per command.
// kReadAndReset returns the same figures and has the RTOS clear each task's counters as it reads
// them, so the next GetTaskStats covers only what happened in between (protocol 1.1). The worst
// execution times are asked for too (1.5); an older RTOS refuses that flag on task 0, and the
// figures are then read without them.
enum class StatsMode { kRead, kReadAndReset };
Result<std::vector<TaskStats>> GetTaskStats(CommandPort& port, uint64_t timeout_ns,
                                            StatsMode mode = StatsMode::kRead);

}  // namespace libtandem

#endif  // LIBTANDEM_COMMANDS_H_
