// channel_bench [--commands N] [--json]
// Runs the command channel between two processes over the host transport (memfd pages, eventfd
// notifications): the child is the RTOS side (a Server answering pings), the parent the Linux
// side. Reports, for an isolated round trip (one command in flight, both sides idle in between)
// and for a burst (N commands pipelined, the ring kept full), the latency or throughput and the
// notifications each side sent per command. Linux's counts come from its Client, the RTOS's
// from the counters it publishes on its (read-only to Linux) response page.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tandem/channel/boot_id.h"
#include "tandem/channel/client.h"
#include "tandem/channel/host/shm_transport.h"
#include "tandem/channel/server.h"
#include "tandem/channel/shared_access.h"

using namespace tandem::channel;  // NOLINT: a benchmark main over one namespace
using tandem::Result;

namespace {

constexpr uint64_t kSecond = 1'000'000'000;

[[noreturn]] void ServeChild(const host::HostChannel& ch) {
  host::Mapping m = host::Mapping::ForRtos(ch.memfd);
  host::EventFdNotifier notifier(ch.to_linux);
  host::EventFdWaiter waiter(ch.to_rtos);
  Server server(m.requests(), m.responses_rw(), notifier);
  // A boot id per run of the stand-in RTOS (the benchmark does not look at it).
  const uint64_t boot_id = MakeBootId(static_cast<uint64_t>(getpid()));
  if (!m.ok() || server.Init(boot_id) != ServerStatus::kOk) _exit(2);
  for (;;) {  // killed by the parent
    if (server.Poll().more) continue;
    if (waiter.WaitForEvent(kSecond)) server.OnNotification();
  }
}

struct Snapshot {
  uint64_t linux_sent, linux_received, rtos_sent, rtos_received;
};

Snapshot Take(const Client& c, const ResponsePage* rsp) {
  return {c.counters().notify_sent, c.counters().notify_received,
          LoadAcquire(&rsp->header.notify_sent), LoadAcquire(&rsp->header.notify_received)};
}

Request Ping(uint32_t v) { return MakeRequest(Op::kPing, v); }

void Fail(const char* what, ClientStatus s) {
  std::fprintf(stderr, "channel_bench: %s: %s\n", what, ClientStatusName(s));
  std::exit(1);
}

// What each phase measured: notification counters before and after, and its figures.
struct Isolated {
  Snapshot before, after;
  std::vector<uint64_t> latency_ns;  // sorted
  double PercentileUs(double p) const {
    return latency_ns[static_cast<size_t>(p * (latency_ns.size() - 1))] / 1000.0;
  }
};
struct Burst {
  Snapshot before, after;
  uint64_t elapsed_ns;
};

// Opens the session with the child's Server, waiting for it to initialise its page.
void Connect(Client& client, host::EventFdWaiter& waiter) {
  Result<void, ClientStatus> c = client.Connect();
  for (int tries = 0; !c.ok() && c.error() == ClientStatus::kPeerNotReady && tries < 5000;
       ++tries) {
    usleep(1000);
    c = client.Connect();
  }
  if (!c.ok()) Fail("connect", c.error());
  if (Result<void, ClientStatus> w = client.WaitConnected(waiter, 5 * kSecond); !w.ok()) {
    Fail("handshake", w.error());
  }
}

// Isolated: wait until the RTOS has re-armed (idle) before each command.
Isolated MeasureIsolated(Client& client, host::Mapping& m, host::EventFdWaiter& waiter,
                         uint32_t n) {
  Isolated iso;
  iso.latency_ns.reserve(n);
  iso.before = Take(client, m.responses());
  for (uint32_t i = 0; i < n; ++i) {
    while (LoadAcquire(&m.responses()->header.req_event) !=
           LoadRelaxed(&m.requests()->header.req_prod) + 1) {
    }
    const uint64_t t0 = waiter.NowNs();
    Result<Response, ClientStatus> r = client.Call(Ping(i), waiter, 5 * kSecond);
    iso.latency_ns.push_back(waiter.NowNs() - t0);
    if (!r.ok()) Fail("isolated call", r.error());
  }
  usleep(10000);  // let the RTOS publish its counters for the last pass
  iso.after = Take(client, m.responses());
  std::sort(iso.latency_ns.begin(), iso.latency_ns.end());
  return iso;
}

// Burst: keep the ring full; flush once per refill.
Burst MeasureBurst(Client& client, host::Mapping& m, host::EventFdWaiter& waiter, uint32_t n) {
  Burst burst;
  burst.before = Take(client, m.responses());
  std::vector<uint64_t> ids;
  uint32_t submitted = 0, completed = 0;
  const uint64_t start = waiter.NowNs();
  while (completed < n) {
    for (; submitted < n; ++submitted) {
      Result<uint64_t, ClientStatus> id = client.Submit(Ping(submitted));
      if (!id.ok()) break;
      ids.push_back(id.value());
    }
    client.Flush();
    client.Poll();
    const uint32_t before = completed;
    for (auto it = ids.begin(); it != ids.end();) {
      Result<Response, ClientStatus> r = client.Take(*it);
      if (!r.ok() && r.error() == ClientStatus::kPending) {
        ++it;
        continue;
      }
      if (!r.ok()) Fail("burst", r.error());
      ++completed;
      it = ids.erase(it);
    }
    if (completed == before && !client.PrepareWait()) {
      if (!waiter.WaitForEvent(5 * kSecond)) Fail("burst", ClientStatus::kTimeout);
      client.OnNotification();
    }
  }
  burst.elapsed_ns = waiter.NowNs() - start;
  usleep(10000);
  burst.after = Take(client, m.responses());
  return burst;
}

void Print(uint32_t n, const Isolated& iso, const Burst& b, bool json) {
  auto per = [&](uint64_t x, uint64_t y) { return static_cast<double>(y - x) / n; };
  const Snapshot &iso0 = iso.before, &iso1 = iso.after, &b0 = b.before, &b1 = b.after;
  auto pct = [&](double p) { return iso.PercentileUs(p); };
  if (json) {
    std::printf(
        "{\"commands\": %u, \"isolated\": {\"p50_us\": %.2f, \"p99_us\": %.2f, \"max_us\": %.2f, "
        "\"linux_sent\": %.4f, \"rtos_sent\": %.4f, \"linux_received\": %.4f, "
        "\"rtos_received\": %.4f}, \"burst\": {\"commands_per_s\": %.0f, \"linux_sent\": %.4f, "
        "\"rtos_sent\": %.4f, \"linux_received\": %.4f, \"rtos_received\": %.4f}}\n",
        n, pct(0.5), pct(0.99), pct(1.0), per(iso0.linux_sent, iso1.linux_sent),
        per(iso0.rtos_sent, iso1.rtos_sent), per(iso0.linux_received, iso1.linux_received),
        per(iso0.rtos_received, iso1.rtos_received), n * 1e9 / b.elapsed_ns,
        per(b0.linux_sent, b1.linux_sent), per(b0.rtos_sent, b1.rtos_sent),
        per(b0.linux_received, b1.linux_received), per(b0.rtos_received, b1.rtos_received));
    return;
  }
  std::printf("channel_bench: %u commands, two processes over memfd + eventfd\n", n);
  std::printf("isolated round trip: p50 %.1f us, p99 %.1f us, max %.1f us\n", pct(0.5), pct(0.99),
              pct(1.0));
  std::printf(
      "  notifications per command: Linux sent %.3f received %.3f, RTOS sent %.3f "
      "received %.3f\n",
      per(iso0.linux_sent, iso1.linux_sent), per(iso0.linux_received, iso1.linux_received),
      per(iso0.rtos_sent, iso1.rtos_sent), per(iso0.rtos_received, iso1.rtos_received));
  std::printf("burst: %.0f commands/s\n", n * 1e9 / b.elapsed_ns);
  std::printf(
      "  notifications per command: Linux sent %.4f received %.4f, RTOS sent %.4f "
      "received %.4f\n",
      per(b0.linux_sent, b1.linux_sent), per(b0.linux_received, b1.linux_received),
      per(b0.rtos_sent, b1.rtos_sent), per(b0.rtos_received, b1.rtos_received));
}

}  // namespace

int main(int argc, char** argv) {
  uint32_t n = 10000;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--commands") && i + 1 < argc) {
      n = static_cast<uint32_t>(std::stoul(argv[++i]));
    } else if (!std::strcmp(argv[i], "--json")) {
      json = true;
    } else {
      std::fprintf(stderr, "usage: channel_bench [--commands N] [--json]\n");
      return 2;
    }
  }
  host::HostChannel ch;
  if (!ch.Create()) {
    std::perror("channel_bench: memfd/eventfd");
    return 1;
  }
  const pid_t child = fork();
  if (child == 0) ServeChild(ch);
  host::Mapping m = host::Mapping::ForLinux(ch.memfd);
  host::EventFdNotifier notifier(ch.to_rtos);
  host::EventFdWaiter waiter(ch.to_linux);
  Client client(m.requests(), m.responses(), notifier);
  Connect(client, waiter);
  const Isolated iso = MeasureIsolated(client, m, waiter, n);
  const Burst burst = MeasureBurst(client, m, waiter, n);
  client.Disconnect();
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  Print(n, iso, burst, json);
  return 0;
}
