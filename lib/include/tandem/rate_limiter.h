// RateLimiter: a token bucket for diagnostics that must not flood a slow output (on the RTOS the
// console, where every character traps to Xen). Up to `burst` events pass at once, then one per
// `period`. What it holds back is counted, and the count is handed out exactly once: with the
// next event it lets through (Decision::suppressed) or as a summary when one is due
// (TakeSummary), so "K more suppressed" is neither lost nor repeated.
//
// Time is the caller's: any monotonic unit (milliseconds, counter ticks), the same in every call;
// a clock that goes backwards refills nothing. No heap, no locks, no OS includes: one owner calls
// it (e.g. the command server task), freestanding.
#ifndef TANDEM_RATE_LIMITER_H_
#define TANDEM_RATE_LIMITER_H_

#include <stdint.h>

namespace tandem {

class RateLimiter {
 public:
  struct Decision {
    bool pass = false;
    // With pass: how many were held back since the last event or summary that passed (report
    // them before this one). 0 when pass is false.
    uint32_t suppressed = 0;
  };

  // `burst` >= 1 events at once; one more per `period` after that. period 0: no limit.
  constexpr RateLimiter(uint32_t burst, uint64_t period)
      : burst_(burst == 0 ? 1 : burst), period_(period), tokens_(burst_) {}

  // One event at `now`: passes if a token is left (and takes it), else is counted.
  Decision Admit(uint64_t now) {
    Refill(now);
    if (tokens_ == 0) {
      Count(1);
      return {};
    }
    --tokens_;
    const Decision d{true, suppressed_};
    suppressed_ = 0;
    return d;
  }

  // Events held back and a token free at `now`: takes the token and returns the count (then 0
  // until more are held back). Otherwise 0. Call it periodically so a burst that stopped is still
  // summed up.
  uint32_t TakeSummary(uint64_t now) {
    if (suppressed_ == 0) return 0;
    Refill(now);
    if (tokens_ == 0) return 0;
    --tokens_;
    const uint32_t n = suppressed_;
    suppressed_ = 0;
    return n;
  }

  // Events dropped before they reached the limiter (e.g. a full queue): reported with the rest.
  void Count(uint32_t n) {
    suppressed_ = n > UINT32_MAX - suppressed_ ? UINT32_MAX : suppressed_ + n;  // saturates
  }

  uint32_t suppressed() const { return suppressed_; }
  uint32_t tokens() const { return tokens_; }

 private:
  void Refill(uint64_t now) {
    if (period_ == 0) {
      tokens_ = burst_;
      return;
    }
    if (!started_) {  // the first call starts the clock with a full bucket
      started_ = true;
      last_ = now;
      return;
    }
    if (now <= last_) return;
    const uint64_t earned = (now - last_) / period_;
    if (earned == 0) return;
    if (earned >= burst_ - tokens_) {
      tokens_ = burst_;
      last_ = now;  // full: time spent full earns nothing
    } else {
      tokens_ += static_cast<uint32_t>(earned);
      last_ += earned * period_;  // keep the fraction of a period already waited
    }
  }

  uint32_t burst_;
  uint64_t period_;
  uint32_t tokens_;
  uint64_t last_ = 0;
  bool started_ = false;
  uint32_t suppressed_ = 0;
};

}  // namespace tandem

#endif  // TANDEM_RATE_LIMITER_H_
