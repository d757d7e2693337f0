// tandemctl: command line (CLI11), one command per run, exit status = libtandem::Errc.
#include "cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <sstream>
#include <thread>

#include "libtandem/app_commands.h"
#include "libtandem/commands.h"
#include "libtandem/discovery.h"
#include "libtandem/events.h"
#include "libtandem/link.h"
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
  // call
  std::string call_name;
  std::vector<std::string> call_args;
  std::string payload_file;  // "-": stdin
  // watch
  std::string kinds = "default";
  uint64_t count = 0;        // 0: no limit
  uint32_t duration_ms = 0;  // 0: until interrupted
  bool direct = false;       // --direct: never through tandemd
  bool verbose = false;      // --verbose: say which way the command went
  std::string socket_dir = libtandem::daemon::kDefaultSocketDir;
  std::string trace_out;  // trace --out
};

// Set by SIGINT/SIGTERM while `watch` runs: it stops and prints its summary.
volatile std::sig_atomic_t g_stop_watching = 0;
void StopWatching(int) { g_stop_watching = 1; }

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
  int Commands();
  int Call();
  int Watch();
  int Trace();

 private:
  Result<std::vector<uint8_t>> ReadPayload() const;
  void PrintEvent(const tandem::channel::Event& e, const std::vector<libtandem::AppEventInfo>& app);
  int Report(Error e) {
    if (e.code == Errc::kRtosRestarted && link_ && link_->session() != nullptr) {
      const std::string now = libtandem::BootIdText(link_->session()->identity().boot_id);
      e.hint = "it runs boot " + (now.empty() ? std::string("(no boot id)") : now) +
               " now: set again what it lost (pins, ...), then expect that boot (" +
               "--expect-boot-id " + now + ")";
    }
    return ReportError(e, o_.json, out_, err_);
  }
  // Opens Xen, resolves --domain, goes through tandemd or opens a session (libtandem::Link);
  // on failure prints and returns the exit code.
  int Connect();
  // The link's clock (Xen's when open: tests script it); 0 before Connect.
  uint64_t Now() const { return link_ ? link_->NowNs() : 0; }
  uint64_t Remaining() const {
    const uint64_t now = Now();
    return deadline_ > now ? deadline_ - now : 0;
  }
  // The RTOS's channel counters, from the session or through tandemd.
  Result<libtandem::RtosCounters> RtosCounters() { return link_->ReadRtosCounters(Remaining()); }
  JsonObject Base(const char* command) const {
    JsonObject j;
    j.Add("ok", true).Add("command", command);
    const libtandem::RtosIdentity& rtos = link_->identity();
    j.AddRaw("domain", JsonObject()
                           .Add("id", static_cast<uint64_t>(domain_.domid))
                           .Add("name", domain_.name)
                           .Add("boot_id", libtandem::BootIdText(rtos.boot_id))
                           .Add("generation", uint64_t{rtos.generation})
                           .Render());
    j.Add("via", link_->via());
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
  std::unique_ptr<libtandem::Link> link_;
  libtandem::DomainEntry domain_;
  libtandem::CommandPort* port_ = nullptr;  // link_'s
  uint64_t deadline_ = 0;
};

int Runner::Connect() {
  libtandem::LinkOptions options;
  options.direct = o_.direct;
  options.socket_dir = o_.socket_dir;
  options.expect_boot_id = o_.expect_boot_id;
  if (o_.verbose)
    options.verbose = [this](const std::string& line) { err_ << "tandemctl: " << line << "\n"; };
  const uint64_t timeout = uint64_t{o_.timeout_ms} * 1'000'000;
  Result<std::unique_ptr<libtandem::Link>> link =
      libtandem::Link::Open(open_backend_(), o_.selector, options, timeout);
  if (!link.ok()) return Report(link.error());
  link_ = std::move(link.value());
  deadline_ = link_->opened_at_ns() + timeout;  // the open counts, as it did in the timeout
  domain_ = link_->domain();
  port_ = &link_->port();
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
  const uint64_t start = Now();
  Result<void> r = libtandem::Ping(*port_, Remaining());
  if (!r.ok()) return Report(r.error());
  const uint64_t rtt_ns = Now() - start;
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
  Result<libtandem::RtosCounters> counters = RtosCounters();
  if (!counters.ok()) return Report(counters.error());
  const libtandem::RtosCounters rtos = counters.value();
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

int Runner::Commands() {
  if (int rc = Connect()) return rc;
  Result<std::vector<libtandem::AppCommandInfo>> table =
      libtandem::ListAppCommands(*port_, Remaining());
  if (!table.ok()) return Report(table.error());
  Result<std::vector<libtandem::AppEventInfo>> events =
      libtandem::ListAppEvents(*port_, Remaining());
  if (!events.ok()) return Report(events.error());
  if (o_.json) {
    std::vector<std::string> items;
    for (const auto& c : table.value()) {
      std::vector<std::string> args;
      for (size_t i = 0; i < c.arg_names.size(); ++i) {
        args.push_back(JsonObject()
                           .Add("name", c.arg_names[i])
                           .Add("min", uint64_t{c.arg_min[i]})
                           .Add("max", uint64_t{c.arg_max[i]})
                           .Render());
      }
      items.push_back(JsonObject()
                          .Add("name", c.name)
                          .Add("op", uint64_t{c.op})
                          .Add("summary", c.summary)
                          .AddRaw("args", JsonArray(args))
                          .Add("results", uint64_t{c.result_count})
                          .Add("payload_max", uint64_t{c.payload_max})
                          .Render());
    }
    std::vector<std::string> kinds;
    for (const auto& k : libtandem::EventKindNames(events.value())) {
      kinds.push_back(JsonObject().Add("name", k.name).Add("kind", uint64_t{k.kind}).Render());
    }
    out_ << Base("commands")
                .AddRaw("commands", JsonArray(items))
                .AddRaw("events", JsonArray(kinds))
                .Render()
         << "\n";
    return 0;
  }
  out_ << "Application commands of " << Who() << " (tandemctl call NAME ARGS...):\n";
  if (table.value().empty()) out_ << "  (none)\n";
  for (const auto& c : table.value()) {
    std::string usage = c.name;
    for (size_t i = 0; i < c.arg_names.size(); ++i) {
      usage += " <" + c.arg_names[i] + " " + std::to_string(c.arg_min[i]) + ".." +
               std::to_string(c.arg_max[i]) + ">";
    }
    if (c.payload_max != 0) usage += " [--payload <=" + std::to_string(c.payload_max) + " bytes]";
    out_ << "  " << std::left << std::setw(40) << usage << " " << c.summary << "\n";
  }
  out_ << "Event kinds (tandemctl watch --kinds NAME,...):";
  for (const auto& k : libtandem::EventKindNames(events.value())) out_ << " " << k.name;
  out_ << "\n";
  return 0;
}

Result<std::vector<uint8_t>> Runner::ReadPayload() const {
  std::vector<uint8_t> bytes;
  if (o_.payload_file.empty()) return bytes;
  if (o_.payload_file == "-") {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return bytes;
  }
  std::ifstream in(o_.payload_file, std::ios::binary);
  if (!in) {
    return libtandem::Fail(Errc::kUsage, "cannot read --payload file '" + o_.payload_file + "'",
                           "give a readable file, or - for standard input");
  }
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return bytes;
}

std::string HexBytes(const std::vector<uint8_t>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

int Runner::Call() {
  Result<std::vector<uint8_t>> payload = ReadPayload();
  if (!payload.ok()) return Report(payload.error());
  if (int rc = Connect()) return rc;
  Result<std::vector<libtandem::AppCommandInfo>> table =
      libtandem::ListAppCommands(*port_, Remaining());
  if (!table.ok()) return Report(table.error());
  Result<libtandem::AppCommandInfo> command =
      libtandem::FindAppCommand(table.value(), o_.call_name);
  if (!command.ok()) return Report(command.error());
  const libtandem::AppCommandInfo& c = command.value();
  std::vector<uint32_t> args;
  for (size_t i = 0; i < o_.call_args.size(); ++i) {
    if (i >= c.arg_names.size()) {
      args.push_back(0);  // too many: CallAppCommand says how many it takes
      continue;
    }
    Result<uint32_t> a = libtandem::ParseAppArgument(c, i, o_.call_args[i]);
    if (!a.ok()) return Report(a.error());
    args.push_back(a.value());
  }
  Result<libtandem::AppCallResult> r =
      libtandem::CallAppCommand(*port_, c, args, payload.value(), Remaining());
  if (!r.ok()) return Report(r.error());
  if (o_.json) {
    std::vector<std::string> results;
    for (uint32_t v : r.value().results) results.push_back(std::to_string(v));
    out_ << Base("call")
                .Add("name", c.name)
                .AddRaw("results", JsonArray(results))
                .Add("payload_hex", HexBytes(r.value().payload))
                .Render()
         << "\n";
    return 0;
  }
  out_ << c.name << ": ok";
  for (size_t i = 0; i < r.value().results.size(); ++i) {
    out_ << (i == 0 ? ", results" : "") << " " << r.value().results[i];
  }
  if (!r.value().payload.empty()) {
    out_ << ", payload " << r.value().payload.size() << " bytes " << HexBytes(r.value().payload);
  }
  out_ << "\n";
  return 0;
}

void Runner::PrintEvent(const tandem::channel::Event& e,
                        const std::vector<libtandem::AppEventInfo>& app) {
  const libtandem::EventView v = libtandem::DescribeEvent(e, app);
  if (o_.json) {
    JsonObject j;
    j.Add("event", v.kind).Add("time_us", e.time_us);
    for (const auto& [name, value] : v.numbers) j.Add(name, value);
    for (const auto& [name, value] : v.texts) j.Add(name, value);
    if (!v.raw_hex.empty()) j.Add("data_hex", v.raw_hex);
    out_ << j.Render() << "\n";
  } else {
    std::ostringstream t;
    t << std::fixed << std::setprecision(6) << static_cast<double>(e.time_us) / 1e6;
    out_ << t.str() << " " << v.kind;
    for (const auto& [name, value] : v.numbers) out_ << " " << name << "=" << value;
    for (const auto& [name, value] : v.texts) out_ << " " << name << "=" << value;
    if (!v.raw_hex.empty()) out_ << " data=" << v.raw_hex;
    out_ << "\n";
  }
  out_.flush();  // a reader piping us sees each event as it comes
}

int Runner::Watch() {
  if (int rc = Connect()) return rc;
  Result<std::vector<libtandem::AppEventInfo>> app = libtandem::ListAppEvents(*port_, Remaining());
  if (!app.ok()) return Report(app.error());
  // By default every kind but task-state, which comes at the scheduling rate (ask for it).
  std::string kinds = o_.kinds;
  if (kinds == "default") {
    kinds = "deadline-miss";
    for (const auto& a : app.value()) kinds += "," + a.name;
  }
  Result<uint64_t> mask = libtandem::ParseEventKinds(kinds, app.value());
  if (!mask.ok()) return Report(mask.error());
  // Directly, or through tandemd (which subscribes its session for all its clients).
  auto dropped_now = [&] { return link_->events_dropped(); };
  Result<void> sub = link_->SubscribeEvents(mask.value(), Remaining());
  if (!sub.ok()) return Report(sub.error());
  {  // on stderr in both modes: a script waits for this line before it makes events happen
    err_ << "tandemctl: watching " << kinds << " on " << Who()
         << (o_.count ? ", until " + std::to_string(o_.count) + " events" : std::string())
         << (o_.duration_ms ? ", for " + std::to_string(o_.duration_ms) + " ms" : std::string())
         << " (Ctrl-C ends)\n";
  }
  g_stop_watching = 0;
  std::signal(SIGINT, StopWatching);
  std::signal(SIGTERM, StopWatching);
  const uint64_t start = Now();
  const uint64_t end = o_.duration_ms ? start + uint64_t{o_.duration_ms} * 1'000'000 : UINT64_MAX;
  const uint64_t dropped_at_start = dropped_now();
  uint64_t dropped_seen = dropped_at_start;
  uint64_t received = 0;
  int rc = 0;
  while (!g_stop_watching && (o_.count == 0 || received < o_.count)) {
    const uint64_t now = Now();
    if (now >= end) break;
    // Short slices, so that Ctrl-C and --duration are honoured promptly.
    const uint64_t slice = std::min<uint64_t>(end - now, 200'000'000);
    Result<std::vector<tandem::channel::Event>> got = link_->WaitEvents(slice);
    if (!got.ok()) {
      rc = Report(got.error());
      break;
    }
    for (const auto& e : got.value()) {
      if (o_.count != 0 && received == o_.count) break;
      PrintEvent(e, app.value());
      ++received;
    }
    const uint64_t dropped = dropped_now();
    if (dropped != dropped_seen) {  // said as it happens, not only at the end
      if (o_.json) {
        out_ << JsonObject()
                    .Add("event", "dropped")
                    .Add("count", dropped - dropped_seen)
                    .Add("total", dropped - dropped_at_start)
                    .Render()
             << "\n";
      } else {
        out_ << "(" << dropped - dropped_seen << " events dropped by the RTOS: its ring was full; "
             << dropped - dropped_at_start << " since watch started)\n";
      }
      out_.flush();
      dropped_seen = dropped;
    }
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (rc != 0) return rc;
  const uint64_t dropped = dropped_now() - dropped_at_start;
  if (o_.json) {
    out_ << Base("watch")
                .Add("events", received)
                .Add("dropped", dropped)
                .Add("resyncs", link_->events_resyncs())
                .Render()
         << "\n";
  } else {
    err_ << "tandemctl: " << received << " events, " << dropped
         << " dropped by the RTOS (ring full)\n";
  }
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

enum class Cmd {
  kNone,
  kList,
  kPing,
  kSet,
  kGet,
  kToggle,
  kConfigure,
  kStats,
  kCommands,
  kCall,
  kWatch,
  kTrace
};

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
  app.add_flag("--direct", o.direct,
               "use the channel directly even when tandemd serves the domain (it then fails "
               "with status 11, busy, while tandemd runs)");
  app.add_flag("-v,--verbose", o.verbose,
               "say on stderr whether the command went through tandemd (and its socket) or "
               "directly; --json always says it as \"via\"");
  app.add_option("--socket-dir", o.socket_dir,
                 "where tandemd's sockets are (<dir>/<domain name>.sock)")
      ->capture_default_str();
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
  app.add_subcommand("commands",
                     "the RTOS application's own commands (with their arguments' limits) and "
                     "event kinds")
      ->callback([&] { cmd = Cmd::kCommands; });
  auto* call = app.add_subcommand(
      "call", "run an application command by name: call NAME [ARGS...] (see `commands`)");
  call->add_option("name", o.call_name, "the command's name, as `tandemctl commands` lists it")
      ->required();
  call->add_option("args", o.call_args,
                   "its arguments, in order (decimal, or hex with 0x), within its limits");
  call->add_option("--payload", o.payload_file,
                   "send this file's bytes as the command's payload (- reads standard input)");
  call->callback([&] { cmd = Cmd::kCall; });
  auto* watch = app.add_subcommand(
      "watch", "print events as the RTOS posts them (deadline misses, application events...)");
  watch->add_option("-k,--kinds", o.kinds,
                    "comma-separated event kinds, or all (default: every kind but task-state, "
                    "which comes at the scheduling rate); `commands` lists them");
  watch->add_option("-n,--count", o.count, "stop after this many events (default: no limit)");
  watch
      ->add_option("--duration", o.duration_ms,
                   "stop after this many milliseconds (default: until Ctrl-C)")
      ->check(CLI::Range(1u, 86400000u));
  watch->callback([&] { cmd = Cmd::kWatch; });
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
      case Cmd::kCommands:
        return run.Commands();
      case Cmd::kCall:
        return run.Call();
      case Cmd::kWatch:
        return run.Watch();
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

  // `watch` runs for as long as asked: --timeout bounds only its connection and table reads.
  // A trace pull is many commands, each bounded by --timeout: the watchdog (for a hung Xen call)
  // allows the longest --timeout there is.
  if (watchdog && cmd != Cmd::kWatch) {
    StartWatchdog(cmd == Cmd::kTrace ? 600000u : o.timeout_ms, o.json);
  }
  Runner run(o, open_backend, out, err);
  return RunCommand(run, cmd, o, out, err);
}

}  // namespace tandemctl
