#include "checks.h"

namespace oilc {
namespace {

void CheckAlarm(const Model& model, Alarm& a, Diagnostics& diags) {
  for (const Ref& mode : a.autostart_modes) {
    if (mode.id != kNoId) a.autostart_bits |= 1u << mode.id;
  }
  if (a.action == AlarmActionKind::kSetEvent && a.task.id != kNoId && a.event.id != kNoId) {
    const oilc::Task& t = model.tasks[static_cast<size_t>(a.task.id)];
    bool owns = false;
    for (const Ref& e : t.events) owns = owns || e.id == a.event.id;
    if (!owns) {
      diags.Error(a.event.location,
                  "ALARM " + a.name + " sets EVENT " + a.event.name + " on TASK " + t.name +
                      ", which does not own it",
                  "an EVENT listed in TASK " + t.name);
    }
  }
  if (a.action == AlarmActionKind::kIncrementCounter && a.counter.id != kNoId &&
      a.counter.id == a.counter_to_increment.id) {
    diags.Error(a.counter_to_increment.location,
                "ALARM " + a.name + " increments its own COUNTER " + a.counter.name,
                "another COUNTER (an alarm cannot drive the counter it runs on)");
  }
  if (!a.autostart || a.counter.id == kNoId) return;
  const oilc::Counter& c = model.counters[static_cast<size_t>(a.counter.id)];
  if (!c.complete) return;  // its limits are unknown; the counter's error says why
  if (a.alarm_time > c.max_allowed_value) {
    diags.Error(a.alarm_time_location,
                "ALARMTIME " + std::to_string(a.alarm_time) + " of ALARM " + a.name +
                    " is above MAXALLOWEDVALUE " + std::to_string(c.max_allowed_value) +
                    " of COUNTER " + c.name,
                "ALARMTIME <= " + std::to_string(c.max_allowed_value));
  }
  if (a.cycle_time != 0 && (a.cycle_time < c.min_cycle || a.cycle_time > c.max_allowed_value)) {
    diags.Error(a.cycle_time_location,
                "CYCLETIME " + std::to_string(a.cycle_time) + " of ALARM " + a.name +
                    " is outside COUNTER " + c.name + "'s limits",
                "0 (single shot) or a value in [" + std::to_string(c.min_cycle) + ".." +
                    std::to_string(c.max_allowed_value) + "]");
  }
}

}  // namespace

void CheckModel(Model& model, Diagnostics& diags) {
  for (oilc::Task& t : model.tasks) {
    if (t.extended() && t.activation > 1) {
      diags.Error(t.activation_location,
                  "extended TASK " + t.name + " (it has EVENTs) has ACTIVATION " +
                      std::to_string(t.activation),
                  "ACTIVATION = 1 (OSEK OS 2.2.3, 4.3: extended tasks have no multiple "
                  "activation)");
    }
    for (const Ref& mode : t.autostart_modes) {
      if (mode.id != kNoId) t.autostart_bits |= 1u << mode.id;
    }
  }
  for (oilc::Alarm& a : model.alarms) CheckAlarm(model, a, diags);
}

}  // namespace oilc
