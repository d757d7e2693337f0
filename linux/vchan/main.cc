// tandem-vchan: round trips over libxenvchan between two domains, the peer Tandem's channel is
// compared with (evaluation P2, docs/evaluation.md), and over a pipe pair in one domain (the
// loopback floor). `serve` runs in the domain that offers the vchan (a Linux domU), `ping` in
// the one that connects (dom0), `pipe` anywhere. See docs/tandemctl.md, "tandem-vchan".
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

extern "C" {
#include <libxenvchan.h>
#include <xenstore.h>
}

#include "round_trip.h"

namespace {

constexpr const char* kProgram = "tandem-vchan";
// Exit statuses (the footer of --help says the same).
constexpr int kExitFailed = 1, kExitUsage = 2, kExitNoServer = 3, kExitXen = 8;

// A blocking libxenvchan connection (either end).
class VchanLink : public tandem_vchan::Link {
 public:
  explicit VchanLink(libxenvchan* ctrl) : ctrl_(ctrl) { ctrl_->blocking = 1; }
  ~VchanLink() override { libxenvchan_close(ctrl_); }
  VchanLink(const VchanLink&) = delete;
  VchanLink& operator=(const VchanLink&) = delete;

  bool Send(const uint8_t* data, size_t size) override {
    if (libxenvchan_send(ctrl_, data, size) == static_cast<int>(size)) return true;
    error_ = "libxenvchan_send failed (the peer closed the vchan?)";
    return false;
  }
  bool Receive(uint8_t* data, size_t size) override {
    if (libxenvchan_recv(ctrl_, data, size) == static_cast<int>(size)) return true;
    error_ = "libxenvchan_recv failed (the peer closed the vchan?)";
    return false;
  }
  size_t ReceiveSome(uint8_t* data, size_t max) override {
    const int n = libxenvchan_read(ctrl_, data, max);
    if (n > 0) return static_cast<size_t>(n);
    error_ = "the peer closed the vchan";
    return 0;
  }
  std::string error() const override { return error_; }

 private:
  libxenvchan* ctrl_;
  std::string error_;
};

std::string DefaultPath(unsigned domid) {
  return "/local/domain/" + std::to_string(domid) + "/data/tandem-vchan";
}

// This domain's id, as XenStore tells a guest ("domid", relative to its own home).
bool OwnDomid(unsigned* domid, std::string* why) {
  xs_handle* xs = xs_open(0);
  if (xs == nullptr) {
    *why = std::string("cannot open XenStore: ") + strerror(errno) +
           " (not a Xen domain, or xenbus not available)";
    return false;
  }
  unsigned len = 0;
  char* v = static_cast<char*>(xs_read(xs, XBT_NULL, "domid", &len));
  xs_close(xs);
  if (v == nullptr) {
    *why = "XenStore has no \"domid\" for this domain";
    return false;
  }
  *domid = static_cast<unsigned>(strtoul(v, nullptr, 10));
  free(v);
  return true;
}

int Serve(unsigned peer, std::string path, bool once) {
  if (path.empty()) {
    unsigned self = 0;
    std::string why;
    if (!OwnDomid(&self, &why)) {
      std::cerr << kProgram << ": error: " << why << "\n  hint: give --path\n";
      return kExitXen;
    }
    path = DefaultPath(self);
  }
  for (;;) {
    libxenvchan* ctrl =
        libxenvchan_server_init(nullptr, static_cast<int>(peer), path.c_str(), 0, 0);
    if (ctrl == nullptr) {
      std::cerr << kProgram << ": error: libxenvchan_server_init(domain " << peer << ", " << path
                << ") failed: " << strerror(errno)
                << "\n  hint: the path must be writable by this domain (its own "
                   "/local/domain/ID/data), and /dev/xen/gntalloc and /dev/xen/evtchn present "
                   "(modules xen-gntalloc, xen-evtchn)\n";
      return kExitXen;
    }
    std::cout << kProgram << ": serving domain " << peer << " at " << path << std::endl;
    uint64_t bytes = 0;
    {
      VchanLink link(ctrl);
      bytes = tandem_vchan::Echo(link);
    }
    std::cout << kProgram << ": the client left after " << bytes << " bytes" << std::endl;
    if (once) return 0;
  }
}

int Report(const std::string& peer, size_t size, const tandem_vchan::PingResult& r, bool json,
           bool samples) {
  if (json) {
    std::cout << tandem_vchan::ToJson(peer, size, r, samples) << "\n";
  } else if (r.ok) {
    std::cout << tandem_vchan::ToText(peer, size, r);
  }
  if (!r.ok) std::cerr << kProgram << ": error: " << r.error << "\n";
  return r.ok ? 0 : kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "tandem-vchan: round-trip latency over libxenvchan between two domains (the peer of "
      "Tandem's channel in evaluation P2), or over a pipe pair in one domain (the floor)",
      kProgram};
  app.footer(
      "Exit status: 0 ok, 1 a round trip failed (link error or altered echo), 2 usage, "
      "3 no vchan server appeared within --wait-s, 8 Xen (XenStore, grant or event-channel "
      "devices)");
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();

  unsigned serve_peer = 0;
  std::string serve_path;
  bool once = false;
  CLI::App* serve = app.add_subcommand(
      "serve", "offer a vchan to --peer and echo what it sends, client after client");
  serve->add_option("-p,--peer", serve_peer, "the domain allowed to connect")
      ->check(CLI::Range(0u, 32751u));
  serve->add_option("--path", serve_path,
                    "XenStore directory for the ring reference and event channel (default: "
                    "/local/domain/SELF/data/tandem-vchan)");
  serve->add_flag("--once", once, "exit after the first client leaves");

  unsigned domain = 0;
  std::string path;
  uint64_t n = 1000, warmup = 10;
  size_t size = 64;
  double wait_s = 60;
  bool json = false, samples = false;
  CLI::App* ping = app.add_subcommand("ping", "connect to a vchan server and time round trips");
  ping->add_option("-d,--domain", domain, "the server's domain id")
      ->required()
      ->check(CLI::Range(1u, 32751u));
  ping->add_option("--path", path,
                   "the server's XenStore directory (default: "
                   "/local/domain/DOMAIN/data/tandem-vchan)");
  ping->add_option("-w,--wait-s", wait_s, "seconds to wait for the server to appear")
      ->check(CLI::Range(0.0, 3600.0));
  CLI::App* pipe = app.add_subcommand(
      "pipe", "time round trips to a forked child over a pipe pair (the loopback floor)");
  for (CLI::App* sub : {ping, pipe}) {
    sub->add_option("-n,--round-trips", n, "timed round trips")
        ->check(CLI::Range(uint64_t{1}, uint64_t{10'000'000}));
    sub->add_option("--warmup", warmup, "untimed round trips first")
        ->check(CLI::Range(uint64_t{0}, uint64_t{1'000'000}));
    sub->add_option("-s,--size", size, "bytes per message")
        ->check(CLI::Range(size_t{1}, tandem_vchan::kMaxMessage));
    sub->add_flag("-j,--json", json, "one JSON object on stdout");
    sub->add_flag("--samples", samples, "with --json: every round trip (samples_ns)")
        ->needs("--json");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << kProgram << ": error: " << e.what() << "\n  hint: run `" << kProgram
              << " --help`\n";
    return kExitUsage;
  }

  if (serve->parsed()) return Serve(serve_peer, serve_path, once);
  if (pipe->parsed()) {
    tandem_vchan::PipeLink link;
    if (!link.Start()) {
      tandem_vchan::PingResult r;
      r.error = link.error();
      return Report("pipe", size, r, json, samples);
    }
    const tandem_vchan::PingResult r =
        tandem_vchan::Ping(link, n, warmup, size, tandem_vchan::MonotonicNs);
    const int child = link.Finish();
    if (r.ok && child != 0) {
      std::cerr << kProgram << ": error: the echo child exited " << child << "\n";
      return kExitFailed;
    }
    return Report("pipe", size, r, json, samples);
  }
  // ping: first whether this is a Xen domain at all (else the wait below would only time out).
  if (xs_handle* xs = xs_open(0)) {
    xs_close(xs);
  } else {
    std::cerr << kProgram << ": error: cannot open XenStore: " << strerror(errno)
              << "\n  hint: run it in a Xen domain (dom0) with xenstored running\n";
    return kExitXen;
  }
  // The server may still be booting: retry until it has published its ring.
  if (path.empty()) path = DefaultPath(domain);
  const uint64_t deadline = tandem_vchan::MonotonicNs() + static_cast<uint64_t>(wait_s * 1e9);
  libxenvchan* ctrl = nullptr;
  while ((ctrl = libxenvchan_client_init(nullptr, static_cast<int>(domain), path.c_str())) ==
         nullptr) {
    if (tandem_vchan::MonotonicNs() >= deadline) {
      std::cerr << kProgram << ": error: no vchan server at " << path << " (domain " << domain
                << ") within " << wait_s << " s: " << strerror(errno)
                << "\n  hint: start `tandem-vchan serve` in that domain; check "
                   "`xenstore-ls "
                << path << "`\n";
      return kExitNoServer;
    }
    usleep(100'000);
  }
  VchanLink link(ctrl);
  return Report("vchan", size, tandem_vchan::Ping(link, n, warmup, size, tandem_vchan::MonotonicNs),
                json, samples);
}
