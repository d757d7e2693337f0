// Host transport for the command channel: the same wire protocol between two Linux processes
// (or threads) over real shared memory (one memfd holding the two pages) with one eventfd per
// direction standing in for the Xen event channel. The "Linux" mapping of the response page is
// PROT_READ, as a GTF_readonly grant would be, so a write from the Linux side faults.
// Linux-only; the portable channel code never includes this.
#ifndef TANDEM_CHANNEL_HOST_SHM_TRANSPORT_H_
#define TANDEM_CHANNEL_HOST_SHM_TRANSPORT_H_

#include <stdint.h>

#include "tandem/channel/transport.h"
#include "tandem/channel/wire.h"

namespace tandem::channel::host {

// The file descriptors of one channel; inherited across fork().
struct HostChannel {
  int memfd = -1;     // page 0: RequestPage, page 1: ResponsePage
  int to_rtos = -1;   // eventfd the Linux side signals
  int to_linux = -1;  // eventfd the RTOS side signals

  // Returns false (errno set) if a memfd/eventfd could not be created.
  [[nodiscard]] bool Create();
  void Close();
};

// A mapping of the two pages, unmapped on destruction.
class Mapping {
 public:
  // RTOS view: request page PROT_READ (the RTOS never writes it), response page read-write.
  static Mapping ForRtos(int memfd);
  // Linux view: request page read-write, response page PROT_READ.
  static Mapping ForLinux(int memfd);
  Mapping(Mapping&& other) noexcept;
  Mapping& operator=(Mapping&&) = delete;
  ~Mapping();

  bool ok() const { return requests_ != nullptr && responses_ != nullptr; }
  RequestPage* requests() const { return requests_; }        // read-only in the RTOS view
  ResponsePage* responses_rw() const { return responses_; }  // RTOS only
  const ResponsePage* responses() const { return responses_; }

 private:
  Mapping() = default;
  RequestPage* requests_ = nullptr;
  ResponsePage* responses_ = nullptr;
};

// Notifier over an eventfd: one write of 1 per notification.
class EventFdNotifier final : public Notifier {
 public:
  explicit EventFdNotifier(int fd) : fd_(fd) {}
  void Notify() override;

 private:
  int fd_;
};

// Waiter over an eventfd: poll(2) with a timeout, then read (clears the count; several
// notifications that arrived together wake us once, like a Xen event channel's pending bit).
class EventFdWaiter final : public Waiter {
 public:
  explicit EventFdWaiter(int fd) : fd_(fd) {}
  bool WaitForEvent(uint64_t timeout_ns) override;
  uint64_t NowNs() override;

 private:
  int fd_;
};

}  // namespace tandem::channel::host

#endif  // TANDEM_CHANNEL_HOST_SHM_TRANSPORT_H_
