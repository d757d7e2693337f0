// Errors of libtandem: one code per thing a user can act on, a message that says what went wrong
// and where, and a hint that says what to do. tandemctl's exit status is the code's value, so the
// values are part of the CLI contract (docs/tandemctl.md) and never change meaning.
#ifndef LIBTANDEM_ERROR_H_
#define LIBTANDEM_ERROR_H_

#include <stdint.h>

#include <string>

#include "tandem/result.h"

namespace libtandem {

enum class Errc : uint8_t {
  kOk = 0,
  kInternal = 1,         // a bug in libtandem or tandemctl
  kUsage = 2,            // bad command line, or several Tandem domains and no --domain
  kDomainNotFound = 3,   // no domain with that name or id
  kNotPublished = 4,     // the domain exists but publishes no (valid) channel in XenStore
  kVersionMismatch = 5,  // the RTOS speaks another major protocol version
  kTimeout = 6,          // no answer within --timeout
  kRefused = 7,          // the RTOS answered with an error status (permission, bad argument)
  kXen = 8,              // a Xen library call failed (includes: not running on Xen)
  kDomainDown = 9,       // the domain is paused, shutting down or was destroyed
  kProtocol = 10,        // the RTOS broke the protocol or reset the channel mid-command
  kBusy = 11,            // another client holds the channel of this domain
  kRtosRestarted = 12,   // the RTOS is not the boot the session (or --expect-boot-id) knew
};

// Stable lower-case name, used in --json output ("domain-not-found", ...).
const char* ErrcName(Errc code);

struct Error {
  Errc code = Errc::kInternal;
  std::string message;  // what is wrong and where
  std::string hint;     // what to do (may be empty)
};

template <typename T>
using Result = tandem::Result<T, Error>;

inline tandem::Error<Error> Fail(Errc code, std::string message, std::string hint = {}) {
  return tandem::Error<Error>{Error{code, std::move(message), std::move(hint)}};
}

// Propagates the error of a failed Result (libtandem's TANDEM_TRY: Error is not a plain enum).
#define LIBTANDEM_TRY(expr)                                                                     \
  do {                                                                                          \
    auto&& libtandem_try_ = (expr);                                                             \
    if (!libtandem_try_.ok()) return tandem::Error<::libtandem::Error>{libtandem_try_.error()}; \
  } while (0)

}  // namespace libtandem

#endif  // LIBTANDEM_ERROR_H_
