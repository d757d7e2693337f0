// A scripted XenBackend for libtandem's unit tests: an in-memory XenStore, grant "mappings" of
// pages owned by a fake RTOS that runs the real channel Server, an event channel whose Linux ->
// RTOS notifications make the RTOS work on the next wait (as if it ran on another CPU), a
// domain run state, and a simulated clock (waits advance it instead of sleeping).
#ifndef TESTS_UNIT_LINUX_FAKE_XEN_H_
#define TESTS_UNIT_LINUX_FAKE_XEN_H_

#include <stdint.h>
#include <xen/io/xenbus.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "libtandem/xen_backend.h"
#include "tandem/channel/server.h"
#include "tandem/channel/wire.h"

namespace libtandem::testing {

class FakeXen;

// The RTOS end: pages, the channel's Server, GPIO and task-statistics handlers.
class FakeRtos : public tandem::channel::Notifier {
 public:
  static constexpr uint32_t kRequestRef = 10;
  static constexpr uint32_t kResponseRef = 11;
  static constexpr uint32_t kRemotePort = 5;

  FakeRtos(FakeXen& xen, uint32_t domid, std::string name);
  ~FakeRtos();
  // Server::Init plus the XenStore keys, as the RTOS publishes them.
  void Publish();
  // The channel re-initialised within this boot (XenFrontend Stop + Start): new generation,
  // same boot id, pins kept.
  void ReinitChannel();
  // The RTOS restarted in place (same domain, same pages): a new boot id, pins back to 0, the
  // channel initialised and published again.
  void Reboot();
  void Notify() override;  // RTOS -> Linux
  // Runs the server until the ring is drained (called by the fake on Linux's waits), then
  // mirrors a changed Server state into data/tandem/state, as XenFrontend::SyncState does.
  void Run();

  uint32_t domid;
  std::string name;
  // This boot's id (tandem/channel/boot_id.h); Reboot() picks another. Set 0 before Publish()
  // for an RTOS of protocol 1.2 or older (none published).
  uint64_t boot_id;
  bool responsive = true;  // false: the server task never runs (stuck RTOS)
  bool kicked = false;     // Linux notified since the last Run
  std::set<uint32_t> exported_pins = {0, 1, 2, 3};
  std::map<uint32_t, uint32_t> levels;
  std::map<uint32_t, bool> outputs;  // configured pins; set/toggle on an input fail as on a PL061
  struct Task {
    std::string name;
    uint32_t activations, misses, worst_us, worst_exec_us;
  };
  std::vector<Task> tasks = {{"demo", 1200, 0, 85, 9}, {"command_server", 40, 0, 12, 0}};
  bool stats_flags_supported = true;  // false: kTaskStats flags refused (a protocol 1.0 RTOS)
  // false: kTaskStatsExecution refused (a protocol 1.1-1.4 RTOS)
  bool stats_execution_supported = true;
  // The application command "set-period <period-ms 1..10>" (answers the old period and posts
  // "period-changed") and its event kind, as the demo declares them.
  uint32_t period_ms = 1;
  uint64_t commands_seen = 0;
  std::function<void()> on_command;  // test hook, runs inside each handled command

  tandem::channel::RequestPage* request_page;
  tandem::channel::ResponsePage* response_page;
  std::unique_ptr<tandem::channel::Server> server;
  // Posts an event as the RTOS application would (and notifies a sleeping reader, as the
  // command server does); returns what the ring said.
  tandem::channel::PostStatus PostEvent(uint16_t kind, uint32_t source,
                                        std::vector<uint32_t> words = {}, uint64_t time_us = 0);

 private:
  class Gpio;
  class Stats;
  class SetPeriod;
  std::unique_ptr<SetPeriod> set_period_;
  FakeXen& xen_;
  uint32_t published_state_ = 0;  // what data/tandem/state was last set to by this RTOS
  std::unique_ptr<Gpio> gpio_;
  std::unique_ptr<Stats> stats_;
};

class FakeXen : public XenBackend {
 public:
  std::map<std::string, std::string> store;
  std::map<uint32_t, DomainRunState> run_state;  // domains not listed: kAbsent
  std::map<uint32_t, FakeRtos*> rtos;            // by domid
  uint64_t now_ns = 1'000'000'000;
  int self_pid = 1000;
  std::set<int> live_pids = {1000};
  int conflicts_to_inject = 0;     // StoreEnd(commit) fails with EAGAIN this many times
  bool xenstore_error = false;     // every XenStore call fails
  std::function<void()> on_wait;   // runs at the start of every EvtchnWait
  std::function<void()> on_sleep;  // runs at the start of every SleepNs
  // Reading the clock costs this much fake time, then runs on_now (a polled session spins on
  // the clock: the RTOS's periodic pass can run there).
  uint64_t now_step_ns = 0;
  std::function<void()> on_now;
  std::vector<ProcessInfo> evtchn_users;  // other processes with /dev/xen/evtchn open

  // Observations.
  struct Mapping {
    uint32_t domid, ref;
    bool writable;
  };
  std::map<void*, Mapping> mapped;
  std::vector<Mapping> map_log;
  std::map<uint32_t, std::pair<uint32_t, uint32_t>> bound;  // local -> (domid, remote)
  std::set<uint32_t> pending;                               // local ports fired, not consumed
  uint64_t notifies = 0;
  uint64_t waits = 0;
  uint32_t next_local_port = 40;

  // Linux -> RTOS direction (the RTOS works on the next wait) and RTOS -> Linux.
  void RaiseFromRtos(uint32_t domid, uint32_t remote_port);

  Result<std::optional<std::string>> StoreRead(Txn t, const std::string& path) override;
  Result<std::optional<std::vector<std::string>>> StoreDirectory(Txn t,
                                                                 const std::string& path) override;
  Result<void> StoreWrite(Txn t, const std::string& path, const std::string& value) override;
  Result<void> StoreRemove(Txn t, const std::string& path) override;
  Result<Txn> StoreBegin() override;
  Result<bool> StoreEnd(Txn t, bool abort) override;
  Result<DomainRunState> GetDomainState(uint32_t domid) override;
  Result<uint32_t> EvtchnBind(uint32_t domid, uint32_t remote_port) override;
  Result<void> EvtchnUnbind(uint32_t local_port) override;
  Result<void> EvtchnNotify(uint32_t local_port) override;
  Result<bool> EvtchnWait(uint32_t local_port, uint64_t timeout_ns) override;
  std::vector<ProcessInfo> EvtchnUsers() override { return evtchn_users; }
  Result<void*> GrantMap(uint32_t domid, uint32_t ref, bool writable) override;
  Result<void> GrantUnmap(void* page) override;
  uint64_t NowNs() override {
    now_ns += now_step_ns;
    if (on_now) on_now();
    return now_ns;
  }
  void SleepNs(uint64_t ns) override {
    if (on_sleep) on_sleep();
    now_ns += ns;
  }
  int SelfPid() override { return self_pid; }
  bool ProcessAlive(int pid) override { return live_pids.count(pid) != 0; }

 private:
  Result<void> StoreCheck();
  uint32_t next_txn_ = 1;
};

// Forwards to a FakeXen owned elsewhere (tandemctl's factory returns a fresh backend per run).
class BorrowedXen : public XenBackend {
 public:
  explicit BorrowedXen(XenBackend& inner) : x_(inner) {}
  Result<std::optional<std::string>> StoreRead(Txn t, const std::string& p) override {
    return x_.StoreRead(t, p);
  }
  Result<std::optional<std::vector<std::string>>> StoreDirectory(Txn t,
                                                                 const std::string& p) override {
    return x_.StoreDirectory(t, p);
  }
  Result<void> StoreWrite(Txn t, const std::string& p, const std::string& v) override {
    return x_.StoreWrite(t, p, v);
  }
  Result<void> StoreRemove(Txn t, const std::string& p) override { return x_.StoreRemove(t, p); }
  Result<Txn> StoreBegin() override { return x_.StoreBegin(); }
  Result<bool> StoreEnd(Txn t, bool a) override { return x_.StoreEnd(t, a); }
  Result<DomainRunState> GetDomainState(uint32_t d) override { return x_.GetDomainState(d); }
  Result<uint32_t> EvtchnBind(uint32_t d, uint32_t p) override { return x_.EvtchnBind(d, p); }
  Result<void> EvtchnUnbind(uint32_t p) override { return x_.EvtchnUnbind(p); }
  Result<void> EvtchnNotify(uint32_t p) override { return x_.EvtchnNotify(p); }
  Result<bool> EvtchnWait(uint32_t p, uint64_t t) override { return x_.EvtchnWait(p, t); }
  std::vector<ProcessInfo> EvtchnUsers() override { return x_.EvtchnUsers(); }
  int EvtchnFd() override { return x_.EvtchnFd(); }
  Result<void*> GrantMap(uint32_t d, uint32_t r, bool w) override { return x_.GrantMap(d, r, w); }
  Result<void> GrantUnmap(void* p) override { return x_.GrantUnmap(p); }
  uint64_t NowNs() override { return x_.NowNs(); }
  void SleepNs(uint64_t ns) override { x_.SleepNs(ns); }
  int SelfPid() override { return x_.SelfPid(); }
  bool ProcessAlive(int pid) override { return x_.ProcessAlive(pid); }

 private:
  XenBackend& x_;
};

}  // namespace libtandem::testing

#endif  // TESTS_UNIT_LINUX_FAKE_XEN_H_
