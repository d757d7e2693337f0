// Where OIL text comes from: the disk, or (in tests) an in-memory file table.
#ifndef TOOLS_OILC_SOURCE_H_
#define TOOLS_OILC_SOURCE_H_

#include <functional>
#include <optional>
#include <string>

namespace oilc {

// Returns the file's contents, or nullopt if it cannot be read.
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

FileReader DiskReader();

// Tandem's implementation part (tools/oilc/oil/tandem.oil), compiled into oilc. It is the base
// every application is checked against, and what `#include <tandem.oil>` finds when no -I
// directory has a file of that name.
extern const char* const kBuiltinTandemOil;
inline constexpr const char* kBuiltinTandemOilName = "tandem.oil";
inline constexpr const char* kBuiltinTandemOilPath = "<oilc>/tandem.oil";

}  // namespace oilc

#endif  // TOOLS_OILC_SOURCE_H_
