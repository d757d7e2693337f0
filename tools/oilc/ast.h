// The syntax tree of an OIL file (OIL 2.5, section 3.2 grammar): the implementation part
// (attribute definitions per object type) and the application part (CPU and its objects).
#ifndef TOOLS_OILC_AST_H_
#define TOOLS_OILC_AST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diagnostics.h"

namespace oilc {

// An integer as written: magnitude and sign (OIL numbers may be UINT64 or negative INT64).
struct Number {
  uint64_t magnitude = 0;
  bool negative = false;
  bool IsZero() const { return magnitude == 0; }
  std::string ToString() const;
};
bool operator<(const Number& a, const Number& b);
bool operator==(const Number& a, const Number& b);

struct Param;

// attribute_value: name | name { params } | boolean [{ params }] | number | float | string |
// AUTO. TRUE/FALSE are parsed as names; the implementation part decides what they mean.
struct Value {
  enum class Kind { kName, kNumber, kFloat, kString, kAuto };
  Kind kind = Kind::kName;
  std::string text;  // name or string contents; spelling for numbers
  Number number;
  double float_value = 0;
  bool has_params = false;
  std::vector<Param> params;
  Location location;
};

struct Param {
  std::string name;
  Location location;
  Value value;
  bool defaulted = false;  // supplied by the implementation part's default value
  bool invalid = false;    // present but rejected (already reported)
};

// ---- Implementation part ----

enum class AttrType { kUint32, kInt32, kUint64, kInt64, kFloat, kEnum, kBoolean, kString, kRef };

struct AttrDef;

// An ENUM enumerator or a BOOLEAN value with the parameters it may carry.
struct Enumerator {
  std::string name;
  Location location;
  std::vector<AttrDef> params;
};

struct AttrDef {
  AttrType type = AttrType::kUint32;
  std::string ref_object;  // kRef: the referenced object type ("TASK" for TASK_TYPE)
  std::string name;
  Location location;
  bool with_auto = false;
  bool multiple = false;  // name[]
  // Numeric constraint: [lo..hi] or [a, b, c].
  bool has_range = false;
  Number range_lo, range_hi;
  std::vector<Number> range_list;
  std::vector<double> float_range;  // [lo, hi] or a list, for FLOAT
  bool float_is_range = false;
  std::vector<Enumerator> enumerators;  // ENUM values, or BOOLEAN's TRUE/FALSE
  enum class Default { kNone, kNoDefault, kAuto, kValue };
  Default default_kind = Default::kNone;
  Value default_value;
  std::string description;
};

struct ImplObject {
  std::string type;  // OS, TASK, ...
  Location location;
  std::vector<AttrDef> attrs;
};

struct Implementation {
  std::string name;
  Location location;
  std::vector<ImplObject> objects;
};

// ---- Application part ----

struct ObjectDef {
  std::string type;
  Location type_location;
  std::string name;
  Location name_location;
  std::vector<Param> params;
};

struct Cpu {
  std::string name;
  Location location;
  std::vector<ObjectDef> objects;
};

struct OilFile {
  std::optional<std::string> version;
  Location version_location;
  std::vector<Implementation> implementations;
  std::vector<Cpu> cpus;
};

// The object types of OIL 2.5 (section 2.1); Tandem implements all but the COM/NM ones.
bool IsOilObjectType(const std::string& type);
bool IsSupportedObjectType(const std::string& type);
const char* SupportedObjectTypeList();

}  // namespace oilc

#endif  // TOOLS_OILC_AST_H_
