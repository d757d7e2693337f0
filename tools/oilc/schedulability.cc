#include "schedulability.h"

#include <algorithm>
#include <iomanip>
#include <optional>
#include <set>
#include <sstream>

#include "timing.h"

namespace oilc {
namespace {

// Times beyond ~52 days are not analysed: the iterations stop there (and report a miss).
constexpr uint64_t kLimitNs = uint64_t{1} << 52;
// The most jobs of one entity analysed in a level-i busy period.
constexpr uint64_t kMaxJobs = 100000;
// The threshold of an interrupt against tasks: no task preempts an ISR.
constexpr int kNoTaskPreempts = 1 << 20;

uint64_t Sat(uint64_t v) { return std::min(v, kLimitNs + 1); }
uint64_t Mul(uint64_t a, uint64_t b) {
  if (a != 0 && b > (kLimitNs + 1) / a) return kLimitNs + 1;
  return Sat(a * b);
}
uint64_t CeilDiv(uint64_t a, uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

// The most steps of one fixed-point iteration (each step adds at least one job of something).
constexpr int kMaxSteps = 1000000;

// Iterates x = f(x) from x until it is stable or passes `limit`; returns the last value, or
// kLimitNs + 1 after kMaxSteps (a bound too long to analyse is reported as a miss).
template <class F>
uint64_t FixedPoint(uint64_t x, uint64_t limit, F f) {
  for (int step = 0; step < kMaxSteps; ++step) {
    const uint64_t next = Sat(f(x));
    if (next == x || next > limit) return next;
    x = next;
  }
  return kLimitNs + 1;
}

// A task, an ISR or the system tick, as the analysis sees it.
struct Entity {
  std::string name;
  Location location;
  bool interrupt = false;
  int level = 0;         // base level: what it competes with before it starts
  int threshold = 0;     // tasks above this preempt it once it runs (kNoTaskPreempts: an ISR)
  int mask = 0;          // interrupts above this preempt it once it runs
  uint64_t wcet_ns = 0;  // as declared
  uint64_t cost_ns = 0;  // with the kernel's overhead per job
  uint64_t period_ns = 0;
  uint64_t deadline_ns = 0;
  std::vector<int> resources;  // STANDARD and LINKED resources it lists
  std::string runs_to_end;     // why tasks up to its threshold do not preempt it, if any
};

class Analysis {
 public:
  Analysis(const Model& m, const Overheads& o, Diagnostics& diags) : m_(m), o_(o), diags_(diags) {}

  RtaResult Run() {
    Collect();
    RtaResult result;
    for (size_t i = 0; i < e_.size(); ++i) result.rows.push_back(Analyse(i));
    std::stable_sort(result.rows.begin(), result.rows.end(),
                     [](const RtaRow& a, const RtaRow& b) { return a.level > b.level; });
    return result;
  }

 private:
  void LeftOut(const Location& at, const std::string& who, const std::string& why) {
    diags_.Note(at, who + " is left out of the schedulability analysis: " + why +
                        " (the others are analysed as if it never ran)");
  }

  void Collect() {
    for (size_t id = 0; id < m_.tasks.size(); ++id) {
      const Task& t = m_.tasks[id];
      const std::string name = "TASK " + t.name;
      if (!t.wcet_us) {
        LeftOut(t.location, name, "it has no WCET");
        continue;
      }
      const TaskRelease release = ReleaseOf(m_, static_cast<int>(id));
      if (!release.period_ns) {
        LeftOut(t.location, name, release.why_unknown);
        continue;
      }
      Entity e;
      e.name = name;
      e.location = t.location;
      e.level = t.level;
      e.mask = std::max(t.level, t.internal_ceiling);
      e.threshold = t.preemptive ? e.mask : std::max(m_.top_task_level, e.mask);
      if (!t.preemptive) {
        e.runs_to_end = "not preemptable (SCHEDULE = NON)";
      } else if (t.internal_resource != kNoId) {
        e.runs_to_end = "holding its INTERNAL resource " +
                        m_.resources[static_cast<size_t>(t.internal_resource)].name;
      }
      e.wcet_ns = uint64_t{*t.wcet_us} * 1000;
      e.cost_ns = e.wcet_ns + o_.job_ns;
      e.period_ns = *release.period_ns;
      e.deadline_ns = t.deadline_us ? uint64_t{*t.deadline_us} * 1000 : e.period_ns;
      for (const Ref& r : t.resources) {
        if (r.id != kNoId &&
            m_.resources[static_cast<size_t>(r.id)].kind != ResourceKind::kInternal)
          e.resources.push_back(r.id);
      }
      e_.push_back(std::move(e));
    }
    for (const Isr& isr : m_.isrs) {
      const std::string name = "ISR " + isr.name;
      if (!isr.wcet_us || !isr.period_us) {
        LeftOut(
            isr.location, name,
            !isr.wcet_us ? "it has no WCET" : "it has no PERIOD (its minimum inter-arrival time)");
        continue;
      }
      Entity e;
      e.name = name;
      e.location = isr.location;
      e.interrupt = true;
      e.level = e.mask = isr.level;
      e.threshold = kNoTaskPreempts;
      e.wcet_ns = uint64_t{*isr.wcet_us} * 1000;
      e.cost_ns = e.wcet_ns + o_.isr_ns;
      e.period_ns = e.deadline_ns = uint64_t{*isr.period_us} * 1000;
      for (const Ref& r : isr.resources) {
        if (r.id != kNoId) e.resources.push_back(r.id);
      }
      e_.push_back(std::move(e));
    }
    if (m_.system_counter != kNoId) {
      const Counter& c = m_.counters[static_cast<size_t>(m_.system_counter)];
      if (c.tick_duration_ns && *c.tick_duration_ns > 0) {
        Entity e;
        e.name = "system tick";
        e.location = c.location;
        e.interrupt = true;
        e.level = e.mask = m_.system_timer_level;
        e.threshold = kNoTaskPreempts;
        e.cost_ns = o_.tick_ns;
        e.period_ns = e.deadline_ns = *c.tick_duration_ns;
        e_.push_back(std::move(e));
      }
    }
  }

  // Whether k, once i runs, may still preempt it.
  bool Preempts(const Entity& k, const Entity& i) const {
    return k.interrupt ? k.level > i.mask : k.level > i.threshold;
  }

  // A blocking section of length `len` that runs with interrupts masked up to `mask`: the
  // interrupts above the mask and below i also run before i can start.
  uint64_t Window(size_t j, uint64_t len, int mask, const Entity& i) const {
    return FixedPoint(len, kLimitNs, [&](uint64_t w) {
      uint64_t sum = len;
      for (size_t k = 0; k < e_.size(); ++k) {
        const Entity& x = e_[k];
        if (k != j && x.interrupt && x.level > mask && x.level < i.level)
          sum = Sat(sum + Mul(CeilDiv(w, x.period_ns), x.cost_ns));
      }
      return sum;
    });
  }

  uint64_t HoldNs(int res_id, const Entity& user) {
    const Resource& r = m_.resources[static_cast<size_t>(res_id)];
    std::optional<uint32_t> hold = r.hold_us;
    if (!hold && r.linked != kNoId) hold = m_.resources[static_cast<size_t>(r.linked)].hold_us;
    if (hold) return uint64_t{*hold} * 1000;
    if (unheld_noted_.insert(res_id).second) {
      diags_.Note(r.location, "RESOURCE " + r.name +
                                  " has no HOLDTIME: the analysis takes each user to hold it for "
                                  "its whole WCET");
    }
    return user.wcet_ns;
  }

  // B_i: the longest time one lower-level entity keeps i from starting (OSEK's priority ceiling
  // protocol blocks at most once): a lower entity i cannot preempt (a non-preemptable task, a
  // task's internal resource, an ISR when i is a task), or a critical section of a lower entity
  // on a resource whose ceiling is at or above i.
  Contribution Blocking(size_t i) {
    const Entity& me = e_[i];
    Contribution best;
    auto consider = [&](uint64_t ns, const std::string& what) {
      if (ns > best.ns) best = {"blocking: " + what, ns};
    };
    for (size_t j = 0; j < e_.size(); ++j) {
      const Entity& low = e_[j];
      if (j == i || low.level >= me.level) continue;
      const int threshold = me.interrupt ? low.mask : low.threshold;
      if (threshold >= me.level) {
        consider(Window(j, low.cost_ns, low.mask, me),
                 low.name + (low.interrupt ? " (tasks wait for interrupts)"
                                           : ", " + low.runs_to_end + ", at level " +
                                                 std::to_string(threshold)));
      }
      for (int r : low.resources) {
        const Resource& res = m_.resources[static_cast<size_t>(r)];
        if (res.ceiling < me.level) continue;
        consider(Window(j, HoldNs(r, low) + o_.resource_ns, res.ceiling, me),
                 "RESOURCE " + res.name + " held by " + low.name);
      }
    }
    return best;
  }

  // Wang & Saksena's analysis with preemption thresholds over the level-i busy period: job q
  // starts at S once B, its q earlier jobs and everything at or above its level released until
  // S have run; it finishes at F once what preempts it while running (above its threshold) and
  // released in (S, F] has run too.
  RtaRow Analyse(size_t i) {
    const Entity& me = e_[i];
    RtaRow row;
    row.name = me.name;
    row.location = me.location;
    row.level = me.level;
    row.threshold = me.interrupt ? 0 : me.threshold;
    row.wcet_ns = me.cost_ns;
    row.period_ns = me.period_ns;
    row.deadline_ns = me.deadline_ns;
    const Contribution blocking = Blocking(i);
    row.blocking_ns = blocking.ns;

    std::vector<size_t> before;  // delay its start: every other entity at or above its level
    long double utilisation = static_cast<long double>(me.cost_ns) / me.period_ns;
    for (size_t k = 0; k < e_.size(); ++k) {
      if (k == i || e_[k].level < me.level) continue;
      before.push_back(k);
      utilisation += static_cast<long double>(e_[k].cost_ns) / e_[k].period_ns;
    }
    if (utilisation >= 1.0L) {
      row.response_ns = kLimitNs + 1;
      row.unbounded = true;
      std::ostringstream what;
      what << "the load at or above its level (" << std::fixed << std::setprecision(1)
           << utilisation * 100 << " % of the CPU)";
      row.largest = {what.str(), kLimitNs + 1};
      return row;
    }
    uint64_t sum_before = 0;
    for (size_t k : before) sum_before = Sat(sum_before + e_[k].cost_ns);
    const uint64_t busy =
        FixedPoint(Sat(blocking.ns + me.cost_ns + sum_before), kLimitNs, [&](uint64_t l) {
          uint64_t sum = blocking.ns + Mul(CeilDiv(l, me.period_ns), me.cost_ns);
          for (size_t k : before) sum = Sat(sum + Mul(CeilDiv(l, e_[k].period_ns), e_[k].cost_ns));
          return sum;
        });
    const uint64_t jobs = CeilDiv(busy, me.period_ns);
    if (busy > kLimitNs || jobs > kMaxJobs) {
      row.response_ns = kLimitNs + 1;
      row.unbounded = true;
      row.largest = {"a level busy period too long to analyse", kLimitNs + 1};
      return row;
    }

    row.schedulable = true;
    uint64_t previous_finish = 0;
    for (uint64_t q = 0; q < jobs; ++q) {
      const uint64_t own = Mul(q, me.cost_ns);
      const uint64_t release = Mul(q, me.period_ns);
      const uint64_t limit = Sat(release + me.deadline_ns);
      // Job q starts after job q-1 has finished, and f(F_q-1) >= F_q-1 (each entity's jobs by
      // F_q-1 are at most floor(F_q-1 / T) + 1): iterating from there is sound and keeps a long
      // busy period linear in its jobs.
      const uint64_t start = FixedPoint(
          std::max(Sat(blocking.ns + own + sum_before), previous_finish), limit, [&](uint64_t s) {
            uint64_t sum = Sat(blocking.ns + own);
            for (size_t k : before) sum = Sat(sum + Mul(s / e_[k].period_ns + 1, e_[k].cost_ns));
            return sum;
          });
      auto after = [&](size_t k, uint64_t f) -> uint64_t {
        if (!Preempts(e_[k], me)) return 0;
        const uint64_t by_finish = CeilDiv(f, e_[k].period_ns);
        const uint64_t by_start = start / e_[k].period_ns + 1;
        return by_finish > by_start ? by_finish - by_start : 0;
      };
      const uint64_t finish =
          start > limit ? start : FixedPoint(Sat(start + me.cost_ns), limit, [&](uint64_t f) {
            uint64_t sum = Sat(start + me.cost_ns);
            for (size_t k : before) sum = Sat(sum + Mul(after(k, f), e_[k].cost_ns));
            return sum;
          });
      previous_finish = finish;
      const uint64_t response = finish > release ? finish - release : 0;
      const bool miss = response > me.deadline_ns;
      if (response > row.response_ns || miss) {
        row.response_ns = response;
        Contribution largest = blocking;
        if (own > largest.ns) largest = {"its own " + Jobs(q) + " before", own};
        for (size_t k : before) {
          const uint64_t n = start / e_[k].period_ns + 1 + after(k, finish);
          const uint64_t ns = Mul(n, e_[k].cost_ns);
          if (ns > largest.ns) largest = {e_[k].name + " (" + Jobs(n) + ")", ns};
        }
        row.largest = largest;
      }
      if (miss) {
        row.schedulable = false;
        break;
      }
    }
    return row;
  }

  static std::string Jobs(uint64_t n) { return std::to_string(n) + (n == 1 ? " job" : " jobs"); }

  const Model& m_;
  const Overheads& o_;
  Diagnostics& diags_;
  std::vector<Entity> e_;
  std::set<int> unheld_noted_;
};

}  // namespace

bool RtaResult::Schedulable() const {
  return std::all_of(rows.begin(), rows.end(), [](const RtaRow& r) { return r.schedulable; });
}

std::string Microseconds(uint64_t ns) {
  std::ostringstream out;
  out << ns / 1000 << "." << std::setw(3) << std::setfill('0') << ns % 1000;
  return out.str();
}

RtaResult AnalyseSchedulability(const Model& model, const Overheads& overheads,
                                Diagnostics& diags) {
  return Analysis(model, overheads, diags).Run();
}

std::string FormatSchedulabilityReport(const RtaResult& result, const Overheads& o) {
  std::ostringstream out;
  out << "schedulability: fixed-priority response-time analysis, times in microseconds\n"
      << "  (WCET includes the kernel's overhead: " << Microseconds(o.job_ns) << " per task job, "
      << Microseconds(o.isr_ns) << " per interrupt; " << Microseconds(o.resource_ns)
      << " per critical section, " << Microseconds(o.tick_ns) << " per system tick)\n";
  size_t name_width = 22;
  for (const RtaRow& r : result.rows) name_width = std::max(name_width, r.name.size());
  // Every column is right-aligned after at least one space, however wide its value.
  const auto line = [&](const std::string& name, const std::vector<std::string>& cells) {
    out << "  " << name << std::string(name_width - name.size(), ' ');
    const int widths[] = {6, 7, 13, 13, 13, 13, 13};
    for (size_t c = 0; c < cells.size(); ++c) {
      const size_t w = static_cast<size_t>(widths[c]);
      out << std::string(cells[c].size() < w ? w - cells[c].size() : 1, ' ') << cells[c];
    }
    out << "\n";
  };
  line("task/ISR", {"level", "thresh", "WCET", "blocking", "response", "deadline", "slack"});
  for (const RtaRow& r : result.rows) {
    const std::string response = r.unbounded     ? "unbounded"
                                 : r.schedulable ? Microseconds(r.response_ns)
                                                 : ">" + Microseconds(r.response_ns);
    const std::string slack = r.schedulable ? Microseconds(r.deadline_ns - r.response_ns) : "MISS";
    line(r.name, {std::to_string(r.level),
                  r.threshold == 0 ? std::string("-") : std::to_string(r.threshold),
                  Microseconds(r.wcet_ns), Microseconds(r.blocking_ns), response,
                  Microseconds(r.deadline_ns), slack});
  }
  out << (result.Schedulable() ? "  every deadline holds\n" : "  some deadlines are missed\n");
  return out.str();
}

}  // namespace oilc
