// Shared helpers of the per-service unit suites (kernel.oil.in). Every suite is compiled twice:
// against the EXTENDED and the STANDARD status configuration (TANDEM_TEST_EXTENDED 1 or 0).
// Errors that only extended status reports are tested inside #if TANDEM_TEST_EXTENDED; calling
// a service with such an error in standard status is undefined behaviour (OSEK OS 2.2.3 13.1), so
// the standard build does not try.
#ifndef TANDEM_TESTS_UNIT_KERNEL_UNIT_TEST_H_
#define TANDEM_TESTS_UNIT_KERNEL_UNIT_TEST_H_

#include "harness.h"
#include "os.h"
#include "tandem/host/host_port.h"

namespace tandem::test {

inline constexpr bool kExtended = TANDEM_TEST_EXTENDED;

// EXPECT_STATUS(expected, call): harness.h.

// Runs the system with `body` as the autostarted task Main (OSDEFAULTAPPMODE).
inline void RunMain(Body body) {
  OnTask(Main, std::move(body));
  RunSystem();
}

// The last error the ErrorHook saw.
inline ErrorRecord LastError() {
  return Errors().empty() ? ErrorRecord{E_OK, 0, {0, 0, 0}} : Errors().back();
}

// A value out of every object range of kernel.oil.in.
inline constexpr uint16_t kBadId = 99;

}  // namespace tandem::test

using Kernel = tandem::test::KernelTest;
using namespace tandem::test;  // NOLINT: test files read as scenarios
namespace host = tandem::host;

#endif  // TANDEM_TESTS_UNIT_KERNEL_UNIT_TEST_H_
