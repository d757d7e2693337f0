// The seam between libtandem's logic and Xen's tool libraries. Every Xen call libtandem makes goes
// through this interface: the real implementation (xen_backend_real.cc) wraps libxenstore,
// libxenevtchn, libxengnttab and libxenctrl; unit tests inject a fake that scripts XenStore, the
// event channel, the grant mappings, the domain's run state and the clock.
#ifndef LIBTANDEM_XEN_BACKEND_H_
#define LIBTANDEM_XEN_BACKEND_H_

#include <stdint.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libtandem/error.h"

namespace libtandem {

enum class DomainRunState : uint8_t {
  kRunning,   // exists and is not paused (may be blocked waiting for an interrupt)
  kPaused,    // `xl pause`d (or being created/saved): it will not answer until unpaused
  kShutdown,  // shut down or crashed, not yet destroyed
  kDying,     // being destroyed
  kAbsent,    // no such domain (destroyed)
};

const char* DomainRunStateName(DomainRunState state);

// A process of this (dom0) system, as /proc shows it: its pid and /proc/<pid>/comm.
struct ProcessInfo {
  int pid = 0;
  std::string command;
};

class XenBackend {
 public:
  using Txn = uint32_t;  // xs_transaction_t; 0 = no transaction (XBT_NULL)

  virtual ~XenBackend() = default;

  // XenStore (libxenstore). A missing node is not an error: Read/Directory return nullopt.
  virtual Result<std::optional<std::string>> StoreRead(Txn t, const std::string& path) = 0;
  virtual Result<std::optional<std::vector<std::string>>> StoreDirectory(
      Txn t, const std::string& path) = 0;
  virtual Result<void> StoreWrite(Txn t, const std::string& path, const std::string& value) = 0;
  virtual Result<void> StoreRemove(Txn t, const std::string& path) = 0;
  virtual Result<Txn> StoreBegin() = 0;
  // Returns false when the transaction conflicted (EAGAIN) and must be retried.
  virtual Result<bool> StoreEnd(Txn t, bool abort) = 0;

  // The domain's run state (libxenctrl; falls back to XenStore's view where libxenctrl is not
  // usable, which cannot see "paused").
  virtual Result<DomainRunState> GetDomainState(uint32_t domid) = 0;

  // Event channels (libxenevtchn). Bind returns the local port; kBusy when `remote_port` is
  // already bound to a dom0 port (Xen binds an unbound port once: another client holds it).
  virtual Result<uint32_t> EvtchnBind(uint32_t domid, uint32_t remote_port) = 0;
  virtual Result<void> EvtchnUnbind(uint32_t local_port) = 0;
  virtual Result<void> EvtchnNotify(uint32_t local_port) = 0;
  // Waits up to timeout_ns for `local_port` to fire; consumes and unmasks it. Never blocks longer.
  virtual Result<bool> EvtchnWait(uint32_t local_port, uint64_t timeout_ns) = 0;
  // The other processes that have the event-channel device open: one of them holds a port that
  // Bind found busy (Xen does not say which). Best effort: empty when it cannot be found out.
  virtual std::vector<ProcessInfo> EvtchnUsers() = 0;
  // A descriptor that polls readable when a bound port fired (xenevtchn_fd), for event loops
  // that wait on sockets and the channel at once; EvtchnWait(port, 0) then consumes it. -1: the
  // backend has none (the caller polls EvtchnWait on a short period instead).
  virtual int EvtchnFd() { return -1; }

  // Grant mappings (libxengnttab): one page of `domid`'s grant `ref`.
  virtual Result<void*> GrantMap(uint32_t domid, uint32_t ref, bool writable) = 0;
  virtual Result<void> GrantUnmap(void* page) = 0;

  // The process environment (injected so tests control time and "other" clients).
  virtual uint64_t NowNs() = 0;
  virtual void SleepNs(uint64_t ns) = 0;
  virtual int SelfPid() = 0;
  virtual bool ProcessAlive(int pid) = 0;
};

// Opens the real Xen libraries. Fails with kXen and a message that says whether this is not a
// Xen domain at all or xenstored is not reachable.
Result<std::unique_ptr<XenBackend>> OpenXenBackend();

}  // namespace libtandem

#endif  // LIBTANDEM_XEN_BACKEND_H_
