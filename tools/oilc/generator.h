// Emits os_cfg.h (object identifiers, counter constants, entry-point prototypes) and os_cfg.cc
// (the tandem::Config tables of kernel/include/tandem/config.h and the storage they point at).
#ifndef TOOLS_OILC_GENERATOR_H_
#define TOOLS_OILC_GENERATOR_H_

#include <string>

#include "model.h"

namespace oilc {

struct Generated {
  std::string header;  // os_cfg.h
  std::string source;  // os_cfg.cc
};

// `source_name` only appears in the "generated from" comment.
Generated Generate(const Model& model, const std::string& source_name);

}  // namespace oilc

#endif  // TOOLS_OILC_GENERATOR_H_
