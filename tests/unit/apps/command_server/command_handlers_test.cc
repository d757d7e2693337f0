// The command server's handlers (apps/command_server) behind the real Server, XenFrontend and
// event path, with Linux's Client on the other side: GPIO over the PL061 driver against fake
// registers, the export mask, and task statistics.
#include <cstring>
#include <string>
#include <vector>

#include "fake_io.h"
#include "frontend_fixture.h"
#include "gpio/pl061/pl061.h"
#include "tandem/apps/command_server/gpio_commands.h"
#include "tandem/apps/command_server/task_stats.h"
#include "tandem/channel/describe.h"
#include "tandem/channel/incident.h"

namespace tandem::channel::testing {
namespace {

using apps::GpioCommands;
using apps::GpioExports;
using apps::TaskStats;
using apps::TaskStatsCommand;
using apps::TaskStatsEntry;
using drivers::Pl061;
using drivers::pl061::DataOffset;
using tandem::test::FakeIo;
using tandem::test::FakeRegs;

constexpr GpioExports kExports{0b0000'0110};  // pins 1 and 2 only

// QEMU's PL061 data register (hw/gpio/pl061.c): address bits [9:2] mask the access, writes
// change only output pins, reads return the pins' levels.
void ModelPl061(FakeRegs& regs, uint8_t* levels) {
  regs.on_write = [&regs, levels](uint32_t offset, uint64_t value) {
    if (offset >= 0x400) return false;
    const uint8_t mask = static_cast<uint8_t>((offset >> 2) & regs.regs[drivers::pl061::kDir]);
    *levels = static_cast<uint8_t>((*levels & ~mask) | (value & mask));
    return true;
  };
  regs.on_read = [levels](uint32_t offset, uint64_t* value) {
    if (offset >= 0x400) return false;
    *value = *levels & ((offset >> 2) & 0xFF);
    return true;
  };
}

class CommandHandlersTest : public FrontendFixture {
 protected:
  void SetUp() override {
    FrontendFixture::SetUp();
    ModelPl061(regs_, &levels_);
    ASSERT_EQ(gpio_commands_.Install(frontend_.server()), ServerStatus::kOk);
    ASSERT_EQ(stats_command_.Install(frontend_.server()), ServerStatus::kOk);
    ASSERT_EQ(frontend_.Start(kBootId), FrontendStatus::kOk);
    ConnectLinux();
  }

  std::vector<Incident> Incidents() {
    std::vector<Incident> out;
    Incident i;
    while (frontend_.server().incidents().Pop(&i)) out.push_back(i);
    return out;
  }
  static std::string Text(const Incident& incident) {
    char line[160];
    FormatIncident(incident, line, sizeof(line));
    return line;
  }

  FakeRegs regs_;
  uint8_t levels_ = 0;
  Pl061<FakeIo> gpio_{FakeIo(&regs_)};
  GpioCommands<Pl061<FakeIo>> gpio_commands_{gpio_, kExports};
  TaskStatsEntry entries_[2] = {{"Control"}, {"a-task-name-longer-than-thirty-two-bytes"}};
  TaskStats stats_{entries_, 2};
  TaskStatsCommand stats_command_{stats_};
};

TEST_F(CommandHandlersTest, ConfigureSetGetToggleAnExportedPin) {
  Response r = CallRtos(MakeRequest(Op::kGpioConfigure, 1, /*output*/ 1, /*level*/ 1));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(regs_.regs[drivers::pl061::kDir] & 0x2, 0x2u);
  EXPECT_EQ(levels_, 0x2);
  EXPECT_EQ(r.result[0], 1u);

  r = CallRtos(MakeRequest(Op::kGpioSet, 1, 0));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(levels_, 0x0);
  // The write went to pin 1's own masked address (race-free, TRM 3.3.1).
  EXPECT_EQ(regs_.Writes().back(), (tandem::test::Access{true, DataOffset(0x2), 0, 32}));

  r = CallRtos(MakeRequest(Op::kGpioToggle, 1));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(r.result[0], 1u);
  EXPECT_EQ(levels_, 0x2);

  r = CallRtos(MakeRequest(Op::kGpioGet, 1));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(r.result[0], 1u);
}

TEST_F(CommandHandlersTest, PinsNotExportedAreRefusedWithoutTouchingTheDevice) {
  const size_t accesses = regs_.log.size();
  for (uint32_t pin : {0u, 3u, 7u, 8u, 31u, 1023u}) {
    for (Op op : {Op::kGpioSet, Op::kGpioGet, Op::kGpioToggle, Op::kGpioConfigure}) {
      const Response r = CallRtos(MakeRequest(op, pin));
      EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kPermissionDenied))
          << "pin " << pin << " op " << static_cast<int>(op);
    }
  }
  EXPECT_EQ(regs_.log.size(), accesses);
  EXPECT_EQ(gpio_commands_.refused(), 6u * 4u);
  // Beyond kGpioMaxPin the channel's own validation answers first.
  EXPECT_EQ(CallRtos(MakeRequest(Op::kGpioGet, 1024)).status,
            static_cast<uint32_t>(WireStatus::kBadArgument));
}

TEST_F(CommandHandlersTest, SetOnAnInputPinIsReportedAsNotDone) {
  // Pin 2 is exported but still an input: the PL061 ignores the write.
  const Response r = CallRtos(MakeRequest(Op::kGpioSet, 2, 1));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kHardwareError));
  EXPECT_EQ(r.result[0], 0u);
  EXPECT_EQ(r.result[1], static_cast<uint32_t>(GpioFault::kPinIsInput));
  // The console hears about it, naming the pin and the cause.
  const std::vector<Incident> got = Incidents();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, IncidentKind::kHardwareError);
  EXPECT_EQ(got[0].value[0], 2u);
  EXPECT_NE(Text(got[0]).find(
                "gpio set on pin 2: hardware error: pin 2 is configured as input (it reads 0)"),
            std::string::npos)
      << Text(got[0]);
}

TEST_F(CommandHandlersTest, ToggleOnAnInputPinIsReportedAsNotDone) {
  const Response r = CallRtos(MakeRequest(Op::kGpioToggle, 2));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kHardwareError));
  EXPECT_EQ(r.result[0], 0u);
  EXPECT_EQ(r.result[1], static_cast<uint32_t>(GpioFault::kPinIsInput));
  const std::vector<Incident> got = Incidents();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(Text(got[0]).find("gpio toggle on pin 2: hardware error: pin 2 is configured as input"),
            std::string::npos)
      << Text(got[0]);
}

TEST_F(CommandHandlersTest, AnOutputThatDoesNotTakeTheLevelIsToldApartFromAnInput) {
  ASSERT_EQ(CallRtos(MakeRequest(Op::kGpioConfigure, 1, /*output*/ 1, 0)).status, 0u);
  // Something outside holds pin 1 low: the data register ignores the write.
  regs_.on_write = [](uint32_t offset, uint64_t) { return offset < 0x400; };
  const Response r = CallRtos(MakeRequest(Op::kGpioSet, 1, 1));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kHardwareError));
  EXPECT_EQ(r.result[1], static_cast<uint32_t>(GpioFault::kLevelNotTaken));
  const std::vector<Incident> got = Incidents();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(Text(got[0]).find("pin 1 is an output but reads 0, not the level written"),
            std::string::npos)
      << Text(got[0]);
}

TEST_F(CommandHandlersTest, AnExportedPinTheDriverDoesNotHaveIsNamed) {
  // A configuration mistake: pin 9 exported on an 8-pin PL061.
  GpioCommands<Pl061<FakeIo>> commands{gpio_, GpioExports{1u << 9}};
  for (Op op : {Op::kGpioSet, Op::kGpioGet, Op::kGpioToggle, Op::kGpioConfigure}) {
    Request request = MakeRequest(op, 9);
    Response r{};
    EXPECT_EQ(commands.Handle(request, r), WireStatus::kHardwareError);
    EXPECT_EQ(r.result[1], static_cast<uint32_t>(GpioFault::kNoSuchPin)) << static_cast<int>(op);
  }
  char text[96];
  DescribeGpioFault(text, sizeof(text), 9, static_cast<uint32_t>(GpioFault::kNoSuchPin), 0);
  EXPECT_STREQ(text, "the GPIO driver has no pin 9");
}

TEST_F(CommandHandlersTest, SuccessfulGpioCommandsRecordNoIncident) {
  CallRtos(MakeRequest(Op::kGpioConfigure, 1, 1, 1));
  CallRtos(MakeRequest(Op::kGpioSet, 1, 0));
  CallRtos(MakeRequest(Op::kGpioToggle, 1));
  CallRtos(MakeRequest(Op::kGpioGet, 2));
  CallRtos(MakeRequest(Op::kGpioSet, 3, 1));  // not exported: tandemctl's message says it all
  EXPECT_TRUE(Incidents().empty());
}

TEST_F(CommandHandlersTest, ExportedOutputsAreDrivenLowAtStart) {
  levels_ = 0xFF;
  regs_.regs[drivers::pl061::kDir] = 0;
  GpioCommands<Pl061<FakeIo>> commands{gpio_, GpioExports{0b0000'0110, 0b0000'0111}};
  ASSERT_TRUE(commands.ConfigureOutputs());
  // Pin 0 is in `outputs` but not exported: left alone.
  EXPECT_EQ(regs_.regs[drivers::pl061::kDir], 0b0000'0110u);
  EXPECT_EQ(levels_ & 0b0000'0110, 0);
  EXPECT_EQ(CallRtos(MakeRequest(Op::kGpioSet, 2, 1)).status,
            static_cast<uint32_t>(WireStatus::kOk));
}

TEST_F(CommandHandlersTest, ConfigureInputWithALevelIsABadArgument) {
  EXPECT_EQ(CallRtos(MakeRequest(Op::kGpioConfigure, 2, /*input*/ 0, 1)).status,
            static_cast<uint32_t>(WireStatus::kBadArgument));
  const Response r = CallRtos(MakeRequest(Op::kGpioConfigure, 2, 0, 0));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(regs_.regs[drivers::pl061::kDir] & 0x4, 0u);
}

TEST_F(CommandHandlersTest, TaskStatisticsFromTheApplicationsTable) {
  for (int i = 0; i < 5; ++i) stats_.RecordActivation(0);
  stats_.RecordMiss(0);
  stats_.RecordResponse(0, 120);
  stats_.RecordResponse(0, 80);  // not worse: kept 120
  stats_.RecordResponse(1, uint64_t{1} << 40);
  stats_.RecordActivation(7);  // out of range: ignored

  Response r = CallRtos(MakeRequest(Op::kTaskStats, 0));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(r.result[0], 5u);
  EXPECT_EQ(r.result[1], 1u);
  EXPECT_EQ(r.result[2], 120u);
  EXPECT_EQ(r.result[3], 2u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.payload), r.payload_len), "Control");

  r = CallRtos(MakeRequest(Op::kTaskStats, 1));
  EXPECT_EQ(r.result[2], 0xFFFFFFFFu);  // saturated
  EXPECT_EQ(r.payload_len, kMaxPayload);

  r = CallRtos(MakeRequest(Op::kTaskStats, 2));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kBadArgument));
  EXPECT_EQ(r.result[3], 2u);  // tells Linux how many there are
}

TEST_F(CommandHandlersTest, TaskStatisticsResetClearsOnlyTheTaskRead) {
  for (int i = 0; i < 3; ++i) stats_.RecordActivation(0);
  stats_.RecordMiss(0);
  stats_.RecordResponse(0, 250);
  stats_.RecordActivation(1);

  EXPECT_EQ(stats_.resets(0), 0u);
  // The reply carries the values cleared...
  Response r = CallRtos(MakeRequest(Op::kTaskStats, 0, kTaskStatsReset));
  EXPECT_EQ(stats_.resets(0), 1u) << "the task's own figures (a histogram) follow the count";
  EXPECT_EQ(stats_.resets(1), 0u);
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kOk));
  EXPECT_EQ(r.result[0], 3u);
  EXPECT_EQ(r.result[1], 1u);
  EXPECT_EQ(r.result[2], 250u);
  // ...the next read counts from zero, and what happens afterwards counts again.
  r = CallRtos(MakeRequest(Op::kTaskStats, 0));
  EXPECT_EQ(r.result[0], 0u);
  EXPECT_EQ(r.result[1], 0u);
  EXPECT_EQ(r.result[2], 0u);
  stats_.RecordActivation(0);
  stats_.RecordResponse(0, 40);
  r = CallRtos(MakeRequest(Op::kTaskStats, 0));
  EXPECT_EQ(r.result[0], 1u);
  EXPECT_EQ(r.result[2], 40u);
  // Task 1 was not read with the flag: untouched.
  r = CallRtos(MakeRequest(Op::kTaskStats, 1));
  EXPECT_EQ(r.result[0], 1u);
}

TEST_F(CommandHandlersTest, TaskStatisticsUnknownFlagsAreRefusedAndResetNothing) {
  stats_.RecordActivation(0);
  Response r = CallRtos(MakeRequest(Op::kTaskStats, 0, kTaskStatsReset | 4u));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kBadArgument));
  r = CallRtos(MakeRequest(Op::kTaskStats, 0));
  EXPECT_EQ(r.result[0], 1u);
}

TEST_F(CommandHandlersTest, TaskStatisticsExecutionTimeLeadsThePayloadWhenAskedFor) {
  stats_.RecordExecution(0, 7);
  stats_.RecordExecution(0, 0x01020304);
  stats_.RecordExecution(0, 5);  // not worse: kept
  stats_.RecordExecution(1, uint64_t{1} << 40);
  // Without the flag: the name alone, as before 1.5.
  Response r = CallRtos(MakeRequest(Op::kTaskStats, 0));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.payload), r.payload_len), "Control");
  r = CallRtos(MakeRequest(Op::kTaskStats, 0, kTaskStatsExecution));
  EXPECT_EQ(r.status, static_cast<uint32_t>(WireStatus::kOk));
  ASSERT_EQ(r.payload_len, kTaskStatsExecutionBytes + 7);
  EXPECT_EQ(r.payload[0], 0x04);  // little-endian
  EXPECT_EQ(r.payload[3], 0x01);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.payload) + 4, 7), "Control");
  r = CallRtos(MakeRequest(Op::kTaskStats, 1, kTaskStatsExecution | kTaskStatsReset));
  EXPECT_EQ(r.payload_len, kMaxPayload);  // the long name is cut, the time is whole
  EXPECT_EQ(r.payload[0] & r.payload[1] & r.payload[2] & r.payload[3], 0xFF);  // saturated
  r = CallRtos(MakeRequest(Op::kTaskStats, 1, kTaskStatsExecution));
  EXPECT_EQ(r.payload[0] | r.payload[1] | r.payload[2] | r.payload[3], 0) << "reset";
}

// The hooks' arithmetic: preemption by other tasks is left out, the tail after End is dropped
// by the next Begin, and out-of-range tasks are ignored.
TEST(ExecutionTimer, CountsOnlyTheTimeTheTaskRan) {
  apps::ExecutionTimer::Slot slots[2];
  apps::ExecutionTimer timer(slots, 2);
  timer.Resume(0, 100);   // PreTaskHook
  timer.Begin(0, 105);    // first statement
  timer.Suspend(0, 120);  // preempted (PostTaskHook)...
  timer.Resume(1, 120);
  timer.Begin(1, 121);
  EXPECT_EQ(timer.End(1, 150), 29u);
  timer.Suspend(1, 152);
  timer.Resume(0, 152);  // ...resumed 32 later
  EXPECT_EQ(timer.End(0, 160), 15u + 8u);
  timer.Suspend(0, 170);  // TerminateTask's tail
  timer.Resume(0, 1000);
  timer.Begin(0, 1001);
  EXPECT_EQ(timer.End(0, 1004), 3u);
  timer.Begin(2, 0);
  timer.Resume(2, 0);
  timer.Suspend(2, 10);
  EXPECT_EQ(timer.End(2, 20), 0u);
}

TEST_F(CommandHandlersTest, WithoutHandlersGpioIsNotSupported) {
  // A fresh frontend (other pages) whose application installed nothing.
  auto req = AllocPage<RequestPage>();
  auto rsp = AllocPage<ResponsePage>();
  XenFrontend bare{world_.grants, world_.events,
                   FrontendPages{req.get(), rsp.get(), 0x50000, 0x50001}, world_.AsSignal()};
  Request r = MakeRequest(Op::kGpioGet, 1);
  Response out{};
  // Dispatch directly through a Server: the channel answers kNotSupported for a missing handler.
  Dom0Notifier notifier{world_};
  Client c{req.get(), rsp.get(), notifier};
  ASSERT_EQ(bare.server().Init(kBootId), ServerStatus::kOk);
  ASSERT_TRUE(c.Connect().ok());
  bare.server().Poll();
  c.Poll();
  ASSERT_TRUE(c.connected());
  auto id = c.Submit(r);
  ASSERT_TRUE(id.ok());
  c.Flush();
  bare.server().Poll();
  c.Poll();
  auto got = c.Take(id.value());
  ASSERT_TRUE(got.ok());
  out = got.value();
  EXPECT_EQ(out.status, static_cast<uint32_t>(WireStatus::kNotSupported));
}

}  // namespace
}  // namespace tandem::channel::testing
