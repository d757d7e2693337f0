#include "diagnostics.h"

namespace oilc {

void Diagnostics::Error(const Location& at, const std::string& what, const std::string& expected) {
  all_.push_back({Severity::kError, at, what + ", expected " + expected});
  ++error_count_;
}

void Diagnostics::Fatal(const Location& at, const std::string& what, const std::string& expected) {
  Error(at, what, expected);
  throw FatalError();
}

void Diagnostics::Warning(const Location& at, const std::string& message) {
  all_.push_back({Severity::kWarning, at, message});
}

void Diagnostics::Note(const Location& at, const std::string& message) {
  all_.push_back({Severity::kNote, at, message});
}

std::string Diagnostics::Format(const Diagnostic& d) {
  std::string out = d.location.file;
  if (d.location.line > 0) {
    out += ":" + std::to_string(d.location.line) + ":" + std::to_string(d.location.column);
  }
  switch (d.severity) {
    case Severity::kError:
      out += ": error: ";
      break;
    case Severity::kWarning:
      out += ": warning: ";
      break;
    case Severity::kNote:
      out += ": note: ";
      break;
  }
  out += d.message;
  return out;
}

}  // namespace oilc
