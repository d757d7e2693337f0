// tandem-bench's measurements over a libtandem Session: an isolated round trip (one ping in
// flight at a time) and a burst (N pings pipelined through the ring, up to kSlotCount in flight),
// each with latency percentiles and the notifications both sides sent and received per command
// (Linux: the Client's counters; RTOS: the counters it publishes on its response page).
#ifndef TANDEM_BENCH_CORE_H_
#define TANDEM_BENCH_CORE_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "libtandem/session.h"

namespace tandem_bench {

struct Percentiles {
  uint64_t min_ns = 0, p50_ns = 0, p90_ns = 0, p99_ns = 0, max_ns = 0;
  double mean_ns = 0;
};
// Nearest-rank percentiles of `samples` (sorted in place).
Percentiles Summarize(std::vector<uint64_t>& samples);
// {"min":..,"p50":..,"p90":..,"p99":..,"max":..,"mean":..} in ns (the "latency_ns" object).
std::string LatencyJson(const Percentiles& p);
// "  latency us: min .. p50 .. p90 .. p99 .. max .. mean ..\n"
std::string LatencyText(const Percentiles& p);
// [a,b,...]: a JSON array of integers.
std::string SamplesJson(const std::vector<uint64_t>& samples);

struct PhaseResult {
  std::string name;
  uint64_t commands = 0;  // what a phase counts: `unit`s (pings, or bare notifications)
  std::string unit = "command";
  uint64_t elapsed_ns = 0;
  Percentiles latency;
  std::vector<uint64_t> samples_ns;  // isolated: every round trip, sorted (ToJson on request)
  uint64_t linux_notify_sent = 0, linux_notify_received = 0;
  uint64_t rtos_notify_sent = 0, rtos_notify_received = 0;
  uint64_t rtos_hypercalls = 0;  // every kind (ResponsePageHeader::hypercalls)
  uint64_t linux_cpu_ns = 0;     // this process's user + system CPU time in the phase
  bool has_counters = true;      // false for "transaction": each command has its own session
  std::string note;              // what the phase showed, in words (hostile-index)
  double PerCommand(uint64_t n) const { return commands ? static_cast<double>(n) / commands : 0; }
};

// `timeout_ns` bounds each command (isolated) or the progress between two completions (burst).
libtandem::Result<PhaseResult> RunIsolated(libtandem::Session& s, uint64_t n, uint64_t timeout_ns);
libtandem::Result<PhaseResult> RunBurst(libtandem::Session& s, uint64_t n, uint64_t timeout_ns);

// An event storm: `n` bare notifications (nothing new on the ring) as fast as Xen takes them,
// then one ping that must still round-trip. `commands` counts the notifications; the latency is
// the ping's; rtos_notify_received shows how many of them reached the RTOS's server (its port
// stays masked while a batch is drained, so it may count fewer).
libtandem::Result<PhaseResult> RunStorm(libtandem::Session& s, uint64_t n, uint64_t timeout_ns);

// Fault injection (issue 11, point 1): publishes a request producer index `offset` away from
// what the session wrote (kSlotCount + 1: ahead of what was written; -1: backwards), as a buggy
// or hostile client would, and times how long the RTOS takes to freeze the ring (Closing, error
// BrokenPeer). kProtocol if it does not within `timeout_ns`. The ring is left frozen: the next
// client (e.g. `tandemctl ping`) must re-open it without the RTOS restarting.
libtandem::Result<PhaseResult> RunHostileIndex(libtandem::Session& s, int32_t offset,
                                               uint64_t timeout_ns);

// The seed's self-contained transactions: every ping maps, binds, handshakes, sends, awaits,
// unbinds and unmaps (libtandem::Transact). Latency only: each command has its own counters.
libtandem::Result<PhaseResult> RunTransactions(libtandem::XenBackend& xen, uint32_t domid,
                                               uint64_t n, uint64_t timeout_ns);

// `samples`: also "samples_ns" (the isolated phase's every round trip, for a histogram).
std::string ToJson(const PhaseResult& r, bool samples = false);
std::string ToText(const PhaseResult& r);

}  // namespace tandem_bench

#endif  // TANDEM_BENCH_CORE_H_
