// The kernel's locked-context preconditions (kernel/src/kernel.h): a function whose name ends in
// `Locked`, and the port's entries HandleIsr/HandleSystemTick, run with interrupts globally
// disabled, the kernel's lock. Debug builds assert it (TANDEM_ASSERT_LOCKED): called with the gate
// open, the kernel stops with the failed condition; on the legal path nothing fires. White box:
// the kernel's internal header.
#include "kernel.h"
#include "unit_test.h"

namespace {

namespace arch = tandem::arch;
namespace kernel = tandem::kernel;

#ifdef NDEBUG
constexpr bool kDebugAsserts = false;
#else
constexpr bool kDebugAsserts = true;
#endif

constexpr const char* kLockFailure = "assertion failed: .*call with interrupts disabled";

// Opens the interrupt gate (outside any StartOS; the host port starts with it closed), then
// makes the call a caller without the lock would make.
template <typename Call>
void Unlocked(Call call) {
  arch::EnableAll();
  call();
}

TEST(LockedDeathTest, DispatchWithInterruptsEnabledAsserts) {
  if (!kDebugAsserts) GTEST_SKIP() << "TANDEM_DEBUG_ASSERT is compiled out of release builds";
  EXPECT_DEATH(Unlocked([] { kernel::DispatchLocked(); }), kLockFailure);
}

TEST(LockedDeathTest, ReadyQueueWithInterruptsEnabledAsserts) {
  if (!kDebugAsserts) GTEST_SKIP() << "TANDEM_DEBUG_ASSERT is compiled out of release builds";
  EXPECT_DEATH(Unlocked([] { kernel::PushBackLocked(1, Low); }), kLockFailure);
  EXPECT_DEATH(Unlocked([] { kernel::MakeReadyLocked(Low); }), kLockFailure);
  EXPECT_DEATH(Unlocked([] { (void)kernel::PopHighestLocked(); }), kLockFailure);
}

TEST(LockedDeathTest, LeaveRunningWithInterruptsEnabledAsserts) {
  if (!kDebugAsserts) GTEST_SKIP() << "TANDEM_DEBUG_ASSERT is compiled out of release builds";
  EXPECT_DEATH(Unlocked([] { kernel::LeaveRunningLocked(); }), kLockFailure);
}

TEST(LockedDeathTest, PortEntryWithInterruptsEnabledAsserts) {
  if (!kDebugAsserts) GTEST_SKIP() << "TANDEM_DEBUG_ASSERT is compiled out of release builds";
  EXPECT_DEATH(Unlocked([] { kernel::HandleIsr(I2a); }), kLockFailure);
  EXPECT_DEATH(Unlocked([] { kernel::HandleSystemTick(); }), kLockFailure);
}

// The legal path: the same helpers inside the kernel's critical section, from a task. Low is
// made ready under the lock and runs once Main ends; High, activated and dispatched under the
// lock, preempts Main at once. Nothing asserts.
TEST_F(Kernel, LockedHelpersInsideTheCriticalSectionDoNotAssert) {
  OnTask(High, [] {
    Log("High");
    TerminateTask();
  });
  OnTask(Low, [] {
    Log("Low");
    ShutdownOS(E_OK);
  });
  RunMain([] {
    {
      kernel::CriticalSection lock;
      EXPECT_TRUE(arch::AllDisabled());
      EXPECT_EQ(E_OK, kernel::ActivateTaskLocked(Low));
      EXPECT_EQ(E_OK, kernel::ActivateTaskLocked(High));
      Log("Main dispatches");
      kernel::DispatchLocked();
      Log("Main again");
    }
    EXPECT_FALSE(arch::AllDisabled());
    TerminateTask();
  });
  ExpectTrace({"StartupHook", "Main dispatches", "High", "Main again", "Low", "ShutdownHook E_OK"});
  EXPECT_TRUE(Errors().empty());
}

}  // namespace
