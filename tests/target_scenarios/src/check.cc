// Test registration and the EXPECT_* failure record on the target (check.h).
#include "tandem_scenarios/check.h"

#include <stdarg.h>

#include "runtime.h"
#include "tandem/format.h"
#include "tandem_scenarios/string.h"

namespace tandem::test::target {
namespace {

TestInfo* g_first = nullptr;
TestInfo* g_last = nullptr;
char g_failure[256];
int g_failures = 0;

const char* OpText(Op op) {
  switch (op) {
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
  }
  return "?";
}

void Format(char* out, size_t size, const char* format, ...) {
  va_list args;
  va_start(args, format);
  tandem::FormatV(out, size, format, args);
  va_end(args);
}

void FormatValue(char* out, size_t size, Value v) {
  if (v.is_signed) {
    Format(out, size, "%lld", static_cast<long long>(v.s));
  } else {
    Format(out, size, "%llu", static_cast<unsigned long long>(v.u));
  }
}

}  // namespace

const char* BaseName(const char* path) {
  const char* base = path;
  for (const char* p = path; *p != '\0'; ++p) {
    if (*p == '/') base = p + 1;
  }
  return base;
}

bool SameText(const char* a, const char* b) {
  if (a == nullptr || b == nullptr) return a == b;
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

void Register(TestInfo* info) {
  info->next = nullptr;
  if (g_last == nullptr) {
    g_first = info;
  } else {
    g_last->next = info;
  }
  g_last = info;
}

TestInfo* FirstTest() { return g_first; }

void BeginTest() {
  g_failures = 0;
  g_failure[0] = '\0';
}
bool TestFailed() { return g_failures != 0; }
const char* FirstFailure() { return g_failure; }
int FailureCount() { return g_failures; }

void Fail(const char* format, ...) {
  va_list args;
  va_start(args, format);
  FailV(format, args);
  va_end(args);
}

void FailV(const char* format, va_list args) {
  if (g_failures++ != 0) return;
  tandem::FormatV(g_failure, sizeof(g_failure), format, args);
}

bool CheckOp(Op op, Value a, Value b, const char* a_text, const char* b_text, const char* file,
             int line) {
  const int c = Compare(a, b);
  bool ok = false;
  switch (op) {
    case Op::kEq:
      ok = c == 0;
      break;
    case Op::kNe:
      ok = c != 0;
      break;
    case Op::kLt:
      ok = c < 0;
      break;
    case Op::kLe:
      ok = c <= 0;
      break;
    case Op::kGt:
      ok = c > 0;
      break;
    case Op::kGe:
      ok = c >= 0;
      break;
  }
  if (!ok) {
    char av[24];
    char bv[24];
    FormatValue(av, sizeof(av), a);
    FormatValue(bv, sizeof(bv), b);
    Fail("%s:%d: check %s %s %s expected %s %s got %s", BaseName(file), line, a_text, OpText(op),
         b_text, OpText(op), av, bv);
  }
  return ok;
}

bool CheckBool(bool expected, bool got, const char* text, const char* file, int line) {
  if (expected != got) {
    Fail("%s:%d: check %s expected %s got %s", BaseName(file), line, text,
         expected ? "true" : "false", got ? "true" : "false");
  }
  return expected == got;
}

bool CheckStrings(bool equal, const char* a, const char* b, const char* a_text, const char* b_text,
                  const char* file, int line) {
  const bool same = SameText(a, b);
  if (same != equal) {
    Fail("%s:%d: check %s %s %s expected %s got %s", BaseName(file), line, a_text,
         equal ? "==" : "!=", b_text, a != nullptr ? a : "(null)", b != nullptr ? b : "(null)");
  }
  return same == equal;
}

}  // namespace tandem::test::target

namespace tandem::test {

String ToString(long long value) {
  char text[24];
  target::Format(text, sizeof(text), "%lld", value);
  return String(text);
}

String ToString(unsigned long long value) {
  char text[24];
  target::Format(text, sizeof(text), "%llu", value);
  return String(text);
}

}  // namespace tandem::test
