// Which entry point of good/rich_app.cc ran, and how often.
#ifndef TESTS_UNIT_OILC_GOOD_RICH_APP_H_
#define TESTS_UNIT_OILC_GOOD_RICH_APP_H_

namespace rich {

enum Entry {
  kBackground,
  kServer,
  kLogger,
  kControl,
  kChannel,
  kGpio0,
  kTimer0,
  kHeartbeat,
  kStartupHook,
  kShutdownHook,
  kErrorHook,
  kPreTaskHook,
  kPostTaskHook,
  kEntryCount
};
extern int g_ran[kEntryCount];

}  // namespace rich

#endif  // TESTS_UNIT_OILC_GOOD_RICH_APP_H_
