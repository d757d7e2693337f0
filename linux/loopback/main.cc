// tandem-loopback: a TEST STAND-IN for the RTOS end of the channel, running inside dom0 itself.
// It shares two pages with dom0 (request page writable, response page read-only, through
// libxengnttab's gntshr), allocates an unbound event channel for dom0, runs the channel's real
// Server over them with simulated GPIO pins, and publishes /local/domain/0/data/tandem like the
// RTOS does. tandemctl/tandem-bench `--domain 0` then exercise libtandem on a real Xen (real
// grant mappings, event channels and XenStore) before or without the real RTOS.
// It is not the RTOS: its pins are variables and its statistics describe this process.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <xen/io/xenbus.h>

extern "C" {
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
}

#include <time.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <set>
#include <string>

#include "tandem/channel/boot_id.h"
#include "tandem/channel/ops.h"
#include "tandem/channel/server.h"
#include "tandem/channel/xenstore_keys.h"

namespace {

using tandem::channel::CommandHandler;
using tandem::channel::Op;
using tandem::channel::Request;
using tandem::channel::Response;
using tandem::channel::WireStatus;

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

class EvtchnNotifier final : public tandem::channel::Notifier {
 public:
  EvtchnNotifier(xenevtchn_handle* xce, evtchn_port_t port) : xce_(xce), port_(port) {}
  void Notify() override { (void)xenevtchn_notify(xce_, port_); }

 private:
  xenevtchn_handle* xce_;
  evtchn_port_t port_;
};

class Gpio final : public CommandHandler {
 public:
  explicit Gpio(std::set<uint32_t> exported) : exported_(std::move(exported)) {}
  WireStatus Handle(const Request& q, Response& a) override {
    const uint32_t pin = q.arg[0];
    if (exported_.count(pin) == 0) return WireStatus::kPermissionDenied;
    uint32_t& level = levels_[pin];
    switch (static_cast<Op>(q.op)) {
      case Op::kGpioSet:
        level = q.arg[1];
        break;
      case Op::kGpioGet:
        a.result[0] = level;
        break;
      case Op::kGpioToggle:
        a.result[0] = level ^= 1;
        break;
      case Op::kGpioConfigure:
        if (q.arg[1] == 1) level = q.arg[2];
        break;
      default:
        return WireStatus::kNotSupported;
    }
    return WireStatus::kOk;
  }

 private:
  std::set<uint32_t> exported_;
  uint32_t levels_[tandem::channel::kGpioMaxPin + 1] = {};
};

// One "task": this process's server passes (activations); no deadlines, so no misses.
class Stats final : public CommandHandler {
 public:
  WireStatus Handle(const Request& q, Response& a) override {
    if (q.arg[0] != 0) return WireStatus::kBadArgument;
    a.result[0] = passes;
    a.result[3] = 1;
    if ((q.arg[1] & tandem::channel::kTaskStatsReset) != 0) passes = 0;
    static constexpr char kName[] = "loopback";
    // With kTaskStatsExecution (1.5) the name follows the worst execution time: 0, not measured.
    const uint16_t at = (q.arg[1] & tandem::channel::kTaskStatsExecution) != 0
                            ? static_cast<uint16_t>(tandem::channel::kTaskStatsExecutionBytes)
                            : uint16_t{0};
    memset(a.payload, 0, at);
    memcpy(a.payload + at, kName, sizeof(kName) - 1);
    a.payload_len = static_cast<uint16_t>(at + sizeof(kName) - 1);
    return WireStatus::kOk;
  }
  uint32_t passes = 0;
};

bool Publish(xs_handle* xs, const std::string& dir, uint32_t rq, uint32_t rs, uint32_t port,
             uint64_t boot_id) {
  namespace keys = tandem::channel::keys;
  char boot_id_text[tandem::channel::kBootIdTextLength + 1];
  tandem::channel::BootIdToText(boot_id, boot_id_text);
  for (int attempt = 0; attempt < 16; ++attempt) {
    xs_transaction_t t = xs_transaction_start(xs);
    if (t == XBT_NULL) return false;
    const std::pair<const char*, std::string> values[] = {
        {keys::kVersion, std::to_string(tandem::channel::kVersionMajor) + "." +
                             std::to_string(tandem::channel::kVersionMinor)},
        {keys::kRequestRef, std::to_string(rq)},
        {keys::kResponseRef, std::to_string(rs)},
        {keys::kEventChannel, std::to_string(port)},
        {keys::kState, std::to_string(XenbusStateInitWait)},
        {keys::kBootId, boot_id_text},
    };
    bool ok = true;
    for (const auto& [k, v] : values) {
      ok = ok && xs_write(xs, t, (dir + "/" + k).c_str(), v.data(), v.size());
    }
    if (!ok) {
      xs_transaction_end(xs, t, true);
      return false;
    }
    if (xs_transaction_end(xs, t, false)) return true;
    if (errno != EAGAIN) return false;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<uint32_t> pins = {0, 1, 2, 3};
  CLI::App app{
      "tandem-loopback: a test stand-in for the RTOS end of the Tandem channel inside "
      "dom0 (publishes /local/domain/0/data/tandem; use `tandemctl --domain 0`)",
      "tandem-loopback"};
  app.add_option("--pins", pins, "pins exported to Linux (others are refused)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  xs_handle* xs = xs_open(0);
  xenevtchn_handle* xce = xenevtchn_open(nullptr, 0);
  xengntshr_handle* xgs = xengntshr_open(nullptr, 0);
  if (xs == nullptr || xce == nullptr || xgs == nullptr) {
    fprintf(stderr, "tandem-loopback: error: cannot open the Xen libraries (%s)\n",
            strerror(errno));
    return 8;
  }
  uint32_t rq_ref = 0, rs_ref = 0;
  // Request page: Linux writes it; response page: granted read-only (GTF_readonly).
  void* rq = xengntshr_share_pages(xgs, 0, 1, &rq_ref, 1);
  void* rs = xengntshr_share_pages(xgs, 0, 1, &rs_ref, 0);
  const xenevtchn_port_or_error_t port = xenevtchn_bind_unbound_port(xce, 0);
  if (rq == nullptr || rs == nullptr || port < 0) {
    fprintf(stderr, "tandem-loopback: error: cannot share pages or allocate a port (%s)\n",
            strerror(errno));
    return 8;
  }
  EvtchnNotifier notifier(xce, static_cast<evtchn_port_t>(port));
  tandem::channel::Server server(static_cast<const tandem::channel::RequestPage*>(rq),
                                 static_cast<tandem::channel::ResponsePage*>(rs), notifier);
  Gpio gpio(std::set<uint32_t>(pins.begin(), pins.end()));
  Stats stats;
  for (Op op : {Op::kGpioSet, Op::kGpioGet, Op::kGpioToggle, Op::kGpioConfigure}) {
    (void)server.SetHandler(op, &gpio);
  }
  (void)server.SetHandler(Op::kTaskStats, &stats);
  // This process is the "RTOS": each run is a boot. The wall clock in nanoseconds at start
  // differs between any two runs on this machine (tandem-loopback has no CNTPCT to read).
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const uint64_t boot_id = tandem::channel::MakeBootId(
      static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(now.tv_nsec));
  if (server.Init(boot_id) != tandem::channel::ServerStatus::kOk) return 1;
  const std::string dir = std::string("/local/domain/0/") + tandem::channel::keys::kDir;
  if (!Publish(xs, dir, rq_ref, rs_ref, static_cast<uint32_t>(port), boot_id)) {
    fprintf(stderr, "tandem-loopback: error: cannot publish %s (%s)\n", dir.c_str(),
            strerror(errno));
    return 8;
  }
  printf("tandem-loopback: published %s (ring-ref0 %u, ring-ref1 %u, event-channel %d)\n",
         dir.c_str(), rq_ref, rs_ref, port);
  fflush(stdout);
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  uint32_t published_state = XenbusStateInitWait;
  while (!g_stop) {
    pollfd pfd{xenevtchn_fd(xce), POLLIN, 0};
    const int rc = poll(&pfd, 1, 200);
    if (rc > 0) {
      const xenevtchn_port_or_error_t p = xenevtchn_pending(xce);
      if (p >= 0) {
        (void)xenevtchn_unmask(xce, static_cast<evtchn_port_t>(p));
        server.OnNotification();
      }
    }
    // Drain (as the RTOS's server task does after its ISR), also on the timeout: cheap.
    for (;;) {
      ++stats.passes;
      if (!server.Poll().more) break;
    }
    if (static_cast<uint32_t>(server.state()) != published_state) {
      published_state = static_cast<uint32_t>(server.state());
      const std::string v = std::to_string(published_state);
      const std::string state_key = dir + "/" + tandem::channel::keys::kState;
      (void)xs_write(xs, XBT_NULL, state_key.c_str(), v.data(), v.size());
    }
  }
  server.Close();
  xs_rm(xs, XBT_NULL, dir.c_str());
  xenevtchn_unbind(xce, static_cast<evtchn_port_t>(port));
  xengntshr_unshare(xgs, rq, 1);
  xengntshr_unshare(xgs, rs, 1);
  xengntshr_close(xgs);
  xenevtchn_close(xce);
  xs_close(xs);
  printf("tandem-loopback: closed\n");
  return 0;
}
