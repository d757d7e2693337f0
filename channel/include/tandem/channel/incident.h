// Incidents: what the channel refused or saw fail that a person at the RTOS console should read
// about once (a broken peer, a refused version, a hardware error, a malformed request, a handler
// bug). The Server records each one where it is detected, as a small fixed record (kind, the
// session, the numbers that explain it), into an IncidentLog; the RTOS application prints them
// later through an IncidentReporter (incident_reporter.h), rate-limited, from a task that may be
// slow. Detection thus stays portable and costs a few stores; the console write happens
// elsewhere. See docs/rtos-channel.md, "Console lines".
//
// Threading: one owner (the server task records and drains). No heap, no OS includes.
#ifndef TANDEM_CHANNEL_INCIDENT_H_
#define TANDEM_CHANNEL_INCIDENT_H_

#include <stddef.h>
#include <stdint.h>

namespace tandem::channel {

enum class IncidentKind : uint8_t {
  // value[0] the req_prod read, value[1] the RTOS's req_cons: the producer ran more than
  // kSlotCount ahead, or behind what was consumed (moved backwards).
  kBrokenPeer,
  // value[0] the request page's magic, value[1] its version (major << 16 | minor).
  kVersionRefused,
  // A handler answered kHardwareError. op; value[0] arg[0] (the pin for GPIO ops), value[1]
  // result[0] (the level read), value[2] result[1] (GpioFault for GPIO ops): exactly what the
  // response tells Linux, so the console and tandemctl describe the same thing.
  kHardwareError,
  // Refused by the channel's own validation (ValidateRequest) or an unregistered app op.
  // op; value[0] the WireStatus answered.
  kRejectedRequest,
  // A handler returned an invalid response (payload too long), answered kInternal. op;
  // value[0] the payload_len it returned.
  kHandlerFault,
};
inline constexpr uint32_t kIncidentKindCount = 5;

struct Incident {
  IncidentKind kind = IncidentKind::kBrokenPeer;
  uint16_t op = 0;       // the request's op, for request incidents
  uint32_t session = 0;  // the Linux session concerned
  uint32_t value[3] = {};
};

// "broken peer", "hardware error", ... (for summaries: "(3 more hardware errors suppressed)").
const char* IncidentKindName(IncidentKind kind);

// The console line for `incident`, without the "tandem-rt: " prefix or newline, e.g.
// "channel: session 12: gpio set on pin 3: hardware error: pin 3 is configured as input (it
// reads 0)". Returns the length written (NUL-terminated, truncated to fit).
size_t FormatIncident(const Incident& incident, char* buf, size_t size);

// A small queue between the Server (Record) and the task that prints (Pop). When it is full, a
// new incident is dropped and counted per kind (TakeDropped), so a flood costs no more than the
// queue and the counts still reach the console as "suppressed".
class IncidentLog {
 public:
  static constexpr uint32_t kCapacity = 8;

  void Record(const Incident& incident);
  bool Pop(Incident* out);
  // Incidents of `kind` dropped since the last call (queue full).
  uint32_t TakeDropped(IncidentKind kind);
  // Recorded since start, dropped or not (diagnostics and tests).
  uint64_t recorded() const { return recorded_; }
  bool empty() const { return count_ == 0; }

 private:
  Incident ring_[kCapacity];
  uint32_t head_ = 0;   // next to pop
  uint32_t count_ = 0;  // queued
  uint32_t dropped_[kIncidentKindCount] = {};
  uint64_t recorded_ = 0;
};

}  // namespace tandem::channel

#endif  // TANDEM_CHANNEL_INCIDENT_H_
