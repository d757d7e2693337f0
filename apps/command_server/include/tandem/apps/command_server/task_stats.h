// Task statistics for the kTaskStats operation (channel/ops.h): activations, deadline misses,
// worst response time and worst execution time per task, in a small static table that the
// application's tasks fill. The kernel is not involved: each task (or its alarm's error hook)
// records its own figures; ExecutionTimer below turns the OSEK PreTaskHook/PostTaskHook into
// execution times (docs/oil.md, "Measuring WCETs").
//
// Writers are tasks and ISRs of any priority on the RTOS's one CPU; the reader is the channel
// server task. Every field is a relaxed atomic of its own (no lock, no priority inversion): a
// reader may see one field of a task updated and not yet the next, which a statistics query
// tolerates.
#ifndef TANDEM_APPS_COMMAND_SERVER_TASK_STATS_H_
#define TANDEM_APPS_COMMAND_SERVER_TASK_STATS_H_

#include <stdint.h>

#include "tandem/channel/ops.h"
#include "tandem/channel/server.h"

namespace tandem::apps {

// Told of every deadline miss (the command server posts it as an event to Linux, docs/events.md).
// `in_hook`: recorded from an OSEK hook (ErrorHook), where no OSEK event may be set.
struct MissObserver {
  void (*on_miss)(void* context, uint32_t task, const char* name, uint64_t response_us,
                  uint64_t deadline_us, bool in_hook) = nullptr;
  void* context = nullptr;
};

struct TaskStatsEntry {
  const char* name = "";  // reported as the response payload (truncated to kMaxPayload bytes)
  uint64_t activations = 0;
  uint64_t deadline_misses = 0;
  uint64_t worst_response_us = 0;
  uint64_t worst_execution_us = 0;  // 0: not measured
  uint64_t resets = 0;  // ReadAndReset calls: a task keeping figures of its own clears them too
};

class TaskStats {
 public:
  constexpr TaskStats(TaskStatsEntry* entries, uint32_t count) : entries_(entries), count_(count) {}

  // Out-of-range indices are ignored (the table is the application's own constant; a wrong
  // index is a programming error that must not corrupt memory).
  void RecordActivation(uint32_t task) {
    if (task < count_) __atomic_fetch_add(&entries_[task].activations, 1, __ATOMIC_RELAXED);
  }
  // A job of `task` finished `response_us` after its release, at or after its deadline
  // (`deadline_us` after the release; 0 for either: not known). From a task or an ISR.
  void RecordMiss(uint32_t task, uint64_t response_us = 0, uint64_t deadline_us = 0) {
    Miss(task, response_us, deadline_us, false);
  }
  // The same from an OSEK hook (e.g. ErrorHook's E_OS_LIMIT: an activation found the job still
  // pending, so the job that should have started did not).
  void RecordMissInHook(uint32_t task) { Miss(task, 0, 0, true); }
  void set_miss_observer(MissObserver observer) { observer_ = observer; }
  // Keeps the largest response time seen (release to completion, in microseconds).
  void RecordResponse(uint32_t task, uint64_t response_us) {
    if (task < count_) KeepMax(entries_[task].worst_response_us, response_us);
  }
  // Keeps the largest execution time seen (one job's time on the CPU, in microseconds).
  void RecordExecution(uint32_t task, uint64_t execution_us) {
    if (task < count_) KeepMax(entries_[task].worst_execution_us, execution_us);
  }

  struct Snapshot {
    const char* name;
    uint64_t activations;
    uint64_t deadline_misses;
    uint64_t worst_response_us;
    uint64_t worst_execution_us;
  };
  bool Read(uint32_t task, Snapshot* out) const {
    if (task >= count_) return false;
    const TaskStatsEntry& e = entries_[task];
    *out = Snapshot{e.name, __atomic_load_n(&e.activations, __ATOMIC_RELAXED),
                    __atomic_load_n(&e.deadline_misses, __ATOMIC_RELAXED),
                    __atomic_load_n(&e.worst_response_us, __ATOMIC_RELAXED),
                    __atomic_load_n(&e.worst_execution_us, __ATOMIC_RELAXED)};
    return true;
  }
  // Read() and clear in one pass: each field is swapped for zero atomically, so an update made
  // while the task is being read lands either in this snapshot or in the next, never nowhere.
  bool ReadAndReset(uint32_t task, Snapshot* out) {
    if (task >= count_) return false;
    TaskStatsEntry& e = entries_[task];
    *out = Snapshot{e.name, __atomic_exchange_n(&e.activations, 0, __ATOMIC_RELAXED),
                    __atomic_exchange_n(&e.deadline_misses, 0, __ATOMIC_RELAXED),
                    __atomic_exchange_n(&e.worst_response_us, 0, __ATOMIC_RELAXED),
                    __atomic_exchange_n(&e.worst_execution_us, 0, __ATOMIC_RELAXED)};
    __atomic_fetch_add(&e.resets, 1, __ATOMIC_RELAXED);
    return true;
  }
  // How many times the task's figures were reset (e.g. `tandemctl stats --reset`): a task that
  // keeps more figures of its own (a histogram) compares it with the last value it saw.
  uint64_t resets(uint32_t task) const {
    return task < count_ ? __atomic_load_n(&entries_[task].resets, __ATOMIC_RELAXED) : 0;
  }
  uint32_t count() const { return count_; }

 private:
  void Miss(uint32_t task, uint64_t response_us, uint64_t deadline_us, bool in_hook) {
    if (task >= count_) return;
    __atomic_fetch_add(&entries_[task].deadline_misses, 1, __ATOMIC_RELAXED);
    if (observer_.on_miss != nullptr) {
      observer_.on_miss(observer_.context, task, entries_[task].name, response_us, deadline_us,
                        in_hook);
    }
  }

  static void KeepMax(uint64_t& field, uint64_t value) {
    uint64_t seen = __atomic_load_n(&field, __ATOMIC_RELAXED);
    while (value > seen && !__atomic_compare_exchange_n(&field, &seen, value, /*weak=*/true,
                                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
  }
  TaskStatsEntry* entries_;
  uint32_t count_;
  MissObserver observer_{};
};

// kTaskStats: arg[0] task index, arg[1] flags (kTaskStatsReset: clear after reading;
// kTaskStatsExecution: the payload starts with the worst execution time). result[0] activations,
// [1] deadline misses, [2] worst response time in microseconds (each saturating at 2^32-1), [3]
// number of tasks; payload: [the worst execution time, 4 bytes little-endian,] the name.
class TaskStatsCommand final : public channel::CommandHandler {
 public:
  explicit constexpr TaskStatsCommand(TaskStats& stats) : stats_(stats) {}

  channel::ServerStatus Install(channel::Server& server) {
    return server.SetHandler(channel::Op::kTaskStats, this);
  }

  channel::WireStatus Handle(const channel::Request& request,
                             channel::Response& response) override {
    TaskStats::Snapshot s;
    response.result[3] = stats_.count();
    const bool reset = (request.arg[1] & channel::kTaskStatsReset) != 0;
    const bool known =
        reset ? stats_.ReadAndReset(request.arg[0], &s) : stats_.Read(request.arg[0], &s);
    if (!known) return channel::WireStatus::kBadArgument;
    response.result[0] = Saturate(s.activations);
    response.result[1] = Saturate(s.deadline_misses);
    response.result[2] = Saturate(s.worst_response_us);
    uint16_t len = 0;
    if ((request.arg[1] & channel::kTaskStatsExecution) != 0) {
      const uint32_t execution = Saturate(s.worst_execution_us);
      for (uint32_t i = 0; i < channel::kTaskStatsExecutionBytes; ++i) {
        response.payload[len++] = static_cast<uint8_t>(execution >> (8 * i));
      }
    }
    for (uint16_t i = 0; s.name != nullptr && s.name[i] != '\0' && len < channel::kMaxPayload;
         ++i) {
      response.payload[len++] = static_cast<uint8_t>(s.name[i]);
    }
    response.payload_len = len;
    return channel::WireStatus::kOk;
  }

 private:
  static uint32_t Saturate(uint64_t v) {
    return v > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<uint32_t>(v);
  }
  TaskStats& stats_;
};

// One job's execution time per task: the time it held the CPU between Begin and End, without
// the time higher-priority tasks ran in between. Fed by the OSEK hooks, which the kernel calls
// around every switch (OSEK OS 2.2.3 11.8.2): PreTaskHook -> Resume(task, now), PostTaskHook ->
// Suspend(task, now); the task itself calls Begin at its first statement and End at its last.
// ISRs do not switch tasks, so the time of an interrupt taken during a job counts to the job (an
// overestimate, the safe side for a WCET). Times are in the caller's units (counter ticks).
// All calls for one task come from that task or from the hooks around its switches, on one CPU:
// no two of them run at once.
class ExecutionTimer {
 public:
  struct Slot {
    uint64_t resumed_at = 0;
    uint64_t accumulated = 0;
  };
  constexpr ExecutionTimer(Slot* slots, uint32_t count) : slots_(slots), count_(count) {}

  void Begin(uint32_t task, uint64_t now) {
    if (task >= count_) return;
    slots_[task].accumulated = 0;
    slots_[task].resumed_at = now;
  }
  void Resume(uint32_t task, uint64_t now) {
    if (task < count_) slots_[task].resumed_at = now;
  }
  void Suspend(uint32_t task, uint64_t now) {
    if (task >= count_) return;
    Slot& s = slots_[task];
    s.accumulated += now >= s.resumed_at ? now - s.resumed_at : 0;
    s.resumed_at = now;
  }
  // The job's execution time so far (its last stretch included).
  uint64_t End(uint32_t task, uint64_t now) const {
    if (task >= count_) return 0;
    const Slot& s = slots_[task];
    return s.accumulated + (now >= s.resumed_at ? now - s.resumed_at : 0);
  }

 private:
  Slot* slots_;
  uint32_t count_;
};

}  // namespace tandem::apps

#endif  // TANDEM_APPS_COMMAND_SERVER_TASK_STATS_H_
