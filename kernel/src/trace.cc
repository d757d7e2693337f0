// The scheduling trace's ring (tandem/trace.h). Compiled into the traced kernel only
// (tandem_kernel_trace); the ring's storage comes from the application (tandem_add_app TRACE).
#include "tandem/trace.h"

#include "kernel.h"
#include "trace_points.h"

static_assert(tandem::trace::kTraceEnabled, "trace.cc belongs to tandem_kernel_trace only");

namespace tandem::trace {
namespace {

// Under the kernel's lock (the closed interrupt gate), like every other kernel state.
struct Ring {
  uint64_t written = 0;  // records written since the last Resume: 64 bits never wrap
  uint32_t dropped = 0;
  bool frozen = false;
};
Ring g_ring;

TraceStatus StatusLocked() {
  TANDEM_ASSERT_LOCKED();
  const uint64_t capacity = g_trace_capacity;
  const uint64_t count = g_ring.written < capacity ? g_ring.written : capacity;
  return TraceStatus{static_cast<uint32_t>(g_ring.written - count),
                     static_cast<uint32_t>(g_ring.written),
                     static_cast<uint32_t>(count),
                     g_ring.dropped,
                     g_trace_capacity,
                     g_ring.frozen};
}

}  // namespace

void RecordLocked(TraceKind kind, uint8_t detail, uint16_t object, uint32_t arg) {
  TANDEM_ASSERT_LOCKED();
  if (g_ring.frozen) {
    if (g_ring.dropped != UINT32_MAX) ++g_ring.dropped;
    return;
  }
  // g_trace_capacity is a power of two (checked by tandem_add_app): a mask, not a division.
  TraceRecord& r = g_trace_ring[g_ring.written & (g_trace_capacity - 1)];
  r.time = arch::TraceClock();
  r.kind = static_cast<uint8_t>(kind);
  r.detail = detail;
  r.object = object;
  r.arg = arg;
  ++g_ring.written;
}

TraceStatus TraceFreeze() {
  kernel::CriticalSection cs;
  g_ring.frozen = true;
  return StatusLocked();
}

TraceStatus TraceResume() {
  kernel::CriticalSection cs;
  g_ring = Ring{};
  return StatusLocked();
}

TraceStatus TraceGetStatus() {
  kernel::CriticalSection cs;
  return StatusLocked();
}

TraceStatus TraceCopy(uint32_t cursor, TraceRecord* out, uint32_t max, uint32_t* copied) {
  kernel::CriticalSection cs;
  const TraceStatus s = StatusLocked();
  // Modulo 2^32, as the sequence numbers the reader holds: how far past the oldest it is.
  const uint32_t offset = cursor - s.oldest;
  uint32_t n = 0;
  if (offset < s.count) {
    const uint32_t available = s.count - offset;
    n = max < available ? max : available;
    for (uint32_t i = 0; i < n; ++i) {
      out[i] = g_trace_ring[(cursor + i) & (g_trace_capacity - 1)];
    }
  }
  *copied = n;
  return s;
}

uint64_t TraceClockHz() { return arch::TraceClockHz(); }

}  // namespace tandem::trace
