#include "parser.h"

#include <algorithm>
#include <string>

namespace oilc {
namespace {

struct TypeKeyword {
  const char* name;
  AttrType type;
};
constexpr TypeKeyword kTypeKeywords[] = {
    {"UINT32", AttrType::kUint32},   {"INT32", AttrType::kInt32},   {"UINT64", AttrType::kUint64},
    {"INT64", AttrType::kInt64},     {"FLOAT", AttrType::kFloat},   {"ENUM", AttrType::kEnum},
    {"BOOLEAN", AttrType::kBoolean}, {"STRING", AttrType::kString},
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, Diagnostics& diags) : tokens_(tokens), diags_(diags) {}

  void File(OilFile& file) {
    while (!At(TokenKind::kEnd)) {
      const Token& t = Cur();
      if (IsKeyword("OIL_VERSION")) {
        Version(file);
      } else if (IsKeyword("IMPLEMENTATION")) {
        file.implementations.push_back(ImplementationPart());
      } else if (IsKeyword("CPU")) {
        file.cpus.push_back(CpuPart());
      } else {
        diags_.Fatal(t.location, "unexpected " + Describe(t) + " at the top level",
                     "OIL_VERSION, IMPLEMENTATION or CPU");
      }
    }
  }

 private:
  const Token& Cur() const { return tokens_[pos_]; }
  const Token& Next() const { return tokens_[std::min(pos_ + 1, tokens_.size() - 1)]; }
  bool At(TokenKind kind) const { return Cur().kind == kind; }
  bool IsKeyword(const char* word) const {
    return At(TokenKind::kIdentifier) && Cur().text == word;
  }
  const Token& Take() {
    const Token& t = tokens_[pos_];
    if (t.kind != TokenKind::kEnd) ++pos_;
    return t;
  }
  bool Accept(TokenKind kind) {
    if (!At(kind)) return false;
    Take();
    return true;
  }
  const Token& Expect(TokenKind kind, const std::string& context) {
    if (!At(kind)) {
      diags_.Fatal(Cur().location, "unexpected " + Describe(Cur()) + " " + context, Describe(kind));
    }
    return Take();
  }

  // Values carry parameters and enumerators carry definitions, each of which may nest again; the
  // parser recurses once per level. A real configuration uses two or three levels, and a file
  // that nests thousands (20,000 levels in 160 KB) would overflow oilc's stack, so `brace`, the
  // '{' just taken, may open at most kMaxNesting levels. The caller leaves with --depth_.
  void EnterNested(const Token& brace) {
    if (++depth_ > kMaxNesting) {
      diags_.Fatal(
          brace.location, "'{' nested more than " + std::to_string(kMaxNesting) + " levels deep",
          "at most " + std::to_string(kMaxNesting) + " levels of parameters inside parameters");
    }
  }

  // [: "description"]
  std::string Description() {
    if (!Accept(TokenKind::kColon)) return "";
    return Expect(TokenKind::kString, "after ':'").text;
  }

  void Version(OilFile& file) {
    const Token& kw = Take();
    if (file.version) {
      diags_.Fatal(kw.location, "OIL_VERSION given twice", "one OIL_VERSION per application");
    }
    Expect(TokenKind::kEquals, "after OIL_VERSION");
    file.version = Expect(TokenKind::kString, "after OIL_VERSION =").text;
    file.version_location = kw.location;
    Description();
    Expect(TokenKind::kSemicolon, "after OIL_VERSION = \"" + *file.version + "\"");
  }

  // ---- implementation part ----

  Implementation ImplementationPart() {
    Implementation impl;
    impl.location = Take().location;
    impl.name = Expect(TokenKind::kIdentifier, "after IMPLEMENTATION").text;
    Expect(TokenKind::kLBrace, "after IMPLEMENTATION " + impl.name);
    while (!Accept(TokenKind::kRBrace)) {
      const Token& t = Cur();
      if (!At(TokenKind::kIdentifier)) {
        diags_.Fatal(t.location, "unexpected " + Describe(t) + " in IMPLEMENTATION " + impl.name,
                     "an object type or '}'");
      }
      if (!IsOilObjectType(t.text)) {
        diags_.Fatal(t.location, "unknown object type '" + t.text + "'",
                     std::string("one of ") + SupportedObjectTypeList());
      }
      ImplObject obj;
      obj.type = Take().text;
      obj.location = t.location;
      Expect(TokenKind::kLBrace, "after " + obj.type);
      while (!Accept(TokenKind::kRBrace)) obj.attrs.push_back(ImplAttrDef(obj.type));
      Description();
      Expect(TokenKind::kSemicolon, "after the '}' of " + obj.type);
      impl.objects.push_back(std::move(obj));
    }
    Description();
    Expect(TokenKind::kSemicolon, "after the '}' of IMPLEMENTATION " + impl.name);
    return impl;
  }

  AttrDef ImplAttrDef(const std::string& owner) {
    const Token& t = Cur();
    if (!At(TokenKind::kIdentifier)) {
      diags_.Fatal(t.location, "unexpected " + Describe(t) + " in the definition of " + owner,
                   "an attribute type (UINT32, INT32, UINT64, INT64, FLOAT, ENUM, BOOLEAN, "
                   "STRING or <OBJECT>_TYPE) or '}'");
    }
    AttrDef def;
    def.location = t.location;
    bool found = false;
    for (const TypeKeyword& k : kTypeKeywords) {
      if (t.text == k.name) {
        def.type = k.type;
        found = true;
      }
    }
    if (!found && EndsWith(t.text, "_TYPE") &&
        IsOilObjectType(t.text.substr(0, t.text.size() - 5))) {
      def.type = AttrType::kRef;
      def.ref_object = t.text.substr(0, t.text.size() - 5);
      found = true;
    }
    if (!found) {
      diags_.Fatal(t.location, "unknown attribute type '" + t.text + "'",
                   "UINT32, INT32, UINT64, INT64, FLOAT, ENUM, BOOLEAN, STRING or <OBJECT>_TYPE");
    }
    Take();
    if (IsKeyword("WITH_AUTO")) {
      Take();
      def.with_auto = true;
    }
    switch (def.type) {
      case AttrType::kUint32:
      case AttrType::kInt32:
      case AttrType::kUint64:
      case AttrType::kInt64:
        if (At(TokenKind::kLBracket)) NumberRange(def);
        break;
      case AttrType::kFloat:
        if (At(TokenKind::kLBracket)) FloatRange(def);
        break;
      case AttrType::kEnum:
        Expect(TokenKind::kLBracket, "after ENUM");
        Enumerators(def, false);
        break;
      case AttrType::kBoolean:
        if (At(TokenKind::kLBracket)) Enumerators(def, true);
        break;
      case AttrType::kString:
      case AttrType::kRef:
        break;
    }
    def.name = Expect(TokenKind::kIdentifier, "in an attribute definition of " + owner).text;
    if (Accept(TokenKind::kLBracket)) {
      Expect(TokenKind::kRBracket, "after '" + def.name + "['");
      def.multiple = true;
    }
    if (Accept(TokenKind::kEquals)) Default(def);
    def.description = Description();
    Expect(TokenKind::kSemicolon, "after the definition of " + def.name);
    return def;
  }

  Number TakeNumber(const std::string& context) {
    const Token& t = Expect(TokenKind::kNumber, context);
    return Number{t.number, t.negative};
  }

  void NumberRange(AttrDef& def) {
    Take();
    def.has_range = true;
    Number first = TakeNumber("in a range");
    if (Accept(TokenKind::kDotDot)) {
      def.range_lo = first;
      def.range_hi = TakeNumber("after '..'");
      if (def.range_hi < def.range_lo) {
        diags_.Fatal(def.location,
                     "empty range [" + first.ToString() + ".." + def.range_hi.ToString() + "]",
                     "a lower bound not above the upper bound");
      }
    } else {
      def.range_list.push_back(first);
      while (Accept(TokenKind::kComma)) def.range_list.push_back(TakeNumber("after ','"));
    }
    Expect(TokenKind::kRBracket, "at the end of a range");
  }

  double TakeFloat() {
    const Token& t = Cur();
    if (At(TokenKind::kFloat)) return Take().float_value;
    if (At(TokenKind::kNumber)) {
      Take();
      return t.negative ? -static_cast<double>(t.number) : static_cast<double>(t.number);
    }
    diags_.Fatal(t.location, "unexpected " + Describe(t) + " in a FLOAT range", "a number");
  }

  void FloatRange(AttrDef& def) {
    Take();
    def.has_range = true;
    def.float_range.push_back(TakeFloat());
    if (Accept(TokenKind::kDotDot)) {
      def.float_is_range = true;
      def.float_range.push_back(TakeFloat());
    } else {
      while (Accept(TokenKind::kComma)) def.float_range.push_back(TakeFloat());
    }
    Expect(TokenKind::kRBracket, "at the end of a range");
  }

  void Enumerators(AttrDef& def, bool boolean) {
    if (boolean) Take();  // ENUM already consumed its '['
    do {
      const Token& t =
          Expect(TokenKind::kIdentifier, boolean ? "in BOOLEAN values" : "in an ENUM enumeration");
      if (boolean && t.text != "TRUE" && t.text != "FALSE") {
        diags_.Fatal(t.location, "unexpected '" + t.text + "' in BOOLEAN values", "TRUE or FALSE");
      }
      Enumerator e;
      e.name = t.text;
      e.location = t.location;
      if (At(TokenKind::kLBrace)) {
        EnterNested(Take());
        while (!Accept(TokenKind::kRBrace)) e.params.push_back(ImplAttrDef(e.name));
        --depth_;
      }
      Description();
      def.enumerators.push_back(std::move(e));
    } while (Accept(TokenKind::kComma));
    Expect(TokenKind::kRBracket, "at the end of the enumeration");
  }

  void Default(AttrDef& def) {
    const Token& t = Cur();
    if (IsKeyword("NO_DEFAULT")) {
      Take();
      def.default_kind = AttrDef::Default::kNoDefault;
      return;
    }
    if (IsKeyword("AUTO")) {
      Take();
      if (!def.with_auto) {
        diags_.Fatal(t.location, "default AUTO for " + def.name + " without WITH_AUTO",
                     "WITH_AUTO in the definition or a concrete default");
      }
      def.default_kind = AttrDef::Default::kAuto;
      return;
    }
    def.default_kind = AttrDef::Default::kValue;
    def.default_value = ParseValue("as the default of " + def.name, /*allow_params=*/false);
  }

  // ---- application part ----

  Cpu CpuPart() {
    Cpu cpu;
    cpu.location = Take().location;
    cpu.name = Expect(TokenKind::kIdentifier, "after CPU").text;
    Expect(TokenKind::kLBrace, "after CPU " + cpu.name);
    while (!Accept(TokenKind::kRBrace)) cpu.objects.push_back(Object(cpu.name));
    Description();
    Expect(TokenKind::kSemicolon, "after the '}' of CPU " + cpu.name);
    return cpu;
  }

  ObjectDef Object(const std::string& cpu) {
    const Token& t = Cur();
    if (!At(TokenKind::kIdentifier)) {
      diags_.Fatal(t.location, "unexpected " + Describe(t) + " in CPU " + cpu,
                   "an object definition or '}'");
    }
    if (!IsOilObjectType(t.text)) {
      diags_.Fatal(t.location, "unknown object type '" + t.text + "'",
                   std::string("one of ") + SupportedObjectTypeList());
    }
    ObjectDef obj;
    obj.type = Take().text;
    obj.type_location = t.location;
    const Token& name = Expect(TokenKind::kIdentifier, "after " + obj.type);
    obj.name = name.text;
    obj.name_location = name.location;
    if (Accept(TokenKind::kLBrace)) obj.params = Params(obj.type + " " + obj.name);
    Description();
    Expect(TokenKind::kSemicolon, "after " + obj.type + " " + obj.name);
    return obj;
  }

  // Parameters up to and including the closing '}'.
  std::vector<Param> Params(const std::string& owner) {
    std::vector<Param> params;
    while (!Accept(TokenKind::kRBrace)) {
      const Token& t = Cur();
      if (!At(TokenKind::kIdentifier)) {
        diags_.Fatal(t.location, "unexpected " + Describe(t) + " in " + owner,
                     "an attribute name or '}'");
      }
      // "TASK B {" where an attribute should be: the previous object lacks its '}'.
      if (IsOilObjectType(t.text) && Next().kind == TokenKind::kIdentifier) {
        diags_.Fatal(t.location,
                     "object definition " + t.text + " " + Next().text + " inside " + owner,
                     "'}' to close " + owner + " first");
      }
      Param p;
      p.name = Take().text;
      p.location = t.location;
      Expect(TokenKind::kEquals, "after attribute " + p.name);
      p.value = ParseValue("as the value of " + p.name, /*allow_params=*/true, p.name);
      Description();
      Expect(TokenKind::kSemicolon, "after the value of " + p.name);
      params.push_back(std::move(p));
    }
    return params;
  }

  // `attribute` names the parameter in messages about the value's own parameters.
  Value ParseValue(const std::string& context, bool allow_params,
                   const std::string& attribute = "") {
    const Token& t = Cur();
    Value v;
    v.location = t.location;
    switch (t.kind) {
      case TokenKind::kIdentifier:
        v.kind = t.text == "AUTO" ? Value::Kind::kAuto : Value::Kind::kName;
        v.text = Take().text;
        if (allow_params && v.kind == Value::Kind::kName && At(TokenKind::kLBrace)) {
          EnterNested(Take());
          v.has_params = true;
          v.params = Params(attribute + " = " + v.text);
          --depth_;
        }
        return v;
      case TokenKind::kNumber:
        v.kind = Value::Kind::kNumber;
        v.text = t.text;
        v.number = Number{t.number, t.negative};
        Take();
        return v;
      case TokenKind::kFloat:
        v.kind = Value::Kind::kFloat;
        v.text = t.text;
        v.float_value = t.float_value;
        Take();
        return v;
      case TokenKind::kString:
        v.kind = Value::Kind::kString;
        v.text = Take().text;
        return v;
      default:
        diags_.Fatal(t.location, "unexpected " + Describe(t) + " " + context,
                     "a name, number, string, TRUE, FALSE or AUTO");
    }
  }

  static constexpr int kMaxNesting = 64;

  const std::vector<Token>& tokens_;
  Diagnostics& diags_;
  size_t pos_ = 0;
  int depth_ = 0;  // levels of '{' inside values and enumerators
};

}  // namespace

void Parse(const std::vector<Token>& tokens, OilFile& file, Diagnostics& diags) {
  Parser(tokens, diags).File(file);
}

}  // namespace oilc
