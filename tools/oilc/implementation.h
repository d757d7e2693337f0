// The implementation part as a whole (OIL 2.5, section 2.3): the attribute definitions every
// application object is checked against, merged from the built-in tandem.oil and any
// IMPLEMENTATION sections of the application (a later definition of an attribute replaces an
// earlier one of the same object type and name).
#ifndef TOOLS_OILC_IMPLEMENTATION_H_
#define TOOLS_OILC_IMPLEMENTATION_H_

#include <map>
#include <string>
#include <vector>

#include "ast.h"
#include "diagnostics.h"

namespace oilc {

class ImplementationModel {
 public:
  void Add(const Implementation& impl);

  // Definitions of an object type, nullptr if the implementation part does not define it.
  const std::vector<AttrDef>* Find(const std::string& object_type) const;

  // Checks `params` of `owner` (e.g. "TASK T1") against `defs`: value types, declared ranges,
  // enumerations, multiplicity. Unknown attributes are warned about and dropped; wrong values are
  // errors and dropped; attributes left out get the implementation's default (`defaulted`).
  // Parameters of ENUM/BOOLEAN values are checked recursively.
  std::vector<Param> Check(const std::string& owner, const std::vector<AttrDef>& defs,
                           const std::vector<Param>& params, Diagnostics& diags) const;

 private:
  bool CheckValue(const std::string& owner, const AttrDef& def, Param& param,
                  Diagnostics& diags) const;

  std::map<std::string, std::vector<AttrDef>> objects_;
};

// Parameter lookup helpers over checked parameter lists.
const Param* FindParam(const std::vector<Param>& params, const std::string& name);
std::vector<const Param*> FindParams(const std::vector<Param>& params, const std::string& name);

}  // namespace oilc

#endif  // TOOLS_OILC_IMPLEMENTATION_H_
