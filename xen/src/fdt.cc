#include "fdt.h"

namespace tandem::xen::fdt {
namespace {

// Offsets of the header fields (spec 5.2, struct fdt_header).
constexpr uint32_t kOffMagic = 0;
constexpr uint32_t kOffTotalSize = 4;
constexpr uint32_t kOffStruct = 8;
constexpr uint32_t kOffStrings = 12;
constexpr uint32_t kOffMemRsvmap = 16;
constexpr uint32_t kOffVersion = 20;
constexpr uint32_t kOffLastCompVersion = 24;
constexpr uint32_t kOffSizeStrings = 32;
constexpr uint32_t kOffSizeStruct = 36;

// True if [off, off + size) lies inside [0, limit), without overflow.
bool InRange(uint64_t off, uint64_t size, uint64_t limit) {
  return off <= limit && size <= limit - off;
}

// In 64 bits: a block ending near 4 GiB must not wrap the cursor back to the start.
uint64_t AlignUp4(uint64_t value) { return (value + 3u) & ~uint64_t{3}; }

}  // namespace

bool Equal(Bytes bytes, const char* text) {
  uint32_t i = 0;
  for (; i < bytes.size; ++i) {
    if (text[i] == '\0' || static_cast<uint8_t>(text[i]) != bytes.data[i]) return false;
  }
  return text[i] == '\0';
}

Result<FdtCursor, DtError> FdtCursor::Open(const void* blob, size_t max_size) {
  if (blob == nullptr || max_size < kHeaderSize) return MakeError(DtError::kTruncated);
  const auto* bytes = static_cast<const uint8_t*>(blob);
  if (LoadBe32(bytes + kOffMagic) != kMagic) return MakeError(DtError::kBadMagic);
  const uint32_t total = LoadBe32(bytes + kOffTotalSize);
  if (total > max_size) return MakeError(DtError::kTruncated);
  if (total < kHeaderSize) return MakeError(DtError::kBadStructure);
  // Version 17 readers accept any blob whose last_comp_version is <= 17 (spec 5.2).
  if (LoadBe32(bytes + kOffVersion) < kVersion ||
      LoadBe32(bytes + kOffLastCompVersion) > kVersion) {
    return MakeError(DtError::kBadVersion);
  }
  const uint32_t struct_off = LoadBe32(bytes + kOffStruct);
  const uint32_t struct_size = LoadBe32(bytes + kOffSizeStruct);
  const uint32_t strings_off = LoadBe32(bytes + kOffStrings);
  const uint32_t strings_size = LoadBe32(bytes + kOffSizeStrings);
  const uint32_t rsvmap_off = LoadBe32(bytes + kOffMemRsvmap);
  // Spec 5.3/5.4: the reserve map is 8-aligned and ends with a 16-byte zero entry; the
  // structure block is 4-aligned and made of 4-byte tokens.
  if (struct_off < kHeaderSize || struct_off % 4 != 0 || struct_size % 4 != 0 ||
      !InRange(struct_off, struct_size, total) || !InRange(strings_off, strings_size, total) ||
      rsvmap_off % 8 != 0 || rsvmap_off < kHeaderSize || !InRange(rsvmap_off, 16, total)) {
    return MakeError(DtError::kBadStructure);
  }
  FdtCursor cursor;
  cursor.blob_ = bytes;
  cursor.pos_ = struct_off;
  cursor.struct_end_ = struct_off + struct_size;
  cursor.strings_off_ = strings_off;
  cursor.strings_size_ = strings_size;
  return cursor;
}

Result<Token, DtError> FdtCursor::Next() {
  for (;;) {
    if (struct_end_ - pos_ < 4) return MakeError(DtError::kBadStructure);  // no FDT_END
    Token token;
    token.kind = LoadBe32(blob_ + pos_);
    pos_ += 4;
    switch (token.kind) {
      case kNop:
        continue;
      case kEnd:
      case kEndNode:
        return token;
      case kBeginNode: {
        // Spec 5.4.1: the unit name, NUL-terminated, padded to 4 bytes with zeros.
        const uint8_t* name = blob_ + pos_;
        uint32_t len = 0;
        const uint32_t room = struct_end_ - pos_;
        while (len < room && name[len] != '\0') ++len;
        if (len == room) return MakeError(DtError::kBadStructure);  // unterminated name
        token.name = {name, len};
        const uint64_t next = AlignUp4(uint64_t{pos_} + len + 1);
        if (next > struct_end_) return MakeError(DtError::kBadStructure);
        pos_ = static_cast<uint32_t>(next);
        return token;
      }
      case kProp: {
        // Spec 5.4.1: u32 len, u32 nameoff, then len bytes of value padded to 4.
        if (struct_end_ - pos_ < 8) return MakeError(DtError::kBadProperty);
        const uint32_t len = LoadBe32(blob_ + pos_);
        const uint32_t nameoff = LoadBe32(blob_ + pos_ + 4);
        pos_ += 8;
        if (len > struct_end_ - pos_) return MakeError(DtError::kBadProperty);
        token.value = {blob_ + pos_, len};
        const uint64_t next = AlignUp4(uint64_t{pos_} + len);
        if (next > struct_end_) return MakeError(DtError::kBadStructure);
        pos_ = static_cast<uint32_t>(next);
        // The name is a NUL-terminated string inside the strings block (spec 5.5).
        if (nameoff >= strings_size_) return MakeError(DtError::kBadProperty);
        const uint8_t* name = blob_ + strings_off_ + nameoff;
        const uint32_t room = strings_size_ - nameoff;
        uint32_t name_len = 0;
        while (name_len < room && name[name_len] != '\0') ++name_len;
        if (name_len == room) return MakeError(DtError::kBadProperty);
        token.name = {name, name_len};
        return token;
      }
      default:
        return MakeError(DtError::kBadStructure);
    }
  }
}

}  // namespace tandem::xen::fdt
