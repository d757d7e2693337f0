// The kernel's scheduling trace (tandem/trace.h, docs/trace.md) on the host port: what each trace
// point records, in order, and how the ring behaves when full and when frozen.
#include "tandem/trace.h"

#include <vector>

#include "unit_test.h"

namespace {

using tandem::TraceKind;
using tandem::TraceRecord;
namespace trace = tandem::trace;

constexpr uint32_t kI2aSource = 40;  // kernel.oil.in

std::vector<TraceRecord> g_records;
trace::TraceStatus g_status;

// Freezes the ring and copies everything it holds, two records at a time as the channel does.
void Capture() {
  g_status = trace::TraceFreeze();
  g_records.clear();
  for (uint32_t cursor = g_status.oldest; cursor != g_status.end;) {
    TraceRecord chunk[2];
    uint32_t copied = 0;
    (void)trace::TraceCopy(cursor, chunk, 2, &copied);
    ASSERT_GT(copied, 0u);
    g_records.insert(g_records.end(), chunk, chunk + copied);
    cursor += copied;
  }
}

struct Expected {
  TraceKind kind;
  uint8_t detail;
  uint16_t object;
  uint32_t arg;
};

void ExpectRecords(std::initializer_list<Expected> expected) {
  ASSERT_EQ(g_records.size(), expected.size());
  size_t i = 0;
  for (const Expected& e : expected) {
    SCOPED_TRACE("record " + std::to_string(i));
    EXPECT_EQ(g_records[i].kind, static_cast<uint8_t>(e.kind));
    EXPECT_EQ(g_records[i].detail, e.detail);
    EXPECT_EQ(g_records[i].object, e.object);
    EXPECT_EQ(g_records[i].arg, e.arg);
    if (i > 0) {
      EXPECT_GE(g_records[i].time, g_records[i - 1].time);
    }
    ++i;
  }
}

TEST_F(Kernel, TraceRecordsSwitchesIsrsAndServicesInOrder) {
  OnTask(High, [] { TerminateTask(); });
  OnIsr(I2a, [] {});
  RunMain([] {
    trace::TraceResume();  // forget StartOS's own records
    ActivateTask(High);
    host::RaiseInterrupt(kI2aSource);
    Capture();
    trace::TraceResume();
    ShutdownOS(E_OK);
  });
  ExpectRecords({
      {TraceKind::kService, OSServiceId_ActivateTask, 0, High},
      {TraceKind::kTaskSwitch, READY, High, Main},  // Main preempted
      {TraceKind::kService, OSServiceId_TerminateTask, 0, 0},
      {TraceKind::kTaskSwitch, SUSPENDED, Main, High},
      {TraceKind::kIsrEnter, 0, I2a, 0},
      {TraceKind::kIsrExit, 0, I2a, 0},
  });
  EXPECT_EQ(g_status.dropped, 0u);
  EXPECT_EQ(g_status.oldest, 0u);
  EXPECT_EQ(g_status.end, 6u);
  EXPECT_TRUE(g_status.frozen);
  EXPECT_EQ(trace::TraceClockHz(), 1'000'000'000u);
}

TEST_F(Kernel, TraceRecordsTheTickTheAlarmItsTaskAndTheWaitForIdle) {
  OnTask(High, [] { TerminateTask(); });
  OnTask(Ext, [] { WaitEvent(E1); });  // waits for ever: the system goes idle
  OnIdle([] {
    Capture();
    trace::TraceResume();
    ShutdownOS(E_OK);
  });
  RunMain([] {
    trace::TraceResume();
    SetRelAlarm(AlarmSys, 1, 0);
    host::AdvanceTicks(1);
    ActivateTask(Ext);
    TerminateTask();
  });
  const uint16_t tick = tandem::kTraceSystemTimer;
  ExpectRecords({
      {TraceKind::kService, OSServiceId_SetRelAlarm, 0, AlarmSys},
      {TraceKind::kIsrEnter, 0, tick, 0},
      {TraceKind::kAlarmExpiry, 0, AlarmSys, 0},
      {TraceKind::kIsrExit, 0, tick, 0},
      {TraceKind::kTaskSwitch, READY, High, Main},  // the tick's exit is the rescheduling point
      {TraceKind::kService, OSServiceId_TerminateTask, 0, 0},
      {TraceKind::kTaskSwitch, SUSPENDED, Main, High},
      {TraceKind::kService, OSServiceId_ActivateTask, 0, Ext},
      {TraceKind::kTaskSwitch, READY, Ext, Main},
      {TraceKind::kService, OSServiceId_WaitEvent, 0, static_cast<uint32_t>(E1)},
      {TraceKind::kTaskSwitch, WAITING, Main, Ext},
      {TraceKind::kService, OSServiceId_TerminateTask, 0, 0},
      {TraceKind::kTaskSwitch, SUSPENDED, tandem::kTraceIdle, Main},
  });
}

TEST_F(Kernel, AFullTraceRingOverwritesItsOldestRecords) {
  RunMain([] {
    trace::TraceResume();
    TaskType id = INVALID_TASK;
    for (uint32_t i = 0; i < 20; ++i) GetTaskID(&id);
    const trace::TraceStatus s = trace::TraceGetStatus();
    EXPECT_EQ(s.capacity, 16u);  // TRACE 16 in CMakeLists.txt
    EXPECT_EQ(s.end, 20u);
    EXPECT_EQ(s.oldest, 4u);
    EXPECT_EQ(s.count, 16u);
    TraceRecord r[2];
    uint32_t copied = 99;
    (void)trace::TraceCopy(3, r, 2, &copied);  // overwritten
    EXPECT_EQ(copied, 0u);
    (void)trace::TraceCopy(20, r, 2, &copied);  // not written yet
    EXPECT_EQ(copied, 0u);
    (void)trace::TraceCopy(19, r, 2, &copied);  // the newest: one left
    EXPECT_EQ(copied, 1u);
    Capture();
    trace::TraceResume();
    ShutdownOS(E_OK);
  });
  ASSERT_EQ(g_records.size(), 16u);
  for (const TraceRecord& r : g_records) {
    EXPECT_EQ(r.kind, static_cast<uint8_t>(TraceKind::kService));
    EXPECT_EQ(r.detail, OSServiceId_GetTaskID);
  }
}

TEST_F(Kernel, AFrozenTraceKeepsItsRecordsAndCountsWhatItDrops) {
  RunMain([] {
    trace::TraceResume();
    ActivateTask(Low);  // one record; Low is lower and waits
    const trace::TraceStatus frozen = trace::TraceFreeze();
    EXPECT_EQ(frozen.end, 1u);
    TaskType self = INVALID_TASK;
    GetTaskID(&self);
    GetTaskID(&self);
    GetTaskID(&self);
    trace::TraceStatus s = trace::TraceGetStatus();
    EXPECT_EQ(s.end, 1u);
    EXPECT_EQ(s.dropped, 3u);
    EXPECT_TRUE(s.frozen);
    TraceRecord r[2];
    uint32_t copied = 0;
    s = trace::TraceCopy(0, r, 2, &copied);
    ASSERT_EQ(copied, 1u);
    EXPECT_EQ(r[0].detail, OSServiceId_ActivateTask);
    s = trace::TraceResume();
    EXPECT_EQ(s.end, 0u);
    EXPECT_EQ(s.dropped, 0u);
    EXPECT_FALSE(s.frozen);
    GetTaskID(&self);
    EXPECT_EQ(trace::TraceGetStatus().end, 1u);
    trace::TraceFreeze();  // nothing more: Low's switch would otherwise be recorded
    ShutdownOS(E_OK);
  });
}

}  // namespace
