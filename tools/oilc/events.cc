#include "events.h"

#include <cstdio>

namespace oilc {
namespace {

std::string Hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

void AssignEventMasks(Model& m, Diagnostics& diags) {
  std::vector<std::vector<size_t>> owners(m.events.size());  // event -> tasks owning it
  for (size_t t = 0; t < m.tasks.size(); ++t) {
    for (const Ref& e : m.tasks[t].events) owners[static_cast<size_t>(e.id)].push_back(t);
  }
  std::vector<bool> assigned(m.events.size());
  for (size_t e = 0; e < m.events.size(); ++e) assigned[e] = !m.events[e].auto_mask;

  // Declaration order, lowest free bit first: deterministic, and events shared by several
  // tasks get a bit free in all of them.
  for (size_t e = 0; e < m.events.size(); ++e) {
    Event& ev = m.events[e];
    if (owners[e].empty()) {
      diags.Warning(ev.location, "EVENT " + ev.name + " is not owned by any TASK");
    }
    if (!ev.auto_mask) continue;
    uint64_t used = 0;
    for (size_t t : owners[e]) {
      for (const Ref& other : m.tasks[t].events) {
        if (assigned[static_cast<size_t>(other.id)])
          used |= m.events[static_cast<size_t>(other.id)].mask;
      }
    }
    if (used == ~uint64_t{0}) {
      const Task& t = m.tasks[owners[e][0]];
      diags.Error(
          ev.location,
          "no free event bit for EVENT " + ev.name + " (TASK " + t.name + " already uses all 64)",
          "at most 64 event bits per task (EventMaskType is 64 bits)");
      continue;
    }
    ev.mask = ~used & (used + 1);  // lowest clear bit
    assigned[e] = true;
  }

  for (Task& t : m.tasks) {
    uint64_t mask = 0;
    for (const Ref& r : t.events) {
      const Event& ev = m.events[static_cast<size_t>(r.id)];
      if ((mask & ev.mask) != 0) {
        diags.Error(r.location,
                    "EVENT " + ev.name + " of TASK " + t.name + " shares mask bits " +
                        Hex(mask & ev.mask) + " with another event of the task",
                    "disjoint MASKs for the events of one task (or MASK = AUTO)");
      }
      mask |= ev.mask;
    }
    t.event_mask = mask;
  }
}

}  // namespace oilc
