// The one printf-like formatter of freestanding code (no libc): the channel's messages, the Xen
// layer's XenStore values and the arm64 console all use it.
// Conversions: %s %c %d %i %u %x %X %p %%, length modifiers l, ll, z, flags '0' and '-', a
// decimal width. Unknown conversions are copied as written. Output is always NUL-terminated
// when size > 0 and truncated to fit. Format/FormatV return the length written (without NUL);
// FormatLength/FormatLengthV return the length the whole output has, as vsnprintf does, so a
// result >= size says the output was cut.
#ifndef TANDEM_FORMAT_H_
#define TANDEM_FORMAT_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

namespace tandem {
namespace format_internal {

class Sink {
 public:
  Sink(char* buf, size_t size) : buf_(buf), cap_(size == 0 ? 0 : size - 1) {}
  void Put(char c) {
    if (len_ < cap_) buf_[len_++] = c;
    ++total_;
  }
  void Pad(char c, int n) {
    for (; n > 0; --n) Put(c);
  }
  void Finish() {
    if (buf_ != nullptr) buf_[len_] = '\0';  // len_ <= size - 1
  }
  size_t written() const { return len_; }
  size_t total() const { return total_; }

 private:
  char* buf_;
  size_t cap_;
  size_t len_ = 0;
  size_t total_ = 0;
};

// `prefix` ("-" or "0x") stands before the zero padding and inside the space padding, as in
// printf's "%05d" -> "-0042" and "%8p" -> "  0x1000".
inline void Number(Sink& out, uint64_t value, const char* prefix, unsigned base, bool upper,
                   int width, bool zero, bool left) {
  char digits[24];
  int n = 0;
  const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits[n++] = set[value % base];
    value /= base;
  } while (value != 0);
  int len = n;
  for (const char* q = prefix; *q != '\0'; ++q) ++len;
  if (!left && !zero) out.Pad(' ', width - len);
  for (const char* q = prefix; *q != '\0'; ++q) out.Put(*q);
  if (!left && zero) out.Pad('0', width - len);
  while (n > 0) out.Put(digits[--n]);
  if (left) out.Pad(' ', width - len);
}

inline void Text(Sink& out, const char* text, int len, int width, bool left) {
  if (!left) out.Pad(' ', width - len);
  for (int i = 0; i < len; ++i) out.Put(text[i]);
  if (left) out.Pad(' ', width - len);
}

inline void Run(Sink& out, const char* fmt, va_list ap) {
  for (const char* p = fmt; *p != '\0'; ++p) {
    if (*p != '%') {
      out.Put(*p);
      continue;
    }
    const char* start = p++;
    bool zero = false, left = false;
    for (;; ++p) {
      if (*p == '0')
        zero = true;
      else if (*p == '-')
        left = true;
      else
        break;
    }
    int width = 0;
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    int longs = 0;
    bool size_t_arg = false;
    while (*p == 'l') ++longs, ++p;
    if (*p == 'z') size_t_arg = true, ++p;
    auto unsigned_arg = [&]() -> uint64_t {
      if (size_t_arg) return va_arg(ap, size_t);
      if (longs >= 2) return va_arg(ap, unsigned long long);
      if (longs == 1) return va_arg(ap, unsigned long);
      return va_arg(ap, unsigned int);
    };
    switch (*p) {
      case 'd':
      case 'i': {
        int64_t v = longs >= 2                 ? va_arg(ap, long long)
                    : longs == 1 || size_t_arg ? va_arg(ap, long)
                                               : va_arg(ap, int);
        const uint64_t mag = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : uint64_t(v);
        Number(out, mag, v < 0 ? "-" : "", 10, false, width, zero, left);
        break;
      }
      case 'u':
        Number(out, unsigned_arg(), "", 10, false, width, zero, left);
        break;
      case 'x':
      case 'X':
        Number(out, unsigned_arg(), "", 16, *p == 'X', width, zero, left);
        break;
      case 'p':
        Number(out, reinterpret_cast<uintptr_t>(va_arg(ap, void*)), "0x", 16, false, width, zero,
               left);
        break;
      case 'c': {
        const char c = static_cast<char>(va_arg(ap, int));
        Text(out, &c, 1, width, left);
        break;
      }
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (s == nullptr) s = "(null)";
        int len = 0;
        while (s[len] != '\0') ++len;
        Text(out, s, len, width, left);
        break;
      }
      case '%':
        out.Put('%');
        break;
      default:  // unknown or truncated conversion: copy it as written
        for (const char* q = start; q <= p && *q != '\0'; ++q) out.Put(*q);
        if (*p == '\0') {
          out.Finish();
          return;
        }
        break;
    }
  }
  out.Finish();
}

}  // namespace format_internal

inline size_t FormatV(char* buf, size_t size, const char* fmt, va_list ap) {
  format_internal::Sink out(size == 0 ? nullptr : buf, size);
  format_internal::Run(out, fmt, ap);
  return out.written();
}

inline size_t FormatLengthV(char* buf, size_t size, const char* fmt, va_list ap) {
  format_internal::Sink out(size == 0 ? nullptr : buf, size);
  format_internal::Run(out, fmt, ap);
  return out.total();
}

__attribute__((format(printf, 3, 4))) inline size_t Format(char* buf, size_t size, const char* fmt,
                                                           ...) {
  va_list ap;
  va_start(ap, fmt);
  const size_t n = FormatV(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

__attribute__((format(printf, 3, 4))) inline size_t FormatLength(char* buf, size_t size,
                                                                 const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const size_t n = FormatLengthV(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

}  // namespace tandem

#endif  // TANDEM_FORMAT_H_
