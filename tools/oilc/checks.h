// Static checks across objects that need resolved references: extended tasks and activations,
// SETEVENT ownership, alarm times against their counter's limits (OSEK OS 2.2.3, 13.6 and the
// OIL 2.5 ALARM attributes). Also fills the autostart mode masks.
#ifndef TOOLS_OILC_CHECKS_H_
#define TOOLS_OILC_CHECKS_H_

#include "diagnostics.h"
#include "model.h"

namespace oilc {

// Unresolved references (id kNoId, already reported) are skipped.
void CheckModel(Model& model, Diagnostics& diags);

}  // namespace oilc

#endif  // TOOLS_OILC_CHECKS_H_
