// One record of the kernel's scheduling trace (docs/trace.md): what the kernel writes into its
// trace buffer, what the command server copies into kTraceRead's payload, and what libtandem
// decodes. Spelled once, here, because all three must agree to the byte. Freestanding.
#ifndef TANDEM_TRACE_RECORD_H_
#define TANDEM_TRACE_RECORD_H_

#include <stddef.h>
#include <stdint.h>

namespace tandem {

enum class TraceKind : uint8_t {
  kNone = 0,
  // object: the task now running (kTraceIdle: the idle loop); arg: the task that ran before
  // (kTraceIdle: idle); detail: that task's new state (OSEK TaskStateType: 1 WAITING, 2 READY =
  // preempted or activated again, 3 SUSPENDED; 0 when it was the idle loop).
  kTaskSwitch = 1,
  // object: the ISR (kTraceSystemTimer: the system timer tick, which is no OSEK ISR).
  kIsrEnter = 2,
  kIsrExit = 3,
  // object: the alarm whose expiry is being acted on (its action follows: switch, ...).
  kAlarmExpiry = 4,
  // detail: the OSServiceId_* of os.h; object: the running task (kTraceIdle: none, e.g. an ISR
  // called it: see the enclosing kIsrEnter); arg: the service's first parameter (0 if none).
  kService = 5,
};
inline constexpr uint8_t kTraceKindLast = static_cast<uint8_t>(TraceKind::kService);

inline constexpr uint16_t kTraceIdle = 0xFFFF;         // "no task": the idle loop
inline constexpr uint16_t kTraceSystemTimer = 0xFFFE;  // the system tick's pseudo ISR

// 16 bytes, little-endian on the wire (both ends are; channel/wire.h asserts it).
struct TraceRecord {
  uint64_t time;    // the port's free-running counter (arch::TraceClock), not reset by StartOS
  uint8_t kind;     // TraceKind
  uint8_t detail;   // per kind, above
  uint16_t object;  // per kind, above
  uint32_t arg;     // per kind, above
};
static_assert(sizeof(TraceRecord) == 16, "two records fill one 32-byte response payload");
static_assert(offsetof(TraceRecord, time) == 0 && offsetof(TraceRecord, kind) == 8 &&
                  offsetof(TraceRecord, detail) == 9 && offsetof(TraceRecord, object) == 10 &&
                  offsetof(TraceRecord, arg) == 12,
              "the wire layout of a trace record (docs/protocol.md, kTraceRead)");
inline constexpr size_t kTraceRecordBytes = sizeof(TraceRecord);

// Encodes into / decodes from 16 bytes of a payload, field by field (no struct punning of
// untrusted bytes on the reading side).
inline void EncodeTraceRecord(const TraceRecord& r, uint8_t* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(r.time >> (8 * i));
  out[8] = r.kind;
  out[9] = r.detail;
  out[10] = static_cast<uint8_t>(r.object);
  out[11] = static_cast<uint8_t>(r.object >> 8);
  for (int i = 0; i < 4; ++i) out[12 + i] = static_cast<uint8_t>(r.arg >> (8 * i));
}

inline TraceRecord DecodeTraceRecord(const uint8_t* in) {
  TraceRecord r{};
  for (int i = 0; i < 8; ++i) r.time |= static_cast<uint64_t>(in[i]) << (8 * i);
  r.kind = in[8];
  r.detail = in[9];
  r.object = static_cast<uint16_t>(in[10] | (in[11] << 8));
  for (int i = 0; i < 4; ++i) r.arg |= static_cast<uint32_t>(in[12 + i]) << (8 * i);
  return r;
}

}  // namespace tandem

#endif  // TANDEM_TRACE_RECORD_H_
