// Rules for the names of OIL objects, which oilc turns into C macros and identifiers.
#ifndef TOOLS_OILC_NAMES_H_
#define TOOLS_OILC_NAMES_H_

#include <string>

namespace oilc {

// A C/C++ keyword, or a name that os.h or the generated code relies on.
bool IsReservedName(const std::string& s);
// A C identifier: [A-Za-z_][A-Za-z0-9_]*.
bool IsIdentifier(const std::string& s);

}  // namespace oilc

#endif  // TOOLS_OILC_NAMES_H_
