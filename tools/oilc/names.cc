#include "names.h"

#include <cctype>
#include <set>

namespace oilc {

// Object names become C macros (os_cfg.h) and parts of identifiers: they must not be C/C++
// keywords or names that os.h and the generated code rely on.
bool IsReservedName(const std::string& s) {
  // clang-format off
  static const std::set<std::string> kReserved = {
      "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char",
      "class", "const", "constexpr", "continue", "default", "delete", "do", "double", "else",
      "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if",
      "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "nullptr",
      "operator", "or", "private", "protected", "public", "register", "return", "short",
      "signed", "sizeof", "static", "struct", "switch", "template", "this", "throw", "true",
      "try", "typedef", "typename", "union", "unsigned", "using", "virtual", "void",
      "volatile", "while", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "size_t", "tandem",
      "TASK", "ISR", "ALARMCALLBACK", "StatusType", "TaskType", "TaskRefType",
      "TaskStateType", "ResourceType", "EventMaskType", "TickType", "AlarmType",
      "CounterType", "AppModeType", "ISRType", "AlarmBaseType", "E_OK", "RUNNING", "WAITING",
      "READY", "SUSPENDED", "INVALID_TASK", "INVALID_ISR", "OSTICKDURATION",
      "OSMAXALLOWEDVALUE", "OSTICKSPERBASE", "OSMINCYCLE"};
  // clang-format on
  return kReserved.count(s) != 0 || s.rfind("oilc_", 0) == 0 || s.rfind("E_OS_", 0) == 0 ||
         s.rfind("OSServiceId_", 0) == 0;
}

bool IsIdentifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

}  // namespace oilc
