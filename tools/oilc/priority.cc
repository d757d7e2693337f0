#include "priority.h"

#include <algorithm>
#include <map>
#include <set>

namespace oilc {
namespace {

// Keys of every participant. The default keys sit just above the highest task priority:
// category 2 ISRs and the system timer at max+1, category 1 ISRs at max+2 (they bypass the OS,
// so the OS must never run with them masked by a task, a resource or a category 2 ISR).
struct Keys {
  std::vector<PriorityKey> task;
  std::vector<PriorityKey> isr;
  PriorityKey timer;
};

Keys ComputeKeys(const Model& m) {
  uint64_t max_task = 0;
  for (const Task& t : m.tasks) max_task = std::max<uint64_t>(max_task, t.priority);
  Keys k;
  for (const Task& t : m.tasks) k.task.push_back({t.priority, 1});
  for (const Isr& isr : m.isrs) {
    if (isr.priority) {
      k.isr.push_back({*isr.priority, 0});
    } else {
      k.isr.push_back({max_task + (isr.category == 1 ? 2 : 1), 0});
    }
  }
  k.timer =
      m.os.timer_priority ? PriorityKey{*m.os.timer_priority, 0} : PriorityKey{max_task + 1, 0};
  return k;
}

void ComputeLevels(Model& m, Diagnostics& diags) {
  const Keys k = ComputeKeys(m);
  const bool has_timer = m.system_counter != kNoId;
  std::set<PriorityKey> all(k.task.begin(), k.task.end());
  all.insert(k.isr.begin(), k.isr.end());
  if (has_timer) all.insert(k.timer);
  std::map<PriorityKey, int> level;
  int next = 1;
  for (const PriorityKey& key : all) level[key] = next++;

  const int used = static_cast<int>(all.size());
  if (used > kMaxLevel) {
    // Point at a participant that got a level above the limit.
    Location at = m.os.timer_priority ? m.os.timer_priority_location : m.cpu_location;
    for (size_t i = 0; i < m.tasks.size(); ++i) {
      if (level[k.task[i]] > kMaxLevel) at = m.tasks[i].location;
    }
    for (size_t i = 0; i < m.isrs.size(); ++i) {
      if (level[k.isr[i]] > kMaxLevel) at = m.isrs[i].location;
    }
    diags.Error(at,
                "the tasks, ISRs and system timer need " + std::to_string(used) +
                    " distinct priority levels",
                "at most " + std::to_string(kMaxLevel) +
                    " (the kernel's ready bitmap is one 64-bit word): share priorities");
    return;
  }
  for (size_t i = 0; i < m.tasks.size(); ++i) m.tasks[i].level = level[k.task[i]];
  for (size_t i = 0; i < m.isrs.size(); ++i) m.isrs[i].level = level[k.isr[i]];
  m.system_timer_level = has_timer ? level[k.timer] : 0;

  m.top_task_level = 0;
  for (const Task& t : m.tasks) m.top_task_level = std::max(m.top_task_level, t.level);
  m.cat2_top_level = m.system_timer_level;
  m.top_level = std::max(m.top_task_level, m.system_timer_level);
  for (const Isr& isr : m.isrs) {
    if (isr.category == 2) m.cat2_top_level = std::max(m.cat2_top_level, isr.level);
    m.top_level = std::max(m.top_level, isr.level);
  }

  // Category 1 ISRs must rank above everything the OS masks on its own (OSEK OS 2.2.3, 4.6.1):
  // otherwise a task, resource ceiling or category 2 ISR could hold off an ISR that the OS does
  // not know about.
  for (const Isr& isr : m.isrs) {
    if (isr.category != 1) continue;
    std::string below;
    if (isr.level <= m.top_task_level) {
      below = "the highest task level " + std::to_string(m.top_task_level);
    } else if (isr.level <= m.cat2_top_level) {
      below = "a category 2 ISR or the system timer at level " + std::to_string(m.cat2_top_level);
    }
    if (!below.empty()) {
      diags.Error(isr.priority ? isr.priority_location : isr.location,
                  "category 1 ISR " + isr.name + " is at level " + std::to_string(isr.level) +
                      ", not above " + below,
                  "a PRIORITY above every task, category 2 ISR and the system timer (or none)");
    }
  }
}

// Follows LINKEDRESOURCE to the final, non-linked resource; kNoId after reporting a cycle.
int ResolveLink(const Model& m, int start, Diagnostics& diags, std::set<int>& reported) {
  std::vector<int> path{start};
  int r = start;
  while (m.resources[static_cast<size_t>(r)].kind == ResourceKind::kLinked) {
    const int next = m.resources[static_cast<size_t>(r)].linked_to.id;
    if (next == kNoId) return kNoId;
    auto seen = std::find(path.begin(), path.end(), next);
    if (seen != path.end()) {
      if (reported.insert(*std::min_element(seen, path.end())).second) {
        std::string chain;
        for (auto it = seen; it != path.end(); ++it) {
          chain += m.resources[static_cast<size_t>(*it)].name + " -> ";
        }
        chain += m.resources[static_cast<size_t>(next)].name;
        const Resource& closing = m.resources[static_cast<size_t>(path.back())];
        diags.Error(closing.linked_to.location, "LINKED resource cycle " + chain,
                    "a chain of LINKEDRESOURCEs that ends at a STANDARD resource");
      }
      return kNoId;
    }
    path.push_back(next);
    r = next;
  }
  if (path.size() > 1 && m.resources[static_cast<size_t>(r)].kind == ResourceKind::kInternal) {
    const Resource& last = m.resources[static_cast<size_t>(path[path.size() - 2])];
    diags.Error(last.linked_to.location,
                "RESOURCE " + last.name + " is linked to the INTERNAL resource " +
                    m.resources[static_cast<size_t>(r)].name,
                "a STANDARD (or LINKED) resource as LINKEDRESOURCE");
    return kNoId;
  }
  return r;
}

void MarkUsed(std::vector<bool>& used, int id, const std::vector<int>& target) {
  used[static_cast<size_t>(id)] = true;
  if (target[static_cast<size_t>(id)] != kNoId)
    used[static_cast<size_t>(target[static_cast<size_t>(id)])] = true;
}

void ComputeCeilings(Model& m, Diagnostics& diags) {
  std::set<int> reported;
  std::vector<int> target(m.resources.size());
  for (size_t r = 0; r < m.resources.size(); ++r) {
    target[r] = ResolveLink(m, static_cast<int>(r), diags, reported);
  }
  std::vector<int> ceiling(m.resources.size(), 0);
  std::vector<bool> used(m.resources.size(), false);
  ceiling[0] = m.top_task_level;  // RES_SCHEDULER (OSEK OS 2.2.3, 8.3)
  used[0] = true;

  for (Task& t : m.tasks) {
    t.resource_bits = 1;  // every task may take RES_SCHEDULER
    for (const Ref& ref : t.resources) {
      const Resource& res = m.resources[static_cast<size_t>(ref.id)];
      t.resource_bits |= uint64_t{1} << ref.id;
      MarkUsed(used, ref.id, target);
      if (res.kind == ResourceKind::kInternal) {
        if (t.internal_resource != kNoId) {
          diags.Error(ref.location,
                      "TASK " + t.name + " has a second INTERNAL resource " + res.name +
                          " (the first is " +
                          m.resources[static_cast<size_t>(t.internal_resource)].name + ")",
                      "at most one INTERNAL resource per task");
          continue;
        }
        t.internal_resource = ref.id;
      }
      const int tgt = target[static_cast<size_t>(ref.id)];
      if (tgt != kNoId)
        ceiling[static_cast<size_t>(tgt)] = std::max(ceiling[static_cast<size_t>(tgt)], t.level);
    }
  }
  for (Isr& isr : m.isrs) {
    for (const Ref& ref : isr.resources) {
      const Resource& res = m.resources[static_cast<size_t>(ref.id)];
      const int tgt = target[static_cast<size_t>(ref.id)];
      MarkUsed(used, ref.id, target);
      if (res.kind == ResourceKind::kInternal || ref.id == 0 || tgt == 0) {
        diags.Error(ref.location,
                    "ISR " + isr.name + " uses " +
                        (res.kind == ResourceKind::kInternal ? "the INTERNAL resource "
                                                             : "the scheduler resource ") +
                        res.name,
                    "a STANDARD or LINKED resource (only tasks use internal resources and "
                    "RES_SCHEDULER)");
        continue;
      }
      isr.resource_bits |= uint64_t{1} << ref.id;
      if (tgt != kNoId)
        ceiling[static_cast<size_t>(tgt)] = std::max(ceiling[static_cast<size_t>(tgt)], isr.level);
    }
  }
  for (size_t r = 0; r < m.resources.size(); ++r) {
    Resource& res = m.resources[r];
    const int tgt = target[r];
    if (tgt == kNoId) continue;
    // A linked resource is another name for its target: it shares the target's ceiling, which
    // covers the users of every name of it, so the ceiling is never below a user's level.
    res.ceiling = ceiling[static_cast<size_t>(tgt)];
    if (res.kind == ResourceKind::kLinked) res.linked = tgt;
    if (!used[r]) {
      diags.Warning(res.location, "RESOURCE " + res.name + " is not used by any TASK or ISR");
    }
  }
  for (Task& t : m.tasks) {
    if (t.internal_resource != kNoId) {
      t.internal_ceiling = m.resources[static_cast<size_t>(t.internal_resource)].ceiling;
    }
  }
}

// A ready queue per level up to the highest task level. Level L holds the activations of tasks
// based at L, plus one entry for each task of a lower base level (a task preempted while at a
// raised level sits at the head of that level's queue).
void ComputeReadyQueues(Model& m) {
  m.ready_queues.assign(static_cast<size_t>(m.top_task_level) + 1, ReadyQueue{});
  int offset = 0;
  for (int level = 0; level <= m.top_task_level; ++level) {
    int capacity = 0;
    for (const Task& t : m.tasks) {
      if (t.level == level) capacity += static_cast<int>(t.activation);
      if (t.level < level) capacity += 1;
    }
    m.ready_queues[static_cast<size_t>(level)] = {offset, capacity};
    offset += capacity;
  }
  m.ready_storage_size = offset;
}

// ReadyQueueConfig holds 16-bit offsets and capacities.
void CheckReadyQueues(const Model& m, Diagnostics& diags) {
  if (m.ready_storage_size > 0xFFFF) {
    diags.Error(m.cpu_location,
                "the ready queues need " + std::to_string(m.ready_storage_size) + " entries",
                "at most 65535 (fewer tasks or ACTIVATIONs)");
  }
}

}  // namespace

void AssignLevels(Model& m, Diagnostics& diags) {
  const int errors = diags.error_count();
  ComputeLevels(m, diags);
  if (diags.error_count() != errors) return;
  ComputeCeilings(m, diags);
  ComputeReadyQueues(m);
  CheckReadyQueues(m, diags);
}

}  // namespace oilc
