// FdtBuilder: writes flattened device trees by hand (spec v0.4 chapter 5), including broken
// ones, for the parser's tests.
#ifndef TANDEM_TESTS_UNIT_XEN_FDT_BUILDER_H_
#define TANDEM_TESTS_UNIT_XEN_FDT_BUILDER_H_

#include <stdint.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace tandem::xen::testing {

class FdtBuilder {
 public:
  FdtBuilder& BeginNode(const std::string& name) {
    Token(1);
    for (char c : name) structure_.push_back(static_cast<uint8_t>(c));
    structure_.push_back(0);
    Pad();
    return *this;
  }
  FdtBuilder& EndNode() { return Token(2); }
  FdtBuilder& End() { return Token(9); }
  FdtBuilder& Nop() { return Token(4); }
  FdtBuilder& Token(uint32_t t) {
    Be32(structure_, t);
    return *this;
  }
  FdtBuilder& Prop(const std::string& name, const std::vector<uint8_t>& value) {
    return PropRaw(static_cast<uint32_t>(value.size()), NameOffset(name), value);
  }
  // A property whose len and nameoff are written as given (may lie).
  FdtBuilder& PropRaw(uint32_t len, uint32_t nameoff, const std::vector<uint8_t>& value) {
    Token(3);
    Be32(structure_, len);
    Be32(structure_, nameoff);
    structure_.insert(structure_.end(), value.begin(), value.end());
    Pad();
    return *this;
  }
  FdtBuilder& PropCells(const std::string& name, std::initializer_list<uint32_t> cells) {
    return PropCells(name, std::vector<uint32_t>(cells));
  }
  FdtBuilder& PropCells(const std::string& name, const std::vector<uint32_t>& cells) {
    std::vector<uint8_t> v;
    for (uint32_t c : cells) Be32(v, c);
    return Prop(name, v);
  }
  FdtBuilder& PropString(const std::string& name, const std::string& value) {
    std::vector<uint8_t> v(value.begin(), value.end());  // may hold embedded NULs
    v.push_back(0);
    return Prop(name, v);
  }
  FdtBuilder& PropEmpty(const std::string& name) { return Prop(name, {}); }

  uint32_t NameOffset(const std::string& name) {
    const std::string needle = name + '\0';
    auto at = strings_.find(needle);
    if (at != std::string::npos) return static_cast<uint32_t>(at);
    const auto off = static_cast<uint32_t>(strings_.size());
    strings_ += needle;
    return off;
  }

  // Header (40 bytes), empty reserve map (16 bytes), structure block, strings block.
  std::vector<uint8_t> Finish(uint32_t version = 17, uint32_t last_comp = 16) const {
    std::vector<uint8_t> blob;
    const uint32_t off_rsv = 40, off_struct = 56;
    const auto size_struct = static_cast<uint32_t>(structure_.size());
    const uint32_t off_strings = off_struct + size_struct;
    const auto size_strings = static_cast<uint32_t>(strings_.size());
    const uint32_t total = off_strings + size_strings;
    for (uint32_t v : {0xd00dfeedu, total, off_struct, off_strings, off_rsv, version, last_comp, 0u,
                       size_strings, size_struct}) {
      Be32(blob, v);
    }
    blob.resize(off_struct, 0);
    blob.insert(blob.end(), structure_.begin(), structure_.end());
    blob.insert(blob.end(), strings_.begin(), strings_.end());
    return blob;
  }

  static void Be32(std::vector<uint8_t>& out, uint32_t v) {
    out.push_back(static_cast<uint8_t>(v >> 24));
    out.push_back(static_cast<uint8_t>(v >> 16));
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
  }
  static uint32_t Get32(const std::vector<uint8_t>& b, size_t off) {
    return (uint32_t{b[off]} << 24) | (uint32_t{b[off + 1]} << 16) | (uint32_t{b[off + 2]} << 8) |
           b[off + 3];
  }
  static void Put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
    b[off] = static_cast<uint8_t>(v >> 24);
    b[off + 1] = static_cast<uint8_t>(v >> 16);
    b[off + 2] = static_cast<uint8_t>(v >> 8);
    b[off + 3] = static_cast<uint8_t>(v);
  }

 private:
  void Pad() {
    while (structure_.size() % 4 != 0) structure_.push_back(0);
  }
  std::vector<uint8_t> structure_;
  std::string strings_;
};

}  // namespace tandem::xen::testing

#endif  // TANDEM_TESTS_UNIT_XEN_FDT_BUILDER_H_
