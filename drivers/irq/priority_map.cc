#include "irq/priority_map.h"

namespace tandem::drivers {

Result<PriorityMap, PriorityMapError> PriorityMap::Make(uint64_t source_levels,
                                                        unsigned priority_bits) {
  if (priority_bits < 4 || priority_bits > 8) return MakeError(PriorityMapError::kBadPriorityBits);
  if ((source_levels & 1u) != 0) return MakeError(PriorityMapError::kBadLevel);
  if (CountLevels(source_levels) > MaxSourceLevels(priority_bits)) {
    return MakeError(PriorityMapError::kTooManyLevels);
  }
  PriorityMap map;
  map.source_levels_ = source_levels;
  const unsigned step = 256u >> priority_bits;
  const unsigned top = (1u << priority_bits) - 1;
  unsigned rank = 0;
  for (unsigned level = 0; level < kLevels; ++level) {
    if ((source_levels >> level) & 1u) ++rank;
    map.mask_[level] = static_cast<uint8_t>((top - rank) * step);
  }
  return map;
}

const char* PriorityMapErrorName(PriorityMapError error) {
  switch (error) {
    case PriorityMapError::kBadPriorityBits:
      return "GIC reports an unusable number of priority bits";
    case PriorityMapError::kBadLevel:
      return "interrupt source at level 0 (idle) or above 63";
    case PriorityMapError::kTooManyLevels:
      return "more distinct interrupt levels than the GIC implements priorities";
  }
  return "unknown priority map error";
}

}  // namespace tandem::drivers
