// ChromeTraceJson (trace.h): a TraceCapture in the Chrome JSON trace format, as Perfetto's UI
// imports it ("Trace Event Format": traceEvents with ph X / i / M).
//
// The records are a stream of context changes; a small replay turns them into slices:
//   - task switch: the previous task's slice ends, the next task's begins (idle runs none);
//   - ISR enter/exit: a stack, since ISRs nest by level; each exit closes the top slice;
//   - service call, alarm expiry: an instant on the track of whoever is executing (the innermost
//     ISR, else the running task; process-wide when nothing is known to run).
// A slice open when the ring starts (its beginning was overwritten) starts at the first record;
// one open at the end ends at the last record and says so in its args.
#include <inttypes.h>
#include <stdio.h>

#include <vector>

#include "libtandem/trace.h"

namespace libtandem {
namespace {

using tandem::TraceKind;
using tandem::TraceRecord;

// Appends every part: GCC 12's -O3 -Wrestrict misreads chains of `"literal" + std::string`
// (GCC PR 105329) and the arm64 build treats warnings as errors.
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string s;
  (s.append(parts), ...);
  return s;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

std::string NameOr(const std::vector<std::string>& names, uint32_t index, const char* what) {
  if (index < names.size() && !names[index].empty()) return names[index];
  return Cat(what, " ", std::to_string(index));
}

const char* LeftAs(uint8_t state) {
  switch (state) {
    case 1:
      return "waiting";
    case 2:
      return "preempted";
    case 3:
      return "terminated";
    default:
      return "?";
  }
}

class Writer {
 public:
  Writer(const TraceCapture& c, const ChromeTraceOptions& o) : c_(c), pid_(std::to_string(o.pid)) {
    t0_ = c.records.empty() ? 0 : c.records.front().time;
  }

  std::string Micros(uint64_t time) const { return FormatMicros(time >= t0_ ? time - t0_ : 0); }

  void Meta(const char* what, uint32_t tid, const std::string& key, const std::string& value) {
    Add(Cat("{\"ph\":\"M\",\"pid\":", pid_, ",\"tid\":", std::to_string(tid), ",\"name\":\"", what,
            "\",\"args\":{\"", key, "\":", value, "}}"));
  }

  void Slice(uint32_t tid, const std::string& name, uint64_t begin, uint64_t end,
             const std::string& args) {
    Add(Cat("{\"ph\":\"X\",\"pid\":", pid_, ",\"tid\":", std::to_string(tid), ",\"name\":\"",
            Escape(name), "\",\"ts\":", Micros(begin), ",\"dur\":", Duration(begin, end),
            ",\"args\":{", args, "}}"));
  }

  // tid 0: process-wide.
  void Instant(uint32_t tid, const std::string& name, const std::string& cat, uint64_t at,
               const std::string& args) {
    Add(Cat("{\"ph\":\"i\",\"s\":\"", tid == 0 ? "p" : "t", "\",\"pid\":", pid_,
            ",\"tid\":", std::to_string(tid), ",\"name\":\"", Escape(name), "\",\"cat\":\"", cat,
            "\",\"ts\":", Micros(at), ",\"args\":{", args, "}}"));
  }

  std::string Render(const std::string& other) const {
    std::string out =
        Cat("{\"displayTimeUnit\":\"ns\",\"otherData\":{", other, "},\"traceEvents\":[\n");
    for (size_t i = 0; i < events_.size(); ++i) {
      out += events_[i];
      out += i + 1 < events_.size() ? ",\n" : "\n";
    }
    out.append("]}\n");
    return out;
  }

 private:
  std::string Duration(uint64_t begin, uint64_t end) const {
    return FormatMicros(end > begin ? end - begin : 0);
  }
  // Counter ticks as microseconds with three decimals, in integers (no floating-point rounding):
  // exact to the nanosecond at any clock up to 2^32 Hz.
  std::string FormatMicros(uint64_t ticks) const {
    const uint64_t hz = c_.clock_hz;
    const uint64_t us = ticks / hz * 1000000 + ticks % hz * 1000000 / hz;
    const uint64_t ns = (ticks % hz * 1000000000 / hz) % 1000;
    char buf[40];
    snprintf(buf, sizeof(buf), "%" PRIu64 ".%03" PRIu64, us, ns);
    return buf;
  }
  void Add(std::string e) { events_.push_back(std::move(e)); }

  const TraceCapture& c_;
  std::string pid_;
  uint64_t t0_ = 0;
  std::vector<std::string> events_;
};

uint32_t TaskTid(uint16_t task) { return kChromeTidTaskBase + task; }
uint32_t IsrTid(uint16_t isr) {
  return isr == tandem::kTraceSystemTimer ? kChromeTidSystemTimer : kChromeTidIsrBase + isr;
}

}  // namespace

std::string ChromeTraceJson(const TraceCapture& c, const ChromeTraceOptions& o) {
  TraceCapture safe = c;
  if (safe.clock_hz == 0) safe.clock_hz = 1;  // never divide by zero on a hand-made capture
  Writer w(safe, o);
  w.Meta("process_name", 0, "name", Cat("\"", Escape(o.process_name), "\""));
  // Every task and ISR gets its track, also one that did not run in the captured window.
  for (uint32_t t = 0; t < c.tasks.size(); ++t) {
    w.Meta("thread_name", TaskTid(static_cast<uint16_t>(t)), "name",
           Cat("\"", Escape(NameOr(c.tasks, t, "task")), "\""));
    w.Meta("thread_sort_index", TaskTid(static_cast<uint16_t>(t)), "sort_index", std::to_string(t));
  }
  for (uint32_t i = 0; i < c.isrs.size(); ++i) {
    w.Meta("thread_name", IsrTid(static_cast<uint16_t>(i)), "name",
           Cat("\"ISR ", Escape(NameOr(c.isrs, i, "isr")), "\""));
    w.Meta("thread_sort_index", IsrTid(static_cast<uint16_t>(i)), "sort_index",
           std::to_string(1000 + i));
  }
  w.Meta("thread_name", kChromeTidSystemTimer, "name", "\"ISR system timer (tick)\"");
  w.Meta("thread_sort_index", kChromeTidSystemTimer, "sort_index", "999");

  const uint64_t first = c.records.empty() ? 0 : c.records.front().time;
  const uint64_t last = c.records.empty() ? 0 : c.records.back().time;
  // The running task and since when; unknown (kTraceIdle, begin = first) until the first switch
  // says who ran before it.
  uint16_t running = tandem::kTraceIdle;
  uint64_t running_since = first;
  bool running_known = false;
  struct OpenIsr {
    uint16_t isr;
    uint64_t since;
  };
  std::vector<OpenIsr> isrs;
  auto task_name = [&](uint16_t t) { return NameOr(c.tasks, t, "task"); };
  auto isr_name = [&](uint16_t i) {
    return i == tandem::kTraceSystemTimer ? std::string("system timer") : NameOr(c.isrs, i, "isr");
  };
  auto here = [&]() -> uint32_t {
    if (!isrs.empty()) return IsrTid(isrs.back().isr);
    return running_known && running != tandem::kTraceIdle ? TaskTid(running) : 0;
  };

  for (const TraceRecord& r : c.records) {
    switch (static_cast<TraceKind>(r.kind)) {
      case TraceKind::kTaskSwitch: {
        const auto previous = static_cast<uint16_t>(r.arg);
        if (previous != tandem::kTraceIdle) {
          // Before the first switch the slice's start was overwritten: it starts at `first`.
          const uint64_t since = running_known ? running_since : first;
          w.Slice(TaskTid(previous), task_name(previous), since, r.time,
                  Cat("\"left_as\":\"", LeftAs(r.detail), "\""));
        }
        running = r.object;
        running_since = r.time;
        running_known = true;
        break;
      }
      case TraceKind::kIsrEnter:
        isrs.push_back({r.object, r.time});
        break;
      case TraceKind::kIsrExit: {
        uint64_t since = first;  // entered before the ring's first record
        if (!isrs.empty() && isrs.back().isr == r.object) {
          since = isrs.back().since;
          isrs.pop_back();
        }
        w.Slice(IsrTid(r.object), isr_name(r.object), since, r.time, "");
        break;
      }
      case TraceKind::kAlarmExpiry:
        w.Instant(here(), Cat("alarm ", NameOr(c.alarms, r.object, "alarm")), "alarm", r.time,
                  Cat("\"alarm\":", std::to_string(r.object)));
        break;
      case TraceKind::kService:
        w.Instant(
            here(), NameOr(c.services, r.detail, "service"), "service", r.time,
            Cat("\"service_id\":", std::to_string(r.detail), ",\"param\":", std::to_string(r.arg)));
        break;
      case TraceKind::kNone:
      default:
        break;  // a kind this reader does not know: skipped, the rest still shows
    }
  }
  // Still open at the end of the capture (the freeze came first).
  for (const OpenIsr& i : isrs) {
    w.Slice(IsrTid(i.isr), isr_name(i.isr), i.since, last, "\"open_at_end\":true");
  }
  if (running_known && running != tandem::kTraceIdle) {
    w.Slice(TaskTid(running), task_name(running), running_since, last, "\"open_at_end\":true");
  }
  const std::string other =
      Cat("\"source\":\"Tandem RT kernel trace (docs/trace.md)\",\"clock_hz\":",
          std::to_string(c.clock_hz), ",\"records\":", std::to_string(c.records.size()),
          ",\"ring_capacity\":", std::to_string(c.capacity),
          ",\"overwritten\":", std::to_string(c.overwritten),
          ",\"dropped_while_frozen\":", std::to_string(c.dropped));
  return w.Render(other);
}

}  // namespace libtandem
