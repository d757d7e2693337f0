#include "timing.h"

namespace oilc {

std::vector<std::pair<const Alarm*, uint64_t>> CyclicAlarmsOf(const Model& m, int task) {
  std::vector<std::pair<const Alarm*, uint64_t>> found;
  for (const Alarm& a : m.alarms) {
    const bool releases =
        a.action == AlarmActionKind::kActivateTask || a.action == AlarmActionKind::kSetEvent;
    if (!releases || a.task.id != task || !a.autostart || a.cycle_time == 0 ||
        a.counter.id == kNoId)
      continue;
    const Counter& c = m.counters[static_cast<size_t>(a.counter.id)];
    found.push_back({&a, uint64_t{a.cycle_time} * c.tick_duration_ns.value_or(0)});
  }
  return found;
}

TaskRelease ReleaseOf(const Model& m, int task) {
  const Task& t = m.tasks[static_cast<size_t>(task)];
  if (t.period_us) return {uint64_t{*t.period_us} * 1000, {}};
  const auto alarms = CyclicAlarmsOf(m, task);
  if (alarms.size() == 1 && alarms[0].second > 0) return {alarms[0].second, {}};
  std::string why;
  if (alarms.empty()) {
    why = "it has no PERIOD and no autostarted cyclic ALARM releases it";
  } else if (alarms.size() > 1) {
    why = "it has no PERIOD and " + std::to_string(alarms.size()) +
          " cyclic ALARMs release it (give its minimum inter-arrival time as PERIOD)";
  } else {
    const Alarm& a = *alarms[0].first;
    why = "it has no PERIOD and ALARM " + a.name + " runs on COUNTER " + a.counter.name +
          ", which has no TICKDURATION";
  }
  return {std::nullopt, why};
}

void CheckTimingAttributes(const Model& m, Diagnostics& diags) {
  for (size_t id = 0; id < m.tasks.size(); ++id) {
    const Task& t = m.tasks[id];
    if (!t.period_us) continue;
    for (const auto& [alarm, period_ns] : CyclicAlarmsOf(m, static_cast<int>(id))) {
      if (period_ns == 0 || uint64_t{*t.period_us} * 1000 <= period_ns) continue;
      const std::string alarm_us = std::to_string(period_ns / 1000);
      diags.Error(t.period_location,
                  "PERIOD " + std::to_string(*t.period_us) + " of TASK " + t.name +
                      " is longer than the period of ALARM " + alarm->name + " (" + alarm_us +
                      " us) that releases it",
                  "a PERIOD (minimum inter-arrival time, microseconds) of at most " + alarm_us +
                      ", or none (the alarm's period is used)");
    }
  }
  auto check_user = [&](const Resource& r, const std::string& user,
                        const std::optional<uint32_t>& wcet) {
    if (!wcet || *r.hold_us <= *wcet) return;
    diags.Error(r.hold_location,
                "HOLDTIME " + std::to_string(*r.hold_us) + " of RESOURCE " + r.name +
                    " is longer than the WCET " + std::to_string(*wcet) + " of " + user +
                    ", which uses it",
                "a HOLDTIME (the longest critical section on " + r.name +
                    ", microseconds) of at most " + std::to_string(*wcet));
  };
  for (size_t id = 0; id < m.resources.size(); ++id) {
    const Resource& r = m.resources[id];
    if (!r.hold_us) continue;
    if (r.kind == ResourceKind::kInternal) {
      diags.Error(r.hold_location, "HOLDTIME on the INTERNAL resource " + r.name,
                  "HOLDTIME only on STANDARD or LINKED resources (a task holds its internal "
                  "resource for its whole job: the analysis takes its WCET)");
      continue;
    }
    for (const Task& t : m.tasks) {
      for (const Ref& ref : t.resources) {
        if (ref.id == static_cast<int>(id)) check_user(r, "TASK " + t.name, t.wcet_us);
      }
    }
    for (const Isr& isr : m.isrs) {
      for (const Ref& ref : isr.resources) {
        if (ref.id == static_cast<int>(id)) check_user(r, "ISR " + isr.name, isr.wcet_us);
      }
    }
  }
}

}  // namespace oilc
