// The GoogleTest subset the scenario sources use, on the target: TEST_F registers a test through
// a static constructor (the arm64 boot runs .init_array before main), EXPECT_* record the first
// failure of the running test and continue, ASSERT_* also return from the enclosing function.
#ifndef TANDEM_TESTS_TARGET_SCENARIOS_CHECK_H_
#define TANDEM_TESTS_TARGET_SCENARIOS_CHECK_H_

#include <stdarg.h>
#include <stdint.h>

#include <type_traits>
#include <utility>

namespace tandem::test::target {

struct TestInfo {
  const char* fixture;
  const char* name;
  void (*run)();
  TestInfo* next;
};

// Appends to the list the runner walks in definition order.
void Register(TestInfo* info);
struct Registrar {
  explicit Registrar(TestInfo* info) { Register(info); }
};

// Marks the running test failed; the first failure's text is what the runner prints.
void Fail(const char* format, ...) __attribute__((format(printf, 1, 2)));
void FailV(const char* format, va_list args);

// Values of the checked expressions, as integers (the scenarios compare statuses, task ids,
// levels and counts).
struct Value {
  bool is_signed;
  int64_t s;
  uint64_t u;
};
template <typename T>
Value ToValue(T v) {
  if constexpr (std::is_enum_v<T>) {
    return ToValue(static_cast<std::underlying_type_t<T>>(v));
  } else if constexpr (std::is_same_v<T, bool>) {
    return Value{false, 0, v ? 1u : 0u};
  } else {
    static_assert(std::is_integral_v<T>, "target checks compare integers only");
    if constexpr (std::is_signed_v<T>) {
      return Value{true, static_cast<int64_t>(v), 0};
    } else {
      return Value{false, 0, static_cast<uint64_t>(v)};
    }
  }
}
// -1, 0, 1 as a <, ==, > b, exact across signedness (std::cmp_*).
inline int Compare(Value a, Value b) {
  if (a.is_signed && b.is_signed) return a.s < b.s ? -1 : a.s > b.s;
  if (!a.is_signed && !b.is_signed) return a.u < b.u ? -1 : a.u > b.u;
  if (a.is_signed) return std::cmp_less(a.s, b.u) ? -1 : std::cmp_greater(a.s, b.u);
  return std::cmp_less(a.u, b.s) ? -1 : std::cmp_greater(a.u, b.s);
}

enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
bool CheckOp(Op op, Value a, Value b, const char* a_text, const char* b_text, const char* file,
             int line);
template <typename A, typename B>
bool Check(Op op, const A& a, const B& b, const char* a_text, const char* b_text, const char* file,
           int line) {
  return CheckOp(op, ToValue(a), ToValue(b), a_text, b_text, file, line);
}
bool CheckBool(bool expected, bool got, const char* text, const char* file, int line);
bool CheckStrings(bool equal, const char* a, const char* b, const char* a_text, const char* b_text,
                  const char* file, int line);

}  // namespace tandem::test::target

#define TANDEM_TARGET_CHECK(op, a, b)                                                       \
  ::tandem::test::target::Check(::tandem::test::target::Op::op, (a), (b), #a, #b, __FILE__, \
                                __LINE__)
#define EXPECT_EQ(a, b) TANDEM_TARGET_CHECK(kEq, a, b)
#define EXPECT_NE(a, b) TANDEM_TARGET_CHECK(kNe, a, b)
#define EXPECT_LT(a, b) TANDEM_TARGET_CHECK(kLt, a, b)
#define EXPECT_LE(a, b) TANDEM_TARGET_CHECK(kLe, a, b)
#define EXPECT_GT(a, b) TANDEM_TARGET_CHECK(kGt, a, b)
#define EXPECT_GE(a, b) TANDEM_TARGET_CHECK(kGe, a, b)
#define EXPECT_TRUE(c) ::tandem::test::target::CheckBool(true, (c), #c, __FILE__, __LINE__)
#define EXPECT_FALSE(c) ::tandem::test::target::CheckBool(false, (c), #c, __FILE__, __LINE__)
#define EXPECT_STREQ(a, b) \
  ::tandem::test::target::CheckStrings(true, (a), (b), #a, #b, __FILE__, __LINE__)
#define EXPECT_STRNE(a, b) \
  ::tandem::test::target::CheckStrings(false, (a), (b), #a, #b, __FILE__, __LINE__)
#define ASSERT_EQ(a, b) \
  if (!EXPECT_EQ(a, b)) return
#define ASSERT_NE(a, b) \
  if (!EXPECT_NE(a, b)) return
#define ASSERT_TRUE(c) \
  if (!EXPECT_TRUE(c)) return
#define ASSERT_FALSE(c) \
  if (!EXPECT_FALSE(c)) return

// TEST_F(Fixture, Name) { body }: a class deriving from the fixture, a runner that constructs it
// and calls SetUp, the body and TearDown, and its registration.
#define TEST_F(fixture, name)                                                                     \
  class fixture##_##name##_Test : public fixture {                                                \
   public:                                                                                        \
    static void Run() {                                                                           \
      fixture##_##name##_Test t;                                                                  \
      t.SetUp();                                                                                  \
      t.TestBody();                                                                               \
      t.TearDown();                                                                               \
    }                                                                                             \
    void TestBody();                                                                              \
  };                                                                                              \
  ::tandem::test::target::TestInfo fixture##_##name##_info{                                       \
      #fixture, #name, &fixture##_##name##_Test::Run, nullptr};                                   \
  const ::tandem::test::target::Registrar fixture##_##name##_registrar{&fixture##_##name##_info}; \
  void fixture##_##name##_Test::TestBody()

#endif  // TANDEM_TESTS_TARGET_SCENARIOS_CHECK_H_
