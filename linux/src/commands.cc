// Typed commands over a CommandPort. See commands.h; the operations are tandem/channel/ops.h.
#include "libtandem/commands.h"

#include <string.h>

#include "tandem/channel/describe.h"

namespace libtandem {
namespace {

using tandem::channel::GpioDirection;
using tandem::channel::kGpioMaxPin;
using tandem::channel::MakeRequest;
using tandem::channel::Op;
using tandem::channel::WireStatus;

// Task counts and names come from the RTOS: bounded here so a broken RTOS cannot make us loop.
constexpr uint32_t kMaxTasks = 256;

Result<void> CheckPin(uint32_t pin) {
  if (pin > kGpioMaxPin) {
    return Fail(Errc::kUsage, "pin " + std::to_string(pin) + " is out of range (0.." +
                                  std::to_string(kGpioMaxPin) + ")");
  }
  return {};
}

// A kHardwareError answer, worded as the RTOS's console line for it (the Server records the same
// response words; tandem/channel/describe.h has the one spelling). result[] comes from the RTOS:
// DescribeGpioFault takes any value.
tandem::Error<Error> HardwareError(const Request& request, const Response& rsp,
                                   const std::string& what) {
  std::string message = "the RTOS refused " + what + ": hardware error";
  std::string hint = "check the RTOS console and the device's configuration";
  const auto op = static_cast<Op>(request.op);
  if (op == Op::kGpioSet || op == Op::kGpioGet || op == Op::kGpioToggle ||
      op == Op::kGpioConfigure) {
    char detail[96];
    if (tandem::channel::DescribeGpioFault(detail, sizeof(detail), request.arg[0], rsp.result[1],
                                           rsp.result[0]) > 0) {
      message += std::string(": ") + detail;
    }
    switch (static_cast<tandem::channel::GpioFault>(rsp.result[1])) {
      case tandem::channel::GpioFault::kPinIsInput:
        hint = "make it an output first: `tandemctl gpio configure " +
               std::to_string(request.arg[0]) + " out` (the RTOS console has the same line)";
        break;
      case tandem::channel::GpioFault::kNoSuchPin:
        hint =
            "the RTOS configuration exports a pin its GPIO controller does not have; fix its "
            "exported pins (the RTOS console has the same line)";
        break;
      case tandem::channel::GpioFault::kLevelNotTaken:
        hint =
            "something outside the RTOS drives the pin, or the controller is faulty (the RTOS "
            "console has the same line)";
        break;
      case tandem::channel::GpioFault::kUnspecified:
        break;
    }
  }
  return Fail(Error{Errc::kRefused, message, hint, rsp.status});
}

}  // namespace

Result<Response> SendRequest(CommandPort& port, const Request& request, const std::string& what,
                             uint64_t timeout_ns, WireStatus* answered) {
  Result<Response> r = port.Call(request, timeout_ns);
  LIBTANDEM_TRY(r);
  const Response& rsp = r.value();
  if (rsp.op != request.op) {
    return Fail(Errc::kProtocol,
                what + ": the RTOS answered another operation (0x" + std::to_string(rsp.op) + ")",
                "the RTOS's channel is misbehaving; check its console");
  }
  const auto status = static_cast<WireStatus>(rsp.status);
  if (answered != nullptr) *answered = status;
  if (status == WireStatus::kOk) return rsp;
  std::string hint;
  switch (status) {
    case WireStatus::kPermissionDenied:
      hint = "the RTOS configuration does not export this to Linux; see its application config";
      break;
    case WireStatus::kUnknownOp:
    case WireStatus::kNotSupported:
      hint = "this RTOS image does not implement the command";
      break;
    case WireStatus::kBusy:
      hint = "retry later";
      break;
    case WireStatus::kBadArgument:
      hint = tandem::channel::IsAppOp(request.op)
                 ? std::string("`tandemctl commands` lists its arguments' limits")
                 : "check the arguments against `tandemctl " + what.substr(0, what.find(' ')) +
                       " --help`";
      break;
    case WireStatus::kHardwareError:
      return HardwareError(request, rsp, what);
    default:
      hint = "check the RTOS console";
      break;
  }
  return Fail(Error{Errc::kRefused, "the RTOS refused " + what + ": " + WireStatusName(rsp.status),
                    hint, rsp.status});
}

namespace {

Result<Response> Send(CommandPort& port, const Request& request, const std::string& what,
                      uint64_t timeout_ns, WireStatus* answered = nullptr) {
  return SendRequest(port, request, what, timeout_ns, answered);
}

std::string Printable(const uint8_t* bytes, uint32_t len) {
  std::string s;
  for (uint32_t i = 0; i < len; ++i) {
    const char c = static_cast<char>(bytes[i]);
    s += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return s;
}

}  // namespace

const char* WireStatusName(uint32_t status) {
  return tandem::channel::WireStatusName(status);  // one spelling for both ends
}

Result<void> Ping(CommandPort& port, uint64_t timeout_ns) {
  static uint32_t sequence = 0;
  Request r = MakeRequest(Op::kPing, 0x54414E44 /* 'TAND' */, ++sequence, 0xA5A5A5A5);
  r.arg[3] = ~sequence;
  static constexpr char kEcho[] = "tandem ping";
  r.payload_len = sizeof(kEcho) - 1;
  memcpy(r.payload, kEcho, r.payload_len);
  Result<Response> rsp = Send(port, r, "ping", timeout_ns);
  LIBTANDEM_TRY(rsp);
  const Response& a = rsp.value();
  if (memcmp(a.result, r.arg, sizeof(r.arg)) != 0 || a.payload_len != r.payload_len ||
      memcmp(a.payload, r.payload, r.payload_len) != 0) {
    return Fail(Errc::kProtocol, "ping: the RTOS's echo differs from what was sent",
                "the channel corrupts data; check the RTOS console");
  }
  return {};
}

Result<void> GpioSet(CommandPort& port, uint32_t pin, uint32_t level, uint64_t timeout_ns) {
  LIBTANDEM_TRY(CheckPin(pin));
  if (level > 1) return Fail(Errc::kUsage, "level must be 0 or 1");
  Result<Response> r = Send(port, MakeRequest(Op::kGpioSet, pin, level),
                            "gpio set on pin " + std::to_string(pin), timeout_ns);
  LIBTANDEM_TRY(r);
  return {};
}

static Result<uint32_t> Level(const Result<Response>& r, const std::string& what) {
  LIBTANDEM_TRY(r);
  if (r.value().result[0] > 1) {
    return Fail(Errc::kProtocol,
                what + ": the RTOS reported level " + std::to_string(r.value().result[0]),
                "the RTOS's GPIO handler is misbehaving");
  }
  return r.value().result[0];
}

Result<uint32_t> GpioGet(CommandPort& port, uint32_t pin, uint64_t timeout_ns) {
  LIBTANDEM_TRY(CheckPin(pin));
  const std::string what = "gpio get on pin " + std::to_string(pin);
  return Level(Send(port, MakeRequest(Op::kGpioGet, pin), what, timeout_ns), what);
}

Result<uint32_t> GpioToggle(CommandPort& port, uint32_t pin, uint64_t timeout_ns) {
  LIBTANDEM_TRY(CheckPin(pin));
  const std::string what = "gpio toggle on pin " + std::to_string(pin);
  return Level(Send(port, MakeRequest(Op::kGpioToggle, pin), what, timeout_ns), what);
}

Result<void> GpioConfigure(CommandPort& port, uint32_t pin, GpioDirection dir,
                           uint32_t initial_level, uint64_t timeout_ns) {
  LIBTANDEM_TRY(CheckPin(pin));
  if (initial_level > 1) return Fail(Errc::kUsage, "the initial level must be 0 or 1");
  Result<Response> r =
      Send(port, MakeRequest(Op::kGpioConfigure, pin, static_cast<uint32_t>(dir), initial_level),
           "gpio configure on pin " + std::to_string(pin), timeout_ns);
  LIBTANDEM_TRY(r);
  return {};
}

Result<std::vector<TaskStats>> GetTaskStats(CommandPort& port, uint64_t timeout_ns,
                                            StatsMode mode) {
  const bool reset = mode == StatsMode::kReadAndReset;
  uint32_t flags =
      (reset ? tandem::channel::kTaskStatsReset : 0) | tandem::channel::kTaskStatsExecution;
  std::vector<TaskStats> out;
  uint32_t count = 1;
  for (uint32_t i = 0; i < count; ++i) {
    WireStatus answered = WireStatus::kOk;
    Result<Response> r = Send(port, MakeRequest(Op::kTaskStats, i, flags),
                              "stats of task " + std::to_string(i), timeout_ns, &answered);
    if (!r.ok() && i == 0 && answered == WireStatus::kBadArgument &&
        (flags & tandem::channel::kTaskStatsExecution) != 0) {
      // An RTOS before 1.5 knows no execution times and refuses the flag (nothing was reset:
      // the request was refused as a whole). Ask again without it.
      flags &= ~tandem::channel::kTaskStatsExecution;
      r = Send(port, MakeRequest(Op::kTaskStats, i, flags), "stats of task " + std::to_string(i),
               timeout_ns, &answered);
    }
    if (!r.ok() && reset && i == 0 && answered == WireStatus::kBadArgument) {
      // A 1.0 RTOS knows no flags and refuses the word as a bad argument.
      return Fail(Errc::kRefused, "the RTOS cannot reset its statistics (it refused the flag)",
                  "resetting needs an RTOS image with protocol 1.1 or later; plain `stats` works");
    }
    LIBTANDEM_TRY(r);
    const Response& a = r.value();
    if (i == 0) {
      count = a.result[3];
      if (count == 0 || count > kMaxTasks) {
        return Fail(Errc::kProtocol, "stats: the RTOS reported " + std::to_string(count) + " tasks",
                    "the RTOS's statistics handler is misbehaving");
      }
    }
    TaskStats t;
    t.index = i;
    const uint32_t len = std::min<uint32_t>(a.payload_len, tandem::channel::kMaxPayload);
    uint32_t name_at = 0;
    if ((flags & tandem::channel::kTaskStatsExecution) != 0) {
      name_at = tandem::channel::kTaskStatsExecutionBytes;
      if (len < name_at) {
        return Fail(Errc::kProtocol,
                    "stats of task " + std::to_string(i) + ": " + std::to_string(len) +
                        " payload bytes, expected at least " + std::to_string(name_at) +
                        " (the execution time)",
                    "the RTOS's statistics handler is misbehaving");
      }
      uint32_t execution = 0;
      for (uint32_t b = 0; b < name_at; ++b) execution |= uint32_t{a.payload[b]} << (8 * b);
      t.worst_execution_us = execution;
    }
    t.name = Printable(a.payload + name_at, len - name_at);
    t.activations = a.result[0];
    t.deadline_misses = a.result[1];
    t.worst_response_us = a.result[2];
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace libtandem
