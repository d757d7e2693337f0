// kTraceRead (channel/ops.h, docs/trace.md): dom0's reader of the kernel's scheduling trace.
// The handler runs in the ChannelServer task; it reaches the trace through TraceSource, so the
// same source runs on the RTOS (KernelTraceSource, command_server_tasks.cc) and in host tests
// against a scripted ring.
//
// Every call is bounded: at most kTraceRecordsPerResponse records are copied, inside the
// kernel's own short critical section. Nothing here waits, and no writer ever waits for it:
// while dom0 reads, the ring is frozen and new records are dropped and counted instead.
#ifndef TANDEM_APPS_COMMAND_SERVER_TRACE_COMMAND_H_
#define TANDEM_APPS_COMMAND_SERVER_TRACE_COMMAND_H_

#include <stdint.h>

#include "tandem/channel/ops.h"
#include "tandem/channel/server.h"
#include "tandem/trace.h"
#include "tandem/trace_record.h"

namespace tandem::apps {

class TraceSource {
 public:
  virtual trace::TraceStatus FreezeRing() = 0;
  virtual trace::TraceStatus ResumeRing() = 0;
  virtual trace::TraceStatus RingStatus() = 0;
  virtual trace::TraceStatus CopyRecords(uint32_t cursor, TraceRecord* out, uint32_t max,
                                         uint32_t* copied) = 0;
  virtual uint64_t ClockHz() = 0;
  virtual uint32_t ObjectCount(channel::TraceObject kind) = 0;
  // nullptr when there is no such object.
  virtual const char* ObjectName(channel::TraceObject kind, uint32_t index) = 0;

 protected:
  ~TraceSource() = default;
};

class TraceCommand final : public channel::CommandHandler {
 public:
  explicit constexpr TraceCommand(TraceSource& source) : source_(source) {}

  channel::ServerStatus Install(channel::Server& server) {
    return server.SetHandler(channel::Op::kTraceRead, this);
  }

  // The request was validated against kOpSpecs (arg[1] <= kTraceActionMax, arg[2..3] zero).
  channel::WireStatus Handle(const channel::Request& request,
                             channel::Response& response) override {
    const uint32_t cursor = request.arg[0];
    switch (static_cast<channel::TraceAction>(request.arg[1])) {
      case channel::TraceAction::kFreeze:
        (void)source_.FreezeRing();
        return ReadRecords(cursor, response);
      case channel::TraceAction::kRead:
        return ReadRecords(cursor, response);
      case channel::TraceAction::kResume:
        if (cursor != 0) return channel::WireStatus::kBadArgument;
        PutStatus(source_.ResumeRing(), response);
        return channel::WireStatus::kOk;
      case channel::TraceAction::kInfo: {
        if (cursor != 0) return channel::WireStatus::kBadArgument;
        const uint64_t hz = source_.ClockHz();
        response.result[0] = hz > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(hz);
        response.result[1] = source_.RingStatus().capacity;
        response.result[2] = Clamp16(source_.ObjectCount(channel::TraceObject::kTask)) |
                             Clamp16(source_.ObjectCount(channel::TraceObject::kIsr)) << 16;
        response.result[3] = source_.ObjectCount(channel::TraceObject::kAlarm);
        return channel::WireStatus::kOk;
      }
      case channel::TraceAction::kName:
        return PutName(cursor >> 16, cursor & 0xFFFFu, response);
    }
    return channel::WireStatus::kBadArgument;  // not reached: the op table bounds arg[1]
  }

 private:
  static uint32_t Clamp16(uint32_t v) { return v > 0xFFFFu ? 0xFFFFu : v; }

  static void PutStatus(const trace::TraceStatus& s, channel::Response& response) {
    response.result[0] = s.oldest;
    response.result[1] = s.end;
    response.result[2] = s.dropped;
    response.result[3] = s.frozen ? channel::kTraceFrozen : 0;
  }

  channel::WireStatus ReadRecords(uint32_t cursor, channel::Response& response) {
    TraceRecord records[channel::kTraceRecordsPerResponse];
    uint32_t copied = 0;
    const trace::TraceStatus s =
        source_.CopyRecords(cursor, records, channel::kTraceRecordsPerResponse, &copied);
    if (copied > channel::kTraceRecordsPerResponse) copied = 0;  // a source bug: send nothing
    PutStatus(s, response);
    for (uint32_t i = 0; i < copied; ++i) {
      EncodeTraceRecord(records[i], response.payload + i * kTraceRecordBytes);
    }
    response.payload_len = static_cast<uint16_t>(copied * kTraceRecordBytes);
    return channel::WireStatus::kOk;
  }

  channel::WireStatus PutName(uint32_t kind, uint32_t index, channel::Response& response) {
    if (kind > channel::kTraceObjectMax) return channel::WireStatus::kBadArgument;
    const char* name = source_.ObjectName(static_cast<channel::TraceObject>(kind), index);
    if (name == nullptr) return channel::WireStatus::kBadArgument;
    uint16_t len = 0;
    while (len < channel::kMaxPayload && name[len] != '\0') {
      response.payload[len] = static_cast<uint8_t>(name[len]);
      ++len;
    }
    response.payload_len = len;
    return channel::WireStatus::kOk;
  }

  TraceSource& source_;
};

}  // namespace tandem::apps

#endif  // TANDEM_APPS_COMMAND_SERVER_TRACE_COMMAND_H_
