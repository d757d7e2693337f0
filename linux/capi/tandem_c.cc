// libtandem_c: tandem_c.h's functions over libtandem. Each one runs its body inside Guard(),
// which turns a failed Result into (status, tandem_error) and any C++ exception into status 1,
// so nothing C++ crosses the ABI. The domain and timeout rules are tandemctl's (cli.cc), reached
// through the same libtandem calls, so both report a failure with the same code.
#include "tandem_c.h"

#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <exception>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "backend.h"
#include "libtandem/app_commands.h"
#include "libtandem/commands.h"
#include "libtandem/discovery.h"
#include "libtandem/events.h"
#include "libtandem/link.h"

using libtandem::Errc;
using libtandem::Error;
using libtandem::Fail;
using libtandem::Result;

// One open link (a session of its own, or through tandemd); what tandemctl's Runner holds for
// one command, kept across calls.
struct tandem_rtos {
  std::unique_ptr<libtandem::Link> link;
  libtandem::CommandPort* port = nullptr;  // link's
  uint64_t timeout_ns = 0;
  // Read from the RTOS on first use (tandem_call, tandem_events_subscribe).
  std::optional<std::vector<libtandem::AppCommandInfo>> commands;
  std::optional<std::vector<libtandem::AppEventInfo>> event_kinds;
  uint64_t dropped_at_subscribe = 0;
};

namespace {

static_assert(sizeof(tandem_error) == 1096, "tandem_c.h's structures never change size");
static_assert(sizeof(tandem_domain) == 176, "tandem_c.h's structures never change size");
static_assert(sizeof(tandem_identity) == 112, "tandem_c.h's structures never change size");
static_assert(sizeof(tandem_task_stats) == 84, "tandem_c.h's structures never change size");
static_assert(sizeof(tandem_channel_counters) == 104, "tandem_c.h's structures never change size");
static_assert(sizeof(tandem_call_result) == 80, "tandem_c.h's structures never change size");
static_assert(sizeof(tandem_event) == 80, "tandem_c.h's structures never change size");

constexpr uint32_t kMaxTimeoutMs = 600000;  // tandemctl --timeout's bound

// Copies `text` into a fixed buffer, cut and NUL-terminated.
template <size_t N>
void Copy(char (&dst)[N], const std::string& text) {
  snprintf(dst, N, "%s", text.c_str());
}

int Report(const Error& e, tandem_error* err) {
  if (err != nullptr) {
    memset(err, 0, sizeof(*err));
    err->code = static_cast<int32_t>(e.code);
    err->rtos_status = e.rtos_status;
    Copy(err->name, libtandem::ErrcName(e.code));
    Copy(err->message, e.message);
    Copy(err->hint, e.hint);
  }
  return static_cast<int>(e.code);
}

// Runs `body` (returning Result<void>) with no exception escaping.
template <typename Body>
int Guard(tandem_error* err, Body body) noexcept {
  try {
    Result<void> r = body();
    if (!r.ok()) return Report(r.error(), err);
    if (err != nullptr) memset(err, 0, sizeof(*err));
    return TANDEM_OK;
  } catch (const std::bad_alloc&) {
    return Report(Error{Errc::kInternal, "out of memory", ""}, err);
  } catch (const std::exception& e) {
    return Report(Error{Errc::kInternal, std::string("unexpected: ") + e.what(),
                        "a bug in libtandem_c: please report it"},
                  err);
  } catch (...) {
    return Report(Error{Errc::kInternal, "unexpected exception", "please report it"}, err);
  }
}

Result<void> NeedArg(const void* p, const char* what) {
  if (p == nullptr)
    return Fail(Errc::kUsage, std::string(what) + " is NULL", "pass a valid pointer");
  return {};
}

Result<uint64_t> TimeoutNs(uint32_t timeout_ms) {
  if (timeout_ms < 1 || timeout_ms > kMaxTimeoutMs) {
    return Fail(Errc::kUsage,
                "timeout " + std::to_string(timeout_ms) + " ms is out of range (1.." +
                    std::to_string(kMaxTimeoutMs) + ")",
                "the timeout bounds the open and each command: take e.g. 2000");
  }
  return uint64_t{timeout_ms} * 1'000'000;
}

void Fill(tandem_domain& out, const libtandem::DomainEntry& d) {
  memset(&out, 0, sizeof(out));
  out.domid = d.domid;
  out.published = d.published ? 1 : 0;
  out.boot_id = d.boot_id;
  Copy(out.name, d.name);
  Copy(out.channel, d.published ? d.channel : std::string());
}

void Fill(tandem_task_stats& out, const libtandem::TaskStats& t) {
  memset(&out, 0, sizeof(out));
  out.index = t.index;
  out.activations = t.activations;
  out.deadline_misses = t.deadline_misses;
  out.worst_response_us = t.worst_response_us;
  out.has_worst_execution = t.worst_execution_us.has_value() ? 1 : 0;
  out.worst_execution_us = t.worst_execution_us.value_or(0);
  Copy(out.name, t.name);
}

}  // namespace

extern "C" {

uint32_t tandem_abi_version(void) { return TANDEM_C_ABI_VERSION; }

const char* tandem_errc_name(int32_t code) {
  if (code < 0 || code >= tandem_errc_count()) return "unknown";
  return libtandem::ErrcName(static_cast<Errc>(code));
}

int32_t tandem_errc_count(void) { return static_cast<int32_t>(std::size(libtandem::kErrcTable)); }

size_t tandem_sizeof(const char* type) {
  if (type == nullptr) return 0;
  const std::string t = type;
  if (t == "tandem_error") return sizeof(tandem_error);
  if (t == "tandem_domain") return sizeof(tandem_domain);
  if (t == "tandem_identity") return sizeof(tandem_identity);
  if (t == "tandem_task_stats") return sizeof(tandem_task_stats);
  if (t == "tandem_channel_counters") return sizeof(tandem_channel_counters);
  if (t == "tandem_call_result") return sizeof(tandem_call_result);
  if (t == "tandem_event") return sizeof(tandem_event);
  return 0;
}

int tandem_list_domains(tandem_domain* out, size_t capacity, size_t* count, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(count, "count"));
    if (capacity != 0) LIBTANDEM_TRY(NeedArg(out, "out"));
    Result<std::unique_ptr<libtandem::XenBackend>> xen = libtandem::capi::OpenBackend();
    LIBTANDEM_TRY(xen);
    Result<std::vector<libtandem::DomainEntry>> all = libtandem::ListDomains(*xen.value());
    LIBTANDEM_TRY(all);
    *count = all.value().size();
    for (size_t i = 0; i < capacity && i < all.value().size(); ++i) Fill(out[i], all.value()[i]);
    return {};
  });
}

int tandem_open(const char* domain, uint32_t timeout_ms, tandem_rtos** out, tandem_error* err) {
  return tandem_open_with(domain, timeout_ms, 0, nullptr, out, err);
}

int tandem_open_with(const char* domain, uint32_t timeout_ms, uint32_t flags,
                     const char* socket_dir, tandem_rtos** out, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(out, "out"));
    *out = nullptr;
    Result<uint64_t> timeout = TimeoutNs(timeout_ms);
    LIBTANDEM_TRY(timeout);
    if ((flags & ~uint32_t{TANDEM_OPEN_DIRECT}) != 0) {
      return Fail(Errc::kUsage, "unknown flags " + std::to_string(flags),
                  "0 or TANDEM_OPEN_DIRECT (1)");
    }
    // The --domain rule, checked before Xen is asked (a malformed domain is a usage error).
    Result<libtandem::DomainSelector> selector = libtandem::ParseDomainSelector(
        domain != nullptr ? std::optional<std::string>(domain) : std::nullopt);
    LIBTANDEM_TRY(selector);
    libtandem::LinkOptions options;
    options.direct = (flags & TANDEM_OPEN_DIRECT) != 0;
    if (socket_dir != nullptr) options.socket_dir = socket_dir;
    Result<std::unique_ptr<libtandem::Link>> link = libtandem::Link::Open(
        libtandem::capi::OpenBackend(), selector.value(), options, timeout.value());
    LIBTANDEM_TRY(link);
    auto rtos = std::make_unique<tandem_rtos>();
    rtos->timeout_ns = timeout.value();
    rtos->link = std::move(link.value());
    rtos->port = &rtos->link->port();
    *out = rtos.release();
    return {};
  });
}

const char* tandem_via(const tandem_rtos* rtos) {
  return rtos != nullptr ? rtos->link->via().c_str() : "";
}

void tandem_close(tandem_rtos* rtos) {
  // The destructors close the session or tandemd's connection (neither throws).
  delete rtos;
}

int tandem_set_timeout(tandem_rtos* rtos, uint32_t timeout_ms, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    Result<uint64_t> timeout = TimeoutNs(timeout_ms);
    LIBTANDEM_TRY(timeout);
    rtos->timeout_ns = timeout.value();
    return {};
  });
}

int tandem_get_identity(tandem_rtos* rtos, tandem_identity* out, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    LIBTANDEM_TRY(NeedArg(out, "out"));
    memset(out, 0, sizeof(*out));
    const libtandem::RtosIdentity& id = rtos->link->identity();
    out->domid = id.domid;
    out->generation = id.generation;
    out->boot_id = id.boot_id;
    Copy(out->name, rtos->link->domain().name);
    return {};
  });
}

int tandem_ping(tandem_rtos* rtos, uint64_t* rtt_ns, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    const uint64_t start = rtos->link->NowNs();
    LIBTANDEM_TRY(libtandem::Ping(*rtos->port, rtos->timeout_ns));
    if (rtt_ns != nullptr) *rtt_ns = rtos->link->NowNs() - start;
    return {};
  });
}

int tandem_gpio_set(tandem_rtos* rtos, uint32_t pin, uint32_t level, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    if (level > 1) {
      return Fail(Errc::kUsage, "level " + std::to_string(level) + " is not 0 or 1");
    }
    return libtandem::GpioSet(*rtos->port, pin, level, rtos->timeout_ns);
  });
}

int tandem_gpio_get(tandem_rtos* rtos, uint32_t pin, uint32_t* level, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    LIBTANDEM_TRY(NeedArg(level, "level"));
    Result<uint32_t> r = libtandem::GpioGet(*rtos->port, pin, rtos->timeout_ns);
    LIBTANDEM_TRY(r);
    *level = r.value();
    return {};
  });
}

int tandem_gpio_toggle(tandem_rtos* rtos, uint32_t pin, uint32_t* level, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    Result<uint32_t> r = libtandem::GpioToggle(*rtos->port, pin, rtos->timeout_ns);
    LIBTANDEM_TRY(r);
    if (level != nullptr) *level = r.value();
    return {};
  });
}

int tandem_gpio_configure(tandem_rtos* rtos, uint32_t pin, int32_t direction, uint32_t level,
                          tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    if (direction != TANDEM_GPIO_IN && direction != TANDEM_GPIO_OUT) {
      return Fail(Errc::kUsage, "direction " + std::to_string(direction) + " is not in or out",
                  "TANDEM_GPIO_IN (0) or TANDEM_GPIO_OUT (1)");
    }
    if (level > 1 || (direction == TANDEM_GPIO_IN && level != 0)) {
      return Fail(Errc::kUsage,
                  "level " + std::to_string(level) + " for an " +
                      (direction == TANDEM_GPIO_IN ? "input" : "output"),
                  "an output's initial level is 0 or 1; an input takes 0");
    }
    const auto dir = direction == TANDEM_GPIO_OUT ? tandem::channel::GpioDirection::kOutput
                                                  : tandem::channel::GpioDirection::kInput;
    return libtandem::GpioConfigure(*rtos->port, pin, dir, level, rtos->timeout_ns);
  });
}

int tandem_get_task_stats(tandem_rtos* rtos, int32_t reset, tandem_task_stats* out, size_t capacity,
                          size_t* count, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    LIBTANDEM_TRY(NeedArg(count, "count"));
    if (capacity != 0) LIBTANDEM_TRY(NeedArg(out, "out"));
    Result<std::vector<libtandem::TaskStats>> r = libtandem::GetTaskStats(
        *rtos->port, rtos->timeout_ns,
        reset != 0 ? libtandem::StatsMode::kReadAndReset : libtandem::StatsMode::kRead);
    LIBTANDEM_TRY(r);
    *count = r.value().size();
    for (size_t i = 0; i < capacity && i < r.value().size(); ++i) Fill(out[i], r.value()[i]);
    return {};
  });
}

int tandem_get_channel_counters(tandem_rtos* rtos, tandem_channel_counters* out,
                                tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    LIBTANDEM_TRY(NeedArg(out, "out"));
    Result<libtandem::RtosCounters> counters = rtos->link->ReadRtosCounters(rtos->timeout_ns);
    LIBTANDEM_TRY(counters);
    const libtandem::RtosCounters& c = counters.value();
    memset(out, 0, sizeof(*out));
    out->requests = c.requests;
    out->rejected = c.rejected;
    out->broken = c.broken;
    out->notify_sent = c.notify_sent;
    out->notify_received = c.notify_received;
    out->hypercalls = c.hypercalls;
    out->boot_id = c.boot_id;
    out->generation = c.generation;
    out->state = c.state;
    out->error = c.error;
    return {};
  });
}

int tandem_call(tandem_rtos* rtos, const char* command, const uint32_t* args, size_t nargs,
                const void* payload, size_t payload_len, tandem_call_result* out,
                tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    LIBTANDEM_TRY(NeedArg(command, "command"));
    LIBTANDEM_TRY(NeedArg(out, "out"));
    if (nargs != 0) LIBTANDEM_TRY(NeedArg(args, "args"));
    if (payload_len != 0) LIBTANDEM_TRY(NeedArg(payload, "payload"));
    if (!rtos->commands) {
      Result<std::vector<libtandem::AppCommandInfo>> table =
          libtandem::ListAppCommands(*rtos->port, rtos->timeout_ns);
      LIBTANDEM_TRY(table);
      rtos->commands = std::move(table.value());
    }
    Result<libtandem::AppCommandInfo> c = libtandem::FindAppCommand(*rtos->commands, command);
    LIBTANDEM_TRY(c);
    std::vector<uint32_t> words(args, args + nargs);
    for (size_t i = 0; i < words.size() && i < c.value().arg_names.size(); ++i) {
      // The same check (and message) as tandemctl's, on the number as given.
      LIBTANDEM_TRY(libtandem::ParseAppArgument(c.value(), i, std::to_string(words[i])));
    }
    const auto* bytes = static_cast<const uint8_t*>(payload);
    Result<libtandem::AppCallResult> r = libtandem::CallAppCommand(
        *rtos->port, c.value(), words, std::vector<uint8_t>(bytes, bytes + payload_len),
        rtos->timeout_ns);
    LIBTANDEM_TRY(r);
    memset(out, 0, sizeof(*out));
    out->result_count = static_cast<uint32_t>(r.value().results.size());
    for (size_t i = 0; i < r.value().results.size() && i < 4; ++i) {
      out->results[i] = r.value().results[i];
    }
    out->payload_len = static_cast<uint32_t>(std::min<size_t>(r.value().payload.size(), 32));
    memcpy(out->payload, r.value().payload.data(), out->payload_len);
    return {};
  });
}

int tandem_events_subscribe(tandem_rtos* rtos, const char* kinds, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    if (!rtos->event_kinds) {
      Result<std::vector<libtandem::AppEventInfo>> table =
          libtandem::ListAppEvents(*rtos->port, rtos->timeout_ns);
      LIBTANDEM_TRY(table);
      rtos->event_kinds = std::move(table.value());
    }
    std::string list = kinds != nullptr ? kinds : "";
    if (kinds == nullptr) {  // tandemctl watch's default: every kind but task-state
      list = "deadline-miss";
      for (const auto& a : *rtos->event_kinds) list += "," + a.name;
    }
    Result<uint64_t> mask = libtandem::ParseEventKinds(list, *rtos->event_kinds);
    LIBTANDEM_TRY(mask);
    LIBTANDEM_TRY(rtos->link->SubscribeEvents(mask.value(), rtos->timeout_ns));
    rtos->dropped_at_subscribe = rtos->link->events_dropped();
    return {};
  });
}

int tandem_events_read(tandem_rtos* rtos, tandem_event* out, size_t capacity, size_t* count,
                       uint32_t wait_ms, uint64_t* dropped, tandem_error* err) {
  return Guard(err, [&]() -> Result<void> {
    LIBTANDEM_TRY(NeedArg(rtos, "rtos"));
    LIBTANDEM_TRY(NeedArg(count, "count"));
    if (capacity != 0) LIBTANDEM_TRY(NeedArg(out, "out"));
    *count = 0;
    if (capacity == 0) return {};
    Result<std::vector<tandem::channel::Event>> got =
        rtos->link->WaitEvents(uint64_t{wait_ms} * 1'000'000, capacity);
    LIBTANDEM_TRY(got);
    const std::vector<libtandem::AppEventInfo> none;
    const auto& app = rtos->event_kinds ? *rtos->event_kinds : none;
    for (const tandem::channel::Event& e : got.value()) {
      tandem_event& o = out[(*count)++];
      memset(&o, 0, sizeof o);
      o.time_us = e.time_us;
      o.kind = e.kind;
      o.source = e.source;
      o.data_len = std::min<uint32_t>(e.data_len, sizeof o.data);
      memcpy(o.data, e.data, o.data_len);
      Copy(o.kind_name, libtandem::DescribeEvent(e, app).kind);
    }
    if (dropped != nullptr) *dropped = rtos->link->events_dropped() - rtos->dropped_at_subscribe;
    return {};
  });
}

}  // extern "C"
