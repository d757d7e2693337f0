// FuzzInput: libFuzzer's bytes read as a script of decisions (one byte, a word, a run of bytes).
// Once the bytes run out every read returns zero or nothing, so a fuzzer never has to check the
// length before each decision; `empty()` tells it when to stop.
#ifndef TESTS_FUZZ_FUZZ_INPUT_H_
#define TESTS_FUZZ_FUZZ_INPUT_H_

#include <stddef.h>
#include <stdint.h>

#include <string>

namespace tandem::fuzz {

struct FuzzInput {
  const uint8_t* data;
  size_t size;
  bool empty() const { return size == 0; }
  uint8_t Byte() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
  uint32_t Word() {  // big-endian, so a corpus file reads as written
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | Byte();
    return v;
  }
  std::string Bytes(size_t n) {
    n = n < size ? n : size;
    std::string s(reinterpret_cast<const char*>(data), n);
    data += n;
    size -= n;
    return s;
  }
};

}  // namespace tandem::fuzz

#endif  // TESTS_FUZZ_FUZZ_INPUT_H_
