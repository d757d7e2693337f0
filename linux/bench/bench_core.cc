// tandem-bench measurements. See bench_core.h.
#include "bench_core.h"

#include <sys/resource.h>
#include <sys/time.h>

#include <algorithm>
#include <deque>
#include <iomanip>
#include <sstream>

#include "tandem/channel/ops.h"

namespace tandem_bench {
namespace {

using libtandem::Errc;
using libtandem::Result;

libtandem::Request PingRequest(uint64_t i) {
  return tandem::channel::MakeRequest(tandem::channel::Op::kPing, static_cast<uint32_t>(i),
                                      static_cast<uint32_t>(i >> 32));
}

Result<void> CheckEcho(const libtandem::Response& rsp, uint64_t i) {
  if (rsp.status != 0 || rsp.result[0] != static_cast<uint32_t>(i) ||
      rsp.result[1] != static_cast<uint32_t>(i >> 32)) {
    return libtandem::Fail(Errc::kProtocol,
                           "ping " + std::to_string(i) + " came back wrong (status " +
                               std::to_string(rsp.status) + ")",
                           "the channel mixes up responses; check the RTOS console");
  }
  return {};
}

// CPU time this process used (user + system): what spinning or sleeping costs Linux.
uint64_t ProcessCpuNs() {
  rusage u{};
  if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
  auto ns = [](const timeval& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000 +
           static_cast<uint64_t>(t.tv_usec) * 1000;
  };
  return ns(u.ru_utime) + ns(u.ru_stime);
}

struct Snapshot {
  uint64_t ls, lr, rs, rr, rh, requests, t, cpu;
};
Snapshot Take(libtandem::Session& s) {
  const libtandem::RtosCounters rc = s.ReadRtosCounters();
  return {s.counters().notify_sent,
          s.counters().notify_received,
          rc.notify_sent,
          rc.notify_received,
          rc.hypercalls,
          rc.requests,
          s.xen().NowNs(),
          ProcessCpuNs()};
}
// The RTOS refreshes its page counters at the END of a server pass, after publishing that pass's
// responses: right after the last response they may lag by one pass. Wait (briefly) until they
// account for every request of the phase, or, at the start, until they stop moving.
constexpr uint64_t kSettleStepNs = 1'000'000;
constexpr int kSettleSteps = 200;
Snapshot Settled(libtandem::Session& s) {
  Snapshot a = Take(s);
  for (int i = 0; i < kSettleSteps; ++i) {
    s.xen().SleepNs(kSettleStepNs);
    const Snapshot b = Take(s);
    if (b.rs == a.rs && b.rr == a.rr && b.rh == a.rh && b.requests == a.requests) break;
    a = b;
  }
  a.t = s.xen().NowNs();
  return a;
}
void Finish(libtandem::Session& s, const Snapshot& a, uint64_t n, PhaseResult& r) {
  const uint64_t end = s.xen().NowNs();
  Snapshot b = Take(s);
  for (int i = 0; i < kSettleSteps && b.requests - a.requests < n; ++i) {
    s.xen().SleepNs(kSettleStepNs);
    b = Take(s);
  }
  r.elapsed_ns = end - a.t;
  r.linux_cpu_ns = ProcessCpuNs() - a.cpu;
  r.linux_notify_sent = b.ls - a.ls;
  r.linux_notify_received = b.lr - a.lr;
  r.rtos_notify_sent = b.rs - a.rs;
  r.rtos_notify_received = b.rr - a.rr;
  r.rtos_hypercalls = b.rh - a.rh;
}

std::string Us(uint64_t ns) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(1) << static_cast<double>(ns) / 1000.0;
  return o.str();
}
std::string Ratio(double x) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(4) << x;
  return o.str();
}

}  // namespace

Percentiles Summarize(std::vector<uint64_t>& samples) {
  Percentiles p;
  if (samples.empty()) return p;
  std::sort(samples.begin(), samples.end());
  auto rank = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(samples.size()) + 0.999999);
    return samples[std::clamp<size_t>(i, 1, samples.size()) - 1];
  };
  p.min_ns = samples.front();
  p.max_ns = samples.back();
  p.p50_ns = rank(0.50);
  p.p90_ns = rank(0.90);
  p.p99_ns = rank(0.99);
  double sum = 0;
  for (uint64_t s : samples) sum += static_cast<double>(s);
  p.mean_ns = sum / static_cast<double>(samples.size());
  return p;
}

Result<PhaseResult> RunIsolated(libtandem::Session& s, uint64_t n, uint64_t timeout_ns) {
  PhaseResult r;
  r.name = "isolated";
  std::vector<uint64_t> lat;
  lat.reserve(n);
  const Snapshot start = Settled(s);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t t0 = s.xen().NowNs();
    Result<libtandem::Response> rsp = s.Call(PingRequest(i), timeout_ns);
    LIBTANDEM_TRY(rsp);
    lat.push_back(s.xen().NowNs() - t0);
    LIBTANDEM_TRY(CheckEcho(rsp.value(), i));
  }
  Finish(s, start, n, r);
  r.commands = n;
  r.latency = Summarize(lat);
  r.samples_ns = std::move(lat);
  return r;
}

Result<PhaseResult> RunStorm(libtandem::Session& s, uint64_t n, uint64_t timeout_ns) {
  PhaseResult r;
  r.name = "storm";
  r.unit = "notification";
  const Snapshot start = Settled(s);
  for (uint64_t i = 0; i < n; ++i) LIBTANDEM_TRY(s.NotifyRaw());
  const uint64_t t0 = s.xen().NowNs();
  Result<libtandem::Response> rsp = s.Call(PingRequest(n), timeout_ns);
  LIBTANDEM_TRY(rsp);
  std::vector<uint64_t> lat = {s.xen().NowNs() - t0};
  LIBTANDEM_TRY(CheckEcho(rsp.value(), n));
  Finish(s, start, 1, r);
  r.linux_notify_sent += n;  // the Client counts only its own, not the raw ones
  r.commands = n;
  r.latency = Summarize(lat);
  return r;
}

Result<PhaseResult> RunBurst(libtandem::Session& s, uint64_t n, uint64_t timeout_ns) {
  PhaseResult r;
  r.name = "burst";
  struct InFlight {
    uint64_t id, seq, t0;
  };
  std::deque<InFlight> pending;
  std::vector<uint64_t> lat;
  lat.reserve(n);
  const Snapshot start = Settled(s);
  uint64_t submitted = 0;
  while (lat.size() < n) {
    // Fill the ring, publish the batch once (at most one notification for all of it).
    bool queued = false;
    // pending.size() bounds both ring slots and the Client's entries (answered, not yet taken).
    while (submitted < n && pending.size() < tandem::channel::kSlotCount) {
      Result<uint64_t> id = s.Submit(PingRequest(submitted));
      LIBTANDEM_TRY(id);
      pending.push_back({id.value(), submitted, s.xen().NowNs()});
      ++submitted;
      queued = true;
    }
    if (queued) s.Flush();
    bool progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      Result<std::optional<libtandem::Response>> got = s.TryTake(it->id);
      LIBTANDEM_TRY(got);
      if (!got.value()) {
        ++it;
        continue;
      }
      lat.push_back(s.xen().NowNs() - it->t0);
      LIBTANDEM_TRY(CheckEcho(*got.value(), it->seq));
      it = pending.erase(it);
      progress = true;
    }
    if (!progress) LIBTANDEM_TRY(s.WaitProgress(s.xen().NowNs() + timeout_ns));
  }
  Finish(s, start, n, r);
  r.commands = n;
  r.latency = Summarize(lat);
  return r;
}

Result<PhaseResult> RunHostileIndex(libtandem::Session& s, int32_t offset, uint64_t timeout_ns) {
  PhaseResult r;
  r.name = "hostile-index";
  r.unit = "bad index";
  r.has_counters = false;
  const Snapshot start = Settled(s);
  const uint64_t t0 = s.xen().NowNs();
  Result<libtandem::RtosCounters> frozen = s.InjectBadRequestIndex(offset, t0 + timeout_ns);
  LIBTANDEM_TRY(frozen);
  std::vector<uint64_t> lat = {s.xen().NowNs() - t0};
  r.elapsed_ns = lat[0];
  r.commands = 1;
  r.latency = Summarize(lat);
  const libtandem::RtosCounters after = s.ReadRtosCounters();
  r.note = "request index moved " + std::string(offset > 0 ? "+" : "") + std::to_string(offset) +
           " from what was published: the RTOS froze the ring (closing, broken peer; " +
           std::to_string(after.requests - start.requests) +
           " requests consumed meanwhile); left frozen, for the next client to re-open";
  return r;
}

Result<PhaseResult> RunTransactions(libtandem::XenBackend& xen, uint32_t domid, uint64_t n,
                                    uint64_t timeout_ns) {
  PhaseResult r;
  r.name = "transaction";
  r.has_counters = false;
  std::vector<uint64_t> lat;
  lat.reserve(n);
  const uint64_t start = xen.NowNs();
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t t0 = xen.NowNs();
    Result<libtandem::Response> rsp = libtandem::Transact(xen, domid, PingRequest(i), timeout_ns);
    LIBTANDEM_TRY(rsp);
    lat.push_back(xen.NowNs() - t0);
    LIBTANDEM_TRY(CheckEcho(rsp.value(), i));
  }
  r.elapsed_ns = xen.NowNs() - start;
  r.commands = n;
  r.latency = Summarize(lat);
  return r;
}

std::string LatencyJson(const Percentiles& p) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(4) << "{\"min\":" << p.min_ns << ",\"p50\":" << p.p50_ns
    << ",\"p90\":" << p.p90_ns << ",\"p99\":" << p.p99_ns << ",\"max\":" << p.max_ns
    << ",\"mean\":" << p.mean_ns << "}";
  return o.str();
}

std::string LatencyText(const Percentiles& p) {
  return "  latency us: min " + Us(p.min_ns) + "  p50 " + Us(p.p50_ns) + "  p90 " + Us(p.p90_ns) +
         "  p99 " + Us(p.p99_ns) + "  max " + Us(p.max_ns) + "  mean " +
         Us(static_cast<uint64_t>(p.mean_ns)) + "\n";
}

std::string SamplesJson(const std::vector<uint64_t>& samples) {
  std::string s = "[";
  for (size_t i = 0; i < samples.size(); ++i) {
    if (i != 0) s += ",";
    s += std::to_string(samples[i]);
  }
  return s + "]";
}

std::string ToJson(const PhaseResult& r, bool samples) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(4) << "{\"phase\":\"" << r.name << "\",\"unit\":\"" << r.unit
    << "\",\"commands\":" << r.commands << ",\"elapsed_ns\":" << r.elapsed_ns
    << ",\"latency_ns\":" << LatencyJson(r.latency);
  if (samples && !r.samples_ns.empty()) o << ",\"samples_ns\":" << SamplesJson(r.samples_ns);
  if (r.has_counters) o << ",\"linux_cpu_ns\":" << r.linux_cpu_ns;
  if (r.has_counters) {
    o << ",\"linux\":{\"notify_sent\":" << r.linux_notify_sent
      << ",\"notify_received\":" << r.linux_notify_received
      << ",\"notify_sent_per_command\":" << r.PerCommand(r.linux_notify_sent)
      << ",\"notify_received_per_command\":" << r.PerCommand(r.linux_notify_received)
      << "},\"rtos\":{\"notify_sent\":" << r.rtos_notify_sent
      << ",\"notify_received\":" << r.rtos_notify_received
      << ",\"notify_sent_per_command\":" << r.PerCommand(r.rtos_notify_sent)
      << ",\"notify_received_per_command\":" << r.PerCommand(r.rtos_notify_received)
      << ",\"hypercalls\":" << r.rtos_hypercalls
      << ",\"hypercalls_per_command\":" << r.PerCommand(r.rtos_hypercalls) << "}";
  }
  if (!r.note.empty()) o << ",\"note\":\"" << r.note << "\"";  // our own text: no escaping needed
  o << "}";
  return o.str();
}

std::string ToText(const PhaseResult& r) {
  std::ostringstream o;
  const double secs = static_cast<double>(r.elapsed_ns) / 1e9;
  o << r.name << ": " << r.commands << " " << r.unit << (r.commands == 1 ? "" : "s") << " in "
    << std::fixed << std::setprecision(3) << secs * 1000 << " ms";
  if (secs > 0 && r.commands > 1) {
    o << " (" << std::setprecision(0) << static_cast<double>(r.commands) / secs << " " << r.unit
      << "s/s)";
  }
  o << "\n" << LatencyText(r.latency);
  if (!r.note.empty()) o << "  " << r.note << "\n";
  if (!r.has_counters) return o.str();
  o << "  Linux CPU: " << Us(r.linux_cpu_ns) << " us ("
    << Us(r.commands ? r.linux_cpu_ns / r.commands : 0) << " us/" << r.unit << ")\n";
  o << "  Linux notifications: sent " << r.linux_notify_sent << " ("
    << Ratio(r.PerCommand(r.linux_notify_sent)) << "/command), received " << r.linux_notify_received
    << " (" << Ratio(r.PerCommand(r.linux_notify_received))
    << "/command)\n  RTOS notifications:  sent " << r.rtos_notify_sent << " ("
    << Ratio(r.PerCommand(r.rtos_notify_sent)) << "/command), received " << r.rtos_notify_received
    << " (" << Ratio(r.PerCommand(r.rtos_notify_received))
    << "/command)\n  RTOS hypercalls:     " << r.rtos_hypercalls << " ("
    << Ratio(r.PerCommand(r.rtos_hypercalls))
    << "/command; every kind, 0 from an RTOS before protocol 1.4)\n";
  if (r.unit != "command") {  // per-"command" ratios above are per r.unit here
    o << "  (ratios are per " << r.unit << "; latency is the ping sent after them)\n";
  }
  return o.str();
}

}  // namespace tandem_bench
