// tandemctl: command line (CLI11), one command per run, exit status = libtandem::Errc.
#include "cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <thread>

#include "libtandem/commands.h"
#include "libtandem/discovery.h"
#include "libtandem/session.h"
#include "libtandem/trace.h"
#include "output.h"
#include "tandem/channel/boot_id.h"
#include "usage.h"

namespace tandemctl {
namespace {

using libtandem::Errc;
using libtandem::Error;
using libtandem::Result;

// The exit statuses, as every --help lists them: one line per row of libtandem's Errc table.
std::string ExitCodes() {
  std::string text = "Exit status:\n";
  char number[8];
  for (const libtandem::ErrcInfo& row : libtandem::kErrcTable) {
    std::snprintf(number, sizeof(number), "%3u  ", static_cast<unsigned>(row.code));
    text += number;
    text += row.help;
    text += '\n';
  }
  return text + "Documentation: docs/tandemctl.md";
}

struct Options {
  std::string domain;
  libtandem::DomainSelector selector;  // --domain, checked before Xen is opened
  std::string expect_boot_id_text;
  uint64_t expect_boot_id = 0;  // --expect-boot-id, parsed; 0: not given
  bool json = false;
  uint32_t timeout_ms = 2000;
  uint32_t pin = 0;
  uint32_t level = 0;
  std::string direction;
  bool reset = false;
  std::string trace_out;  // trace --out
};

class Runner {
 public:
  Runner(const Options& o, const BackendFactory& open_backend, std::ostream& out, std::ostream& err)
      : o_(o), open_backend_(open_backend), out_(out), err_(err) {}

  int List();
  int Ping();
  int GpioSet();
  int GpioGet();
  int GpioToggle();
  int GpioConfigure();
  int Stats();
  int Trace();

 private:
  int Report(Error e) {
    if (e.code == Errc::kRtosRestarted && session_ != nullptr) {
      const std::string now = libtandem::BootIdText(session_->identity().boot_id);
      e.hint = "it runs boot " + (now.empty() ? std::string("(no boot id)") : now) +
               " now: set again what it lost (pins, ...), then expect that boot (" +
               "--expect-boot-id " + now + ")";
    }
    return ReportError(e, o_.json, out_, err_);
  }
  // Opens Xen, resolves --domain, opens a session; on failure prints and returns the exit code.
  int Connect();
  uint64_t Remaining() const {
    const uint64_t now = xen_->NowNs();
    return deadline_ > now ? deadline_ - now : 0;
  }
  JsonObject Base(const char* command) const {
    JsonObject j;
    j.Add("ok", true).Add("command", command);
    const libtandem::RtosIdentity& rtos = session_->identity();
    j.AddRaw("domain", JsonObject()
                           .Add("id", static_cast<uint64_t>(domain_.domid))
                           .Add("name", domain_.name)
                           .Add("boot_id", libtandem::BootIdText(rtos.boot_id))
                           .Add("generation", uint64_t{rtos.generation})
                           .Render());
    return j;
  }
  std::string Who() const {
    return (domain_.name.empty() ? "domain" : domain_.name) + " (domain " +
           std::to_string(domain_.domid) + ")";
  }
  static const char* LevelName(uint32_t level) { return level ? "high" : "low"; }

  const Options& o_;
  const BackendFactory& open_backend_;
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<libtandem::XenBackend> xen_;
  libtandem::DomainEntry domain_;
  std::unique_ptr<libtandem::Session> session_;
  std::unique_ptr<libtandem::SessionPort> port_;
  uint64_t deadline_ = 0;
};

int Runner::Connect() {
  Result<std::unique_ptr<libtandem::XenBackend>> xen = open_backend_();
  if (!xen.ok()) return Report(xen.error());
  xen_ = std::move(xen.value());
  deadline_ = xen_->NowNs() + uint64_t{o_.timeout_ms} * 1'000'000;
  Result<libtandem::DomainEntry> d = libtandem::ResolveDomain(*xen_, o_.selector);
  if (!d.ok()) return Report(d.error());
  domain_ = d.value();
  // --expect-boot-id: the boot the caller knew. Another boot is reported by the first command
  // (exit 12) before it runs, as a long-lived Session reports a restart.
  libtandem::RtosIdentity expected{domain_.domid, o_.expect_boot_id, 0};
  Result<std::unique_ptr<libtandem::Session>> s = libtandem::Session::Open(
      *xen_, domain_.domid, Remaining(), o_.expect_boot_id != 0 ? &expected : nullptr);
  if (!s.ok()) return Report(s.error());
  session_ = std::move(s.value());
  port_ = std::make_unique<libtandem::SessionPort>(*session_);
  return 0;
}

int Runner::List() {
  Result<std::unique_ptr<libtandem::XenBackend>> xen = open_backend_();
  if (!xen.ok()) return Report(xen.error());
  Result<std::vector<libtandem::DomainEntry>> all = libtandem::ListDomains(*xen.value());
  if (!all.ok()) return Report(all.error());
  if (o_.json) {
    std::vector<std::string> items;
    for (const auto& d : all.value()) {
      items.push_back(JsonObject()
                          .Add("id", static_cast<uint64_t>(d.domid))
                          .Add("name", d.name)
                          .Add("tandem", d.published)
                          .Add("channel", d.channel)
                          .Add("boot_id", libtandem::BootIdText(d.boot_id))
                          .Render());
    }
    out_ << JsonObject()
                .Add("ok", true)
                .Add("command", "list")
                .AddRaw("domains", JsonArray(items))
                .Render()
         << "\n";
    return 0;
  }
  out_ << std::left << std::setw(6) << "ID" << std::setw(24) << "NAME" << std::setw(18)
       << "TANDEM CHANNEL"
       << "BOOT ID\n";
  for (const auto& d : all.value()) {
    const std::string boot_id = libtandem::BootIdText(d.boot_id);
    out_ << std::left << std::setw(6) << d.domid << std::setw(24) << (d.name.empty() ? "-" : d.name)
         << std::setw(18) << (d.published ? d.channel : "-") << (boot_id.empty() ? "-" : boot_id)
         << "\n";
  }
  if (all.value().empty()) out_ << "(no domains other than dom0)\n";
  return 0;
}

int Runner::Ping() {
  if (int rc = Connect()) return rc;
  const uint64_t start = xen_->NowNs();
  Result<void> r = libtandem::Ping(*port_, Remaining());
  if (!r.ok()) return Report(r.error());
  const uint64_t rtt_ns = xen_->NowNs() - start;
  if (o_.json) {
    out_ << Base("ping").Add("rtt_us", rtt_ns / 1000).Render() << "\n";
  } else {
    std::ostringstream ms;
    ms << std::fixed << std::setprecision(3) << static_cast<double>(rtt_ns) / 1e6;
    out_ << "pong from " << Who() << " in " << ms.str() << " ms\n";
  }
  return 0;
}

int Runner::GpioSet() {
  if (int rc = Connect()) return rc;
  Result<void> r = libtandem::GpioSet(*port_, o_.pin, o_.level, Remaining());
  if (!r.ok()) return Report(r.error());
  if (o_.json) {
    out_ << Base("gpio set").Add("pin", uint64_t{o_.pin}).Add("level", uint64_t{o_.level}).Render()
         << "\n";
  } else {
    out_ << "pin " << o_.pin << " set to " << o_.level << " (" << LevelName(o_.level) << ") on "
         << Who() << "\n";
  }
  return 0;
}

int Runner::GpioGet() {
  if (int rc = Connect()) return rc;
  Result<uint32_t> r = libtandem::GpioGet(*port_, o_.pin, Remaining());
  if (!r.ok()) return Report(r.error());
  if (o_.json) {
    out_ << Base("gpio get").Add("pin", uint64_t{o_.pin}).Add("level", uint64_t{r.value()}).Render()
         << "\n";
  } else {
    out_ << "pin " << o_.pin << ": " << r.value() << " (" << LevelName(r.value()) << ")\n";
  }
  return 0;
}

int Runner::GpioToggle() {
  if (int rc = Connect()) return rc;
  Result<uint32_t> r = libtandem::GpioToggle(*port_, o_.pin, Remaining());
  if (!r.ok()) return Report(r.error());
  if (o_.json) {
    out_ << Base("gpio toggle")
                .Add("pin", uint64_t{o_.pin})
                .Add("level", uint64_t{r.value()})
                .Render()
         << "\n";
  } else {
    out_ << "pin " << o_.pin << " toggled: now " << r.value() << " (" << LevelName(r.value())
         << ")\n";
  }
  return 0;
}

int Runner::GpioConfigure() {
  if (int rc = Connect()) return rc;
  const auto dir = o_.direction == "out" ? tandem::channel::GpioDirection::kOutput
                                         : tandem::channel::GpioDirection::kInput;
  // An input has no level: send 0 whatever --level says (the op's unused words must be zero).
  const uint32_t level = o_.direction == "out" ? o_.level : 0;
  Result<void> r = libtandem::GpioConfigure(*port_, o_.pin, dir, level, Remaining());
  if (!r.ok()) return Report(r.error());
  if (o_.json) {
    out_ << Base("gpio configure")
                .Add("pin", uint64_t{o_.pin})
                .Add("direction", o_.direction)
                .Add("level", uint64_t{o_.level})
                .Render()
         << "\n";
  } else {
    out_ << "pin " << o_.pin << " configured as "
         << (o_.direction == "out" ? "output, initial level " + std::to_string(o_.level)
                                   : std::string("input"))
         << "\n";
  }
  return 0;
}

int Runner::Stats() {
  if (int rc = Connect()) return rc;
  Result<std::vector<libtandem::TaskStats>> r = libtandem::GetTaskStats(
      *port_, Remaining(),
      o_.reset ? libtandem::StatsMode::kReadAndReset : libtandem::StatsMode::kRead);
  if (!r.ok()) return Report(r.error());
  const libtandem::RtosCounters rtos = session_->ReadRtosCounters();
  if (o_.json) {
    std::vector<std::string> tasks;
    for (const auto& t : r.value()) {
      JsonObject task;
      task.Add("index", uint64_t{t.index})
          .Add("name", t.name)
          .Add("activations", uint64_t{t.activations})
          .Add("deadline_misses", uint64_t{t.deadline_misses})
          .Add("worst_response_us", uint64_t{t.worst_response_us});
      // Absent from an RTOS before protocol 1.5, which does not report it.
      if (t.worst_execution_us) task.Add("worst_execution_us", uint64_t{*t.worst_execution_us});
      tasks.push_back(task.Render());
    }
    const std::string channel = JsonObject()
                                    .Add("requests", rtos.requests)
                                    .Add("rejected", rtos.rejected)
                                    .Add("broken", rtos.broken)
                                    .Add("rtos_notify_sent", rtos.notify_sent)
                                    .Add("rtos_notify_received", rtos.notify_received)
                                    .Add("generation", uint64_t{rtos.generation})
                                    .Add("boot_id", libtandem::BootIdText(rtos.boot_id))
                                    .Render();
    out_ << Base("stats")
                .Add("reset", o_.reset)
                .AddRaw("tasks", JsonArray(tasks))
                .AddRaw("channel", channel)
                .Render()
         << "\n";
    return 0;
  }
  out_ << "Tasks of " << Who() << (o_.reset ? " (counters now reset to 0)" : "") << ":\n";
  out_ << std::left << std::setw(6) << "#" << std::setw(20) << "NAME" << std::right << std::setw(12)
       << "ACTIVATIONS" << std::setw(17) << "DEADLINE-MISSES" << std::setw(16) << "WORST-RESP-US"
       << std::setw(16) << "WORST-EXEC-US"
       << "\n";
  auto micros = [](uint32_t us) {
    return us == 0xFFFFFFFF ? std::string(">4294967294") : std::to_string(us);
  };
  for (const auto& t : r.value()) {
    // "-": not measured by the application (0), or an RTOS before protocol 1.5.
    const bool has_execution = t.worst_execution_us && *t.worst_execution_us != 0;
    out_ << std::left << std::setw(6) << t.index << std::setw(20) << (t.name.empty() ? "-" : t.name)
         << std::right << std::setw(12) << t.activations << std::setw(17) << t.deadline_misses
         << std::setw(16) << micros(t.worst_response_us) << std::setw(16)
         << (has_execution ? micros(*t.worst_execution_us) : std::string("-")) << "\n";
  }
  const std::string boot_id = libtandem::BootIdText(rtos.boot_id);
  out_ << "Channel (RTOS side): " << rtos.requests << " requests, " << rtos.rejected
       << " rejected, " << rtos.broken << " broken-peer events, notifications sent "
       << rtos.notify_sent << " / received " << rtos.notify_received << ", generation "
       << rtos.generation << ", boot id "
       << (boot_id.empty() ? std::string("none (protocol 1.2 or older)") : boot_id) << "\n";
  return 0;
}

// `trace --out FILE`: the kernel's scheduling trace as a Chrome JSON trace (docs/trace.md). The
// file is opened before anything is asked of the RTOS, so a path that cannot be written costs no
// freeze; it is removed again if the pull fails. --timeout bounds each of the pull's commands.
int Runner::Trace() {
  std::ofstream file(o_.trace_out, std::ios::out | std::ios::trunc);
  if (!file) {
    const int e = errno;
    return Report(Error{Errc::kUsage,
                        "cannot write the trace file '" + o_.trace_out + "': " + strerror(e),
                        "choose a path in a writable directory (e.g. --out /tmp/trace.json)"});
  }
  auto fail = [&](const Error& e) {
    file.close();
    std::remove(o_.trace_out.c_str());
    return Report(e);
  };
  if (int rc = Connect()) {
    file.close();
    std::remove(o_.trace_out.c_str());
    return rc;
  }
  // Progress for pulls long enough to wait for (two records per round trip), on stderr only.
  uint32_t shown = 0;
  auto progress = [&](uint32_t done, uint32_t total) {
    if (total < 1024 || (done - shown < total / 4 && done != total)) return;
    shown = done;
    err_ << "tandemctl: trace: " << done << "/" << total << " records read\n";
  };
  Result<libtandem::TraceCapture> r =
      libtandem::ReadTrace(*port_, uint64_t{o_.timeout_ms} * 1'000'000, progress);
  if (!r.ok()) return fail(r.error());
  const libtandem::TraceCapture& c = r.value();
  file << libtandem::ChromeTraceJson(
      c, {domain_.domid, (domain_.name.empty() ? "Tandem RT" : domain_.name) + " (domain " +
                             std::to_string(domain_.domid) + ")"});
  file.close();
  if (!file) {
    return fail(Error{Errc::kUsage, "writing the trace file '" + o_.trace_out + "' failed",
                      "is the file system full?"});
  }
  const double span_ms = c.records.size() < 2
                             ? 0.0
                             : static_cast<double>(c.records.back().time - c.records.front().time) *
                                   1e3 / static_cast<double>(c.clock_hz);
  if (o_.json) {
    out_ << Base("trace")
                .Add("file", o_.trace_out)
                .Add("records", uint64_t{c.records.size()})
                .Add("span_us", static_cast<uint64_t>(span_ms * 1000))
                .Add("overwritten", uint64_t{c.overwritten})
                .Add("dropped", uint64_t{c.dropped})
                .Add("tasks", uint64_t{c.tasks.size()})
                .Add("isrs", uint64_t{c.isrs.size()})
                .Render()
         << "\n";
    return 0;
  }
  std::ostringstream span;
  span << std::fixed << std::setprecision(3) << span_ms;
  out_ << "trace of " << Who() << ": " << c.records.size() << " records over " << span.str()
       << " ms (" << c.overwritten << " older ones overwritten, " << c.dropped
       << " not recorded while it was read), " << c.tasks.size() << " tasks, " << c.isrs.size()
       << " ISRs\nwritten to " << o_.trace_out
       << ": open it in https://ui.perfetto.dev (Open trace file) or chrome://tracing\n";
  return 0;
}

void StartWatchdog(uint32_t timeout_ms, bool json) {
  std::thread([timeout_ms, json] {
    std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms + kWatchdogGraceMs));
    const Error e{Errc::kTimeout,
                  "no progress " + std::to_string(timeout_ms + kWatchdogGraceMs) +
                      " ms after the start: a Xen library call did not return",
                  "is xenstored running in dom0 (and xenfs mounted on /proc/xen)?"};
    std::ostringstream out, err;
    ReportError(e, json, out, err);
    const std::string text = out.str() + err.str();
    (void)!write(json ? 1 : 2, text.data(), text.size());
    _exit(static_cast<int>(Errc::kTimeout));
  }).detach();
}

enum class Cmd { kNone, kList, kPing, kSet, kGet, kToggle, kConfigure, kStats, kTrace };

// The options every command takes; `domain` and `expect_boot_id` tell whether they were given.
struct GlobalOptions {
  CLI::Option* domain = nullptr;
  CLI::Option* expect_boot_id = nullptr;
};

GlobalOptions AddGlobalOptions(CLI::App& app, Options& o) {
  app.set_version_flag("--version", std::string("tandemctl ") + TANDEM_VERSION + " (protocol " +
                                        std::to_string(tandem::channel::kVersionMajor) + "." +
                                        std::to_string(tandem::channel::kVersionMinor) + ")");
  GlobalOptions g;
  g.domain = app.add_option("-d,--domain", o.domain,
                            "RTOS domain: an id if all digits (1.." +
                                std::to_string(libtandem::kMaxDomid) +
                                "), else a name (default: the only domain publishing a channel)");
  app.add_flag("-j,--json", o.json, "print one JSON object on stdout (errors too)");
  app.add_option("-t,--timeout", o.timeout_ms,
                 "milliseconds the whole command may take, connection included")
      ->capture_default_str()
      ->check(CLI::Range(1u, 600000u));
  g.expect_boot_id = app.add_option(
      "--expect-boot-id", o.expect_boot_id_text,
      "the RTOS boot (16 hex digits, from `list` or an earlier --json result) the command is "
      "meant for: if the RTOS restarted since, exit 12 without running the command");
  return g;
}

// The subcommands; the one given sets `cmd`.
void AddCommands(CLI::App& app, Options& o, Cmd& cmd) {
  app.require_subcommand(1);
  auto* list = app.add_subcommand("list", "list the domains and whether they publish a channel");
  list->callback([&] { cmd = Cmd::kList; });
  app.add_subcommand("ping", "round trip through the channel (the RTOS echoes)")->callback([&] {
    cmd = Cmd::kPing;
  });
  auto* stats = app.add_subcommand("stats",
                                   "per-task statistics (activations, deadline misses, worst "
                                   "response and execution times) and the RTOS's channel counters");
  stats->add_flag("--reset", o.reset,
                  "show the task statistics, then have the RTOS clear them: the next `stats` "
                  "covers only what happened in between (channel counters are not reset)");
  stats->callback([&] { cmd = Cmd::kStats; });
  auto* gpio = app.add_subcommand("gpio", "GPIO pins the RTOS exports to Linux");
  gpio->require_subcommand(1);
  const auto pin_check = CLI::Range(0u, tandem::channel::kGpioMaxPin);
  auto* set = gpio->add_subcommand("set", "drive an output pin: gpio set <pin> <0|1>");
  set->add_option("pin", o.pin, "pin number")->required()->check(pin_check);
  set->add_option("level", o.level, "0 (low) or 1 (high)")->required()->check(CLI::Range(0u, 1u));
  set->callback([&] { cmd = Cmd::kSet; });
  auto* get = gpio->add_subcommand("get", "read a pin: gpio get <pin>");
  get->add_option("pin", o.pin, "pin number")->required()->check(pin_check);
  get->callback([&] { cmd = Cmd::kGet; });
  auto* toggle = gpio->add_subcommand("toggle", "invert an output pin: gpio toggle <pin>");
  toggle->add_option("pin", o.pin, "pin number")->required()->check(pin_check);
  toggle->callback([&] { cmd = Cmd::kToggle; });
  auto* configure =
      gpio->add_subcommand("configure", "set a pin's direction: gpio configure <pin> in|out");
  configure->add_option("pin", o.pin, "pin number")->required()->check(pin_check);
  configure->add_option("direction", o.direction, "in or out")
      ->required()
      ->check(CLI::IsMember({"in", "out"}));
  configure->add_option("--level", o.level, "initial level of an output (0 or 1)")
      ->check(CLI::Range(0u, 1u));
  configure->callback([&] { cmd = Cmd::kConfigure; });
  auto* trace = app.add_subcommand(
      "trace",
      "pull the RTOS kernel's scheduling trace (task switches, ISRs, alarm expiries, service "
      "calls) into a Chrome JSON trace file for Perfetto (ui.perfetto.dev); --timeout bounds "
      "each command of the pull. Needs an RTOS image built with tracing (docs/trace.md)");
  trace->add_option("-o,--out", o.trace_out, "the file to write (Chrome JSON trace format)")
      ->required();
  trace->callback([&] { cmd = Cmd::kTrace; });
}

// The exit statuses on every command's --help, not only the top level's.
void AddExitStatusFooters(CLI::App& app) {
  const std::string exit_codes = ExitCodes();
  app.footer(exit_codes);
  for (CLI::App* sub : app.get_subcommands({})) {
    sub->footer(exit_codes);
    for (CLI::App* subsub : sub->get_subcommands({})) subsub->footer(exit_codes);
  }
}

// What CLI11 cannot check: --domain's form and --expect-boot-id, parsed into `o`.
Result<void> ParseGlobalOptions(const GlobalOptions& given, Options& o) {
  Result<libtandem::DomainSelector> selector = libtandem::ParseDomainSelector(
      given.domain->count() != 0 ? std::optional<std::string>(o.domain) : std::nullopt);
  LIBTANDEM_TRY(selector);
  o.selector = selector.value();
  if (given.expect_boot_id->count() != 0) {
    o.expect_boot_id =
        tandem::channel::BootIdFromText(o.expect_boot_id_text.data(), o.expect_boot_id_text.size());
    if (o.expect_boot_id == 0) {
      return libtandem::Fail(
          Errc::kUsage,
          "--expect-boot-id '" + o.expect_boot_id_text +
              "' is not a boot id (16 lower-case hex digits, not all zero)",
          "copy it from `tandemctl list` (BOOT ID) or from \"boot_id\" in --json output");
    }
  }
  return {};
}

int RunCommand(Runner& run, Cmd cmd, const Options& o, std::ostream& out, std::ostream& err) {
  try {
    switch (cmd) {
      case Cmd::kList:
        return run.List();
      case Cmd::kPing:
        return run.Ping();
      case Cmd::kSet:
        return run.GpioSet();
      case Cmd::kGet:
        return run.GpioGet();
      case Cmd::kToggle:
        return run.GpioToggle();
      case Cmd::kConfigure:
        return run.GpioConfigure();
      case Cmd::kStats:
        return run.Stats();
      case Cmd::kTrace:
        return run.Trace();
      case Cmd::kNone:
        break;
    }
  } catch (const std::exception& e) {
    return ReportError(Error{Errc::kInternal, std::string("unexpected: ") + e.what(), ""}, o.json,
                       out, err);
  }
  return ReportError(Error{Errc::kUsage, "no command given", "run `tandemctl --help`"}, o.json, out,
                     err);
}

}  // namespace

int RunTandemctl(int argc, const char* const* argv, const BackendFactory& open_backend,
                 std::ostream& out, std::ostream& err, bool watchdog) {
  Options o;
  CLI::App app{
      "tandemctl: talk to the Tandem RT real-time OS from Linux dom0 over its Xen command "
      "channel (grant-mapped ring + event channel)",
      "tandemctl"};
  const GlobalOptions given = AddGlobalOptions(app, o);
  Cmd cmd = Cmd::kNone;
  AddCommands(app, o, cmd);
  AddExitStatusFooters(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    return ReportError(DescribeUsageError(app, e), o.json, out, err);
  }
  Result<void> parsed = ParseGlobalOptions(given, o);
  if (!parsed.ok()) return ReportError(parsed.error(), o.json, out, err);

  // A trace pull is many commands, each bounded by --timeout: the watchdog (for a hung Xen call)
  // allows the longest --timeout there is.
  if (watchdog) StartWatchdog(cmd == Cmd::kTrace ? 600000u : o.timeout_ms, o.json);
  Runner run(o, open_backend, out, err);
  return RunCommand(run, cmd, o, out, err);
}

}  // namespace tandemctl
