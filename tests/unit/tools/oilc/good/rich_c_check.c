/* os_cfg.h must stand on its own and be valid C: included first, before os.h. */
#include "os_cfg.h"

/* A C translation unit sees the identifiers and the C-linkage prototypes. */
TaskType RichServerId(void) { return Server; }
EventMaskType RichStopMask(void) { return Stop; }
TickType RichSystemMax(void) { return OSMAXALLOWEDVALUE; }
void (*RichServerEntry(void))(void) { return &FuncServer; }
