// Body and StatusBody: what a scenario gives for a task, an ISR, a hook or the idle loop. On
// the host they are std::functions; here a callable is stored in place (no heap): function
// pointers and lambdas whose captures fit kSize bytes and are trivially copyable (the scenarios
// capture a name or references to locals of the TEST body, which outlive RunSystem).
#ifndef TANDEM_TESTS_TARGET_SCENARIOS_BODY_H_
#define TANDEM_TESTS_TARGET_SCENARIOS_BODY_H_

#include <stddef.h>

#include <new>
#include <type_traits>

#include "os.h"

namespace tandem::test {

template <typename... Args>
class InPlaceFunction {
 public:
  static constexpr size_t kSize = 32;

  InPlaceFunction() = default;
  InPlaceFunction(decltype(nullptr)) {}  // NOLINT: as std::function

  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, InPlaceFunction>>>
  InPlaceFunction(F f) {  // NOLINT: as std::function, implicit
    static_assert(sizeof(F) <= kSize && alignof(F) <= alignof(max_align_t),
                  "scenario body captures too much for the target runtime (kSize)");
    static_assert(std::is_trivially_copyable_v<F> && std::is_trivially_destructible_v<F>,
                  "the target runtime stores bodies by copying their bytes");
    ::new (static_cast<void*>(storage_)) F(f);
    call_ = [](const void* self, Args... args) { (*static_cast<const F*>(self))(args...); };
  }

  explicit operator bool() const { return call_ != nullptr; }
  void operator()(Args... args) const { call_(storage_, args...); }

 private:
  alignas(max_align_t) unsigned char storage_[kSize] = {};
  void (*call_)(const void*, Args...) = nullptr;
};

using Body = InPlaceFunction<>;
using StatusBody = InPlaceFunction<StatusType>;

}  // namespace tandem::test

#endif  // TANDEM_TESTS_TARGET_SCENARIOS_BODY_H_
