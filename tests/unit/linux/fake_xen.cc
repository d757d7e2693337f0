// The fake Xen of libtandem's tests. See fake_xen.h.
#include "fake_xen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libtandem/discovery.h"
#include "tandem/channel/boot_id.h"
#include "tandem/channel/ops.h"
#include "tandem/channel/xenstore_keys.h"

namespace libtandem::testing {

using tandem::channel::CommandHandler;
using tandem::channel::Op;
using tandem::channel::Request;
using tandem::channel::Response;
using tandem::channel::WireStatus;

class FakeRtos::Gpio final : public CommandHandler {
 public:
  explicit Gpio(FakeRtos& r) : r_(r) {}
  WireStatus Handle(const Request& q, Response& a) override {
    ++r_.commands_seen;
    if (r_.on_command) r_.on_command();
    const uint32_t pin = q.arg[0];
    if (r_.exported_pins.count(pin) == 0) return WireStatus::kPermissionDenied;
    // A pin configured as input ignores writes: answered as GpioCommands does (the level it
    // reads in result[0], GpioFault in result[1]).
    const bool input = r_.outputs.count(pin) != 0 && !r_.outputs[pin];
    if (input && (q.op == static_cast<uint16_t>(Op::kGpioSet) ||
                  q.op == static_cast<uint16_t>(Op::kGpioToggle))) {
      a.result[0] = r_.levels[pin];
      a.result[1] = static_cast<uint32_t>(tandem::channel::GpioFault::kPinIsInput);
      return WireStatus::kHardwareError;
    }
    switch (static_cast<Op>(q.op)) {
      case Op::kGpioSet:
        r_.levels[pin] = q.arg[1];
        break;
      case Op::kGpioGet:
        a.result[0] = r_.levels[pin];
        break;
      case Op::kGpioToggle:
        a.result[0] = r_.levels[pin] ^= 1;
        break;
      case Op::kGpioConfigure:
        r_.outputs[pin] = q.arg[1] == 1;
        if (q.arg[1] == 1) r_.levels[pin] = q.arg[2];
        break;
      default:
        return WireStatus::kNotSupported;
    }
    return WireStatus::kOk;
  }

 private:
  FakeRtos& r_;
};

class FakeRtos::Stats final : public CommandHandler {
 public:
  explicit Stats(FakeRtos& r) : r_(r) {}
  WireStatus Handle(const Request& q, Response& a) override {
    ++r_.commands_seen;
    if (q.arg[0] >= r_.tasks.size()) return WireStatus::kBadArgument;
    if (q.arg[1] != 0 && !r_.stats_flags_supported) return WireStatus::kBadArgument;
    const bool execution = (q.arg[1] & tandem::channel::kTaskStatsExecution) != 0;
    if (execution && !r_.stats_execution_supported) return WireStatus::kBadArgument;
    Task& t = r_.tasks[q.arg[0]];
    a.result[0] = t.activations;
    a.result[1] = t.misses;
    a.result[2] = t.worst_us;
    a.result[3] = static_cast<uint32_t>(r_.tasks.size());
    uint16_t len = 0;
    if (execution) {
      memcpy(a.payload, &t.worst_exec_us, sizeof t.worst_exec_us);  // little-endian host
      len = sizeof t.worst_exec_us;
    }
    memcpy(a.payload + len, t.name.data(), t.name.size());
    a.payload_len = static_cast<uint16_t>(len + t.name.size());
    if ((q.arg[1] & tandem::channel::kTaskStatsReset) != 0)
      t.activations = t.misses = t.worst_us = t.worst_exec_us = 0;
    return WireStatus::kOk;
  }

 private:
  FakeRtos& r_;
};

constexpr uint16_t kPeriodChanged = 16;
constexpr tandem::channel::AppCommandSpec kSetPeriodSpec = {
    0x8000,     "set-period", 1, 1, {1, 0, 0, 0}, {10, 0, 0, 0}, 0, "control task period in ms",
    "period-ms"};
constexpr tandem::channel::AppEventSpec kPeriodChangedSpec = {kPeriodChanged, "period-changed",
                                                              "old-ms new-ms"};

class FakeRtos::SetPeriod final : public CommandHandler {
 public:
  explicit SetPeriod(FakeRtos& r) : r_(r) {}
  WireStatus Handle(const Request& req, Response& rsp) override {
    rsp.result[0] = r_.period_ms;
    const uint32_t old = r_.period_ms;
    r_.period_ms = req.arg[0];
    (void)r_.PostEvent(kPeriodChanged, 0, {old, r_.period_ms});
    return WireStatus::kOk;
  }

 private:
  FakeRtos& r_;
};

tandem::channel::PostStatus FakeRtos::PostEvent(uint16_t kind, uint32_t source,
                                                std::vector<uint32_t> words, uint64_t time_us) {
  const tandem::channel::PostStatus s = server->events().Post(
      kind, source, words.data(), static_cast<uint32_t>(words.size() * 4), time_us);
  if (s == tandem::channel::PostStatus::kPostedNotify) server->NotifyPeer();
  return s;
}

FakeRtos::FakeRtos(FakeXen& xen, uint32_t id, std::string n)
    : domid(id), name(std::move(n)), boot_id(tandem::channel::MakeBootId(1000 + id)), xen_(xen) {
  request_page = static_cast<tandem::channel::RequestPage*>(aligned_alloc(4096, 4096));
  response_page = static_cast<tandem::channel::ResponsePage*>(aligned_alloc(4096, 4096));
  memset(static_cast<void*>(request_page), 0, 4096);
  memset(static_cast<void*>(response_page), 0, 4096);
  server = std::make_unique<tandem::channel::Server>(request_page, response_page, *this);
  gpio_ = std::make_unique<Gpio>(*this);
  stats_ = std::make_unique<Stats>(*this);
  for (Op op : {Op::kGpioSet, Op::kGpioGet, Op::kGpioToggle, Op::kGpioConfigure}) {
    (void)server->SetHandler(op, gpio_.get());
  }
  (void)server->SetHandler(Op::kTaskStats, stats_.get());
  set_period_ = std::make_unique<SetPeriod>(*this);
  (void)server->RegisterAppCommand(kSetPeriodSpec, set_period_.get());
  (void)server->RegisterAppEvent(kPeriodChangedSpec);
  xen_.rtos[domid] = this;
}

FakeRtos::~FakeRtos() {
  xen_.rtos.erase(domid);
  free(request_page);
  free(response_page);
}

void FakeRtos::Publish() {
  namespace keys = tandem::channel::keys;
  (void)server->Init(boot_id);
  const std::string base = "/local/domain/" + std::to_string(domid);
  const std::string dir = base + "/" + keys::kDir + "/";
  xen_.store[base + "/name"] = name;
  xen_.store[dir + keys::kVersion] = std::to_string(tandem::channel::kProtocolVersion);
  xen_.store[dir + keys::kRequestRef] = std::to_string(kRequestRef);
  xen_.store[dir + keys::kResponseRef] = std::to_string(kResponseRef);
  xen_.store[dir + keys::kEventChannel] = std::to_string(kRemotePort);
  published_state_ = static_cast<uint32_t>(server->state());
  xen_.store[dir + keys::kState] = std::to_string(published_state_);
  if (boot_id != 0) {  // an RTOS of protocol 1.1 publishes none
    xen_.store[dir + keys::kBootId] = BootIdText(boot_id);
  } else {
    xen_.store.erase(dir + keys::kBootId);
  }
  xen_.run_state[domid] = DomainRunState::kRunning;
}

void FakeRtos::ReinitChannel() { (void)server->Init(boot_id); }

void FakeRtos::Reboot() {
  boot_id = tandem::channel::MakeBootId(boot_id);  // any other value would do
  levels.clear();
  outputs.clear();
  Publish();
}

void FakeRtos::Notify() { xen_.RaiseFromRtos(domid, kRemotePort); }

void FakeRtos::Run() {
  for (int i = 0; i < 1000; ++i) {
    if (!server->Poll().more) break;
  }
  // Only a change is written, so a test that forges the key keeps its value until then.
  if (static_cast<uint32_t>(server->state()) != published_state_) {
    published_state_ = static_cast<uint32_t>(server->state());
    xen_.store["/local/domain/" + std::to_string(domid) + "/" + tandem::channel::keys::kDir + "/" +
               tandem::channel::keys::kState] = std::to_string(published_state_);
  }
}

void FakeXen::RaiseFromRtos(uint32_t domid, uint32_t remote_port) {
  for (const auto& [local, peer] : bound) {
    if (peer.first == domid && peer.second == remote_port) pending.insert(local);
  }
}

static tandem::Error<Error> Errno(const char* call, int err) {
  return Fail(Errc::kXen, std::string(call) + ": " + strerror(err));
}

Result<void> FakeXen::StoreCheck() {
  if (xenstore_error) return Errno("xs (fake)", EIO);
  return {};
}

Result<std::optional<std::string>> FakeXen::StoreRead(Txn, const std::string& path) {
  LIBTANDEM_TRY(StoreCheck());
  auto it = store.find(path);
  if (it == store.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Result<std::optional<std::vector<std::string>>> FakeXen::StoreDirectory(Txn,
                                                                        const std::string& path) {
  LIBTANDEM_TRY(StoreCheck());
  std::set<std::string> children;
  const std::string prefix = path + "/";
  bool exists = store.count(path) != 0;
  for (const auto& [k, v] : store) {
    if (k.compare(0, prefix.size(), prefix) != 0) continue;
    exists = true;
    children.insert(k.substr(prefix.size(), k.find('/', prefix.size()) - prefix.size()));
  }
  if (!exists) return std::optional<std::vector<std::string>>();
  return std::optional<std::vector<std::string>>(
      std::vector<std::string>(children.begin(), children.end()));
}

Result<void> FakeXen::StoreWrite(Txn, const std::string& path, const std::string& value) {
  LIBTANDEM_TRY(StoreCheck());
  store[path] = value;
  return {};
}

Result<void> FakeXen::StoreRemove(Txn, const std::string& path) {
  LIBTANDEM_TRY(StoreCheck());
  const std::string prefix = path + "/";
  for (auto it = store.begin(); it != store.end();) {
    if (it->first == path || it->first.compare(0, prefix.size(), prefix) == 0) {
      it = store.erase(it);
    } else {
      ++it;
    }
  }
  return {};
}

Result<XenBackend::Txn> FakeXen::StoreBegin() {
  LIBTANDEM_TRY(StoreCheck());
  return next_txn_++;
}

Result<bool> FakeXen::StoreEnd(Txn, bool abort) {
  if (!abort && conflicts_to_inject > 0) {
    --conflicts_to_inject;
    return false;
  }
  return true;
}

Result<DomainRunState> FakeXen::GetDomainState(uint32_t domid) {
  auto it = run_state.find(domid);
  return it == run_state.end() ? DomainRunState::kAbsent : it->second;
}

Result<uint32_t> FakeXen::EvtchnBind(uint32_t domid, uint32_t remote_port) {
  if (rtos.count(domid) == 0 || remote_port != FakeRtos::kRemotePort) {
    return Errno("xenevtchn_bind_interdomain (fake)", EINVAL);
  }
  // Xen binds an unbound port once: while another dom0 port holds it, EVTCHNOP_bind_interdomain
  // fails (common/event_channel.c), which the real backend reports as kBusy.
  for (const auto& [local, peer] : bound) {
    if (peer.first == domid && peer.second == remote_port) {
      return Fail(Errc::kBusy, "event channel port " + std::to_string(remote_port) + " of domain " +
                                   std::to_string(domid) + " is already bound to dom0 port " +
                                   std::to_string(local));
    }
  }
  const uint32_t local = next_local_port++;
  bound[local] = {domid, remote_port};
  return local;
}

Result<void> FakeXen::EvtchnUnbind(uint32_t local_port) {
  if (bound.erase(local_port) == 0) return Errno("xenevtchn_unbind (fake)", EINVAL);
  pending.erase(local_port);
  return {};
}

Result<void> FakeXen::EvtchnNotify(uint32_t local_port) {
  auto it = bound.find(local_port);
  if (it == bound.end()) return Errno("xenevtchn_notify (fake)", EINVAL);
  ++notifies;
  auto r = rtos.find(it->second.first);
  if (r != rtos.end()) {
    r->second->server->OnNotification();
    r->second->kicked = true;
  }
  return {};
}

Result<bool> FakeXen::EvtchnWait(uint32_t local_port, uint64_t timeout_ns) {
  ++waits;
  if (on_wait) on_wait();
  auto it = bound.find(local_port);
  if (it == bound.end()) return Errno("xenevtchn_pending (fake)", EINVAL);
  const uint32_t domid = it->second.first;
  auto r = rtos.find(domid);
  // The RTOS runs "while we sleep", if it exists, runs and is not stuck.
  if (r != rtos.end() && r->second->kicked && r->second->responsive &&
      GetDomainState(domid).value() == DomainRunState::kRunning) {
    r->second->kicked = false;
    r->second->Run();
  }
  if (pending.erase(local_port) != 0) {
    now_ns += 1000;  // a microsecond per wake-up, so latencies are non-zero
    return true;
  }
  now_ns += timeout_ns;
  return false;
}

Result<void*> FakeXen::GrantMap(uint32_t domid, uint32_t ref, bool writable) {
  auto r = rtos.find(domid);
  if (r == rtos.end() || GetDomainState(domid).value() == DomainRunState::kAbsent) {
    return Errno("xengnttab_map_grant_ref (fake)", ESRCH);
  }
  void* page = nullptr;
  if (ref == FakeRtos::kRequestRef) {
    page = r->second->request_page;
  } else if (ref == FakeRtos::kResponseRef) {
    if (writable) return Errno("xengnttab_map_grant_ref (fake, read-only grant)", EACCES);
    page = r->second->response_page;
  } else {
    return Errno("xengnttab_map_grant_ref (fake)", EINVAL);
  }
  mapped[page] = Mapping{domid, ref, writable};
  map_log.push_back(Mapping{domid, ref, writable});
  return page;
}

Result<void> FakeXen::GrantUnmap(void* page) {
  if (mapped.erase(page) == 0) return Errno("xengnttab_unmap (fake)", EINVAL);
  return {};
}

}  // namespace libtandem::testing
