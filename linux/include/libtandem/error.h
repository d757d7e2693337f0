// Errors of libtandem: one code per thing a user can act on, a message that says what went wrong
// and where, and a hint that says what to do. tandemctl's exit status is the code's value, so the
// values are part of the CLI contract (docs/tandemctl.md) and never change meaning.
#ifndef LIBTANDEM_ERROR_H_
#define LIBTANDEM_ERROR_H_

#include <stdint.h>

#include <string>
#include <utility>

#include "tandem/result.h"

namespace libtandem {

// The one table of the codes: enumerator, value (= tandemctl's exit status), stable lower-case
// name (--json's "code"), and what the status means in tandemctl's --help. The enum, ErrcName and
// the exit-status list of every --help are generated from it, so a new code is named and
// documented everywhere or nowhere. docs/tandemctl.md's table says the same at length.
#define LIBTANDEM_ERRC_TABLE(X)                                                                  \
  X(kOk, 0, "ok", "success")                                                                     \
  X(kInternal, 1, "internal", "internal error (a bug: please report it)")                        \
  X(kUsage, 2, "usage", "usage error, or several Tandem domains and no --domain")                \
  X(kDomainNotFound, 3, "domain-not-found", "domain not found")                                  \
  X(kNotPublished, 4, "channel-not-published",                                                   \
    "the domain publishes no (valid) Tandem channel in XenStore")                                \
  X(kVersionMismatch, 5, "version-mismatch",                                                     \
    "protocol version mismatch between tandemctl and the RTOS")                                  \
  X(kTimeout, 6, "timeout", "timeout: no answer within --timeout")                               \
  X(kRefused, 7, "refused", "refused by the RTOS (pin not exported, bad argument, unsupported)") \
  X(kXen, 8, "xen-error",                                                                        \
    "Xen error (not running in a Xen domain, xenstored unreachable, a Xen call failed)")         \
  X(kDomainDown, 9, "domain-down", "the domain is paused, shutting down or was destroyed")       \
  X(kProtocol, 10, "protocol-error",                                                             \
    "protocol error: the RTOS reset the channel or answered wrongly")                            \
  X(kBusy, 11, "busy", "busy: another client holds the channel")                                 \
  X(kRtosRestarted, 12, "rtos-restarted",                                                        \
    "the RTOS restarted: it is not the boot --expect-boot-id names")

enum class Errc : uint8_t {
#define LIBTANDEM_ERRC_ENUMERATOR(name, value, text, help) name = value,
  LIBTANDEM_ERRC_TABLE(LIBTANDEM_ERRC_ENUMERATOR)
#undef LIBTANDEM_ERRC_ENUMERATOR
};

struct ErrcInfo {
  Errc code;
  const char* name;  // ErrcName
  const char* help;  // one line of the exit-status list
};

// Every code, in value order (the exit statuses 0..N-1 with no gap: asserted in error.cc).
inline constexpr ErrcInfo kErrcTable[] = {
#define LIBTANDEM_ERRC_ROW(name, value, text, help) {Errc::name, text, help},
    LIBTANDEM_ERRC_TABLE(LIBTANDEM_ERRC_ROW)
#undef LIBTANDEM_ERRC_ROW
};

// Stable lower-case name, used in --json output ("domain-not-found", ...).
const char* ErrcName(Errc code);

struct Error {
  Errc code = Errc::kInternal;
  std::string message;  // what is wrong and where
  std::string hint;     // what to do (may be empty)
  // kRefused by the RTOS: its answer (tandem::channel::WireStatus), so callers such as the C ABI
  // (linux/capi) can tell "permission denied" from "hardware error" without parsing `message`.
  // 0 for every other error.
  uint32_t rtos_status = 0;
};

template <typename T>
using Result = tandem::Result<T, Error>;

// The failed side of any libtandem Result: a new error, or one already made (`Fail(r.error())`
// passes on the error of another Result when something must be undone first; otherwise
// LIBTANDEM_TRY says it shorter).
inline tandem::Error<Error> Fail(Error error) { return tandem::Error<Error>{std::move(error)}; }

inline tandem::Error<Error> Fail(Errc code, std::string message, std::string hint = {}) {
  return Fail(Error{code, std::move(message), std::move(hint)});
}

// Propagates the error of a failed Result (libtandem's TANDEM_TRY: Error is not a plain enum).
#define LIBTANDEM_TRY(expr)                                                     \
  do {                                                                          \
    auto&& libtandem_try_ = (expr);                                             \
    if (!libtandem_try_.ok()) return ::libtandem::Fail(libtandem_try_.error()); \
  } while (0)

}  // namespace libtandem

#endif  // LIBTANDEM_ERROR_H_
