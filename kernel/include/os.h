/* Tandem RT: the OSEK/VDX OS API (ISO 17356-3, OSEK OS 2.2.3).
 *
 * Names, types and macros are spelled exactly as the standard spells them so that OSEK
 * application code compiles unchanged. Applications include "os.h"; the per-application
 * object identifiers (tasks, events, alarms, ...) come from the "os_cfg.h" that oilc generates
 * from the application's OIL file. The kernel itself builds with TANDEM_NO_APP_CONFIG.
 */
#ifndef TANDEM_OS_H_
#define TANDEM_OS_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 13.1 Common data types. StatusType values are fixed by the standard (13.1, 8.x). */
typedef unsigned char StatusType;
#ifndef STATUSTYPEDEFINED
#define STATUSTYPEDEFINED
#define E_OK ((StatusType)0)
#endif
#define E_OS_ACCESS ((StatusType)1)
#define E_OS_CALLEVEL ((StatusType)2)
#define E_OS_ID ((StatusType)3)
#define E_OS_LIMIT ((StatusType)4)
#define E_OS_NOFUNC ((StatusType)5)
#define E_OS_RESOURCE ((StatusType)6)
#define E_OS_STATE ((StatusType)7)
#define E_OS_VALUE ((StatusType)8)
/* Tandem extension, named as AUTOSAR OS names it (SWS_Os_00093): in extended status a service
 * called between DisableAllInterrupts/EnableAllInterrupts, SuspendAllInterrupts/
 * ResumeAllInterrupts or SuspendOSInterrupts/ResumeOSInterrupts does nothing and returns this.
 * AUTOSAR leaves the value to the implementation; 12 is the one most AUTOSAR kernels use (after
 * E_OS_SERVICEID 9, E_OS_ILLEGAL_ADDRESS 10, E_OS_MISSINGEND 11, which Tandem RT does not use). */
#define E_OS_DISABLEDINT ((StatusType)12)

/* 13.2 Task management. */
typedef uint16_t TaskType;
typedef TaskType* TaskRefType;
typedef uint8_t TaskStateType;
typedef TaskStateType* TaskStateRefType;
#define RUNNING ((TaskStateType)0)
#define WAITING ((TaskStateType)1)
#define READY ((TaskStateType)2)
#define SUSPENDED ((TaskStateType)3)
#define INVALID_TASK ((TaskType)0xFFFFu)

/* 13.4 Resource management. */
typedef uint16_t ResourceType;

/* 13.5 Event control. */
typedef uint64_t EventMaskType;
typedef EventMaskType* EventMaskRefType;

/* 13.6 Alarms. */
typedef uint32_t TickType;
typedef TickType* TickRefType;
typedef struct {
  TickType maxallowedvalue;
  TickType ticksperbase;
  TickType mincycle;
} AlarmBaseType;
typedef AlarmBaseType* AlarmBaseRefType;
typedef uint16_t AlarmType;

/* Counters are not part of the OSEK OS API proper; IncrementCounter is Tandem's extension for
 * software counters (named as AUTOSAR OS names it). */
typedef uint16_t CounterType;

/* 13.7 Operating system execution control. */
typedef uint8_t AppModeType;
#define OSDEFAULTAPPMODE ((AppModeType)0)

/* ISR identifiers (used by OSError parameter access and the port's interrupt table). */
typedef uint16_t ISRType;
#define INVALID_ISR ((ISRType)0xFFFFu)

/* 13.8 Hook routines: service identifiers returned by OSErrorGetServiceId(). */
typedef uint8_t OSServiceIdType;
#define OSServiceId_ActivateTask ((OSServiceIdType)1)
#define OSServiceId_TerminateTask ((OSServiceIdType)2)
#define OSServiceId_ChainTask ((OSServiceIdType)3)
#define OSServiceId_Schedule ((OSServiceIdType)4)
#define OSServiceId_GetTaskID ((OSServiceIdType)5)
#define OSServiceId_GetTaskState ((OSServiceIdType)6)
#define OSServiceId_EnableAllInterrupts ((OSServiceIdType)7)
#define OSServiceId_DisableAllInterrupts ((OSServiceIdType)8)
#define OSServiceId_ResumeAllInterrupts ((OSServiceIdType)9)
#define OSServiceId_SuspendAllInterrupts ((OSServiceIdType)10)
#define OSServiceId_ResumeOSInterrupts ((OSServiceIdType)11)
#define OSServiceId_SuspendOSInterrupts ((OSServiceIdType)12)
#define OSServiceId_GetResource ((OSServiceIdType)13)
#define OSServiceId_ReleaseResource ((OSServiceIdType)14)
#define OSServiceId_SetEvent ((OSServiceIdType)15)
#define OSServiceId_ClearEvent ((OSServiceIdType)16)
#define OSServiceId_GetEvent ((OSServiceIdType)17)
#define OSServiceId_WaitEvent ((OSServiceIdType)18)
#define OSServiceId_GetAlarmBase ((OSServiceIdType)19)
#define OSServiceId_GetAlarm ((OSServiceIdType)20)
#define OSServiceId_SetRelAlarm ((OSServiceIdType)21)
#define OSServiceId_SetAbsAlarm ((OSServiceIdType)22)
#define OSServiceId_CancelAlarm ((OSServiceIdType)23)
#define OSServiceId_GetActiveApplicationMode ((OSServiceIdType)24)
#define OSServiceId_StartOS ((OSServiceIdType)25)
#define OSServiceId_ShutdownOS ((OSServiceIdType)26)
#define OSServiceId_IncrementCounter ((OSServiceIdType)27)

/* Declarations (13.2.2.1 etc.). They only need to be legal C/C++ at file scope. */
#define DeclareTask(TaskIdentifier) extern void Func##TaskIdentifier(void)
#define DeclareResource(ResourceIdentifier) extern const ResourceType Decl##ResourceIdentifier
#define DeclareEvent(EventIdentifier) extern const EventMaskType Decl##EventIdentifier
#define DeclareAlarm(AlarmIdentifier) extern const AlarmType Decl##AlarmIdentifier
#define DeclareCounter(CounterIdentifier) extern const CounterType Decl##CounterIdentifier
#define DeclareISR(IsrIdentifier) extern void IsrFunc##IsrIdentifier(void)

/* Entry points (the standard's TASK(), ISR() and ALARMCALLBACK() macros). */
#define TASK(TaskName) void Func##TaskName(void)
#define ISR(IsrName) void IsrFunc##IsrName(void)
#define ALARMCALLBACK(AlarmCallBackName) void AlarmCallback##AlarmCallBackName(void)

/* Task management (13.2.3). */
StatusType ActivateTask(TaskType TaskID);
StatusType TerminateTask(void);
StatusType ChainTask(TaskType TaskID);
StatusType Schedule(void);
StatusType GetTaskID(TaskRefType TaskID);
StatusType GetTaskState(TaskType TaskID, TaskStateRefType State);

/* Interrupt handling (13.3.2). */
void EnableAllInterrupts(void);
void DisableAllInterrupts(void);
void ResumeAllInterrupts(void);
void SuspendAllInterrupts(void);
void ResumeOSInterrupts(void);
void SuspendOSInterrupts(void);

/* Resource management (13.4.3). */
StatusType GetResource(ResourceType ResID);
StatusType ReleaseResource(ResourceType ResID);

/* Event control (13.5.3). */
StatusType SetEvent(TaskType TaskID, EventMaskType Mask);
StatusType ClearEvent(EventMaskType Mask);
StatusType GetEvent(TaskType TaskID, EventMaskRefType Event);
StatusType WaitEvent(EventMaskType Mask);

/* Alarms (13.6.3). */
StatusType GetAlarmBase(AlarmType AlarmID, AlarmBaseRefType Info);
StatusType GetAlarm(AlarmType AlarmID, TickRefType Tick);
StatusType SetRelAlarm(AlarmType AlarmID, TickType increment, TickType cycle);
StatusType SetAbsAlarm(AlarmType AlarmID, TickType start, TickType cycle);
StatusType CancelAlarm(AlarmType AlarmID);
/* Tandem extension: advance a software counter by one tick (E_OK, E_OS_ID). */
StatusType IncrementCounter(CounterType CounterID);

/* Operating system execution control (13.7.2). */
AppModeType GetActiveApplicationMode(void);
void StartOS(AppModeType Mode);
void ShutdownOS(StatusType Error);

/* Hook routines (13.8.2), defined by the application when its OIL file enables them. */
void ErrorHook(StatusType Error);
void PreTaskHook(void);
void PostTaskHook(void);
void StartupHook(void);
void ShutdownHook(StatusType Error);

/* Error hook service information (13.8.1, "USEGETSERVICEID" / "USEPARAMETERACCESS"). */
OSServiceIdType TandemErrorServiceId(void);
uint64_t TandemErrorParam(unsigned index);
#define OSErrorGetServiceId() (TandemErrorServiceId())
#define OSError_ActivateTask_TaskID() ((TaskType)TandemErrorParam(0))
#define OSError_ChainTask_TaskID() ((TaskType)TandemErrorParam(0))
#define OSError_GetTaskID_TaskID() ((TaskRefType)(uintptr_t)TandemErrorParam(0))
#define OSError_GetTaskState_TaskID() ((TaskType)TandemErrorParam(0))
#define OSError_GetTaskState_State() ((TaskStateRefType)(uintptr_t)TandemErrorParam(1))
#define OSError_GetResource_ResID() ((ResourceType)TandemErrorParam(0))
#define OSError_ReleaseResource_ResID() ((ResourceType)TandemErrorParam(0))
#define OSError_SetEvent_TaskID() ((TaskType)TandemErrorParam(0))
#define OSError_SetEvent_Mask() ((EventMaskType)TandemErrorParam(1))
#define OSError_ClearEvent_Mask() ((EventMaskType)TandemErrorParam(0))
#define OSError_GetEvent_TaskID() ((TaskType)TandemErrorParam(0))
#define OSError_GetEvent_Event() ((EventMaskRefType)(uintptr_t)TandemErrorParam(1))
#define OSError_WaitEvent_Mask() ((EventMaskType)TandemErrorParam(0))
#define OSError_GetAlarmBase_AlarmID() ((AlarmType)TandemErrorParam(0))
#define OSError_GetAlarmBase_Info() ((AlarmBaseRefType)(uintptr_t)TandemErrorParam(1))
#define OSError_GetAlarm_AlarmID() ((AlarmType)TandemErrorParam(0))
#define OSError_GetAlarm_Tick() ((TickRefType)(uintptr_t)TandemErrorParam(1))
#define OSError_SetRelAlarm_AlarmID() ((AlarmType)TandemErrorParam(0))
#define OSError_SetRelAlarm_increment() ((TickType)TandemErrorParam(1))
#define OSError_SetRelAlarm_cycle() ((TickType)TandemErrorParam(2))
#define OSError_SetAbsAlarm_AlarmID() ((AlarmType)TandemErrorParam(0))
#define OSError_SetAbsAlarm_start() ((TickType)TandemErrorParam(1))
#define OSError_SetAbsAlarm_cycle() ((TickType)TandemErrorParam(2))
#define OSError_CancelAlarm_AlarmID() ((AlarmType)TandemErrorParam(0))
#define OSError_IncrementCounter_CounterID() ((CounterType)TandemErrorParam(0))

#ifdef __cplusplus
} /* extern "C" */
#endif

#ifndef TANDEM_NO_APP_CONFIG
#include "os_cfg.h"
#endif

#endif /* TANDEM_OS_H_ */
