// FdtCursor: a bounds-checked walk over the tokens of a flattened device tree (Devicetree
// Specification v0.4, chapter 5). Internal to the device tree parser.
#ifndef TANDEM_XEN_SRC_FDT_H_
#define TANDEM_XEN_SRC_FDT_H_

#include <stddef.h>
#include <stdint.h>

#include "tandem/result.h"
#include "tandem/xen/device_tree.h"

namespace tandem::xen::fdt {

// Spec 5.4.1: structure block tokens.
inline constexpr uint32_t kBeginNode = 0x1;
inline constexpr uint32_t kEndNode = 0x2;
inline constexpr uint32_t kProp = 0x3;
inline constexpr uint32_t kNop = 0x4;
inline constexpr uint32_t kEnd = 0x9;
inline constexpr uint32_t kMagic = 0xd00dfeed;  // spec 5.2
inline constexpr uint32_t kHeaderSize = 40;     // spec 5.2: ten 32-bit fields
inline constexpr uint32_t kVersion = 17;

inline uint32_t LoadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// A string or byte range inside the blob (never owns, never outside it).
struct Bytes {
  const uint8_t* data = nullptr;
  uint32_t size = 0;
};

struct Token {
  uint32_t kind = kEnd;  // kBeginNode, kEndNode, kProp or kEnd (kNop is skipped)
  Bytes name;            // node name or property name, without the terminating NUL
  Bytes value;           // property value (kProp only)
};

class FdtCursor {
 public:
  // Validates the header (spec 5.2) and the block offsets against min(totalsize, max_size).
  static Result<FdtCursor, DtError> Open(const void* blob, size_t max_size);

  // The next token; kEnd is returned once, at FDT_END, after which Next() must not be called.
  Result<Token, DtError> Next();

  FdtCursor() = default;

 private:
  const uint8_t* blob_ = nullptr;
  uint32_t pos_ = 0;         // offset of the next token in the blob
  uint32_t struct_end_ = 0;  // end of the structure block
  uint32_t strings_off_ = 0;
  uint32_t strings_size_ = 0;
};

bool Equal(Bytes bytes, const char* text);

}  // namespace tandem::xen::fdt

#endif  // TANDEM_XEN_SRC_FDT_H_
