// tandemd's command line and start-up: resolve the domain, take the instance lock, open the
// channel, listen, serve until SIGTERM/SIGINT. See cli.h.
#include "startup.h"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>

#include "daemon.h"
#include "instance.h"
#include "libtandem/daemon_wire.h"

namespace tandemd {
namespace {

using libtandem::Errc;
using libtandem::Error;
using libtandem::Result;

struct Options {
  std::string domain;
  bool domain_given = false;
  std::string socket_dir = libtandem::daemon::kDefaultSocketDir;
  std::vector<std::string> allow_uids, allow_groups;
  uint32_t timeout_ms = 5000;
  uint32_t max_clients = 64;
  uint32_t per_client = 8;
  bool verbose = false;
};

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return isdigit(ch); });
}

// --allow-uid 1000 or --allow-uid alice; --allow-group 27 or --allow-group tandem.
Result<void> ParseAccess(const Options& o, AccessPolicy& policy) {
  for (const std::string& u : o.allow_uids) {
    if (AllDigits(u) && u.size() < 10) {
      policy.uids.push_back(static_cast<uid_t>(std::stoul(u)));
    } else if (const passwd* pw = getpwnam(u.c_str())) {
      policy.uids.push_back(pw->pw_uid);
    } else {
      return libtandem::Fail(Errc::kUsage, "--allow-uid '" + u + "': no such user",
                             "give a numeric uid or a user name from /etc/passwd");
    }
  }
  for (const std::string& g : o.allow_groups) {
    if (AllDigits(g) && g.size() < 10) {
      policy.gids.push_back(static_cast<gid_t>(std::stoul(g)));
    } else if (const group* gr = getgrnam(g.c_str())) {
      policy.gids.push_back(gr->gr_gid);
    } else {
      return libtandem::Fail(Errc::kUsage, "--allow-group '" + g + "': no such group",
                             "give a numeric gid or a group name from /etc/group");
    }
  }
  return {};
}

std::string Policy(const AccessPolicy& p) {
  if (p.uids.empty() && p.gids.empty()) return "root only";
  std::string s = "root";
  for (uid_t u : p.uids) s += ", uid " + std::to_string(u);
  for (gid_t g : p.gids) s += ", group " + std::to_string(g);
  return s;
}

int Report(const Error& e, std::ostream& err) {
  err << "tandemd: error: " << e.message << "\n";
  if (!e.hint.empty()) err << "  hint: " << e.hint << "\n";
  return static_cast<int>(e.code);
}

// SIGTERM and SIGINT as a descriptor the loop polls (and no longer as signals).
Result<int> SignalFd() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) {
    return libtandem::Fail(Errc::kInternal, "sigprocmask failed");
  }
  const int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) return libtandem::Fail(Errc::kInternal, "signalfd failed");
  return fd;
}

int Serve(const Options& o, const BackendFactory& open_backend, std::ostream& err, int stop_fd) {
  AccessPolicy policy;
  if (Result<void> a = ParseAccess(o, policy); !a.ok()) return Report(a.error(), err);
  Result<libtandem::DomainSelector> selector = libtandem::ParseDomainSelector(
      o.domain_given ? std::optional<std::string>(o.domain) : std::nullopt);
  if (!selector.ok()) return Report(selector.error(), err);
  Result<std::unique_ptr<libtandem::XenBackend>> xen = open_backend();
  if (!xen.ok()) return Report(xen.error(), err);
  Result<libtandem::DomainEntry> domain = libtandem::ResolveDomain(*xen.value(), selector.value());
  if (!domain.ok()) return Report(domain.error(), err);
  // Sockets are named after the domain, which is what survives its re-creation; a domain
  // without a name is served under its id (a name is never all digits, so they cannot clash).
  const std::string name =
      domain.value().name.empty() ? std::to_string(domain.value().domid) : domain.value().name;
  auto log = [&err, name](const std::string& line) {
    err << "tandemd[" << name << "]: " << line << std::endl;
  };
  Result<int> lock = LockInstance(o.socket_dir, name);
  if (!lock.ok()) return Report(lock.error(), err);
  const uint64_t timeout_ns = uint64_t{o.timeout_ms} * 1'000'000;
  Result<std::unique_ptr<libtandem::Session>> session =
      libtandem::Session::Open(*xen.value(), domain.value().domid, timeout_ns);
  if (!session.ok()) {
    close(lock.value());
    return Report(session.error(), err);
  }
  const std::string path = libtandem::daemon::SocketPath(o.socket_dir, name);
  Result<int> listen_fd = Listen(path, SocketMode(policy));
  if (!listen_fd.ok()) {
    close(lock.value());
    return Report(listen_fd.error(), err);
  }
  int own_stop = -1;
  if (stop_fd < 0) {
    Result<int> sig = SignalFd();
    if (!sig.ok()) return Report(sig.error(), err);
    stop_fd = own_stop = sig.value();
  }
  const libtandem::RtosIdentity rtos = session.value()->identity();
  log("serving domain " + std::to_string(domain.value().domid) + " (boot " +
      libtandem::BootIdText(rtos.boot_id) + ") on " + path + " for " + Policy(policy) + "; pid " +
      std::to_string(getpid()));
  DaemonConfig config;
  config.selector = selector.value();
  config.access = policy;
  config.log = log;
  config.max_clients = o.max_clients;
  config.max_outstanding = o.per_client;
  config.verbose = o.verbose;
  Result<void> ran = Result<void>();
  {
    Daemon daemon(*xen.value(), std::move(session.value()), domain.value(), listen_fd.value(),
                  config);
    ran = daemon.Run(stop_fd);
    (void)unlink(path.c_str());  // before the lock goes: a socket file means a live tandemd
  }  // the session is closed here: the backend directory in XenStore goes with it
  if (own_stop >= 0) close(own_stop);
  close(lock.value());
  if (!ran.ok()) return Report(ran.error(), err);
  return 0;
}

}  // namespace

int RunTandemd(int argc, const char* const* argv, const BackendFactory& open_backend,
               std::ostream& out, std::ostream& err, int stop_fd) {
  Options o;
  CLI::App app{
      "tandemd: owns one Tandem RT domain's command channel and serves it to any number of "
      "dom0 clients (tandemctl, libtandem's DaemonPort) over a Unix socket, "
      "<socket-dir>/<domain name>.sock. Runs in the foreground, logs to stderr, stops on "
      "SIGTERM or SIGINT (closing the channel).",
      "tandemd"};
  app.set_version_flag("--version", std::string("tandemd ") + TANDEM_VERSION + " (wire " +
                                        std::to_string(libtandem::daemon::kWireVersion) + ")");
  CLI::Option* domain = app.add_option(
      "-d,--domain", o.domain,
      "RTOS domain: an id if all digits, else a name (default: the only domain publishing a "
      "channel)");
  app.add_option("--socket-dir", o.socket_dir, "where the socket and the lock file live")
      ->capture_default_str();
  app.add_option("--allow-uid", o.allow_uids,
                 "also admit this user (uid or name; repeatable). Root is always admitted");
  app.add_option("--allow-group", o.allow_groups,
                 "also admit the members of this group (gid or name; repeatable)");
  app.add_option("-t,--timeout", o.timeout_ms, "milliseconds to open the channel at start")
      ->capture_default_str()
      ->check(CLI::Range(1u, 600000u));
  app.add_option("--max-clients", o.max_clients, "clients connected at once")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--per-client", o.per_client,
                 "commands one client may have queued or in flight (the channel has 32 slots)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 32u));
  app.add_flag("-v,--verbose", o.verbose,
               "also log each client's connection and its end (default: only refusals, "
               "misbehaving clients, clients that left commands behind, and the session)");
  app.footer(
      "Exit status: 0 after SIGTERM/SIGINT; otherwise libtandem's error code, as tandemctl's "
      "(2 usage, 3 domain not found, 8 Xen error, 11 busy: another tandemd or client holds the "
      "channel, ...).\nDocumentation: docs/daemon.md");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Error& e) {
    if (e.get_exit_code() == 0) return app.exit(e, out, err);
    return Report(Error{Errc::kUsage, e.what(), "run `tandemd --help`"}, err);
  }
  o.domain_given = domain->count() != 0;
  try {
    return Serve(o, open_backend, err, stop_fd);
  } catch (const std::exception& e) {
    return Report(Error{Errc::kInternal, std::string("unexpected: ") + e.what(), ""}, err);
  }
}

}  // namespace tandemd
