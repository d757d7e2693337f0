// The scheduling trace's clock (arch.h). A file of its own: only the traced kernel refers to it,
// so an untraced image does not pull this object out of the port's archive at all.
#include "tandem/arch.h"
#include "tandem/arm64/platform.h"

namespace tandem::arch {

// The virtual counter the system timer runs on, so trace times line up with tick deadlines.
uint64_t TraceClock() { return arm64::CounterNow(); }
uint64_t TraceClockHz() { return arm64::CounterFrequency(); }

}  // namespace tandem::arch
