// Notifier: how a shared-ring user tells the other end "look at the ring" (an event-channel
// send on the target; a fake in tests), injected so the ring code has no hypercall in it.
#ifndef TANDEM_XEN_NOTIFIER_H_
#define TANDEM_XEN_NOTIFIER_H_

#include "tandem/xen/event_channel.h"

namespace tandem::xen {

struct Notifier {
  void (*notify)(void* context) = nullptr;
  void* context = nullptr;
  void operator()() const {
    if (notify != nullptr) notify(context);
  }
};

// Sends on `port` through `channels` (EVTCHNOP_send). Must outlive the Notifier made from it.
struct PortNotifier {
  EventChannels* channels = nullptr;
  evtchn_port_t port = 0;
  Notifier AsNotifier() { return Notifier{&PortNotifier::Send, this}; }
  static void Send(void* self) {
    auto* n = static_cast<PortNotifier*>(self);
    (void)n->channels->Send(n->port);  // a failed notify leaves the data in the ring
  }
};

// Waits for "the ring may have changed" (an event, a timer tick); false = give up (timeout).
struct Waiter {
  bool (*wait)(void* context) = nullptr;
  void* context = nullptr;
  bool operator()() const { return wait != nullptr && wait(context); }
};

}  // namespace tandem::xen

#endif  // TANDEM_XEN_NOTIFIER_H_
