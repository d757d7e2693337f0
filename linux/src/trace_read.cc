// ReadTrace: the kernel's scheduling trace pulled over kTraceRead (trace.h, docs/trace.md).
// Everything the RTOS answers is checked before it is used: counts are bounded, the snapshot
// must stay the one that was frozen, and every chunk must carry exactly the records asked for.
#include <algorithm>
#include <set>

#include "libtandem/trace.h"

namespace libtandem {
namespace {

using tandem::channel::MakeRequest;
using tandem::channel::Op;
using tandem::channel::TraceAction;
using tandem::channel::TraceObject;
using tandem::channel::WireStatus;

// Bounds on what the RTOS reports, so a broken one cannot make us loop or allocate without end.
constexpr uint32_t kMaxCapacity = 1u << 22;  // 64 MiB of records
constexpr uint32_t kMaxObjects = 4096;       // tasks, ISRs or alarms of one application

const char* const kEnableHint =
    "build the RTOS application with tracing: tandem_add_app(<app> ... TRACE <records>) in its "
    "CMakeLists.txt, as apps/demo does (docs/trace.md, \"Turning it on\")";

Result<Response> Call(CommandPort& port, TraceAction action, uint32_t arg0, uint64_t timeout_ns) {
  const Request request = MakeRequest(Op::kTraceRead, arg0, static_cast<uint32_t>(action));
  Result<Response> r = port.Call(request, timeout_ns);
  LIBTANDEM_TRY(r);
  const Response& rsp = r.value();
  if (rsp.op != request.op) {
    return Fail(Errc::kProtocol, "trace: the RTOS answered another operation",
                "the RTOS's channel is misbehaving; check its console");
  }
  const auto status = static_cast<WireStatus>(rsp.status);
  if (status == WireStatus::kOk) return rsp;
  if (status == WireStatus::kUnknownOp || status == WireStatus::kNotSupported) {
    return Fail(Errc::kRefused,
                std::string("this RTOS image was built without tracing (it answers the trace "
                            "request with: ") +
                    WireStatusName(rsp.status) + ")",
                kEnableHint);
  }
  return Fail(Errc::kRefused, std::string("the RTOS refused trace: ") + WireStatusName(rsp.status),
              "check the RTOS console");
}

std::string Printable(const Response& rsp) {
  std::string s;
  const uint32_t len = rsp.payload_len <= sizeof(rsp.payload) ? rsp.payload_len : 0;
  for (uint32_t i = 0; i < len; ++i) {
    const char c = static_cast<char>(rsp.payload[i]);
    s += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return s;
}

Result<std::vector<std::string>> Names(CommandPort& port, TraceObject kind, uint32_t count,
                                       uint64_t timeout_ns) {
  std::vector<std::string> names;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t object = static_cast<uint32_t>(kind) << 16 | i;
    Result<Response> r = Call(port, TraceAction::kName, object, timeout_ns);
    LIBTANDEM_TRY(r);
    names.push_back(Printable(r.value()));
  }
  return names;
}

tandem::Error<Error> Changed() {
  return Fail(Errc::kProtocol,
              "trace: the RTOS's trace changed while it was being read (another client resumed "
              "or froze it)",
              "run `tandemctl trace` again, with no other trace reader at the same time");
}

Result<void> ReadRecords(CommandPort& port, uint64_t timeout_ns, const TraceProgress& progress,
                         TraceCapture& c) {
  Result<Response> frozen = Call(port, TraceAction::kFreeze, 0, timeout_ns);
  LIBTANDEM_TRY(frozen);
  const uint32_t oldest = frozen.value().result[0];
  const uint32_t end = frozen.value().result[1];
  const uint32_t count = end - oldest;  // modulo 2^32, as the RTOS counts
  if ((frozen.value().result[3] & tandem::channel::kTraceFrozen) == 0 || count > c.capacity) {
    return Fail(Errc::kProtocol,
                "trace: the RTOS's answer to the freeze is inconsistent (" + std::to_string(count) +
                    " records in a ring of " + std::to_string(c.capacity) + ")",
                "check the RTOS console");
  }
  c.first = oldest;
  c.overwritten = oldest;
  c.records.reserve(count);
  for (uint32_t done = 0; done < count;) {
    Result<Response> r = Call(port, TraceAction::kRead, oldest + done, timeout_ns);
    LIBTANDEM_TRY(r);
    const Response& rsp = r.value();
    if (rsp.result[0] != oldest || rsp.result[1] != end ||
        (rsp.result[3] & tandem::channel::kTraceFrozen) == 0) {
      return Changed();
    }
    const uint32_t want = std::min(count - done, tandem::channel::kTraceRecordsPerResponse);
    if (rsp.payload_len != want * tandem::kTraceRecordBytes) {
      return Fail(Errc::kProtocol,
                  "trace: the RTOS sent " + std::to_string(rsp.payload_len) +
                      " bytes of records where " + std::to_string(want) + " were due",
                  "check the RTOS console");
    }
    for (uint32_t i = 0; i < want; ++i) {
      c.records.push_back(tandem::DecodeTraceRecord(rsp.payload + i * tandem::kTraceRecordBytes));
    }
    c.dropped = rsp.result[2];
    done += want;
    if (progress) progress(done, count);
  }
  if (count == 0) c.dropped = frozen.value().result[2];
  return {};
}

Result<void> ReadNames(CommandPort& port, uint64_t timeout_ns, uint32_t tasks, uint32_t isrs,
                       uint32_t alarms, TraceCapture& c) {
  Result<std::vector<std::string>> t = Names(port, TraceObject::kTask, tasks, timeout_ns);
  LIBTANDEM_TRY(t);
  c.tasks = std::move(t.value());
  Result<std::vector<std::string>> i = Names(port, TraceObject::kIsr, isrs, timeout_ns);
  LIBTANDEM_TRY(i);
  c.isrs = std::move(i.value());
  Result<std::vector<std::string>> a = Names(port, TraceObject::kAlarm, alarms, timeout_ns);
  LIBTANDEM_TRY(a);
  c.alarms = std::move(a.value());
  // Only the services that occur: one round trip each.
  std::set<uint8_t> used;
  for (const tandem::TraceRecord& r : c.records) {
    if (r.kind == static_cast<uint8_t>(tandem::TraceKind::kService)) used.insert(r.detail);
  }
  if (!used.empty()) c.services.resize(*used.rbegin() + 1u);
  for (uint8_t id : used) {
    const uint32_t object = static_cast<uint32_t>(TraceObject::kService) << 16 | id;
    Result<Response> r = Call(port, TraceAction::kName, object, timeout_ns);
    if (r.ok()) {
      c.services[id] = Printable(r.value());
    } else if (r.error().code != Errc::kRefused) {
      return Fail(r.error());
    }  // refused: an id the RTOS has no name for; the converter numbers it
  }
  return {};
}

}  // namespace

Result<TraceCapture> ReadTrace(CommandPort& port, uint64_t timeout_ns,
                               const TraceProgress& progress, bool keep_frozen) {
  Result<Response> info = Call(port, TraceAction::kInfo, 0, timeout_ns);
  LIBTANDEM_TRY(info);
  TraceCapture c;
  c.clock_hz = info.value().result[0];
  c.capacity = info.value().result[1];
  const uint32_t tasks = info.value().result[2] & 0xFFFFu;
  const uint32_t isrs = info.value().result[2] >> 16;
  const uint32_t alarms = info.value().result[3];
  if (c.clock_hz == 0 || c.capacity == 0 || c.capacity > kMaxCapacity || tasks > kMaxObjects ||
      isrs > kMaxObjects || alarms > kMaxObjects) {
    return Fail(Errc::kProtocol,
                "trace: the RTOS describes its trace implausibly (clock " +
                    std::to_string(c.clock_hz) + " Hz, " + std::to_string(c.capacity) +
                    " records, " + std::to_string(tasks) + " tasks, " + std::to_string(isrs) +
                    " ISRs, " + std::to_string(alarms) + " alarms)",
                "check the RTOS console");
  }
  Result<void> read = ReadRecords(port, timeout_ns, progress, c);
  if (read.ok()) read = ReadNames(port, timeout_ns, tasks, isrs, alarms, c);
  if (!keep_frozen) {
    // Also after a failed read: recording must not stay off because the pull broke. If the
    // channel itself failed, this fails the same way and the first error is the one reported.
    Result<Response> resumed = Call(port, TraceAction::kResume, 0, timeout_ns);
    if (read.ok() && !resumed.ok()) return Fail(resumed.error());
  }
  LIBTANDEM_TRY(read);
  return c;
}

}  // namespace libtandem
