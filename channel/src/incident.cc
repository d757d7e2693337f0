// Incident records and their console text. See incident.h.
#include "tandem/channel/incident.h"

#include "tandem/channel/describe.h"
#include "tandem/channel/ops.h"
#include "tandem/channel/wire.h"
#include "tandem/format.h"

namespace tandem::channel {
namespace {

// Appends formatted text to a fixed buffer; everything past its end is cut (still NUL-ended).
class Line {
 public:
  Line(char* buf, size_t size) : buf_(buf), size_(size) {
    if (size_ > 0) buf_[0] = '\0';
  }
  template <typename... Args>
  void Add(const char* format, Args... args) {
    if (len_ + 1 >= size_) return;
    len_ += Format(buf_ + len_, size_ - len_, format, args...);
  }
  size_t length() const { return len_; }

 private:
  char* buf_;
  size_t size_;
  size_t len_ = 0;
};

bool IsGpioOp(uint16_t op) {
  return op >= static_cast<uint16_t>(Op::kGpioSet) &&
         op <= static_cast<uint16_t>(Op::kGpioConfigure);
}

// "gpio set" for a core op, "op 0x8001" for any other.
void AddOp(Line& line, uint16_t op) {
  const char* name = OpName(op);
  if (name != nullptr) {
    line.Add("%s", name);
  } else {
    line.Add("op 0x%04x", static_cast<unsigned>(op));
  }
}

}  // namespace

const char* IncidentKindName(IncidentKind kind) {
  switch (kind) {
    case IncidentKind::kBrokenPeer:
      return "broken peer";
    case IncidentKind::kVersionRefused:
      return "version refusal";
    case IncidentKind::kHardwareError:
      return "hardware error";
    case IncidentKind::kRejectedRequest:
      return "malformed request";
    case IncidentKind::kHandlerFault:
      return "handler fault";
  }
  return "incident";
}

size_t FormatIncident(const Incident& incident, char* buf, size_t size) {
  Line line(buf, size);
  const uint32_t* v = incident.value;
  const unsigned session = incident.session;
  switch (incident.kind) {
    case IncidentKind::kBrokenPeer: {
      // Unsigned distance, as the check itself (protocol.md 6.2): a small one is "ahead", one
      // that wrapped past half the index space is the producer moving backwards.
      const uint32_t prod = v[0], cons = v[1];
      line.Add("channel: session %u is a broken peer: req_prod %u ", session, prod);
      if (prod - cons <= 0x80000000u) {
        line.Add("is %u ahead of req_cons %u (at most %u)", prod - cons, cons, kSlotCount);
      } else {
        line.Add("moved back %u behind req_cons %u", cons - prod, cons);
      }
      break;
    }
    case IncidentKind::kVersionRefused:
      line.Add("channel: session %u refused: ", session);
      if (v[0] != kRequestPageMagic) {
        line.Add("its request page's magic is 0x%08x, not 0x%08x", v[0], kRequestPageMagic);
      } else {
        line.Add("it speaks protocol %u.%u, this RTOS %u.%u (the majors must match)", v[1] >> 16,
                 v[1] & 0xFFFF, static_cast<unsigned>(kVersionMajor),
                 static_cast<unsigned>(kVersionMinor));
      }
      break;
    case IncidentKind::kHardwareError:
      line.Add("channel: session %u: ", session);
      AddOp(line, incident.op);
      if (IsGpioOp(incident.op)) {
        char detail[96];
        line.Add(" on pin %u: hardware error", v[0]);
        if (DescribeGpioFault(detail, sizeof(detail), v[0], v[2], v[1]) > 0) {
          line.Add(": %s", detail);
        }
      } else {
        line.Add(": hardware error (arg[0] 0x%x, result[0] 0x%x, result[1] 0x%x)", v[0], v[1],
                 v[2]);
      }
      break;
    case IncidentKind::kRejectedRequest:
      // The op number first: a malformed request's op may be no op at all.
      line.Add("channel: session %u: request refused: op 0x%04x", session,
               static_cast<unsigned>(incident.op));
      if (OpName(incident.op) != nullptr) line.Add(" (%s)", OpName(incident.op));
      line.Add(": %s", WireStatusName(v[0]));
      break;
    case IncidentKind::kHandlerFault:
      line.Add("channel: session %u: the handler of ", session);
      AddOp(line, incident.op);
      line.Add(" returned a %u-byte payload (at most %u): answered internal error", v[0],
               kMaxPayload);
      break;
  }
  return line.length();
}

void IncidentLog::Record(const Incident& incident) {
  ++recorded_;
  const auto kind = static_cast<uint32_t>(incident.kind);
  if (count_ == kCapacity) {
    if (kind < kIncidentKindCount && dropped_[kind] != UINT32_MAX) ++dropped_[kind];
    return;
  }
  ring_[(head_ + count_) % kCapacity] = incident;
  ++count_;
}

bool IncidentLog::Pop(Incident* out) {
  if (count_ == 0) return false;
  *out = ring_[head_];
  head_ = (head_ + 1) % kCapacity;
  --count_;
  return true;
}

uint32_t IncidentLog::TakeDropped(IncidentKind kind) {
  const auto k = static_cast<uint32_t>(kind);
  if (k >= kIncidentKindCount) return 0;
  const uint32_t n = dropped_[k];
  dropped_[k] = 0;
  return n;
}

}  // namespace tandem::channel
