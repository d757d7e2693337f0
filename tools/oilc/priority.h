// The one priority space (docs/oil.md, "Priorities"): task priorities, ISR priorities and the
// system timer's priority mapped onto dense levels 1..N; resource ceilings; ready-queue sizes.
#ifndef TOOLS_OILC_PRIORITY_H_
#define TOOLS_OILC_PRIORITY_H_

#include <cstdint>
#include <utility>

#include "diagnostics.h"
#include "model.h"

namespace oilc {

// Sort key of one priority: tasks (q, 1), interrupts (p, 0). An ISR of PRIORITY p therefore
// ranks above tasks of priority < p and below tasks of priority p.
using PriorityKey = std::pair<uint64_t, int>;

void AssignLevels(Model& model, Diagnostics& diags);

}  // namespace oilc

#endif  // TOOLS_OILC_PRIORITY_H_
