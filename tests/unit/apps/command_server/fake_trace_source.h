// A scripted TraceSource (trace_command.h) with the kernel ring's semantics (tandem/trace.h):
// a power-of-two ring that overwrites its oldest records, and a freeze that drops and counts.
// Shared by the handler's tests and libtandem's/tandemctl's (tests/unit/linux).
#ifndef TESTS_UNIT_APPS_COMMAND_SERVER_FAKE_TRACE_SOURCE_H_
#define TESTS_UNIT_APPS_COMMAND_SERVER_FAKE_TRACE_SOURCE_H_

#include <stdint.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tandem/apps/command_server/trace_command.h"

namespace tandem::apps::testing {

class FakeTraceSource final : public TraceSource {
 public:
  explicit FakeTraceSource(uint32_t capacity) : ring_(capacity) {}

  void Write(TraceKind kind, uint8_t detail, uint16_t object, uint32_t arg, uint64_t time) {
    if (frozen_) {
      ++dropped_;
      return;
    }
    ring_[written_ % ring_.size()] =
        TraceRecord{time, static_cast<uint8_t>(kind), detail, object, arg};
    ++written_;
  }

  trace::TraceStatus FreezeRing() override {
    frozen_ = true;
    return RingStatus();
  }
  trace::TraceStatus ResumeRing() override {
    written_ = 0;
    dropped_ = 0;
    frozen_ = false;
    return RingStatus();
  }
  trace::TraceStatus RingStatus() override {
    const uint64_t cap = ring_.size();
    const uint64_t count = written_ < cap ? written_ : cap;
    return {static_cast<uint32_t>(written_ - count),
            static_cast<uint32_t>(written_),
            static_cast<uint32_t>(count),
            dropped_,
            static_cast<uint32_t>(cap),
            frozen_};
  }
  trace::TraceStatus CopyRecords(uint32_t cursor, TraceRecord* out, uint32_t max,
                                 uint32_t* copied) override {
    const trace::TraceStatus s = RingStatus();
    const uint32_t offset = cursor - s.oldest;
    uint32_t n = 0;
    if (offset < s.count) {
      n = std::min(max, s.count - offset);
      for (uint32_t i = 0; i < n; ++i) out[i] = ring_[(cursor + i) % ring_.size()];
    }
    *copied = n;
    return s;
  }
  uint64_t ClockHz() override { return clock_hz; }
  uint32_t ObjectCount(channel::TraceObject kind) override {
    return static_cast<uint32_t>(Names(kind).size());
  }
  const char* ObjectName(channel::TraceObject kind, uint32_t index) override {
    const std::vector<std::string>& names = Names(kind);
    return index < names.size() ? names[index].c_str() : nullptr;
  }

  uint64_t clock_hz = 1'000'000;  // 1 MHz: one tick is one microsecond
  std::vector<std::string> tasks = {"Control", "Background"};
  std::vector<std::string> isrs = {"XenEvents"};
  std::vector<std::string> alarms = {"ControlPeriod"};
  std::vector<std::string> services = {"?", "ActivateTask", "TerminateTask"};

 private:
  const std::vector<std::string>& Names(channel::TraceObject kind) const {
    switch (kind) {
      case channel::TraceObject::kTask:
        return tasks;
      case channel::TraceObject::kIsr:
        return isrs;
      case channel::TraceObject::kAlarm:
        return alarms;
      case channel::TraceObject::kService:
        return services;
    }
    return tasks;
  }

  std::vector<TraceRecord> ring_;
  uint64_t written_ = 0;
  uint32_t dropped_ = 0;
  bool frozen_ = false;
};

}  // namespace tandem::apps::testing

#endif  // TESTS_UNIT_APPS_COMMAND_SERVER_FAKE_TRACE_SOURCE_H_
