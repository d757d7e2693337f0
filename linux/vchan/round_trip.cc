// tandem-vchan's measurement. See round_trip.h.
#include "round_trip.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <iomanip>
#include <sstream>

namespace tandem_vchan {
namespace {

void Stamp(uint8_t* msg, size_t size, uint64_t seq) {
  for (size_t i = 0; i < size; ++i) msg[i] = static_cast<uint8_t>(seq >> (8 * (i % 8)));
}

// Writes or reads all of `size` bytes, through short transfers and EINTR.
bool WriteAll(int fd, const uint8_t* p, size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}
bool ReadAll(int fd, uint8_t* p, size_t size) {
  while (size > 0) {
    const ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

uint64_t MonotonicNs() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(t.tv_nsec);
}

uint64_t Echo(Link& link) {
  uint8_t msg[kMaxMessage];
  uint64_t echoed = 0;
  for (size_t n; (n = link.ReceiveSome(msg, sizeof msg)) > 0 && link.Send(msg, n);) echoed += n;
  return echoed;
}

PingResult Ping(Link& link, uint64_t n, uint64_t warmup, size_t size,
                const std::function<uint64_t()>& now_ns) {
  PingResult r;
  uint8_t out[kMaxMessage], in[kMaxMessage];
  r.samples_ns.reserve(n);
  uint64_t start = now_ns();
  for (uint64_t seq = 0; seq < warmup + n; ++seq) {
    if (seq == warmup) start = now_ns();
    Stamp(out, size, seq);
    const uint64_t t0 = now_ns();
    if (!link.Send(out, size) || !link.Receive(in, size)) {
      r.error = "round trip " + std::to_string(seq) + ": " + link.error();
      return r;
    }
    const uint64_t t1 = now_ns();
    if (memcmp(in, out, size) != 0) {
      r.error = "round trip " + std::to_string(seq) + ": the echo differs from what was sent";
      return r;
    }
    if (seq >= warmup) r.samples_ns.push_back(t1 - t0);
  }
  r.elapsed_ns = now_ns() - start;
  r.round_trips = n;
  r.latency = tandem_bench::Summarize(r.samples_ns);
  r.ok = true;
  return r;
}

PipeLink::~PipeLink() { Finish(); }

bool PipeLink::Start() {
  int down[2], up[2];
  if (pipe(down) != 0) {
    error_ = std::string("pipe: ") + strerror(errno);
    return false;
  }
  if (pipe(up) != 0) {
    error_ = std::string("pipe: ") + strerror(errno);
    close(down[0]);
    close(down[1]);
    return false;
  }
  child_ = fork();
  if (child_ < 0) {
    error_ = std::string("fork: ") + strerror(errno);
    for (int fd : {down[0], down[1], up[0], up[1]}) close(fd);
    return false;
  }
  if (child_ == 0) {  // the echo end: the same Echo as a vchan server, over the other ends
    close(down[1]);
    close(up[0]);
    to_child_ = up[1];      // its "send"
    from_child_ = down[0];  // its "receive"
    Echo(*this);
    _exit(0);
  }
  close(down[0]);
  close(up[1]);
  to_child_ = down[1];
  from_child_ = up[0];
  return true;
}

bool PipeLink::Send(const uint8_t* data, size_t size) {
  if (WriteAll(to_child_, data, size)) return true;
  error_ = std::string("writing to the echo child: ") + (errno ? strerror(errno) : "closed");
  return false;
}

bool PipeLink::Receive(uint8_t* data, size_t size) {
  errno = 0;
  if (ReadAll(from_child_, data, size)) return true;
  error_ = std::string("reading from the echo child: ") +
           (errno ? strerror(errno) : "it closed its end (exited)");
  return false;
}

size_t PipeLink::ReceiveSome(uint8_t* data, size_t max) {
  for (;;) {
    const ssize_t n = read(from_child_, data, max);
    if (n > 0) return static_cast<size_t>(n);
    if (n < 0 && errno == EINTR) continue;
    error_ = n == 0 ? "the other end closed" : std::string("read: ") + strerror(errno);
    return 0;
  }
}

int PipeLink::Finish() {
  if (to_child_ >= 0) close(to_child_);
  if (from_child_ >= 0) close(from_child_);
  to_child_ = from_child_ = -1;
  if (child_ <= 0) return 0;
  int status = 0;
  while (waitpid(child_, &status, 0) < 0 && errno == EINTR) {
  }
  child_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ToJson(const std::string& peer, size_t size, const PingResult& r, bool samples) {
  std::ostringstream o;
  o << "{\"ok\":" << (r.ok ? "true" : "false") << ",\"peer\":\"" << peer << "\",\"size\":" << size;
  if (!r.ok) {
    // Our own text: quotes and backslashes are the only characters that need escaping.
    std::string e;
    for (char c : r.error) {
      if (c == '"' || c == '\\') e += '\\';
      e += c;
    }
    o << ",\"error\":\"" << e << "\"}";
    return o.str();
  }
  o << ",\"round_trips\":" << r.round_trips << ",\"elapsed_ns\":" << r.elapsed_ns
    << ",\"latency_ns\":" << tandem_bench::LatencyJson(r.latency);
  if (samples) o << ",\"samples_ns\":" << tandem_bench::SamplesJson(r.samples_ns);
  o << "}";
  return o.str();
}

std::string ToText(const std::string& peer, size_t size, const PingResult& r) {
  std::ostringstream o;
  o << peer << ": " << r.round_trips << " round trips of " << size << " bytes in " << std::fixed
    << std::setprecision(3) << static_cast<double>(r.elapsed_ns) / 1e6 << " ms\n"
    << tandem_bench::LatencyText(r.latency);
  return o.str();
}

}  // namespace tandem_vchan
