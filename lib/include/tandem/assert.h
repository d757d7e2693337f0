// TANDEM_DEBUG_ASSERT(condition): a precondition or invariant checked in debug builds (NDEBUG
// not defined: the host-debug and sanitizer presets) and compiled out of release images, so the
// RTOS pays nothing for it on the target. A failed check reports the file, line and condition
// and never returns: hosted code (host port, Linux tools, tests) prints to stderr and aborts
// (what a gtest death test expects); freestanding code calls the port's AssertionFailed
// (arch/arm64: the console, then the domain ends as crashed).
#ifndef TANDEM_ASSERT_H_
#define TANDEM_ASSERT_H_

#if __STDC_HOSTED__
#include <cstdio>
#include <cstdlib>
#endif

namespace tandem {

#if __STDC_HOSTED__
[[noreturn]] inline void AssertionFailed(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, condition);
  std::abort();
}
#else
// Defined by the freestanding port; must not return.
[[noreturn]] void AssertionFailed(const char* file, int line, const char* condition);
#endif

}  // namespace tandem

#ifdef NDEBUG
// Not evaluated, but still compiled: a condition that stops compiling is seen in release too.
#define TANDEM_DEBUG_ASSERT(condition) ((void)sizeof(!(condition)))
#else
#define TANDEM_DEBUG_ASSERT(condition) \
  ((condition) ? (void)0 : ::tandem::AssertionFailed(__FILE__, __LINE__, #condition))
#endif

#endif  // TANDEM_ASSERT_H_
