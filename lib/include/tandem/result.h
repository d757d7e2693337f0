// Result<T, E>: a value or an error, returned by value (no exceptions in freestanding code).
// In the spirit of Zircon's zx::result; E is a small enum of the calling layer.
// value() is only for an ok() result and error() only for a failed one: both are checked in debug
// builds (TANDEM_DEBUG_ASSERT), so reading the side that is not there stops at the caller's bug
// instead of returning a default-constructed value or error.
#ifndef TANDEM_RESULT_H_
#define TANDEM_RESULT_H_

#include <type_traits>
#include <utility>

#include "tandem/assert.h"

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
  constexpr const T& value() const& {
    TANDEM_DEBUG_ASSERT(ok_);
    return value_;
  }
  constexpr T& value() & {
    TANDEM_DEBUG_ASSERT(ok_);
    return value_;
  }
  constexpr E error() const {
    TANDEM_DEBUG_ASSERT(!ok_);
    return error_;
  }

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
  constexpr E error() const {
    TANDEM_DEBUG_ASSERT(!ok_);
    return error_;
  }

 private:
  bool ok_;
  E error_{};
};

}  // namespace tandem

// TANDEM_TRY(expr): return the error of a failed Result to the caller (a named Result is not
// copied).
#define TANDEM_TRY(expr)                                      \
  do {                                                        \
    auto&& tandem_try_result_ = (expr);                       \
    if (!tandem_try_result_.ok()) {                           \
      return ::tandem::MakeError(tandem_try_result_.error()); \
    }                                                         \
  } while (0)

#endif  // TANDEM_RESULT_H_
