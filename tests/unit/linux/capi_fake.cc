// libtandem_c_fake.so: the C ABI (linux/capi/tandem_c.cc, the same object code as the shipped
// library) over the in-process FakeXen instead of Xen, plus tandem_fake_* hooks that script the
// fake and run tandemctl against it. Only tests build it; the Python package loads it when
// TANDEM_C_LIBRARY names it (tests/unit/linux/python). One process-wide fake: the library is
// used from one thread.
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "backend.h"
#include "cli.h"
#include "fake_xen.h"
#include "libtandem/daemon_wire.h"
#include "startup.h"

namespace {

using libtandem::DomainRunState;
using libtandem::testing::BorrowedXen;
using libtandem::testing::FakeRtos;
using libtandem::testing::FakeXen;

// A FakeRtos in place (not movable), destroyed as itself: it is a polymorphic Notifier without
// a virtual destructor, which a container must not delete through a FakeRtos* (clang-tidy).
struct RtosSlot {
  RtosSlot(FakeXen& xen, uint32_t domid, const char* name) : rtos(xen, domid, name) {}
  FakeRtos rtos;
};

// tandemd (RunTandemd, as its main runs it) on a thread of its own over the fake.
struct Tandemd {
  std::thread thread;
  int stop[2] = {-1, -1};
  std::atomic<int> status{-1};  // -1 while it runs
  std::ostringstream out, err;
};

struct World {
  FakeXen xen;
  std::list<RtosSlot> rtos;  // destroyed before xen (declared after it)
  bool no_xen = false;
  std::unique_ptr<Tandemd> tandemd;
};

std::unique_ptr<World>& TheWorld() {
  static std::unique_ptr<World> world;
  return world;
}

World& W() {
  if (!TheWorld()) {
    TheWorld() = std::make_unique<World>();
    TheWorld()->xen.store["/local/domain/0/name"] = "Domain-0";
  }
  return *TheWorld();
}

FakeRtos* Find(uint32_t domid) {
  for (RtosSlot& r : W().rtos) {
    if (r.rtos.domid == domid) return &r.rtos;
  }
  return nullptr;
}

std::string last_out;  // tandemctl's stdout and stderr of the last tandem_fake_tandemctl

}  // namespace

namespace libtandem::capi {

Result<std::unique_ptr<XenBackend>> OpenBackend() {
  if (W().no_xen) {
    // The real backend's words outside Xen (xen_backend_real.cc).
    return Fail(Errc::kXen, "not running in a Xen domain (fake)", "run it in dom0");
  }
  return std::unique_ptr<XenBackend>(std::make_unique<BorrowedXen>(W().xen));
}

}  // namespace libtandem::capi

extern "C" {

int32_t tandem_fake_tandemd_stop(void);

// A fresh fake Xen: dom0 only.
void tandem_fake_reset(void) {
  tandem_fake_tandemd_stop();
  TheWorld().reset();
  W();
}

// An RTOS domain that publishes its channel (pins 0-3 exported, two tasks).
void tandem_fake_add_rtos(uint32_t domid, const char* name) {
  W().rtos.emplace_back(W().xen, domid, name);
  W().rtos.back().rtos.Publish();
}

// Which pins the RTOS exports: bit n = pin n.
void tandem_fake_set_exported(uint32_t domid, uint32_t mask) {
  if (FakeRtos* r = Find(domid)) {
    r->exported_pins.clear();
    for (uint32_t pin = 0; pin < 32; ++pin) {
      if (mask >> pin & 1) r->exported_pins.insert(pin);
    }
  }
}

// DomainRunState: 0 running, 1 paused, 2 shut down, 3 dying, 4 absent.
void tandem_fake_set_run_state(uint32_t domid, int32_t state) {
  W().xen.run_state[domid] = static_cast<DomainRunState>(state);
}

// 0: the RTOS's server task never runs (commands time out).
void tandem_fake_set_responsive(uint32_t domid, int32_t responsive) {
  if (FakeRtos* r = Find(domid)) r->responsive = responsive != 0;
}

// The RTOS restarts in place: a new boot id, pins back to 0.
void tandem_fake_reboot(uint32_t domid) {
  if (FakeRtos* r = Find(domid)) r->Reboot();
}

void tandem_fake_store_write(const char* path, const char* value) { W().xen.store[path] = value; }

// A process that counts as alive (e.g. the owner of a claim written with tandem_fake_store_write).
void tandem_fake_add_live_pid(int32_t pid) { W().xen.live_pids.insert(pid); }

// 1: opening Xen fails as outside a Xen domain.
void tandem_fake_no_xen(int32_t no_xen) { W().no_xen = no_xen != 0; }

// Runs `tandemctl ARGS` (words separated by blanks) in process over the same fake; returns its
// exit status. tandem_fake_tandemctl_output() is what it printed.
int32_t tandem_fake_tandemctl(const char* args) {
  std::vector<std::string> words{"tandemctl"};
  std::istringstream in(args != nullptr ? args : "");
  for (std::string w; in >> w;) words.push_back(w);
  std::vector<const char*> argv;
  for (const std::string& w : words) argv.push_back(w.c_str());
  std::ostringstream out, err;
  const int status = tandemctl::RunTandemctl(
      static_cast<int>(argv.size()), argv.data(), [] { return libtandem::capi::OpenBackend(); },
      out, err);
  last_out = out.str() + err.str();
  return status;
}

const char* tandem_fake_tandemctl_output(void) { return last_out.c_str(); }

// Starts tandemd for the domain `name`, its socket in `socket_dir`, and waits (5 s at most) for
// the socket. While it runs the fake Xen is the daemon's alone (the fake is not thread-safe):
// the library's own opens fail as outside Xen, as for a user tandemd admits but who may not use
// Xen. 0 once it serves; else tandemd's exit status (its words: tandem_fake_tandemctl_output).
int32_t tandem_fake_tandemd_start(const char* name, const char* socket_dir) {
  if (W().tandemd) return -1;
  W().no_xen = true;
  auto d = std::make_unique<Tandemd>();
  if (pipe(d->stop) != 0) return -1;
  Tandemd* raw = d.get();
  const std::string domain = name, dir = socket_dir;
  d->thread = std::thread([raw, domain, dir] {
    // This user admitted too, so that the tests also run as another user than root.
    const std::string uid = std::to_string(getuid());
    const char* argv[] = {"tandemd",   "-d",          domain.c_str(), "--socket-dir",
                          dir.c_str(), "--allow-uid", uid.c_str()};
    raw->status = tandemd::RunTandemd(
        7, argv,
        []() -> libtandem::Result<std::unique_ptr<libtandem::XenBackend>> {
          return std::unique_ptr<libtandem::XenBackend>(std::make_unique<BorrowedXen>(W().xen));
        },
        raw->out, raw->err, raw->stop[0]);
  });
  W().tandemd = std::move(d);
  const std::string sock = libtandem::daemon::SocketPath(dir, domain);
  for (int i = 0; i < 5000 && raw->status == -1; ++i) {
    struct stat st;
    if (stat(sock.c_str(), &st) == 0) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return tandem_fake_tandemd_stop();
}

// Stops tandemd (as SIGTERM does) and returns its exit status; -1 if none ran. The library
// uses the fake Xen again.
int32_t tandem_fake_tandemd_stop(void) {
  if (!TheWorld() || !TheWorld()->tandemd) return -1;
  Tandemd& d = *TheWorld()->tandemd;
  if (write(d.stop[1], "x", 1) != 1) return -1;
  d.thread.join();
  close(d.stop[0]);
  close(d.stop[1]);
  const int32_t status = d.status;
  last_out = d.out.str() + d.err.str();
  TheWorld()->tandemd.reset();
  TheWorld()->no_xen = false;
  return status;
}

}  // extern "C"
