// tandemctl's output: a minimal JSON object writer (--json) and the error report. Kept apart from
// the command logic so both output modes are built from the same values.
#ifndef TANDEMCTL_OUTPUT_H_
#define TANDEMCTL_OUTPUT_H_

#include <stdint.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "libtandem/error.h"

namespace tandemctl {

std::string JsonString(const std::string& s);

// Keys in insertion order; values already rendered as JSON.
class JsonObject {
 public:
  JsonObject& Add(const std::string& key, const std::string& value);
  JsonObject& Add(const std::string& key, const char* value) {
    return Add(key, std::string(value));
  }
  JsonObject& Add(const std::string& key, uint64_t value);
  JsonObject& Add(const std::string& key, bool value);
  JsonObject& AddRaw(const std::string& key, std::string json);
  std::string Render() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

std::string JsonArray(const std::vector<std::string>& rendered);

// Prints an error in the chosen mode: JSON on stdout, or "tandemctl: error: ..." on stderr.
// Returns the exit status (the error code's value).
int ReportError(const libtandem::Error& e, bool json, std::ostream& out, std::ostream& err);

}  // namespace tandemctl

#endif  // TANDEMCTL_OUTPUT_H_
