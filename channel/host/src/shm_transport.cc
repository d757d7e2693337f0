// Host transport: memfd pages and eventfd notifications (see shm_transport.h).
#include "tandem/channel/host/shm_transport.h"

#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <initializer_list>

namespace tandem::channel::host {

bool HostChannel::Create() {
  memfd = memfd_create("tandem-channel", MFD_CLOEXEC);
  if (memfd < 0) return false;
  if (ftruncate(memfd, off_t{2} * kPageSize) != 0) return false;  // zero-filled
  to_rtos = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  to_linux = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  return to_rtos >= 0 && to_linux >= 0;
}

void HostChannel::Close() {
  for (int* fd : {&memfd, &to_rtos, &to_linux}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

namespace {

void* MapPage(int memfd, int prot, off_t offset) {
  void* p = mmap(nullptr, kPageSize, prot, MAP_SHARED, memfd, offset);
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace

Mapping Mapping::ForRtos(int memfd) {
  Mapping m;
  // The RTOS only ever reads Linux's page: map it read-only so the MMU proves it (the memfd is
  // zero-filled, which is all the initialisation the RTOS would do before granting it).
  m.requests_ = static_cast<RequestPage*>(MapPage(memfd, PROT_READ, 0));
  m.responses_ = static_cast<ResponsePage*>(MapPage(memfd, PROT_READ | PROT_WRITE, kPageSize));
  return m;
}

Mapping Mapping::ForLinux(int memfd) {
  Mapping m;
  m.requests_ = static_cast<RequestPage*>(MapPage(memfd, PROT_READ | PROT_WRITE, 0));
  // Read-only, as the RTOS grants it (GTF_readonly): the single-writer rule enforced by the MMU.
  m.responses_ = static_cast<ResponsePage*>(MapPage(memfd, PROT_READ, kPageSize));
  return m;
}

Mapping::Mapping(Mapping&& other) noexcept
    : requests_(other.requests_), responses_(other.responses_) {
  other.requests_ = nullptr;
  other.responses_ = nullptr;
}

Mapping::~Mapping() {
  if (requests_ != nullptr) munmap(requests_, kPageSize);
  if (responses_ != nullptr) munmap(responses_, kPageSize);
}

void EventFdNotifier::Notify() {
  const uint64_t one = 1;
  // EAGAIN only if the counter would overflow 2^64-2: the peer is signalled already.
  while (write(fd_, &one, sizeof(one)) < 0 && errno == EINTR) {
  }
}

bool EventFdWaiter::WaitForEvent(uint64_t timeout_ns) {
  const uint64_t start = NowNs();
  for (;;) {
    const uint64_t elapsed = NowNs() - start;
    if (elapsed >= timeout_ns) return false;
    const uint64_t left_ns = timeout_ns - elapsed;
    struct timespec ts = {static_cast<time_t>(left_ns / 1000000000u),
                          static_cast<long>(left_ns % 1000000000u)};
    struct pollfd pfd = {fd_, POLLIN, 0};
    const int n = ppoll(&pfd, 1, &ts, nullptr);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    uint64_t count;
    if (read(fd_, &count, sizeof(count)) == sizeof(count)) return true;
    // EAGAIN: another reader took it; keep waiting.
  }
}

uint64_t EventFdWaiter::NowNs() {
  struct timespec ts {};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace tandem::channel::host
