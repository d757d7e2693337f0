#include "implementation.h"

#include <cstdint>

namespace oilc {
namespace {

const char* TypeName(const AttrDef& def) {
  switch (def.type) {
    case AttrType::kUint32:
      return "UINT32";
    case AttrType::kInt32:
      return "INT32";
    case AttrType::kUint64:
      return "UINT64";
    case AttrType::kInt64:
      return "INT64";
    case AttrType::kFloat:
      return "FLOAT";
    case AttrType::kEnum:
      return "ENUM";
    case AttrType::kBoolean:
      return "BOOLEAN";
    case AttrType::kString:
      return "STRING";
    case AttrType::kRef:
      return "reference";
  }
  return "?";
}

std::string Join(const std::vector<std::string>& items, const char* last_sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last_sep : ", ";
    out += items[i];
  }
  return out;
}

// The bounds of the integer types themselves.
void TypeBounds(AttrType type, Number& lo, Number& hi) {
  switch (type) {
    case AttrType::kUint32:
      lo = {0, false};
      hi = {UINT32_MAX, false};
      break;
    case AttrType::kInt32:
      lo = {0x80000000ull, true};
      hi = {INT32_MAX, false};
      break;
    case AttrType::kInt64:
      lo = {0x8000000000000000ull, true};
      hi = {INT64_MAX, false};
      break;
    default:
      lo = {0, false};
      hi = {UINT64_MAX, false};
      break;
  }
}

std::string Expected(const AttrDef& def) {
  switch (def.type) {
    case AttrType::kUint32:
    case AttrType::kInt32:
    case AttrType::kUint64:
    case AttrType::kInt64: {
      std::string what = std::string("a ") + TypeName(def) + " number";
      if (!def.has_range) {
        Number lo, hi;
        TypeBounds(def.type, lo, hi);
        what += " in [" + lo.ToString() + ".." + hi.ToString() + "]";
      } else if (def.range_list.empty()) {
        what += " in [" + def.range_lo.ToString() + ".." + def.range_hi.ToString() + "]";
      } else if (def.has_range) {
        std::vector<std::string> items;
        for (const Number& n : def.range_list) items.push_back(n.ToString());
        what += ": one of " + Join(items, " or ");
      }
      return what;
    }
    case AttrType::kFloat:
      return "a FLOAT number";
    case AttrType::kString:
      return "a string";
    case AttrType::kRef:
      return std::string("the name of ") +
             (std::string("AEIOU").find(def.ref_object[0]) != std::string::npos ? "an " : "a ") +
             def.ref_object;
    case AttrType::kEnum:
    case AttrType::kBoolean: {
      std::vector<std::string> names;
      for (const Enumerator& e : def.enumerators) names.push_back(e.name);
      if (names.empty()) names = {"TRUE", "FALSE"};
      return Join(names, " or ");
    }
  }
  return "?";
}

}  // namespace

const Param* FindParam(const std::vector<Param>& params, const std::string& name) {
  for (const Param& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<const Param*> FindParams(const std::vector<Param>& params, const std::string& name) {
  std::vector<const Param*> out;
  for (const Param& p : params) {
    if (p.name == name) out.push_back(&p);
  }
  return out;
}

void ImplementationModel::Add(const Implementation& impl) {
  for (const ImplObject& obj : impl.objects) {
    std::vector<AttrDef>& defs = objects_[obj.type];
    for (const AttrDef& def : obj.attrs) {
      bool replaced = false;
      for (AttrDef& old : defs) {
        if (old.name == def.name) {
          old = def;
          replaced = true;
        }
      }
      if (!replaced) defs.push_back(def);
    }
  }
}

const std::vector<AttrDef>* ImplementationModel::Find(const std::string& object_type) const {
  auto it = objects_.find(object_type);
  return it == objects_.end() ? nullptr : &it->second;
}

std::vector<Param> ImplementationModel::Check(const std::string& owner,
                                              const std::vector<AttrDef>& defs,
                                              const std::vector<Param>& params,
                                              Diagnostics& diags) const {
  std::vector<Param> out;
  for (const Param& given : params) {
    const AttrDef* def = nullptr;
    for (const AttrDef& d : defs) {
      if (d.name == given.name) def = &d;
    }
    if (def == nullptr) {
      diags.Warning(given.location, "unknown attribute " + given.name + " in " + owner +
                                        " (not in the implementation part), ignored");
      continue;
    }
    if (!def->multiple) {
      if (const Param* first = FindParam(out, given.name)) {
        diags.Error(given.location,
                    given.name + " of " + owner + " given twice (first at line " +
                        std::to_string(first->location.line) + ")",
                    "one " + given.name + " (it is not declared with [])");
        continue;
      }
    }
    Param p = given;
    p.invalid = !CheckValue(owner, *def, p, diags);
    out.push_back(std::move(p));
  }
  // Defaults for what the application left out (OIL 2.5, 2.3.3: "default values").
  for (const AttrDef& def : defs) {
    if (def.multiple || FindParam(out, def.name) != nullptr) continue;
    if (def.default_kind != AttrDef::Default::kValue &&
        def.default_kind != AttrDef::Default::kAuto) {
      continue;
    }
    Param p;
    p.name = def.name;
    p.location = def.location;
    p.defaulted = true;
    if (def.default_kind == AttrDef::Default::kAuto) {
      p.value.kind = Value::Kind::kAuto;
      p.value.text = "AUTO";
      p.value.location = def.location;
    } else {
      p.value = def.default_value;
    }
    if (CheckValue(owner, def, p, diags)) out.push_back(std::move(p));
  }
  return out;
}

bool ImplementationModel::CheckValue(const std::string& owner, const AttrDef& def, Param& p,
                                     Diagnostics& diags) const {
  Value& v = p.value;
  const std::string what = def.name + " of " + owner;
  if (v.kind == Value::Kind::kAuto) {
    if (!def.with_auto) {
      diags.Error(v.location, "AUTO is not allowed for " + what, Expected(def));
      return false;
    }
    return true;
  }
  auto wrong = [&](const std::string& shown) {
    diags.Error(v.location, shown + " is not a valid value for " + what, Expected(def));
    return false;
  };
  const std::string shown = v.kind == Value::Kind::kString ? "\"" + v.text + "\""
                            : v.kind == Value::Kind::kName ? "'" + v.text + "'"
                                                           : v.text;
  if (v.has_params && def.type != AttrType::kEnum && def.type != AttrType::kBoolean) {
    diags.Error(v.location, "parameters after the value of " + what,
                "';' (only ENUM and BOOLEAN values take parameters)");
    return false;
  }
  switch (def.type) {
    case AttrType::kUint32:
    case AttrType::kInt32:
    case AttrType::kUint64:
    case AttrType::kInt64: {
      if (v.kind != Value::Kind::kNumber) return wrong(shown);
      Number lo, hi;
      TypeBounds(def.type, lo, hi);
      bool ok = !(v.number < lo) && !(hi < v.number);
      if (ok && def.has_range) {
        if (def.range_list.empty()) {
          ok = !(v.number < def.range_lo) && !(def.range_hi < v.number);
        } else {
          ok = false;
          for (const Number& n : def.range_list) ok = ok || n == v.number;
        }
      }
      if (!ok) {
        diags.Error(v.location, "value " + v.text + " of " + what + " is out of range",
                    Expected(def));
        return false;
      }
      return true;
    }
    case AttrType::kFloat: {
      if (v.kind == Value::Kind::kNumber) {
        v.float_value = v.number.negative ? -static_cast<double>(v.number.magnitude)
                                          : static_cast<double>(v.number.magnitude);
      } else if (v.kind != Value::Kind::kFloat) {
        return wrong(shown);
      }
      if (def.has_range) {
        bool ok = false;
        if (def.float_is_range) {
          ok = v.float_value >= def.float_range[0] && v.float_value <= def.float_range[1];
        } else {
          for (double f : def.float_range) ok = ok || f == v.float_value;
        }
        if (!ok) {
          diags.Error(v.location, "value " + v.text + " of " + what + " is out of range",
                      "a FLOAT within the declared range");
          return false;
        }
      }
      return true;
    }
    case AttrType::kString:
      if (v.kind != Value::Kind::kString) return wrong(shown);
      return true;
    case AttrType::kRef:
      if (v.kind != Value::Kind::kName) return wrong(shown);
      return true;
    case AttrType::kEnum:
    case AttrType::kBoolean: {
      if (v.kind != Value::Kind::kName) return wrong(shown);
      const Enumerator* chosen = nullptr;
      for (const Enumerator& e : def.enumerators) {
        if (e.name == v.text) chosen = &e;
      }
      static const std::vector<AttrDef> kNoParams;
      if (chosen == nullptr) {
        const bool plain_bool = def.type == AttrType::kBoolean && def.enumerators.empty() &&
                                (v.text == "TRUE" || v.text == "FALSE");
        if (!plain_bool) return wrong(shown);
      }
      v.params = Check(def.name + " = " + v.text + " of " + owner,
                       chosen ? chosen->params : kNoParams, v.params, diags);
      return true;
    }
  }
  return false;
}

}  // namespace oilc
