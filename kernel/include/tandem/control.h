// Run-time state of kernel objects. The generated application configuration allocates one of
// each per object (statically); only the kernel reads or writes the fields.
#ifndef TANDEM_CONTROL_H_
#define TANDEM_CONTROL_H_

#include "tandem/arch.h"
#include "tandem/config.h"

namespace tandem {

// The interrupt services' state (OSEK OS 2.2.3 13.3) of one context. A task, an ISR, a hook and
// an alarm callback each open and close their own sections: the kernel keeps the running
// context's in its state, and a task's in its TaskControl while another context runs, so no task
// ends or inherits the section of another (issue 10 item 3).
struct InterruptSections {
  bool all_disabled = false;         // DisableAllInterrupts
  uint32_t suspend_all_nesting = 0;  // SuspendAllInterrupts
  uint32_t suspend_os_nesting = 0;   // SuspendOSInterrupts
  // The gate as DisableAllInterrupts / the outermost SuspendAllInterrupts found it: the matching
  // Enable/Resume restores it (13.3.2.1, 13.3.2.3) instead of opening it. A hook or an alarm
  // callback runs inside a kernel critical section, and its Suspend/Resume pair must not open
  // the gate there.
  bool all_disabled_before = false;
  bool suspend_all_disabled_before = false;

  bool Open() const { return all_disabled || suspend_all_nesting != 0 || suspend_os_nesting != 0; }
};

struct TaskControl {
  TaskStateType state;
  uint8_t activations;  // pending activations including the running/ready one
  Level running_level;  // current scheduling level (ceilings raise it)
  Level irq_level;      // current interrupt-mask level (ceilings raise it)
  EventMaskType events_set;
  EventMaskType events_waited;
  ResourceType last_resource;  // top of the stack of occupied resources, kNone if none
  bool started;                // has a live context (was dispatched at least once since activation)
  arch::Context context;
  InterruptSections sections;  // the task's own, while it is preempted or waiting
};

struct ResourceControl {
  bool occupied;
  ResourceType previous;  // the resource occupied before this one by the same owner
  Level saved_running_level;
  Level saved_irq_level;
  bool owner_is_isr;
  uint16_t owner;  // TaskType or ISRType
};

struct CounterControl {
  TickType value;
  uint16_t first_alarm;  // head of the list of armed alarms on this counter, kNone if none
};

struct AlarmControl {
  bool armed;
  TickType expiry;  // absolute counter value
  TickType cycle;   // 0 = single shot
  uint16_t next;    // next armed alarm on the same counter
};

struct IsrControl {
  ResourceType last_resource;
};

}  // namespace tandem

#endif  // TANDEM_CONTROL_H_
