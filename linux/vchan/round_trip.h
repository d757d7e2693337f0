// tandem-vchan's measurement, independent of the transport: `size`-byte messages echoed by a
// peer, one in flight at a time, each round trip timed. The transports are libxenvchan between
// two domains (main.cc) and a pipe pair to a forked child in the same domain (PipeLink: the
// loopback floor). Evaluation P2 (docs/evaluation.md) sets Tandem's ping beside both.
#ifndef TANDEM_VCHAN_ROUND_TRIP_H_
#define TANDEM_VCHAN_ROUND_TRIP_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "bench_core.h"

namespace tandem_vchan {

// Largest message: a blocking libxenvchan_send refuses a message larger than its ring, and
// `serve` takes libxenvchan's default rings (no minimum asked: 1024 bytes from the client,
// 2048 back, both inside the shared page).
constexpr size_t kMaxMessage = 1024;

// A reliable byte stream to the peer: whole messages in, whole messages out, blocking.
class Link {
 public:
  virtual ~Link() = default;
  // False once the peer has gone (or on an error, which `error()` then describes).
  virtual bool Send(const uint8_t* data, size_t size) = 0;
  virtual bool Receive(uint8_t* data, size_t size) = 0;
  // Waits for at least one byte; returns how many arrived (up to `max`), 0 once the peer went.
  virtual size_t ReceiveSome(uint8_t* data, size_t max) = 0;
  virtual std::string error() const = 0;
};

// Sends back whatever arrives, until the peer goes (so it needs no message size). Returns the
// bytes echoed.
uint64_t Echo(Link& link);

struct PingResult {
  bool ok = false;
  std::string error;         // why not ok: the link failed, or an echo came back altered
  uint64_t round_trips = 0;  // timed ones (after the warm-up)
  uint64_t elapsed_ns = 0;
  tandem_bench::Percentiles latency;
  std::vector<uint64_t> samples_ns;  // sorted
};

// `warmup` untimed round trips, then `n` timed ones; each message carries its sequence number,
// and an echo that differs from what was sent is an error. `now_ns` is the clock (monotonic).
PingResult Ping(Link& link, uint64_t n, uint64_t warmup, size_t size,
                const std::function<uint64_t()>& now_ns);

// CLOCK_MONOTONIC in ns: guest time in a QEMU -icount boot.
uint64_t MonotonicNs();

// A pipe pair to a forked child that echoes: two processes of one domain, the cheapest IPC with
// the same blocking shape as the other peers. The child exits when the pipes close.
class PipeLink : public Link {
 public:
  PipeLink() = default;
  ~PipeLink() override;
  PipeLink(const PipeLink&) = delete;
  PipeLink& operator=(const PipeLink&) = delete;
  // Forks the echo child (Echo over the pipes). False (with error()) if a pipe or the fork
  // fails.
  bool Start();
  bool Send(const uint8_t* data, size_t size) override;
  bool Receive(uint8_t* data, size_t size) override;
  size_t ReceiveSome(uint8_t* data, size_t max) override;
  std::string error() const override { return error_; }
  // Closes the pipes and reaps the child; its exit status (0: it echoed until the pipes closed).
  int Finish();

 private:
  int to_child_ = -1, from_child_ = -1;
  pid_t child_ = -1;
  std::string error_;
};

// One JSON object: {"ok":true,"peer":PEER,"size":S,"round_trips":N,"elapsed_ns":..,
// "latency_ns":{...},"samples_ns":[...]} (samples only if `samples`), or ok false and the error.
std::string ToJson(const std::string& peer, size_t size, const PingResult& r, bool samples);
std::string ToText(const std::string& peer, size_t size, const PingResult& r);

}  // namespace tandem_vchan

#endif  // TANDEM_VCHAN_ROUND_TRIP_H_
