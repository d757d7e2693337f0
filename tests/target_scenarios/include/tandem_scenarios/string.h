// A fixed-capacity string for the scenario runtime on the target: the scenario sources build
// their trace entries with std::string and std::to_string, which need the heap and the
// libstdc++ runtime that Tandem RT images do not have. An entry longer than kCapacity is cut and
// marks the running test failed (the harness checks Truncated when it logs), so a truncation can
// never make two entries equal.
#ifndef TANDEM_TESTS_TARGET_SCENARIOS_STRING_H_
#define TANDEM_TESTS_TARGET_SCENARIOS_STRING_H_

#include <stddef.h>
#include <stdint.h>

namespace tandem::test {

class String {
 public:
  static constexpr size_t kCapacity = 79;

  String() = default;
  String(const char* text) { Append(text); }  // NOLINT: as std::string, implicit

  String& operator+=(const char* text) {
    Append(text);
    return *this;
  }
  String& operator+=(const String& other) {
    Append(other.c_str());
    truncated_ = truncated_ || other.truncated_;
    return *this;
  }

  const char* c_str() const { return text_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool truncated() const { return truncated_; }

  friend bool operator==(const String& a, const String& b) {
    if (a.size_ != b.size_ || a.truncated_ != b.truncated_) return false;
    for (size_t i = 0; i < a.size_; ++i) {
      if (a.text_[i] != b.text_[i]) return false;
    }
    return true;
  }
  friend String operator+(String a, const String& b) { return a += b; }
  friend String operator+(String a, const char* b) { return a += b; }
  friend String operator+(const char* a, const String& b) { return String(a) += b; }

 private:
  void Append(const char* text) {
    if (text == nullptr) return;
    for (; *text != '\0'; ++text) {
      if (size_ == kCapacity) {
        truncated_ = true;
        return;
      }
      text_[size_++] = *text;
      text_[size_] = '\0';
    }
  }

  char text_[kCapacity + 1] = {};
  size_t size_ = 0;
  bool truncated_ = false;
};

String ToString(long long value);
String ToString(unsigned long long value);

}  // namespace tandem::test

// The scenario sources name std::string and std::to_string. Nothing in a Tandem RT image includes
// <string> (no hosted library there), so these names are free; they map to the fixed string.
namespace std {  // NOLINT(cert-dcl58-cpp): target test images only, see README.md
using string = ::tandem::test::String;
inline string to_string(int v) { return ::tandem::test::ToString(static_cast<long long>(v)); }
inline string to_string(long v) { return ::tandem::test::ToString(static_cast<long long>(v)); }
inline string to_string(long long v) { return ::tandem::test::ToString(v); }
inline string to_string(unsigned v) {
  return ::tandem::test::ToString(static_cast<unsigned long long>(v));
}
inline string to_string(unsigned long v) {
  return ::tandem::test::ToString(static_cast<unsigned long long>(v));
}
inline string to_string(unsigned long long v) { return ::tandem::test::ToString(v); }
}  // namespace std

#endif  // TANDEM_TESTS_TARGET_SCENARIOS_STRING_H_
