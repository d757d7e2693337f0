// Printable names of OSEK status codes, service ids and task states (OSEK OS 2.2.3 13.1, 13.8), for
// error hooks, traces and consoles. Header-only and freestanding.
#ifndef TANDEM_NAMES_H_
#define TANDEM_NAMES_H_

#include "os.h"

namespace tandem {

constexpr const char* StatusName(StatusType status) {
  constexpr const char* kNames[] = {"E_OK",          "E_OS_ACCESS", "E_OS_CALLEVEL",
                                    "E_OS_ID",       "E_OS_LIMIT",  "E_OS_NOFUNC",
                                    "E_OS_RESOURCE", "E_OS_STATE",  "E_OS_VALUE"};
  if (status == E_OS_DISABLEDINT) return "E_OS_DISABLEDINT";  // Tandem extension (os.h)
  return status < sizeof(kNames) / sizeof(kNames[0]) ? kNames[status] : "E_?";
}

// Indexed by the OSServiceId_* values of os.h.
constexpr const char* ServiceName(OSServiceIdType service) {
  // Three per line, in OSServiceId order (a table clang-format would put one per line).
  // clang-format off
  constexpr const char* kNames[] = {
      "?",                        "ActivateTask",             "TerminateTask",
      "ChainTask",                "Schedule",                 "GetTaskID",
      "GetTaskState",             "EnableAllInterrupts",      "DisableAllInterrupts",
      "ResumeAllInterrupts",      "SuspendAllInterrupts",     "ResumeOSInterrupts",
      "SuspendOSInterrupts",      "GetResource",              "ReleaseResource",
      "SetEvent",                 "ClearEvent",               "GetEvent",
      "WaitEvent",                "GetAlarmBase",             "GetAlarm",
      "SetRelAlarm",              "SetAbsAlarm",              "CancelAlarm",
      "GetActiveApplicationMode", "StartOS",                  "ShutdownOS",
      "IncrementCounter"};
  // clang-format on
  return service < sizeof(kNames) / sizeof(kNames[0]) ? kNames[service] : "?";
}

constexpr const char* TaskStateName(TaskStateType state) {
  switch (state) {
    case RUNNING:
      return "RUNNING";
    case WAITING:
      return "WAITING";
    case READY:
      return "READY";
    case SUSPENDED:
      return "SUSPENDED";
    default:
      return "?";
  }
}

static_assert(ServiceName(OSServiceId_IncrementCounter)[0] == 'I', "table follows os.h");
static_assert(ServiceName(OSServiceId_ActivateTask)[0] == 'A', "table follows os.h");

}  // namespace tandem

#endif  // TANDEM_NAMES_H_
