// The runner of a target scenario image: every registered TEST in definition order, one line
// each ("scenario <config>.<Fixture>.<Name>: PASS" or ": FAIL <first failure>", the trace after
// a failure), the skipped ones by name with their reason, then the summary line
// "scenarios: N passed, M failed, K skipped". main() then returns and the port shuts the
// domain down. TANDEM_SCENARIO_CONFIG names the image's OIL configuration (e.g. bcc1_full).
#include "harness.h"
#include "runtime.h"
#include "tandem/arm64/platform.h"

namespace {

using tandem::arm64::ConsolePrintf;
using namespace tandem::test::target;  // NOLINT

// "Fixture.Name" == fixture + '.' + name
bool Matches(const char* full, const TestInfo& t) {
  const char* f = t.fixture;
  while (*f != '\0' && *f == *full) {
    ++f;
    ++full;
  }
  return *f == '\0' && *full == '.' && SameText(full + 1, t.name);
}

const Skip* SkipOf(const TestInfo& t) {
  int count = 0;
  const Skip* skips = Skips(&count);
  for (int i = 0; i < count; ++i) {
    if (skips[i].test != nullptr && Matches(skips[i].test, t)) return &skips[i];
  }
  return nullptr;
}

}  // namespace

int main() {
  const char* config = TANDEM_SCENARIO_CONFIG;
  int total = 0;
  for (TestInfo* t = FirstTest(); t != nullptr; t = t->next) ++total;
  ConsolePrintf("scenarios: image %s, %d tests\n", config, total);
  BeginScenarios();
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  for (TestInfo* t = FirstTest(); t != nullptr; t = t->next) {
    if (SkipOf(*t) != nullptr) {
      ++skipped;
      continue;
    }
    BeginTest();
    t->run();
    if (TestFailed()) {
      ++failed;
      ConsolePrintf("scenario %s.%s.%s: FAIL %s\n", config, t->fixture, t->name, FirstFailure());
      if (FailureCount() > 1) ConsolePrintf("    (%d failures in all)\n", FailureCount());
      ConsolePrintf("    trace:\n");
      tandem::test::PrintTrace();
    } else {
      ++passed;
      ConsolePrintf("scenario %s.%s.%s: PASS\n", config, t->fixture, t->name);
    }
  }
  EndScenarios();
  if (skipped != 0) {
    ConsolePrintf("scenarios: %d skipped on the target:\n", skipped);
    for (TestInfo* t = FirstTest(); t != nullptr; t = t->next) {
      const Skip* s = SkipOf(*t);
      // Two short lines: Xen's console splits guest lines longer than about 128 characters.
      if (s != nullptr) {
        ConsolePrintf("scenario %s.%s.%s: SKIP\n", config, t->fixture, t->name);
        ConsolePrintf("    because %s\n", s->reason);
      }
    }
  }
  ConsolePrintf("scenarios: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return 0;
}
