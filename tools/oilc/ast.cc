#include "ast.h"

namespace oilc {

std::string Number::ToString() const {
  // Appending instead of `"-" + std::to_string(...)`: GCC 12 at -O3 reports a false
  // -Wrestrict on the operator+ form.
  std::string text = std::to_string(magnitude);
  if (negative && magnitude != 0) text.insert(text.begin(), '-');
  return text;
}

bool operator<(const Number& a, const Number& b) {
  const bool an = a.negative && a.magnitude != 0;
  const bool bn = b.negative && b.magnitude != 0;
  if (an != bn) return an;
  return an ? a.magnitude > b.magnitude : a.magnitude < b.magnitude;
}

bool operator==(const Number& a, const Number& b) { return !(a < b) && !(b < a); }

bool IsSupportedObjectType(const std::string& type) {
  return type == "OS" || type == "APPMODE" || type == "TASK" || type == "ISR" ||
         type == "RESOURCE" || type == "EVENT" || type == "COUNTER" || type == "ALARM";
}

bool IsOilObjectType(const std::string& type) {
  return IsSupportedObjectType(type) || type == "MESSAGE" || type == "COM" || type == "NM" ||
         type == "IPDU";
}

const char* SupportedObjectTypeList() {
  return "OS, APPMODE, TASK, ISR, RESOURCE, EVENT, COUNTER or ALARM";
}

}  // namespace oilc
