// The channel's ChannelState as Xen's XenbusState: the RTOS publishes its state in XenStore's
// `state` key as a XenbusState (the split-device convention, xen/include/public/io/xenbus.h),
// and the page headers carry the same numbers (wire.h). The channel core keeps its own type so it
// includes no Xen header; the two are tied here, value by value, at compile time.
#ifndef TANDEM_CHANNEL_XEN_XENBUS_STATE_H_
#define TANDEM_CHANNEL_XEN_XENBUS_STATE_H_

#include <stdint.h>
#include <xen/io/xenbus.h>

#include "tandem/channel/wire.h"

namespace tandem::channel {

static_assert(static_cast<uint32_t>(ChannelState::kUnknown) == XenbusStateUnknown,
              "wire.h ChannelState must equal xenbus.h XenbusState");
static_assert(static_cast<uint32_t>(ChannelState::kInitialising) == XenbusStateInitialising,
              "wire.h ChannelState must equal xenbus.h XenbusState");
static_assert(static_cast<uint32_t>(ChannelState::kInitWait) == XenbusStateInitWait,
              "wire.h ChannelState must equal xenbus.h XenbusState");
static_assert(static_cast<uint32_t>(ChannelState::kInitialised) == XenbusStateInitialised,
              "wire.h ChannelState must equal xenbus.h XenbusState");
static_assert(static_cast<uint32_t>(ChannelState::kConnected) == XenbusStateConnected,
              "wire.h ChannelState must equal xenbus.h XenbusState");
static_assert(static_cast<uint32_t>(ChannelState::kClosing) == XenbusStateClosing,
              "wire.h ChannelState must equal xenbus.h XenbusState");
static_assert(static_cast<uint32_t>(ChannelState::kClosed) == XenbusStateClosed,
              "wire.h ChannelState must equal xenbus.h XenbusState");

constexpr XenbusState ToXenbusState(ChannelState state) {
  return static_cast<XenbusState>(static_cast<uint32_t>(state));
}

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_XEN_XENBUS_STATE_H_
