// Histogram<kBins>: counts of values in unit-wide bins 0 .. kBins-2, the last bin holding every
// value from kBins-1 up (overflow). Freestanding, no allocation: for the RTOS's release-jitter
// and response-time distributions (apps/demo, bench/eval's P3).
//
// One writer (a task); readers on the same CPU may see a bin updated and `count` not yet, which
// a distribution printed once a second tolerates.
#ifndef TANDEM_HISTOGRAM_H_
#define TANDEM_HISTOGRAM_H_

#include <stddef.h>
#include <stdint.h>

namespace tandem {

template <size_t kBins>
class Histogram {
  static_assert(kBins >= 2, "at least one unit bin and the overflow bin");

 public:
  static constexpr size_t kOverflow = kBins - 1;

  void Record(uint64_t value) {
    const size_t bin = value < kOverflow ? static_cast<size_t>(value) : kOverflow;
    bins_[bin] = bins_[bin] + 1;
    count_ = count_ + 1;
    if (value > max_) max_ = value;
  }
  void Reset() {
    for (uint64_t& b : bins_) b = 0;
    count_ = 0;
    max_ = 0;
  }
  uint64_t bin(size_t i) const { return i < kBins ? bins_[i] : 0; }
  uint64_t count() const { return count_; }
  // The largest value recorded (also past the overflow bin's start).
  uint64_t max() const { return max_; }

 private:
  uint64_t bins_[kBins] = {};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace tandem

#endif  // TANDEM_HISTOGRAM_H_
