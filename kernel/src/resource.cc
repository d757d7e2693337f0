// Resource management with the OSEK priority ceiling protocol (OSEK OS 2.2.3 8, 13.4).
// The ceiling lives on the one priority scale: occupying a resource shared with an ISR masks
// that ISR (and every source below it) until the release.
#include "kernel.h"
#include "trace_points.h"

using namespace tandem;
using namespace tandem::kernel;

namespace tandem::kernel {

void ResetResources() {
  for (uint16_t r = 0; r < Cfg().resource_count; ++r) {
    Cfg().resource_controls[r] = ResourceControl{false, kNone, 0, 0, false, 0};
  }
  for (uint16_t i = 0; i < Cfg().isr_count; ++i) Cfg().isr_controls[i].last_resource = kNone;
}

void ReleaseAllIsrResourcesLocked(ISRType isr) {
  TANDEM_ASSERT_LOCKED();
  IsrControl& ic = Cfg().isr_controls[isr];
  while (ic.last_resource != kNone) {
    ResourceControl& rc = Cfg().resource_controls[ic.last_resource];
    rc.occupied = false;
    ic.last_resource = rc.previous;
  }
}

void ReleaseAllTaskResourcesLocked(TaskType task) {
  TANDEM_ASSERT_LOCKED();
  TaskControl& tcb = Tcb(task);
  while (tcb.last_resource != kNone) {
    ResourceControl& rc = Cfg().resource_controls[tcb.last_resource];
    rc.occupied = false;
    tcb.running_level = rc.saved_running_level;
    tcb.irq_level = rc.saved_irq_level;
    tcb.last_resource = rc.previous;
  }
}

}  // namespace tandem::kernel

namespace {

// The static level of the caller: a task's base priority or an ISR's level.
Level CallerStaticLevel() {
  if (InIsr()) return Cfg().isrs[g_state.running_isr].level;
  return TaskCfg(g_state.running).base_level;
}

// OSEK OS 2.2.3 13.4.3.1 gives E_OS_ACCESS for "the statically assigned priority of the calling
// task or interrupt routine is higher than the calculated ceiling priority". Whether the caller's
// OIL entry lists the resource is not part of that rule (issue 10 item 1): the ceiling protocol
// is intact for any caller at or below the ceiling. RES_SCHEDULER keeps its OSEK meaning on the
// one scale: in OSEK every interrupt ranks above every task, so an ISR is always above
// RES_SCHEDULER's ceiling (the top task priority), even where Tandem ranks the ISR lower.
bool CallerAboveCeiling(ResourceType r) {
  if (InIsr() && r == kResScheduler) return true;
  return CallerStaticLevel() > Cfg().resources[r].ceiling;
}

ResourceType& CallerLastResource() {
  if (InIsr()) return Cfg().isr_controls[g_state.running_isr].last_resource;
  return Tcb(g_state.running).last_resource;
}

// A LINKED resource is another name for its target (OIL 2.5, RESOURCEPROPERTY LINKED): occupying
// any name of a resource occupies all of them.
ResourceType Target(ResourceType r) {
  const ResourceConfig& rc = Cfg().resources[r];
  return rc.kind == ResourceKind::kLinked ? rc.linked : r;
}

bool OccupiedUnderAnyName(ResourceType r) {
  const ResourceType target = Target(r);
  for (ResourceType other = 0; other < Cfg().resource_count; ++other) {
    if (Cfg().resource_controls[other].occupied && Target(other) == target) return true;
  }
  return false;
}

bool ValidResource(ResourceType r) {
  return r < Cfg().resource_count && Cfg().resources[r].kind != ResourceKind::kInternal;
}

}  // namespace

/// GetResource: occupies ResID and raises the caller to its ceiling.
/// Extended: E_OS_ID (invalid or internal resource), E_OS_ACCESS (already occupied, under this
/// name or another name of a linked resource, or the caller's static priority is above the
/// ceiling: for an ISR always RES_SCHEDULER's), E_OS_CALLEVEL, E_OS_DISABLEDINT.
StatusType GetResource(ResourceType ResID) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_GetResource, ResID);
  if (Extended()) {
    if (!CalledFromTaskOrIsr2()) return Fail(E_OS_CALLEVEL, OSServiceId_GetResource, ResID);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_GetResource, ResID);
    if (!ValidResource(ResID)) return Fail(E_OS_ID, OSServiceId_GetResource, ResID);
    if (OccupiedUnderAnyName(ResID) || CallerAboveCeiling(ResID)) {
      return Fail(E_OS_ACCESS, OSServiceId_GetResource, ResID);
    }
  }
  const ResourceConfig& rcfg = Cfg().resources[ResID];
  ResourceControl& rc = Cfg().resource_controls[ResID];
  ResourceType& last = CallerLastResource();
  rc.occupied = true;
  rc.previous = last;
  rc.owner_is_isr = InIsr();
  last = ResID;
  if (InIsr()) {
    rc.owner = g_state.running_isr;
    rc.saved_irq_level = g_state.isr_level;
    if (rcfg.ceiling > g_state.isr_level) g_state.isr_level = rcfg.ceiling;
  } else {
    TaskControl& tcb = Tcb(g_state.running);
    rc.owner = g_state.running;
    rc.saved_running_level = tcb.running_level;
    rc.saved_irq_level = tcb.irq_level;
    Level sched = rcfg.ceiling > Cfg().top_task_level ? Cfg().top_task_level : rcfg.ceiling;
    if (sched > tcb.running_level) tcb.running_level = sched;
    if (rcfg.ceiling > tcb.irq_level) tcb.irq_level = rcfg.ceiling;
  }
  ApplyLevelLocked();
  return E_OK;
}

/// ReleaseResource: releases ResID (the most recently occupied one) and restores the priority.
/// Extended: E_OS_ID, E_OS_NOFUNC (not occupied by the caller, or not the last one occupied),
/// E_OS_ACCESS (the caller's static priority is above the ceiling), E_OS_CALLEVEL,
/// E_OS_DISABLEDINT.
StatusType ReleaseResource(ResourceType ResID) {
  CriticalSection cs;
  TANDEM_TRACE_SERVICE(OSServiceId_ReleaseResource, ResID);
  if (Extended()) {
    if (!CalledFromTaskOrIsr2()) return Fail(E_OS_CALLEVEL, OSServiceId_ReleaseResource, ResID);
    if (InCriticalSection()) return Fail(E_OS_DISABLEDINT, OSServiceId_ReleaseResource, ResID);
    if (!ValidResource(ResID)) return Fail(E_OS_ID, OSServiceId_ReleaseResource, ResID);
    if (CallerAboveCeiling(ResID)) {
      return Fail(E_OS_ACCESS, OSServiceId_ReleaseResource, ResID);
    }
    if (CallerLastResource() != ResID) return Fail(E_OS_NOFUNC, OSServiceId_ReleaseResource, ResID);
  }
  ResourceControl& rc = Cfg().resource_controls[ResID];
  if (!rc.occupied) return E_OK;
  rc.occupied = false;
  CallerLastResource() = rc.previous;
  if (InIsr()) {
    g_state.isr_level = rc.saved_irq_level;
    ApplyLevelLocked();
    return E_OK;
  }
  TaskControl& tcb = Tcb(g_state.running);
  tcb.running_level = rc.saved_running_level;
  tcb.irq_level = rc.saved_irq_level;
  ApplyLevelLocked();
  DispatchLocked();
  return E_OK;
}
