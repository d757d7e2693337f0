// Operations of the command channel and their wire arguments, shared by the RTOS and Linux.
// Every op lists, per argument word, the largest value it accepts; unused words must be zero so
// that a later minor version can give them meaning. See docs/protocol.md, "Operations".
#ifndef TANDEM_CHANNEL_OPS_H_
#define TANDEM_CHANNEL_OPS_H_

#include <stdint.h>

#include "tandem/channel/wire.h"

namespace tandem::channel {

enum class Op : uint16_t {
  // arg[0..3]: anything, echoed in result[0..3]; payload echoed. Answered by the channel itself.
  kPing = 0x0001,
  // arg[0] pin, arg[1] level (0/1).
  kGpioSet = 0x0100,
  // arg[0] pin. result[0] level.
  kGpioGet = 0x0101,
  // arg[0] pin. result[0] new level.
  kGpioToggle = 0x0102,
  // arg[0] pin, arg[1] GpioDirection, arg[2] initial level of an output (0/1).
  kGpioConfigure = 0x0103,
  // arg[0] task index, arg[1] TaskStatsFlags (1.1; 0 in 1.0). result[0] activations, [1]
  // deadline misses, [2] worst response time in microseconds (saturating at 2^32-1), [3] number
  // of tasks; payload: task name, no NUL. With kTaskStatsExecution (1.5) the payload starts with
  // the worst execution time (TaskStatsExecutionPrefix), then the name.
  kTaskStats = 0x0200,
  // (1.6) The application command table (app_commands.h): arg[0] entry index, arg[1]
  // CommandInfoPart. result[0] is the number of entries; an index beyond it is answered with
  // result[0] alone (and result[1] = 0: no op). Answered by the channel itself.
  kCommandInfo = 0x0300,
  // (1.6) The application event kinds (events.h): arg[0] entry index, arg[1] EventInfoPart.
  // result[0] is the number of entries; beyond it, result[0] alone. Answered by the channel.
  kEventInfo = 0x0301,
  // (1.6) The kernel's scheduling trace (docs/trace.md): arg[0] cursor (a record's sequence
  // number; for kTraceName the object), arg[1] TraceAction. Results per action, below.
  kTraceRead = 0x0400,
};

// Ops in [kAppOpFirst, kAppOpLast] belong to applications (Server::RegisterAppCommand with an
// AppCommandSpec, app_commands.h): the channel checks them against the spec it was given.
inline constexpr uint16_t kAppOpFirst = 0x8000;
inline constexpr uint16_t kAppOpLast = 0xFFFF;
constexpr bool IsAppOp(uint16_t op) { return op >= kAppOpFirst; }

inline constexpr uint32_t kGpioMaxPin = 1023;  // arg limit; which pins exist is the RTOS config's
inline constexpr uint32_t kMaxTaskIndex = 0xFFFF;
// kTaskStats arg[1] (protocol 1.1): kTaskStatsReset clears the task's counters as they are read,
// so the next read covers only what happened in between (a measurement window).
inline constexpr uint32_t kTaskStatsReset = 1u << 0;
// kTaskStats arg[1] (protocol 1.5): the payload starts with kTaskStatsExecutionBytes bytes, the
// task's worst execution time in microseconds (little-endian, saturating at 2^32-1; 0: the
// application does not measure it), then the name. A flag, not a new layout for every request,
// because a 1.4 RTOS answers the plain request as before and refuses the flag (kBadArgument),
// which tells a 1.5 Linux to ask without it.
inline constexpr uint32_t kTaskStatsExecution = 1u << 1;
inline constexpr uint32_t kTaskStatsExecutionBytes = 4;
inline constexpr uint32_t kTaskStatsFlagsMax = kTaskStatsReset | kTaskStatsExecution;
// kCommandInfo's argument limits (app_commands.h has the parts).
inline constexpr uint32_t kMaxCommandIndex = 0xFFFF;
inline constexpr uint32_t kCommandInfoPartLast = 3;
inline constexpr uint32_t kEventInfoPartLast = 1;

// kTraceRead arg[1] (1.6). A dom0 reader freezes the RTOS's trace ring, reads it in chunks while
// nothing is written to it (so the chunks are one consistent snapshot, however long the pull
// takes), then resumes it; the RTOS never waits for the reader (docs/trace.md).
enum class TraceAction : uint32_t {
  // Records [arg[0], arg[0] + kTraceRecordsPerResponse) that the ring still holds, as payload
  // (16 bytes each, tandem/trace_record.h). result[0] oldest sequence held, [1] end (next to
  // write), [2] records dropped while frozen (saturating), [3] kTraceFrozen if frozen.
  kRead = 0,
  kFreeze = 1,  // stop recording first, then as kRead
  kResume = 2,  // empty the ring (sequence numbers from 0) and record again; arg[0] must be 0
  // result[0] clock frequency in Hz (saturating), [1] ring capacity in records, [2] tasks |
  // ISRs << 16, [3] alarms; arg[0] must be 0
  kInfo = 3,
  // payload: the name (no NUL, cut to 32 bytes) of object arg[0] = TraceObject << 16 | index;
  // kBadArgument if there is none
  kName = 4,
};
inline constexpr uint32_t kTraceActionMax = 4;
enum class TraceObject : uint32_t { kTask = 0, kIsr = 1, kAlarm = 2, kService = 3 };
inline constexpr uint32_t kTraceObjectMax = 3;
inline constexpr uint32_t kTraceFrozen = 1u << 0;
inline constexpr uint32_t kTraceRecordsPerResponse = 2;  // kMaxPayload / 16-byte records

enum class GpioDirection : uint32_t { kInput = 0, kOutput = 1 };

// Response::status. Zero is success; everything else says why the RTOS did not act.
enum class WireStatus : uint32_t {
  kOk = 0,
  kUnknownOp = 1,         // op not in the table and no application registered it
  kBadArgument = 2,       // an argument word is out of range (or an unused one is non-zero)
  kBadPayload = 3,        // payload_len > kMaxPayload or not allowed for the op
  kBadFlags = 4,          // flags non-zero
  kPermissionDenied = 5,  // e.g. the pin is not exported to Linux by the RTOS configuration
  kNotSupported = 6,      // known op, but this RTOS has no handler for it
  kBusy = 7,              // the handler cannot act now; retrying later may succeed
  kHardwareError = 8,     // the device did not do what was asked
  kInternal = 9,          // handler bug (returned an invalid response)
};

// Response::result[1] of a GPIO op answered kHardwareError (protocol 1.2; zero before): what the
// RTOS found, with the level the pin reads in result[0]. The RTOS console's line for the failure
// and tandemctl's message both come from DescribeGpioFault (describe.h), so they say the same.
enum class GpioFault : uint32_t {
  kUnspecified = 0,    // no detail (a 1.1 RTOS)
  kNoSuchPin = 1,      // the GPIO driver has no such pin (exported by mistake)
  kPinIsInput = 2,     // the pin is configured as input: a write does not reach it
  kLevelNotTaken = 3,  // an output that reads back another level than written (driven outside?)
};

struct OpSpec {
  Op op;
  uint32_t arg_max[4];   // inclusive upper bound per word; 0 = must be zero
  uint32_t payload_max;  // bytes
};

inline constexpr uint32_t kAny = 0xFFFFFFFF;

inline constexpr OpSpec kOpSpecs[] = {
    {Op::kPing, {kAny, kAny, kAny, kAny}, kMaxPayload},
    {Op::kGpioSet, {kGpioMaxPin, 1, 0, 0}, 0},
    {Op::kGpioGet, {kGpioMaxPin, 0, 0, 0}, 0},
    {Op::kGpioToggle, {kGpioMaxPin, 0, 0, 0}, 0},
    {Op::kGpioConfigure, {kGpioMaxPin, 1, 1, 0}, 0},
    {Op::kTaskStats, {kMaxTaskIndex, kTaskStatsFlagsMax, 0, 0}, 0},
    {Op::kCommandInfo, {kMaxCommandIndex, kCommandInfoPartLast, 0, 0}, 0},
    {Op::kEventInfo, {kMaxCommandIndex, kEventInfoPartLast, 0, 0}, 0},
    {Op::kTraceRead, {kAny, kTraceActionMax, 0, 0}, 0},
};

// A request of `op` with argument words a0..a3, everything else zero (id, flags, payload): what
// libtandem sends and what the tests build. The Client fills in the id when it submits.
constexpr Request MakeRequest(Op op, uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0,
                              uint32_t a3 = 0) {
  Request r{};
  r.op = static_cast<uint16_t>(op);
  r.arg[0] = a0;
  r.arg[1] = a1;
  r.arg[2] = a2;
  r.arg[3] = a3;
  return r;
}

constexpr const OpSpec* FindOpSpec(uint16_t op) {
  for (const OpSpec& spec : kOpSpecs) {
    if (static_cast<uint16_t>(spec.op) == op) return &spec;
  }
  return nullptr;
}

// Validates a request already copied out of shared memory against the op table. App ops get the
// generic checks only here; the server then checks them against their spec (app_commands.h). Never
// reads twice: the argument is a private copy.
constexpr WireStatus ValidateRequest(const Request& r) {
  if (r.flags != 0) return WireStatus::kBadFlags;
  if (r.payload_len > kMaxPayload) return WireStatus::kBadPayload;
  if (IsAppOp(r.op)) return WireStatus::kOk;
  const OpSpec* spec = FindOpSpec(r.op);
  if (spec == nullptr) return WireStatus::kUnknownOp;
  if (r.payload_len > spec->payload_max) return WireStatus::kBadPayload;
  for (int i = 0; i < 4; ++i) {
    if (r.arg[i] > spec->arg_max[i]) return WireStatus::kBadArgument;
  }
  return WireStatus::kOk;
}

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_OPS_H_
