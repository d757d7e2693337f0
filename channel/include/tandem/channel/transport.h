// What the channel needs from its environment, injected so that the same endpoint code runs over
// Xen (event channel send, grant-mapped pages) and over the host transport (eventfd, memfd).
#ifndef TANDEM_CHANNEL_TRANSPORT_H_
#define TANDEM_CHANNEL_TRANSPORT_H_

#include <stdint.h>

namespace tandem::channel {

// Signals the peer (EVTCHNOP_send on Xen, an eventfd write on the host). Must not block.
class Notifier {
 public:
  virtual void Notify() = 0;

 protected:
  ~Notifier() = default;  // not deleted through this interface (no operator delete in the RTOS)
};

// Blocks the Linux side until the peer notifies or the timeout passes (xenevtchn_pending with
// poll(2) in libtandem, eventfd in the host transport).
class Waiter {
 public:
  // Returns true if woken by a notification (which it has consumed), false on timeout.
  virtual bool WaitForEvent(uint64_t timeout_ns) = 0;
  // A monotonic clock in nanoseconds.
  virtual uint64_t NowNs() = 0;

 protected:
  ~Waiter() = default;
};

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_TRANSPORT_H_
