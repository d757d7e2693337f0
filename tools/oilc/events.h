// Event masks: MASK = AUTO gets a bit no other event of the same task uses; explicit masks are
// kept and must not overlap within a task (OSEK OS 2.2.3, 6.2: events are bits of the owning
// task's event mask).
#ifndef TOOLS_OILC_EVENTS_H_
#define TOOLS_OILC_EVENTS_H_

#include "diagnostics.h"
#include "model.h"

namespace oilc {

void AssignEventMasks(Model& model, Diagnostics& diags);

}  // namespace oilc

#endif  // TOOLS_OILC_EVENTS_H_
