// Run-time state of kernel objects. The generated application configuration allocates one of
// each per object (statically); only the kernel reads or writes the fields.
#ifndef TANDEM_CONTROL_H_
#define TANDEM_CONTROL_H_

#include "tandem/arch.h"
#include "tandem/config.h"

namespace tandem {

struct TaskControl {
  TaskStateType state;
  uint8_t activations;        // pending activations including the running/ready one
  Level running_level;        // current scheduling level (ceilings raise it)
  Level irq_level;            // current interrupt-mask level (ceilings raise it)
  EventMaskType events_set;
  EventMaskType events_waited;
  ResourceType last_resource; // top of the stack of occupied resources, kNone if none
  bool started;               // has a live context (was dispatched at least once since activation)
  arch::Context context;
};

struct ResourceControl {
  bool occupied;
  ResourceType previous;      // the resource occupied before this one by the same owner
  Level saved_running_level;
  Level saved_irq_level;
  bool owner_is_isr;
  uint16_t owner;             // TaskType or ISRType
};

struct CounterControl {
  TickType value;
  uint16_t first_alarm;       // head of the list of armed alarms on this counter, kNone if none
};

struct AlarmControl {
  bool armed;
  TickType expiry;            // absolute counter value
  TickType cycle;             // 0 = single shot
  uint16_t next;              // next armed alarm on the same counter
};

struct IsrControl {
  ResourceType last_resource;
};

}  // namespace tandem

#endif  // TANDEM_CONTROL_H_
