// When and how late the ticks of a periodic timer came: the worst ticks (deadline, lateness)
// and, per time slot from a start point, how many ticks came late and the worst of them. Kept so
// a boot can show when its late ticks fall (docs/platform.md, "Guest time"), e.g. against Xen's
// console time stamps. Fixed size and no allocation: Record() runs in the timer interrupt.
#ifndef TANDEM_DRIVERS_TIMER_GENERIC_TIMER_LATE_TICK_RECORD_H_
#define TANDEM_DRIVERS_TIMER_GENERIC_TIMER_LATE_TICK_RECORD_H_

#include <stdint.h>

namespace tandem::drivers {

template <unsigned kWorst, unsigned kSlots>
class LateTickRecord {
  static_assert(kWorst > 0 && kSlots > 0, "a record keeps at least one tick and one slot");

 public:
  struct LateTickEntry {
    uint64_t deadline;  // counter value the tick was due at
    uint64_t latency;   // counter ticks from that deadline to its handling
  };
  struct LateTickSlot {
    uint32_t late;         // ticks due in this slot that were at least `threshold` late
    uint64_t max_latency;  // the worst lateness of a tick due in this slot
  };

  static constexpr unsigned kWorstCount = kWorst;
  static constexpr unsigned kSlotCount = kSlots;

  // Forgets everything. Slot i covers deadlines [origin + i * slot_ticks, ... + slot_ticks);
  // slot_ticks 0 keeps no slots (only the worst ticks).
  void Start(uint64_t origin, uint64_t slot_ticks, uint64_t threshold) {
    *this = LateTickRecord();
    origin_ = origin;
    slot_ticks_ = slot_ticks;
    threshold_ = threshold;
  }

  // A tick due at `deadline` handled `latency` counter ticks after it (also for periods the
  // timer skipped as lost time: their lateness is what was lost).
  void Record(uint64_t deadline, uint64_t latency) {
    if (slot_ticks_ != 0 && deadline >= origin_) {
      const uint64_t i = (deadline - origin_) / slot_ticks_;
      if (i < kSlots) {
        if (latency >= threshold_) ++slots_[i].late;
        if (latency > slots_[i].max_latency) slots_[i].max_latency = latency;
      }
    }
    if (worst_count_ < kWorst) {
      worst_[worst_count_++] = LateTickEntry{deadline, latency};
      return;
    }
    unsigned least = 0;
    for (unsigned i = 1; i < kWorst; ++i) {
      if (worst_[i].latency < worst_[least].latency) least = i;
    }
    if (latency > worst_[least].latency) worst_[least] = LateTickEntry{deadline, latency};
  }

  // The worst ticks seen (at most kWorst), ordered by deadline.
  unsigned worst_count() const { return worst_count_; }
  LateTickEntry worst(unsigned i) const {
    LateTickEntry sorted[kWorst];
    for (unsigned n = 0; n < worst_count_; ++n) {
      unsigned at = n;
      while (at > 0 && sorted[at - 1].deadline > worst_[n].deadline) {
        sorted[at] = sorted[at - 1];
        --at;
      }
      sorted[at] = worst_[n];
    }
    return i < worst_count_ ? sorted[i] : LateTickEntry{0, 0};
  }

  const LateTickSlot& slot(unsigned i) const { return slots_[i < kSlots ? i : kSlots - 1]; }
  uint64_t origin() const { return origin_; }
  uint64_t slot_ticks() const { return slot_ticks_; }
  uint64_t threshold() const { return threshold_; }

 private:
  LateTickEntry worst_[kWorst] = {};
  unsigned worst_count_ = 0;
  LateTickSlot slots_[kSlots] = {};
  uint64_t origin_ = 0;
  uint64_t slot_ticks_ = 0;
  uint64_t threshold_ = 0;
};

}  // namespace tandem::drivers

#endif  // TANDEM_DRIVERS_TIMER_GENERIC_TIMER_LATE_TICK_RECORD_H_
