// Result<T, E>: a value or an error, returned by value (no exceptions in freestanding code).
// In the spirit of Zircon's zx::result; E is a small enum of the calling layer.
#ifndef TANDEM_RESULT_H_
#define TANDEM_RESULT_H_

#include <type_traits>
#include <utility>

namespace tandem {

template <typename E>
struct Error {
  E code;
};

template <typename E>
constexpr Error<E> MakeError(E code) {
  return Error<E>{code};
}

template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  constexpr Result(T value) : ok_(true), value_(std::move(value)) {}  // NOLINT: implicit by design
  constexpr Result(Error<E> error) : ok_(false), error_(error.code) {}  // NOLINT
  constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr const T& value() const& { return value_; }
  constexpr T& value() & { return value_; }
  constexpr E error() const { return error_; }

 private:
  bool ok_;
  T value_{};
  E error_{};
};

// Result<void, E>: success or an error code.
template <typename E>
class [[nodiscard]] Result<void, E> {
 public:
  constexpr Result() : ok_(true) {}
  constexpr Result(Error<E> error) : ok_(false), error_(error.code) {}  // NOLINT
  constexpr bool ok() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr E error() const { return error_; }

 private:
  bool ok_;
  E error_{};
};

}  // namespace tandem

// TANDEM_TRY(expr): return the error of a failed Result to the caller.
#define TANDEM_TRY(expr)                                      \
  do {                                                        \
    auto tandem_try_result_ = (expr);                         \
    if (!tandem_try_result_.ok()) {                           \
      return ::tandem::MakeError(tandem_try_result_.error()); \
    }                                                         \
  } while (0)

#endif  // TANDEM_RESULT_H_
