// Diagnostics of oilc: every message carries file:line:column, and errors say what was expected.
#ifndef TOOLS_OILC_DIAGNOSTICS_H_
#define TOOLS_OILC_DIAGNOSTICS_H_

#include <stdexcept>
#include <string>
#include <vector>

namespace oilc {

struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class Severity { kError, kWarning, kNote };

struct Diagnostic {
  Severity severity;
  Location location;
  std::string message;
};

// Thrown after a syntax error has been reported: the parse cannot continue meaningfully.
class FatalError : public std::runtime_error {
 public:
  FatalError() : std::runtime_error("oilc: fatal error") {}
};

class Diagnostics {
 public:
  // Records "<what>, expected <expected>".
  void Error(const Location& at, const std::string& what, const std::string& expected);
  // Records the error and throws FatalError.
  [[noreturn]] void Fatal(const Location& at, const std::string& what, const std::string& expected);
  void Warning(const Location& at, const std::string& message);
  // Something oilc decided that the author may not expect; neither an error nor a warning.
  void Note(const Location& at, const std::string& message);

  bool HasErrors() const { return error_count_ > 0; }
  int error_count() const { return error_count_; }
  const std::vector<Diagnostic>& all() const { return all_; }

  // "path:line:col: error: message"
  static std::string Format(const Diagnostic& d);

 private:
  std::vector<Diagnostic> all_;
  int error_count_ = 0;
};

}  // namespace oilc

#endif  // TOOLS_OILC_DIAGNOSTICS_H_
