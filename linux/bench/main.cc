// tandem-bench: isolated round trips and a pipelined burst through libtandem, on the real Xen
// channel of a Tandem RT domain. See docs/tandemctl.md, "tandem-bench".
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "bench_core.h"
#include "libtandem/discovery.h"

int main(int argc, char** argv) {
  std::string domain;
  uint64_t iterations = 1000, burst = 10000, transactions = 0, storm = 0;
  uint32_t timeout_ms = 2000;
  bool json = false, samples = false;
  std::string hostile;
  std::string signalling = "events";
  uint32_t spin_us = 2000;
  CLI::App app{
      "tandem-bench: round-trip latency and notifications per command over the Tandem "
      "channel (isolated round trips, then a pipelined burst)",
      "tandem-bench"};
  app.footer(
      "Exit status as tandemctl (docs/tandemctl.md): 0 ok, 2 usage, 3 domain not found, "
      "4 not published, 5 version, 6 timeout, 8 Xen, 9 domain down, 10 protocol, 11 busy, "
      "12 the RTOS restarted during the run");
  app.option_defaults()->always_capture_default();
  CLI::Option* domain_option = app.add_option(
      "-d,--domain", domain,
      "RTOS domain: an id if all digits (1.." + std::to_string(libtandem::kMaxDomid) +
          "), else a name (default: the only domain publishing a channel)");
  app.add_option("-n,--iterations", iterations, "isolated round trips")
      ->check(CLI::Range(1u, 10'000'000u));
  app.add_option("-b,--burst", burst, "commands in the burst")->check(CLI::Range(1u, 10'000'000u));
  app.add_option("-T,--transactions", transactions,
                 "also time this many self-contained transactions (map, bind, handshake, ping, "
                 "unbind, unmap each), before the persistent session")
      ->check(CLI::Range(0u, 1'000'000u));
  app.add_option("-S,--storm", storm,
                 "after the burst, send this many bare event-channel notifications (nothing new "
                 "on the ring: a misbehaving client, Xen's XSA-391 class), then one ping that "
                 "must still round-trip")
      ->check(CLI::Range(0u, 100'000'000u));
  app.add_option("--hostile-index", hostile,
                 "last, as a hostile client: publish a request index beyond what was written "
                 "(ahead) or behind it (back), check that the RTOS freezes the ring, and leave "
                 "it frozen: the next client must re-open it (fault injection, issue 11)")
      ->check(CLI::IsMember({"ahead", "back"}));
  app.add_option("--signalling", signalling,
                 "how the session signals (docs/protocol.md, section 5): events = notify only a "
                 "peer that asked (suppression, the default); every = every command notifies "
                 "both ways (the ablation); polled = no notifications in steady state: the RTOS "
                 "reads the ring every millisecond, Linux spins --spin-us before it sleeps")
      ->check(CLI::IsMember({"events", "every", "polled"}));
  app.add_option("--spin-us", spin_us,
                 "polled: microseconds a wait spins on the response ring before it sleeps")
      ->check(CLI::Range(1u, 1'000'000u));
  app.add_option("-t,--timeout", timeout_ms, "milliseconds per command / per burst step")
      ->check(CLI::Range(1u, 600000u));
  app.add_flag("-j,--json", json, "one JSON object on stdout");
  app.add_flag("--samples", samples,
               "with --json: also every isolated round trip (samples_ns), for a histogram")
      ->needs("--json");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "tandem-bench: error: " << e.what() << "\n  hint: run `tandem-bench --help`\n";
    return 2;
  }
  auto fail = [&](const libtandem::Error& e) {
    if (json) {
      std::cout << "{\"ok\":false,\"error\":{\"code\":\"" << libtandem::ErrcName(e.code)
                << "\",\"exit\":" << static_cast<int>(e.code) << "}}\n";
    }
    std::cerr << "tandem-bench: error: " << e.message << "\n";
    if (!e.hint.empty()) std::cerr << "  hint: " << e.hint << "\n";
    return static_cast<int>(e.code);
  };
  // The --domain rule is tandemctl's (docs/tandemctl.md), checked before Xen is opened.
  auto selector = libtandem::ParseDomainSelector(
      domain_option->count() != 0 ? std::optional<std::string>(domain) : std::nullopt);
  if (!selector.ok()) return fail(selector.error());
  auto xen = libtandem::OpenXenBackend();
  if (!xen.ok()) return fail(xen.error());
  auto d = libtandem::ResolveDomain(*xen.value(), selector.value());
  if (!d.ok()) return fail(d.error());
  const uint64_t timeout_ns = uint64_t{timeout_ms} * 1'000'000;
  std::optional<tandem_bench::PhaseResult> tx;
  if (transactions > 0) {
    auto t = tandem_bench::RunTransactions(*xen.value(), d.value().domid, transactions, timeout_ns);
    if (!t.ok()) return fail(t.error());
    tx = t.value();
  }
  libtandem::SessionOptions options;
  options.signalling = signalling == "every"    ? tandem::channel::kSignalEveryCommand
                       : signalling == "polled" ? tandem::channel::kSignalPolled
                                                : tandem::channel::kSignalEventIndices;
  options.spin_ns = uint64_t{spin_us} * 1000;
  auto s = libtandem::Session::Open(*xen.value(), d.value().domid, timeout_ns, nullptr, options);
  if (!s.ok()) return fail(s.error());
  auto iso = tandem_bench::RunIsolated(*s.value(), iterations, timeout_ns);
  if (!iso.ok()) return fail(iso.error());
  auto bur = tandem_bench::RunBurst(*s.value(), burst, timeout_ns);
  if (!bur.ok()) return fail(bur.error());
  std::optional<tandem_bench::PhaseResult> st;
  if (storm > 0) {
    auto r = tandem_bench::RunStorm(*s.value(), storm, timeout_ns);
    if (!r.ok()) return fail(r.error());
    st = r.value();
  }
  std::optional<tandem_bench::PhaseResult> hi;
  if (!hostile.empty()) {
    const int32_t offset =
        hostile == "ahead" ? static_cast<int32_t>(tandem::channel::kSlotCount) + 1 : -1;
    auto r = tandem_bench::RunHostileIndex(*s.value(), offset, timeout_ns);
    if (!r.ok()) return fail(r.error());
    hi = r.value();
  }
  const std::string boot_id = libtandem::BootIdText(s.value()->identity().boot_id);
  if (json) {
    std::cout << "{\"ok\":true,\"domain\":" << d.value().domid << ",\"boot_id\":\"" << boot_id
              << "\",\"signalling\":\"" << signalling << "\",\"phases\":["
              << (tx ? tandem_bench::ToJson(*tx) + "," : "")
              << tandem_bench::ToJson(iso.value(), samples) << ","
              << tandem_bench::ToJson(bur.value()) << (st ? "," + tandem_bench::ToJson(*st) : "")
              << (hi ? "," + tandem_bench::ToJson(*hi) : "") << "]}\n";
  } else {
    std::cout << "tandem-bench on domain " << d.value().domid << " (" << d.value().name
              << ", boot id " << (boot_id.empty() ? "none" : boot_id) << "; signalling "
              << signalling << ")\n"
              << (tx ? tandem_bench::ToText(*tx) : "") << tandem_bench::ToText(iso.value())
              << tandem_bench::ToText(bur.value()) << (st ? tandem_bench::ToText(*st) : "")
              << (hi ? tandem_bench::ToText(*hi) : "");
  }
  return 0;
}
