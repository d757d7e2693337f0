// GPIO operations of the command channel (channel/ops.h kGpioSet/Get/Toggle/Configure) over a
// GPIO driver such as drivers/gpio/pl061's Pl061<Io>, limited to the pins the RTOS
// configuration exports to Linux: any other pin is refused with WireStatus::kPermissionDenied
// before the driver is touched. Runs in the channel server task.
//
// Gpio needs: SetDirection(pin, drivers::GpioDirection), Direction(pin), Set(pin, bool),
// Get(pin), Toggle(pin), each returning a tandem::Result with a drivers::GpioError (Pl061's
// interface).
//
// A kHardwareError answer says why in result[1] (channel::GpioFault, protocol 1.2) with the level
// the pin reads in result[0]; the Server records the answer as a console incident, and tandemctl
// words it the same way (channel/describe.h).
#ifndef TANDEM_APPS_COMMAND_SERVER_GPIO_COMMANDS_H_
#define TANDEM_APPS_COMMAND_SERVER_GPIO_COMMANDS_H_

#include <stdint.h>

#include "gpio/pl061/pl061.h"
#include "tandem/channel/ops.h"
#include "tandem/channel/server.h"

namespace tandem::apps {

// The pins Linux may use, bit n = pin n: a constant of the application's configuration, e.g.
//   inline constexpr GpioExports kExports{0b0000'1110};  // pins 1..3
struct GpioExports {
  uint32_t pins = 0;
  // Exported pins made outputs (driven low) when the command server starts, so that `tandemctl
  // gpio set` works without a configure first. Others stay as the application left them.
  uint32_t outputs = 0;
  constexpr bool Allows(uint32_t pin) const { return pin < 32 && ((pins >> pin) & 1u) != 0; }
};

template <typename Gpio>
class GpioCommands final : public channel::CommandHandler {
 public:
  constexpr GpioCommands(Gpio& gpio, GpioExports exports) : gpio_(gpio), exports_(exports) {}

  // Makes the exported pins listed in `outputs` outputs, driven low (at start, before Linux can
  // send anything). Returns false if the driver refused one.
  bool ConfigureOutputs() {
    for (uint32_t pin = 0; pin < 32; ++pin) {
      if (!exports_.Allows(pin) || ((exports_.outputs >> pin) & 1u) == 0) continue;
      if (!gpio_.SetDirection(pin, drivers::GpioDirection::kOutput).ok()) return false;
      if (!gpio_.Set(pin, false).ok()) return false;
    }
    return true;
  }

  // Installs this handler for the four GPIO operations.
  channel::ServerStatus Install(channel::Server& server) {
    for (channel::Op op : {channel::Op::kGpioSet, channel::Op::kGpioGet, channel::Op::kGpioToggle,
                           channel::Op::kGpioConfigure}) {
      const channel::ServerStatus s = server.SetHandler(op, this);
      if (s != channel::ServerStatus::kOk) return s;
    }
    return channel::ServerStatus::kOk;
  }

  // `request` is the server's private, already validated copy (ValidateRequest: flags zero,
  // arg[0] <= kGpioMaxPin, levels and direction 0/1, unused words zero).
  channel::WireStatus Handle(const channel::Request& request,
                             channel::Response& response) override {
    using channel::WireStatus;
    const uint32_t pin = request.arg[0];
    if (!exports_.Allows(pin)) {
      ++refused_;
      return WireStatus::kPermissionDenied;
    }
    switch (static_cast<channel::Op>(request.op)) {
      case channel::Op::kGpioSet: {
        const bool level = request.arg[1] != 0;
        auto set = gpio_.Set(pin, level);
        if (!set.ok()) return DriverRefused(set.error(), response);
        // Read back: the PL061 ignores data writes to a pin configured as input (TRM 3.3.1),
        // so a set that did not take is reported, not claimed.
        auto now = gpio_.Get(pin);
        if (!now.ok()) return DriverRefused(now.error(), response);
        response.result[0] = now.value() ? 1 : 0;
        return now.value() == level ? WireStatus::kOk : NotTaken(pin, response);
      }
      case channel::Op::kGpioGet: {
        auto now = gpio_.Get(pin);
        if (!now.ok()) return DriverRefused(now.error(), response);
        response.result[0] = now.value() ? 1 : 0;
        return WireStatus::kOk;
      }
      case channel::Op::kGpioToggle: {
        auto next = gpio_.Toggle(pin);
        if (!next.ok()) return DriverRefused(next.error(), response);
        // Read back as for set: an input pin does not toggle.
        auto now = gpio_.Get(pin);
        if (!now.ok()) return DriverRefused(now.error(), response);
        response.result[0] = now.value() ? 1 : 0;
        return now.value() == next.value() ? WireStatus::kOk : NotTaken(pin, response);
      }
      case channel::Op::kGpioConfigure: {
        const bool output =
            request.arg[1] == static_cast<uint32_t>(channel::GpioDirection::kOutput);
        const bool level = request.arg[2] != 0;
        if (!output && level) return WireStatus::kBadArgument;  // no level for an input
        const auto dir = output ? drivers::GpioDirection::kOutput : drivers::GpioDirection::kInput;
        // Direction first: a PL061 drops data writes to input pins, so the level must follow.
        auto directed = gpio_.SetDirection(pin, dir);
        if (!directed.ok()) return DriverRefused(directed.error(), response);
        if (output) {
          auto set = gpio_.Set(pin, level);
          if (!set.ok()) return DriverRefused(set.error(), response);
        }
        auto now = gpio_.Get(pin);
        if (!now.ok()) return DriverRefused(now.error(), response);
        response.result[0] = now.value() ? 1 : 0;
        return WireStatus::kOk;
      }
      default:
        return WireStatus::kNotSupported;  // installed for an op it does not know
    }
  }

  // Requests refused because the pin is not exported (diagnostics).
  uint64_t refused() const { return refused_; }

 private:
  static channel::WireStatus HardwareError(channel::GpioFault fault, channel::Response& response) {
    response.result[1] = static_cast<uint32_t>(fault);
    return channel::WireStatus::kHardwareError;
  }
  // The driver refused the call. For these calls its only error is a pin it does not have
  // (an export beyond the controller's pins: a configuration mistake).
  static channel::WireStatus DriverRefused(drivers::GpioError error, channel::Response& response) {
    return HardwareError(error == drivers::GpioError::kBadPin ? channel::GpioFault::kNoSuchPin
                                                              : channel::GpioFault::kUnspecified,
                         response);
  }
  // A write the pin does not show: an input (the usual case: configured so by Linux or the
  // application), or an output something else drives. One GPIODIR read, on failure only.
  channel::WireStatus NotTaken(uint32_t pin, channel::Response& response) {
    auto dir = gpio_.Direction(pin);
    if (!dir.ok()) return DriverRefused(dir.error(), response);
    return HardwareError(dir.value() == drivers::GpioDirection::kInput
                             ? channel::GpioFault::kPinIsInput
                             : channel::GpioFault::kLevelNotTaken,
                         response);
  }

  Gpio& gpio_;
  const GpioExports exports_;
  uint64_t refused_ = 0;
};

}  // namespace tandem::apps

#endif  // TANDEM_APPS_COMMAND_SERVER_GPIO_COMMANDS_H_
