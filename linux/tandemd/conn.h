// One client connection of tandemd (private to daemon.cc and clients.cc).
#ifndef TANDEMD_CONN_H_
#define TANDEMD_CONN_H_

#include <string>

#include "daemon.h"

namespace tandemd {

struct Daemon::Conn {
  // Bounds of the buffers (backpressure): at most one frame waits unparsed, and the answers of
  // `max_outstanding` commands plus a few replies wait to be written.
  static constexpr size_t kInLimit = libtandem::daemon::kMaxFrame;
  static constexpr size_t kOutLimit = 8 * libtandem::daemon::kMaxFrame;

  uint64_t serial = 0;  // "client 3" in the log
  int fd = -1;
  PeerCred cred;
  libtandem::RtosIdentity known;  // the RTOS boot this client has been told about
  bool known_set = false;         // false until its Hello or first command
  std::string in, out;
  uint32_t outstanding = 0;        // commands queued or in flight
  bool closing = false;            // write `out`, then disconnect (a refusal, a protocol error)
  bool dead = false;               // to be closed and removed by the loop
  uint64_t kinds = 0;              // the event kinds it subscribed to (docs/events.md)
  uint64_t events_dropped = 0;     // events not queued for it: its output was full (not reading)
  uint64_t rtos_dropped_base = 0;  // Daemon::RtosDropped() when it subscribed

  bool CanRead() const {
    return !closing && !dead && in.size() < kInLimit && out.size() < kOutLimit;
  }
};

}  // namespace tandemd

#endif  // TANDEMD_CONN_H_
