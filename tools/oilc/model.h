// The semantic model of one application: the objects of its CPU with every reference resolved
// to an object index, plus what oilc computes (levels, ceilings, event masks, ready queues).
#ifndef TOOLS_OILC_MODEL_H_
#define TOOLS_OILC_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diagnostics.h"

namespace oilc {

inline constexpr int kMaxLevel = 63;     // tandem::kMaxLevel: the ready bitmap is one word
inline constexpr int kMaxAppModes = 32;  // autostart_modes is a 32-bit mask
inline constexpr uint32_t kDefaultSystemTickNs = 1000000;
inline constexpr int kNoId = -1;

struct Ref {
  std::string name;
  Location location;
  int id = kNoId;  // index into the model's vector of the referenced type
};

struct Os {
  std::string name;
  bool extended_status = false;
  bool startup_hook = false, error_hook = false, shutdown_hook = false;
  bool pre_task_hook = false, post_task_hook = false;
  bool use_get_service_id = false, use_parameter_access = false;
  std::optional<uint32_t> timer_priority;
  Location timer_priority_location;
};

struct AppMode {
  std::string name;
  Location location;
  std::string alias;  // [0] only: the declared APPMODE that is OSDEFAULTAPPMODE, if any
};

struct Task {
  std::string name;
  Location location;
  uint32_t priority = 0;
  uint32_t activation = 1;
  Location activation_location;
  bool preemptive = true;
  bool autostart = false;
  std::vector<Ref> autostart_modes;
  std::vector<Ref> resources;
  std::vector<Ref> events;
  uint32_t stack_size = 0;
  // Schedulability attributes (docs/oil.md), microseconds.
  std::optional<uint32_t> wcet_us, deadline_us, period_us;
  Location period_location;
  // Computed.
  int level = 0;
  int internal_resource = kNoId;
  int internal_ceiling = 0;
  uint64_t event_mask = 0;
  uint64_t resource_bits = 0;
  uint32_t autostart_bits = 0;
  bool extended() const { return !events.empty(); }
};

struct Isr {
  std::string name;
  Location location;
  int category = 2;
  std::optional<uint32_t> priority;
  Location priority_location;
  uint32_t source = 0;
  std::vector<Ref> resources;
  // Schedulability attributes (docs/oil.md), microseconds.
  std::optional<uint32_t> wcet_us, period_us;
  // Computed.
  int level = 0;
  uint64_t resource_bits = 0;
};

enum class ResourceKind { kStandard, kLinked, kInternal };

struct Resource {
  std::string name;
  Location location;
  ResourceKind kind = ResourceKind::kStandard;
  Ref linked_to;  // kLinked
  // Computed.
  int ceiling = 0;
  int linked = kNoId;  // kLinked: the final, non-linked target
  // HOLDTIME (docs/oil.md, "Schedulability"): the longest critical section on it, microseconds.
  std::optional<uint32_t> hold_us;
  Location hold_location;
};

struct Event {
  std::string name;
  Location location;
  bool auto_mask = true;
  uint64_t mask = 0;
};

struct Counter {
  std::string name;
  Location location;
  uint32_t max_allowed_value = 0;
  uint32_t ticks_per_base = 0;
  uint32_t min_cycle = 0;
  std::optional<uint32_t> tick_duration_ns;
  bool system = false;
  bool complete = true;  // all of its required attributes are valid
};

enum class AlarmActionKind { kActivateTask, kSetEvent, kCallback, kIncrementCounter };

struct Alarm {
  std::string name;
  Location location;
  Ref counter;
  AlarmActionKind action = AlarmActionKind::kActivateTask;
  Location action_location;
  Ref task;
  Ref event;
  std::string callback;
  Ref counter_to_increment;
  bool autostart = false;
  uint32_t alarm_time = 0;
  Location alarm_time_location;
  uint32_t cycle_time = 0;
  Location cycle_time_location;
  bool absolute = false;
  std::vector<Ref> autostart_modes;
  uint32_t autostart_bits = 0;
};

struct ReadyQueue {
  int offset = 0;
  int capacity = 0;
};

struct Model {
  std::string cpu_name;
  Location cpu_location;
  Os os;
  std::vector<AppMode> app_modes;  // [0] is OSDEFAULTAPPMODE (see its alias)
  std::vector<Task> tasks;
  std::vector<Isr> isrs;
  std::vector<Resource> resources;  // [0] is RES_SCHEDULER
  std::vector<Event> events;
  std::vector<Counter> counters;
  std::vector<Alarm> alarms;
  int system_counter = kNoId;

  // The one priority space (docs/oil.md).
  int top_task_level = 0;
  int top_level = 0;
  int cat2_top_level = 0;
  int system_timer_level = 0;            // 0 when there is no system counter
  std::vector<ReadyQueue> ready_queues;  // index = level, 0..top_task_level
  int ready_storage_size = 0;
};

}  // namespace oilc

#endif  // TOOLS_OILC_MODEL_H_
