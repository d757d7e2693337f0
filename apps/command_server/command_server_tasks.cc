// TASK(ChannelServer), ISR(XenEvents) and StartCommandServer() for an arm64 Tandem RT image on
// Xen. Compiled as part of the application (it needs the application's os_cfg.h, generated from
// an OIL file that #includes command_server.oil); link tandem_command_server_tasks.
//
// Wiring (docs/rtos-channel.md): every Xen event arrives on the /hypervisor node's PPI (INTID
// 31); ISR(XenEvents) runs EventChannels::HandleUpcall, which calls
//   - XenFrontend::OnEvent for the channel's port: mask the port, SetEvent(ChannelEvent);
//   - SignalStore for XenStore's port: SetEvent(XenStoreEvent).
// ChannelServer drains the ring (DrainOnce, which unmasks at the end, unless a run of bare
// notifications throttled the port: then the one-shot ChannelThrottleTick brings it back to
// ThrottleCheck every kThrottlePeriodTicks) and, on the 10 Hz ChannelAttach tick, attaches to
// XenStore and publishes the channel when XenStore is there;
// then it serves XenStore watch events: the channel's keys (published again when dom0 deletes
// them) and control/shutdown (`xl shutdown` / `xl reboot`: ShutdownOS, then the domain ends).
// It is also the one context that prints the channel's incidents (broken peers, refused versions,
// hardware errors, ...): rate-limited, after each drain, never in the ISR (ReportIncidents).
#include <new>

#include "os.h"
#include "tandem/apps/command_server/command_server.h"
#include "tandem/arch.h"
#include "tandem/arm64/platform.h"
#include "tandem/channel/boot_id.h"
#include "tandem/channel/incident_reporter.h"
#include "tandem/xen/arm64_hypervisor.h"
#include "tandem/xen/pv_control.h"
#include "tandem/xen/shared_info.h"
#if TANDEM_KERNEL_TRACE
#include "tandem/apps/command_server/trace_command.h"
#include "tandem/config.h"
#include "tandem/names.h"
#endif

namespace tandem::apps {
namespace {

using GpioHandler = GpioCommands<drivers::Pl061<drivers::MmioIo>>;

// SOURCE of ISR XenEvents in command_server.oil: the event-channel PPI Xen gives every ARM guest
// (GUEST_EVTCHN_PPI = 31 in xen/arch-arm.h, a toolstack-only definition, hence repeated here).
// The device tree's /hypervisor interrupt is checked against it at start.
constexpr uint32_t kXenEventsSource = 31;

// The channel's two pages and the shared_info page: static, page-aligned, in RAM (identity
// mapped, Normal write-back as xen/arch-arm.h requires for memory shared with Xen and dom0).
alignas(4096) channel::RequestPage g_request_page;
alignas(4096) channel::ResponsePage g_response_page;
alignas(4096) uint8_t g_shared_info_page[4096];

xen::Arm64Hypervisor g_hv;
xen::EventChannels g_events{g_hv, reinterpret_cast<shared_info*>(g_shared_info_page)};
xen::GrantTable g_grants;
CommandServerSetup g_setup;
bool g_started = false;

void SignalServer(void*) { (void)SetEvent(ChannelServer, ChannelEvent); }
void SignalStore(evtchn_port_t, void*) { (void)SetEvent(ChannelServer, XenStoreEvent); }

channel::XenFrontend g_frontend{g_grants, g_events,
                                channel::IdentityMappedPages(&g_request_page, &g_response_page),
                                channel::TaskSignal{&SignalServer, nullptr}};

// XenStore requests block only the ChannelServer task: the client's Waiter waits for the store
// port's event or the 10 Hz tick, and gives up after kStoreTimeoutTicks quiet ticks.
constexpr uint32_t kStoreTimeoutTicks = 20;
uint32_t g_store_quiet_ticks = 0;
bool WaitStore(void*) {
  if (WaitEvent(XenStoreEvent | ChannelAttach) != E_OK) return false;
  EventMaskType got = 0;
  (void)GetEvent(ChannelServer, &got);
  (void)ClearEvent(got & (XenStoreEvent | ChannelAttach));
  if ((got & XenStoreEvent) != 0) {
    g_store_quiet_ticks = 0;
    return true;
  }
  return ++g_store_quiet_ticks < kStoreTimeoutTicks;
}

// The port maps the toolstack's magic region Normal at boot (arch/arm64 boot.cc) and resolves
// store frames inside it with XenMagicFrame; an application may pass its own function.
void* MapStoreRing(void*, uint64_t gfn) {
  if (g_setup.store_mapper.map == nullptr) return arm64::XenMagicFrame(nullptr, gfn);
  return g_setup.store_mapper.map(g_setup.store_mapper.context, gfn);
}

xen::XenStoreConnection g_store_connection;
xen::XenStoreClient g_store{g_store_connection, xen::Waiter{&WaitStore, nullptr}};
channel::XenStoreLink g_link{
    g_hv,         g_events, g_store_connection, xen::GfnMapper{&MapStoreRing, nullptr},
    &SignalStore, nullptr};

// The channel's incidents on the console. Printed by the ChannelServer task (priority 4 in
// command_server.oil, below the control tasks; the vpl011 write traps to Xen per character and
// is preemptible), after the drain that recorded them, so answers reach Linux first. At most
// IncidentReporter::kBurst lines per kind at once, then one a second, plus "(K more ...
// suppressed)": a hostile client cannot flood the console.
void WriteIncidentLine(void*, const char* line) { arm64::ConsolePrintf("tandem-rt: %s\n", line); }
channel::IncidentReporter g_incident_lines{channel::LineSink{&WriteIncidentLine, nullptr}};

uint64_t MonotonicMs() {
  const uint64_t per_ms = arm64::CounterFrequency() / 1000;
  return per_ms == 0 ? 0 : arm64::CounterNow() / per_ms;
}

void ReportIncidents() {
  (void)g_incident_lines.Report(g_frontend.server().incidents(), MonotonicMs());
}

#if TANDEM_KERNEL_TRACE
// The application was built with tandem_add_app(... TRACE): dom0 may read the kernel's
// scheduling trace (kTraceRead, docs/trace.md). Names come from the application's constant
// tables, so dom0 labels each task's and ISR's track as the OIL file does.
class KernelTraceSource final : public TraceSource {
 public:
  trace::TraceStatus Freeze() override { return trace::TraceFreeze(); }
  trace::TraceStatus Resume() override { return trace::TraceResume(); }
  trace::TraceStatus Status() override { return trace::TraceGetStatus(); }
  trace::TraceStatus Copy(uint32_t cursor, TraceRecord* out, uint32_t max,
                          uint32_t* copied) override {
    return trace::TraceCopy(cursor, out, max, copied);
  }
  uint64_t ClockHz() override { return trace::TraceClockHz(); }
  uint32_t Count(channel::TraceObject kind) override {
    switch (kind) {
      case channel::TraceObject::kTask:
        return kAppConfig.task_count;
      case channel::TraceObject::kIsr:
        return kAppConfig.isr_count;
      case channel::TraceObject::kAlarm:
        return kAppConfig.alarm_count;
      case channel::TraceObject::kService:
        return kServiceCount;
    }
    return 0;
  }
  const char* Name(channel::TraceObject kind, uint32_t index) override {
    if (index >= Count(kind)) return nullptr;
    switch (kind) {
      case channel::TraceObject::kTask:
        return kAppConfig.tasks[index].name;
      case channel::TraceObject::kIsr:
        return kAppConfig.isrs[index].name;
      case channel::TraceObject::kAlarm:
        return kAppConfig.alarms[index].name;
      case channel::TraceObject::kService:
        return ServiceName(static_cast<OSServiceIdType>(index));
    }
    return nullptr;
  }

 private:
  static constexpr uint32_t kServiceCount = OSServiceId_IncrementCounter + 1;  // os.h's last
};
KernelTraceSource g_trace_source;
TraceCommand g_trace_command{g_trace_source};
#endif

alignas(GpioHandler) unsigned char g_gpio_storage[sizeof(GpioHandler)];
alignas(TaskStatsCommand) unsigned char g_stats_storage[sizeof(TaskStatsCommand)];

channel::FrontendStatus g_last_attach = channel::FrontendStatus::kOk;
xen::PvControl g_control{g_store};
bool g_control_start_reported = false;
uint32_t g_dropped_watch_events_seen = 0;

// While bare notifications throttle the port, the server looks at the ring once per this many
// SystemCounter ticks (1 ms each, command_server.oil): a request sent during a notification
// storm waits at most this long (docs/rtos-channel.md, "Bare notifications").
constexpr TickType kThrottlePeriodTicks = 10;
bool g_throttle_armed = false;
// A polled session's period (kSignalPolled): one pass over the ring per tick.
constexpr TickType kPollPeriodTicks = 1;
bool g_poll_armed = false;

// What a drain asks for next: come straight back (poll limit), or look again after a throttle
// period (the port stays masked until then).
void FollowUp(const channel::DrainResult& r) {
  if (r.more) (void)SetEvent(ChannelServer, ChannelEvent);
  if (r.throttled && !g_throttle_armed) {
    // If arming failed, the 10 Hz ChannelAttach tick stands in (slower, never stuck masked).
    g_throttle_armed = SetRelAlarm(ChannelThrottleTick, kThrottlePeriodTicks, 0) == E_OK;
  }
}

// The boot timeline's last step (bench/eval's P5): the first Linux session taken, once a boot.
void ReportFirstSession() {
  static bool reported = false;
  if (reported || g_frontend.server().counters().attaches == 0) return;
  reported = true;
  arm64::ConsolePrintf("tandem-rt: milestone first-session %lu us\n",
                       static_cast<unsigned long>(arm64::MicrosSincePowerOn()));
}

// Runs the polling alarm exactly while the attached session asks to be polled.
void FollowPolling() {
  const bool wanted = g_frontend.server().peer_polls();
  if (wanted == g_poll_armed) return;
  if (wanted) {
    g_poll_armed = SetRelAlarm(ChannelPollTick, kPollPeriodTicks, kPollPeriodTicks) == E_OK;
  } else {
    (void)CancelAlarm(ChannelPollTick);
    g_poll_armed = false;
  }
}

// `xl shutdown` / `xl reboot`, acknowledged by PvControl: the channel says Closed to Linux,
// ShutdownOS runs the ShutdownHook, and the port ends the domain with the request's reason.
void HonourShutdown(xen::ShutdownRequest request) {
  arm64::ConsolePrintf("tandem-rt: the toolstack asks for %s: closing the channel, ShutdownOS\n",
                       xen::ShutdownRequestName(request));
  (void)g_frontend.Stop(&g_store);
  arm64::SetShutdownReason(xen::ShutdownReason(request));
  ShutdownOS(E_OK);
}

void CheckControl() {
  auto r = g_control.Check();
  if (!r.ok()) {
    arm64::ConsolePrintf("tandem-rt: reading control/shutdown failed: %s\n",
                         xen::XsStatusName(r.error()));
    return;
  }
  if (r.value() == xen::ShutdownRequest::kRefused) {
    arm64::ConsolePrintf(
        "tandem-rt: control/shutdown asks for something other than poweroff, halt or reboot: "
        "not supported, left unacknowledged\n");
  } else if (r.value() != xen::ShutdownRequest::kNone) {
    HonourShutdown(r.value());
  }
  auto key = g_control.CheckSysrq();
  if (!key.ok()) {
    arm64::ConsolePrintf("tandem-rt: reading control/sysrq failed: %s\n",
                         xen::XsStatusName(key.error()));
  } else if (key.value() == 'c') {
    // As Linux does for sysrq-c: a deliberate crash, so dom0 can exercise on_crash.
    arch::Panic("crash requested with `xl sysrq DOMAIN c`");
  } else if (key.value() != '\0') {
    const unsigned char k = static_cast<unsigned char>(key.value());
    arm64::ConsolePrintf("tandem-rt: sysrq key 0x%02x ignored (only 'c', crash, is supported)\n",
                         static_cast<unsigned>(k));
  }
}

// Watch events that arrived since the last look. A dropped event (the connection's queue was
// full) may have been anyone's: then every owner looks again.
void ServiceWatches() {
  (void)g_store_connection.Poll();  // collects events that came while no request was in flight
  bool keys = false;
  bool control = false;
  xen::XsWatchEvent event;
  while (g_store_connection.PopWatchEvent(&event)) {
    keys = keys || event.TokenIs(channel::XenFrontend::kKeysWatchToken);
    control = control || event.TokenIs(xen::PvControl::kWatchToken);
  }
  if (g_store_connection.dropped_watch_events() != g_dropped_watch_events_seen) {
    g_dropped_watch_events_seen = g_store_connection.dropped_watch_events();
    keys = control = true;
  }
  if (keys) {
    const uint64_t before = g_frontend.counters().republishes;
    const channel::FrontendStatus s = g_frontend.CheckPublished(g_store);
    if (g_frontend.counters().republishes != before) {
      arm64::ConsolePrintf(
          "tandem-rt: the channel's keys were deleted from XenStore: %s\n",
          s == channel::FrontendStatus::kOk ? "published again" : "publishing again failed");
    }
  }
  if (control && g_control.started()) CheckControl();
}

void StartControl() {
  auto started = g_control.Start();
  if (!started.ok() && !g_control_start_reported) {
    g_control_start_reported = true;  // retried every tick, said once
    arm64::ConsolePrintf(
        "tandem-rt: cannot watch control/shutdown (%s): xl shutdown will not "
        "be answered; retrying\n",
        xen::XsStatusName(started.error()));
  }
}

void ServiceXenStore() {
  g_store_quiet_ticks = 0;
  if (!g_frontend.published()) {
    const channel::FrontendStatus s = g_frontend.TryAttach(g_link, g_store);
    if (s == channel::FrontendStatus::kOk) {
      char boot_id[channel::kBootIdTextLength + 1];
      channel::BootIdToText(g_frontend.boot_id(), boot_id);
      arm64::ConsolePrintf(
          "tandem-rt: command channel published in data/tandem: ring-ref0=%u ring-ref1=%u "
          "event-channel=%u boot-id=%s\n",
          static_cast<unsigned>(g_frontend.request_ref()),
          static_cast<unsigned>(g_frontend.response_ref()),
          static_cast<unsigned>(g_frontend.port()), boot_id);
      arm64::ConsolePrintf("tandem-rt: milestone channel-published %lu us\n",
                           static_cast<unsigned long>(arm64::MicrosSincePowerOn()));
    } else if (s != channel::FrontendStatus::kNotYet && s != g_last_attach) {
      arm64::ConsolePrintf("tandem-rt: publishing the command channel failed: %s (%s); retrying\n",
                           channel::FrontendStatusName(s),
                           xen::XsStatusName(g_frontend.last_store_error()));
    }
    g_last_attach = s;
  } else if (g_frontend.state_dirty()) {
    (void)g_frontend.SyncState(g_store);  // retried on the next tick if it failed
  }
  if (!g_frontend.published()) return;
  if (!g_control.started()) StartControl();
  ServiceWatches();
}

}  // namespace

bool StartCommandServer(const CommandServerSetup& setup) {
  g_setup = setup;
  const xen::GuestPlatform& p = arm64::Platform();
  if (!p.has_xen || p.grant_table.size == 0) {
    arm64::ConsolePrintf("tandem-rt: no Xen /hypervisor node: no command channel\n");
    return false;
  }
  if (p.evtchn_intid != kXenEventsSource) {
    arm64::ConsolePrintf(
        "tandem-rt: the event-channel interrupt is INTID %u, but command_server.oil says SOURCE "
        "= %u: edit ISR XenEvents\n",
        static_cast<unsigned>(p.evtchn_intid), static_cast<unsigned>(kXenEventsSource));
    return false;
  }
  auto shared =
      xen::MapSharedInfo(g_hv, g_shared_info_page, reinterpret_cast<uintptr_t>(g_shared_info_page));
  if (!shared.ok()) {
    arm64::ConsolePrintf("tandem-rt: mapping shared_info failed: %s\n",
                         xen::XenStatusName(shared.error()));
    return false;
  }
  g_events.MaskAll();
  auto grants = g_grants.Init(g_hv, reinterpret_cast<void*>(p.grant_table.base), p.grant_table, 1);
  if (!grants.ok()) {
    arm64::ConsolePrintf("tandem-rt: mapping the grant table failed: %s\n",
                         xen::XenStatusName(grants.error()));
    return false;
  }
  g_frontend.server().set_hypercall_count(xen::Arm64Hypervisor::call_count());
  if (setup.gpio != nullptr) {
    auto* gpio = new (g_gpio_storage) GpioHandler(*setup.gpio, setup.exports);
    if (!gpio->ConfigureOutputs()) {
      arm64::ConsolePrintf("tandem-rt: cannot make the exported GPIO pins outputs\n");
    }
    (void)gpio->Install(g_frontend.server());
  }
  if (setup.stats != nullptr) {
    auto* stats = new (g_stats_storage) TaskStatsCommand(*setup.stats);
    (void)stats->Install(g_frontend.server());
  }
#if TANDEM_KERNEL_TRACE
  (void)g_trace_command.Install(g_frontend.server());
#endif
  // One id for this boot (docs/protocol.md, "Restart indication"): a client that sees another
  // knows the RTOS restarted, and with it every pin and counter Linux had set.
  const channel::FrontendStatus started =
      g_frontend.Start(channel::MakeBootId(arm64::PhysicalCounterNow()));
  if (started != channel::FrontendStatus::kOk) {
    arm64::ConsolePrintf("tandem-rt: starting the command channel failed: %s (%s)\n",
                         channel::FrontendStatusName(started),
                         xen::XenStatusName(g_frontend.last_xen_error()));
    return false;
  }
  g_started = true;
  return true;
}

const channel::XenFrontend& CommandServerFrontend() { return g_frontend; }

}  // namespace tandem::apps

ISR(XenEvents) { tandem::apps::g_events.HandleUpcall(); }

TASK(ChannelServer) {
  using tandem::apps::FollowUp;
  using tandem::apps::g_frontend;
  constexpr EventMaskType kWaitFor = ChannelEvent | ChannelAttach | ChannelThrottle | ChannelPoll;
  for (;;) {
    if (tandem::apps::g_started) tandem::apps::ServiceXenStore();
    (void)WaitEvent(kWaitFor);
    EventMaskType got = 0;
    (void)GetEvent(ChannelServer, &got);
    (void)ClearEvent(got & kWaitFor);
    if (!tandem::apps::g_started) continue;
    if ((got & ChannelThrottle) != 0) tandem::apps::g_throttle_armed = false;
    if ((got & ChannelThrottle) != 0 ||
        ((got & ChannelAttach) != 0 && g_frontend.throttled() && !tandem::apps::g_throttle_armed)) {
      FollowUp(g_frontend.ThrottleCheck());
    }
    if ((got & ChannelEvent) != 0) {
      // DrainOnce unmasks the port when the ring is empty; if its poll limit ran out the port
      // stays masked and we come straight back (no interrupt needed); after a run of bare
      // notifications it stays masked until a throttle period has passed.
      FollowUp(g_frontend.DrainOnce());
    }
    if ((got & ChannelPoll) != 0) FollowUp(g_frontend.PolledPass());
    tandem::apps::FollowPolling();
    tandem::apps::ReportFirstSession();
    // After the drain (its answers are out) and on every tick (summaries of held-back lines).
    tandem::apps::ReportIncidents();
  }
}
