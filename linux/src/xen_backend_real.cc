// XenBackend over Xen's own tool libraries (libxenstore, libxenevtchn, libxengnttab, libxenctrl).
// No raw ioctls on /dev/xen (docs/tandemctl.md: Xen's own libraries only). Each call's errno
// becomes a kXen error naming the call.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
// Xen 4.17's tool headers have no extern "C" guards of their own.
extern "C" {
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xentoollog.h>
}

#include <fstream>

#include "libtandem/process_scan.h"
#include "libtandem/xen_backend.h"

namespace libtandem {
namespace {

Error XenError(const std::string& call, int err, std::string hint = {}) {
  return Error{Errc::kXen, call + " failed: " + strerror(err), std::move(hint)};
}

// What the machine says about running on Xen: /sys/hypervisor/type is "xen" in a Xen domain
// (Linux's drivers/xen/sys-hypervisor.c).
bool RunningOnXen() {
  std::ifstream f("/sys/hypervisor/type");
  std::string type;
  return f && (f >> type) && type == "xen";
}

class RealXenBackend final : public XenBackend {
 public:
  RealXenBackend() = default;
  ~RealXenBackend() override {
    if (xc_ != nullptr) xc_interface_close(xc_);
    if (gnttab_ != nullptr) xengnttab_close(gnttab_);
    if (evtchn_ != nullptr) xenevtchn_close(evtchn_);
    if (xs_ != nullptr) xs_close(xs_);
    if (logger_ != nullptr) xtl_logger_destroy(reinterpret_cast<xentoollog_logger*>(logger_));
  }

  Result<void> Init() {
    // The libraries log failures to stderr by default; we report them ourselves, so only
    // critical messages get through.
    logger_ = xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
    xentoollog_logger* log = reinterpret_cast<xentoollog_logger*>(logger_);
    xs_ = xs_open(0);
    if (xs_ == nullptr) {
      const int err = errno;
      if (!RunningOnXen()) {
        return Fail(Errc::kXen,
                    "not running in a Xen domain (/sys/hypervisor/type is not 'xen'), so there "
                    "is no XenStore to find the RTOS in",
                    "run it in dom0 of the Tandem system");
      }
      return Fail(Errc::kXen,
                  std::string("xenstored is not reachable (xs_open: ") + strerror(err) + ")",
                  err == EACCES || err == EPERM
                      ? "run it as root in dom0"
                      : "start xenstored (and mount xenfs on /proc/xen) in dom0, then retry");
    }
    evtchn_ = xenevtchn_open(log, 0);
    if (evtchn_ == nullptr) {
      return Fail(XenError("xenevtchn_open", errno,
                           "load the xen-evtchn module (/dev/xen/evtchn) and run "
                           "as root"));
    }
    gnttab_ = xengnttab_open(log, 0);
    if (gnttab_ == nullptr) {
      return Fail(XenError("xengnttab_open", errno,
                           "load the xen-gntdev module (/dev/xen/gntdev) and run "
                           "as root"));
    }
    return {};
  }

  Result<std::optional<std::string>> StoreRead(Txn t, const std::string& path) override {
    unsigned int len = 0;
    void* v = xs_read(xs_, t, path.c_str(), &len);
    if (v == nullptr) {
      if (errno == ENOENT) return std::optional<std::string>();
      return Fail(XenError("xs_read " + path, errno));
    }
    std::string s(static_cast<const char*>(v), len);
    free(v);
    return std::optional<std::string>(std::move(s));
  }

  Result<std::optional<std::vector<std::string>>> StoreDirectory(Txn t,
                                                                 const std::string& path) override {
    unsigned int n = 0;
    char** names = xs_directory(xs_, t, path.c_str(), &n);
    if (names == nullptr) {
      if (errno == ENOENT) return std::optional<std::vector<std::string>>();
      return Fail(XenError("xs_directory " + path, errno));
    }
    std::vector<std::string> out(names, names + n);
    free(names);  // one allocation holds the array and the strings (xenstore.h)
    return std::optional<std::vector<std::string>>(std::move(out));
  }

  Result<void> StoreWrite(Txn t, const std::string& path, const std::string& value) override {
    if (!xs_write(xs_, t, path.c_str(), value.data(), static_cast<unsigned>(value.size()))) {
      return Fail(XenError("xs_write " + path, errno));
    }
    return {};
  }

  Result<void> StoreRemove(Txn t, const std::string& path) override {
    if (!xs_rm(xs_, t, path.c_str()) && errno != ENOENT) {
      return Fail(XenError("xs_rm " + path, errno));
    }
    return {};
  }

  Result<Txn> StoreBegin() override {
    xs_transaction_t t = xs_transaction_start(xs_);
    if (t == XBT_NULL) return Fail(XenError("xs_transaction_start", errno));
    return static_cast<Txn>(t);
  }

  Result<bool> StoreEnd(Txn t, bool abort) override {
    if (xs_transaction_end(xs_, t, abort)) return true;
    if (errno == EAGAIN) return false;
    return Fail(XenError("xs_transaction_end", errno));
  }

  // libxenctrl, opened on first need; nullptr where it cannot be (not privileged).
  xc_interface* Xc() {
    if (xc_ == nullptr && !xc_failed_) {
      xc_ = xc_interface_open(reinterpret_cast<xentoollog_logger*>(logger_),
                              reinterpret_cast<xentoollog_logger*>(logger_), 0);
      xc_failed_ = xc_ == nullptr;
    }
    return xc_;
  }

  Result<DomainRunState> GetDomainState(uint32_t domid) override {
    if (Xc() != nullptr) {
      xc_dominfo_t info;
      const int n = xc_domain_getinfo(xc_, domid, 1, &info);
      if (n < 0) return Fail(XenError("xc_domain_getinfo", errno));
      // getinfo returns the next domain at or after domid: another id means ours is gone.
      if (n == 0 || info.domid != domid) return DomainRunState::kAbsent;
      if (info.dying) return DomainRunState::kDying;
      if (info.shutdown || info.crashed) return DomainRunState::kShutdown;
      if (info.paused) return DomainRunState::kPaused;
      return DomainRunState::kRunning;
    }
    // Without libxenctrl (not privileged), XenStore's view: introduced or not. Cannot see pauses.
    return xs_is_domain_introduced(xs_, domid) ? DomainRunState::kRunning : DomainRunState::kAbsent;
  }

  Result<uint32_t> EvtchnBind(uint32_t domid, uint32_t remote_port) override {
    xenevtchn_port_or_error_t p = xenevtchn_bind_interdomain(evtchn_, domid, remote_port);
    if (p >= 0) return static_cast<uint32_t>(p);
    const int err = errno;
    // Xen answers EINVAL both for a port that is already bound and for one that is not
    // allocated for dom0 (EVTCHNOP_bind_interdomain, common/event_channel.c); EVTCHNOP_status
    // tells them apart. Bound to a dom0 port means another dom0 client holds the channel.
    if (err == EINVAL && Xc() != nullptr) {
      xc_evtchn_status_t st{};
      st.dom = static_cast<domid_t>(domid);
      st.port = remote_port;
      if (xc_evtchn_status(xc_, &st) == 0 && st.status == EVTCHNSTAT_interdomain &&
          st.u.interdomain.dom == 0) {
        return Fail(Errc::kBusy, "event channel port " + std::to_string(remote_port) +
                                     " of domain " + std::to_string(domid) +
                                     " is already bound to dom0 port " +
                                     std::to_string(st.u.interdomain.port));
      }
    }
    return Fail(XenError("xenevtchn_bind_interdomain (domain " + std::to_string(domid) + ", port " +
                             std::to_string(remote_port) + ")",
                         err,
                         "the RTOS's event-channel port must be unbound and allocated for dom0"));
  }

  std::vector<ProcessInfo> EvtchnUsers() override {
    return ProcessesWithOpen("/proc", "/dev/xen/evtchn", getpid());
  }

  int EvtchnFd() override { return xenevtchn_fd(evtchn_); }

  Result<void> EvtchnUnbind(uint32_t local_port) override {
    if (xenevtchn_unbind(evtchn_, local_port) < 0) {
      return Fail(XenError("xenevtchn_unbind", errno));
    }
    return {};
  }

  Result<void> EvtchnNotify(uint32_t local_port) override {
    if (xenevtchn_notify(evtchn_, local_port) < 0) {
      return Fail(XenError("xenevtchn_notify", errno));
    }
    return {};
  }

  Result<bool> EvtchnWait(uint32_t local_port, uint64_t timeout_ns) override {
    const uint64_t deadline = NowNs() + timeout_ns;
    for (;;) {
      const uint64_t now = NowNs();
      const uint64_t left = deadline > now ? deadline - now : 0;
      pollfd pfd{xenevtchn_fd(evtchn_), POLLIN, 0};
      // Round up: poll(2) takes milliseconds and must not return before the deadline.
      const int rc = poll(&pfd, 1, static_cast<int>((left + 999'999) / 1'000'000));
      if (rc < 0) {
        if (errno == EINTR) continue;
        return Fail(XenError("poll on the event-channel fd", errno));
      }
      if (rc == 0) return false;
      xenevtchn_port_or_error_t p = xenevtchn_pending(evtchn_);
      if (p < 0) {
        if (errno == EAGAIN) continue;
        return Fail(XenError("xenevtchn_pending", errno));
      }
      // The port stays masked after it fired until we unmask it (xenevtchn.h).
      if (xenevtchn_unmask(evtchn_, static_cast<uint32_t>(p)) < 0) {
        return Fail(XenError("xenevtchn_unmask", errno));
      }
      if (static_cast<uint32_t>(p) == local_port) return true;
    }
  }

  Result<void*> GrantMap(uint32_t domid, uint32_t ref, bool writable) override {
    void* p =
        xengnttab_map_grant_ref(gnttab_, domid, ref, writable ? PROT_READ | PROT_WRITE : PROT_READ);
    if (p == nullptr) {
      return Fail(XenError(std::string("xengnttab_map_grant_ref (domain ") + std::to_string(domid) +
                               ", ref " + std::to_string(ref) +
                               (writable ? ", read-write)" : ", read-only)"),
                           errno, "the RTOS must grant this page to dom0"));
    }
    return p;
  }

  Result<void> GrantUnmap(void* page) override {
    if (xengnttab_unmap(gnttab_, page, 1) < 0) {
      return Fail(XenError("xengnttab_unmap", errno));
    }
    return {};
  }

  uint64_t NowNs() override {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
  }

  void SleepNs(uint64_t ns) override {
    timespec ts{static_cast<time_t>(ns / 1'000'000'000u), static_cast<long>(ns % 1'000'000'000u)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
  }

  int SelfPid() override { return static_cast<int>(getpid()); }

  bool ProcessAlive(int pid) override { return kill(pid, 0) == 0 || errno == EPERM; }

 private:
  xentoollog_logger_stdiostream* logger_ = nullptr;
  struct xs_handle* xs_ = nullptr;
  xenevtchn_handle* evtchn_ = nullptr;
  xengnttab_handle* gnttab_ = nullptr;
  xc_interface* xc_ = nullptr;
  bool xc_failed_ = false;
};

}  // namespace

Result<std::unique_ptr<XenBackend>> OpenXenBackend() {
  auto backend = std::make_unique<RealXenBackend>();
  LIBTANDEM_TRY(backend->Init());
  return std::unique_ptr<XenBackend>(std::move(backend));
}

}  // namespace libtandem
