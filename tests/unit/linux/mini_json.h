// A small strict JSON reader for tests (RFC 8259: objects, arrays, strings with escapes,
// numbers, true/false/null), so a test can check what a tool wrote by its structure rather than
// by substrings. Throws std::runtime_error naming the offset on anything malformed.
#ifndef TESTS_UNIT_LINUX_MINI_JSON_H_
#define TESTS_UNIT_LINUX_MINI_JSON_H_

#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace libtandem::testing {

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject } type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::map<std::string, Json> object;

  const Json& operator[](const std::string& key) const {
    auto it = object.find(key);
    if (type != Type::kObject || it == object.end()) throw std::runtime_error("no key " + key);
    return it->second;
  }
  bool Has(const std::string& key) const { return object.count(key) != 0; }
};

class JsonReader {
 public:
  static Json Parse(const std::string& text) {
    JsonReader r(text);
    Json v = r.Value();
    r.Space();
    if (r.i_ != text.size()) r.Fail("trailing characters");
    return v;
  }

 private:
  explicit JsonReader(const std::string& t) : t_(t) {}
  [[noreturn]] void Fail(const std::string& what) {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(i_));
  }
  void Space() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t'))
      ++i_;
  }
  char Peek() { return i_ < t_.size() ? t_[i_] : '\0'; }
  void Expect(char c) {
    if (Peek() != c) Fail(std::string("expected '") + c + "'");
    ++i_;
  }
  void Word(const char* w) {
    for (const char* p = w; *p; ++p) Expect(*p);
  }
  std::string String() {
    Expect('"');
    std::string s;
    for (;;) {
      if (i_ >= t_.size()) Fail("unterminated string");
      const char c = t_[i_++];
      if (c == '"') return s;
      if (static_cast<unsigned char>(c) < 0x20) Fail("control character in string");
      if (c != '\\') {
        s += c;
        continue;
      }
      const char e = Peek();
      ++i_;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          s += e;
          break;
        case 'b':
          s += '\b';
          break;
        case 'f':
          s += '\f';
          break;
        case 'n':
          s += '\n';
          break;
        case 'r':
          s += '\r';
          break;
        case 't':
          s += '\t';
          break;
        case 'u': {
          if (i_ + 4 > t_.size()) Fail("short \\u escape");
          for (int k = 0; k < 4; ++k) {
            if (!std::isxdigit(static_cast<unsigned char>(t_[i_ + k]))) Fail("bad \\u escape");
          }
          const long code = std::strtol(t_.substr(i_, 4).c_str(), nullptr, 16);
          i_ += 4;
          s += code < 0x80 ? static_cast<char>(code) : '?';
          break;
        }
        default:
          Fail("bad escape");
      }
    }
  }
  Json Value() {
    Space();
    Json v;
    const char c = Peek();
    if (c == '{') {
      v.type = Json::Type::kObject;
      ++i_;
      Space();
      if (Peek() == '}') {
        ++i_;
        return v;
      }
      for (;;) {
        Space();
        std::string key = String();
        Space();
        Expect(':');
        if (v.object.count(key) != 0) Fail("duplicate key " + key);
        v.object[key] = Value();
        Space();
        if (Peek() == ',') {
          ++i_;
          continue;
        }
        Expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.type = Json::Type::kArray;
      ++i_;
      Space();
      if (Peek() == ']') {
        ++i_;
        return v;
      }
      for (;;) {
        v.array.push_back(Value());
        Space();
        if (Peek() == ',') {
          ++i_;
          continue;
        }
        Expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.type = Json::Type::kString;
      v.string = String();
      return v;
    }
    if (c == 't') {
      Word("true");
      v.type = Json::Type::kBool;
      v.boolean = true;
      return v;
    }
    if (c == 'f') {
      Word("false");
      v.type = Json::Type::kBool;
      return v;
    }
    if (c == 'n') {
      Word("null");
      return v;
    }
    const size_t start = i_;
    if (Peek() == '-') ++i_;
    if (!std::isdigit(static_cast<unsigned char>(Peek()))) Fail("expected a value");
    while (std::isdigit(static_cast<unsigned char>(Peek())) || Peek() == '.' || Peek() == 'e' ||
           Peek() == 'E' || Peek() == '+' || Peek() == '-')
      ++i_;
    v.type = Json::Type::kNumber;
    v.number = std::strtod(t_.substr(start, i_ - start).c_str(), nullptr);
    return v;
  }

  const std::string& t_;
  size_t i_ = 0;
};

}  // namespace libtandem::testing

#endif  // TESTS_UNIT_LINUX_MINI_JSON_H_
