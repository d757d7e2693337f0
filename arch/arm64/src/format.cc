// A small vsnprintf for the console: freestanding, no heap, no floating point.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/arm64/platform.h"

namespace tandem::arm64 {

namespace {

class Out {
 public:
  Out(char* buffer, size_t size) : buf_(buffer), size_(size) {}
  void Put(char c) {
    if (len_ + 1 < size_) buf_[len_] = c;
    ++len_;
  }
  void Finish() {
    if (size_ > 0) buf_[len_ < size_ ? len_ : size_ - 1] = '\0';
  }
  size_t len() const { return len_; }

 private:
  char* buf_;
  size_t size_;
  size_t len_ = 0;
};

void PutPadded(Out& out, const char* text, size_t len, unsigned width, bool left, char pad) {
  if (!left) {
    for (size_t i = len; i < width; ++i) out.Put(pad);
  }
  for (size_t i = 0; i < len; ++i) out.Put(text[i]);
  if (left) {
    for (size_t i = len; i < width; ++i) out.Put(' ');
  }
}

}  // namespace

size_t FormatV(char* buffer, size_t size, const char* format, va_list args) {
  Out out(buffer, size);
  for (const char* p = format; *p != '\0'; ++p) {
    if (*p != '%') {
      out.Put(*p);
      continue;
    }
    ++p;
    bool left = false;
    char pad = ' ';
    for (;; ++p) {
      if (*p == '-') {
        left = true;
      } else if (*p == '0') {
        pad = '0';
      } else {
        break;
      }
    }
    unsigned width = 0;
    while (*p >= '0' && *p <= '9') width = width * 10 + static_cast<unsigned>(*p++ - '0');
    int longs = 0;
    while (*p == 'l' || *p == 'z') {
      longs += *p == 'z' ? 2 : 1;
      ++p;
    }
    char digits[24];
    size_t n = 0;
    switch (*p) {
      case '\0':
        --p;
        break;
      case '%':
        out.Put('%');
        break;
      case 'c':
        digits[0] = static_cast<char>(va_arg(args, int));
        PutPadded(out, digits, 1, width, left, ' ');
        break;
      case 's': {
        const char* s = va_arg(args, const char*);
        if (s == nullptr) s = "(null)";
        size_t len = 0;
        while (s[len] != '\0') ++len;
        PutPadded(out, s, len, width, left, ' ');
        break;
      }
      case 'd':
      case 'i':
      case 'u':
      case 'x':
      case 'X':
      case 'p': {
        uint64_t v;
        bool negative = false;
        const bool is_signed = *p == 'd' || *p == 'i';
        if (*p == 'p') {
          v = reinterpret_cast<uintptr_t>(va_arg(args, void*));
        } else if (longs == 0) {
          if (is_signed) {
            const int x = va_arg(args, int);
            negative = x < 0;
            v = negative ? -static_cast<uint64_t>(static_cast<int64_t>(x))
                         : static_cast<uint64_t>(x);
          } else {
            v = va_arg(args, unsigned int);
          }
        } else {
          if (is_signed) {
            const long long x = va_arg(args, long long);
            negative = x < 0;
            v = negative ? -static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
          } else {
            v = va_arg(args, unsigned long long);
          }
        }
        const unsigned base = (*p == 'x' || *p == 'X' || *p == 'p') ? 16 : 10;
        const char* alphabet = *p == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        char tmp[24];
        do {
          tmp[n++] = alphabet[v % base];
          v /= base;
        } while (v != 0);
        size_t len = 0;
        if (negative) {
          if (pad == '0') {
            out.Put('-');
            if (width > 0) --width;
          } else {
            digits[len++] = '-';
          }
        }
        if (*p == 'p') {
          digits[len++] = '0';
          digits[len++] = 'x';
        }
        while (n > 0) digits[len++] = tmp[--n];
        PutPadded(out, digits, len, width, left, pad);
        break;
      }
      default:
        out.Put('%');
        out.Put(*p);
        break;
    }
  }
  out.Finish();
  return out.len();
}

}  // namespace tandem::arm64
