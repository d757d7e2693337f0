// JSON rendering and error reports for tandemctl. See output.h.
#include "output.h"

#include <stdio.h>

namespace tandemctl {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c >= 0x7F) {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

JsonObject& JsonObject::Add(const std::string& key, const std::string& value) {
  return AddRaw(key, JsonString(value));
}
JsonObject& JsonObject::Add(const std::string& key, uint64_t value) {
  return AddRaw(key, std::to_string(value));
}
JsonObject& JsonObject::Add(const std::string& key, bool value) {
  return AddRaw(key, value ? "true" : "false");
}
JsonObject& JsonObject::AddRaw(const std::string& key, std::string json) {
  fields_.emplace_back(key, std::move(json));
  return *this;
}

std::string JsonObject::Render() const {
  std::string out = "{";
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i != 0) out += ",";
    out += JsonString(fields_[i].first) + ":" + fields_[i].second;
  }
  return out + "}";
}

std::string JsonArray(const std::vector<std::string>& rendered) {
  std::string out = "[";
  for (size_t i = 0; i < rendered.size(); ++i) out += (i ? "," : "") + rendered[i];
  return out + "]";
}

int ReportError(const libtandem::Error& e, bool json, std::ostream& out, std::ostream& err) {
  const int code = static_cast<int>(e.code);
  if (json) {
    JsonObject detail;
    detail.Add("code", libtandem::ErrcName(e.code))
        .Add("exit", static_cast<uint64_t>(code))
        .Add("message", e.message);
    if (!e.hint.empty()) detail.Add("hint", e.hint);
    out << JsonObject().Add("ok", false).AddRaw("error", detail.Render()).Render() << "\n";
  } else {
    err << "tandemctl: error: " << e.message << "\n";
    if (!e.hint.empty()) err << "  hint: " << e.hint << "\n";
  }
  return code;
}

}  // namespace tandemctl
