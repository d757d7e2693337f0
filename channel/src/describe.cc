// See describe.h. Changing a sentence here changes the RTOS console and tandemctl together.
#include "tandem/channel/describe.h"

#include "tandem/channel/ops.h"
#include "tandem/format.h"

namespace tandem::channel {

const char* WireStatusName(uint32_t status) {
  switch (static_cast<WireStatus>(status)) {
    case WireStatus::kOk:
      return "ok";
    case WireStatus::kUnknownOp:
      return "unknown operation";
    case WireStatus::kBadArgument:
      return "bad argument";
    case WireStatus::kBadPayload:
      return "bad payload";
    case WireStatus::kBadFlags:
      return "bad flags";
    case WireStatus::kPermissionDenied:
      return "permission denied";
    case WireStatus::kNotSupported:
      return "not supported";
    case WireStatus::kBusy:
      return "busy";
    case WireStatus::kHardwareError:
      return "hardware error";
    case WireStatus::kInternal:
      return "internal error in the RTOS";
  }
  return "unknown status";
}

const char* OpName(uint16_t op) {
  switch (static_cast<Op>(op)) {
    case Op::kPing:
      return "ping";
    case Op::kGpioSet:
      return "gpio set";
    case Op::kGpioGet:
      return "gpio get";
    case Op::kGpioToggle:
      return "gpio toggle";
    case Op::kGpioConfigure:
      return "gpio configure";
    case Op::kTaskStats:
      return "task stats";
    case Op::kCommandInfo:
      return "command info";
    case Op::kEventInfo:
      return "event info";
    case Op::kTraceRead:
      return "trace read";
  }
  return nullptr;
}

size_t DescribeGpioFault(char* buf, size_t size, uint32_t pin, uint32_t fault, uint32_t level) {
  switch (static_cast<GpioFault>(fault)) {
    case GpioFault::kNoSuchPin:
      return Format(buf, size, "the GPIO driver has no pin %u", pin);
    case GpioFault::kPinIsInput:
      return Format(buf, size, "pin %u is configured as input (it reads %u)", pin, level);
    case GpioFault::kLevelNotTaken:
      return Format(buf, size, "pin %u is an output but reads %u, not the level written", pin,
                    level);
    case GpioFault::kUnspecified:  // nothing to add to "hardware error"
      if (size > 0) buf[0] = '\0';
      return 0;
  }
  return Format(buf, size, "GPIO fault %u on pin %u (a newer RTOS?)", fault, pin);
}

}  // namespace tandem::channel
