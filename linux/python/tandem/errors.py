"""tandem's exceptions: one class per libtandem error code, carrying the same number that
tandemctl exits with for the same failure (docs/tandemctl.md, "Exit status").

    try:
        rtos.gpio_set(5, 1)
    except tandem.PermissionDenied as e:   # a Refused, so also `except tandem.Refused`
        print(e.code, e.name, e.message)   # 7 refused the RTOS refused gpio set on pin 5: ...

The numbers and names are libtandem's Errc table (linux/include/libtandem/error.h); the tests
check these classes against the loaded library's table (tandem_errc_name), so a code added there
without a class here fails them.
"""

__all__ = ["Error", "InternalError", "UsageError", "DomainNotFound", "ChannelNotPublished",
           "VersionMismatch", "Timeout", "Refused", "XenError", "DomainDown", "ProtocolError",
           "Busy", "RtosRestarted", "PermissionDenied", "InvalidArgument", "Unsupported",
           "RtosBusy", "HardwareError", "LibraryNotFound", "error_from"]


class Error(Exception):
    """A failed operation. `code` is tandemctl's exit status for it, `name` its stable name
    (tandemctl --json's "code"), `message` what went wrong and where, `hint` what to do, and,
    for code 7, `rtos_status` the RTOS's answer (tandem/channel/ops.h WireStatus)."""

    code = None
    name = None

    def __init__(self, code, name, message, hint="", rtos_status=0):
        super().__init__(code, name, message)
        self.code, self.name, self.message = code, name, message
        self.hint, self.rtos_status = hint, rtos_status

    def __str__(self):
        return self.message + (f" (hint: {self.hint})" if self.hint else "")


def _code(value, name, doc):
    """A subclass of Error for one code."""
    return type(doc[0], (Error,), {"code": value, "name": name, "__doc__": doc[1]})


InternalError = _code(1, "internal", ("InternalError", "A bug in libtandem: please report it."))
UsageError = _code(2, "usage", ("UsageError", "A bad argument (pin, level, domain, timeout), "
                                              "or several Tandem domains and no domain given."))
DomainNotFound = _code(3, "domain-not-found", ("DomainNotFound", "No domain with that name or "
                                               "id, or no domain publishes a channel."))
ChannelNotPublished = _code(4, "channel-not-published", (
    "ChannelNotPublished", "The domain publishes no usable Tandem channel (dom0 included)."))
VersionMismatch = _code(5, "version-mismatch", ("VersionMismatch", "The RTOS speaks another "
                                                "major protocol version."))
Timeout = _code(6, "timeout", ("Timeout", "No answer within the timeout while the domain runs."))
Refused = _code(7, "refused", ("Refused", "The RTOS answered with an error status; the "
                               "subclasses say which (rtos_status)."))
XenError = _code(8, "xen-error", ("XenError", "Not in a Xen domain, xenstored unreachable, or a "
                                  "Xen library call failed."))
DomainDown = _code(9, "domain-down", ("DomainDown", "The domain is paused, shut down, dying or "
                                      "was destroyed."))
ProtocolError = _code(10, "protocol-error", ("ProtocolError", "The RTOS reset or froze the "
                                             "channel mid-command, or answered wrongly."))
Busy = _code(11, "busy", ("Busy", "Another client holds the channel for the whole timeout."))
RtosRestarted = _code(12, "rtos-restarted", ("RtosRestarted", "The RTOS is another boot than "
                                             "the session knew: what was set on it is lost. The "
                                             "command was not run; the next one runs."))

# Code 7 by the RTOS's answer (tandem/channel/ops.h WireStatus).
PermissionDenied = type("PermissionDenied", (Refused,), {
    "__doc__": "The RTOS does not export this (e.g. the pin) to Linux (WireStatus 5)."})
InvalidArgument = type("InvalidArgument", (Refused,), {
    "__doc__": "The RTOS found an argument, payload or flag out of range (WireStatus 2, 3, 4)."})
Unsupported = type("Unsupported", (Refused,), {
    "__doc__": "This RTOS image does not implement the command (WireStatus 1, 6)."})
RtosBusy = type("RtosBusy", (Refused,), {
    "__doc__": "The RTOS's handler cannot act now; retrying later may succeed (WireStatus 7)."})
HardwareError = type("HardwareError", (Refused,), {
    "__doc__": "The device did not do what was asked, e.g. set on an input pin (WireStatus 8)."})


class LibraryNotFound(ImportError):
    """libtandem_c.so could not be loaded (not an RTOS answer: no tandemctl status)."""


BY_CODE = {c.code: c for c in (InternalError, UsageError, DomainNotFound, ChannelNotPublished,
                               VersionMismatch, Timeout, Refused, XenError, DomainDown,
                               ProtocolError, Busy, RtosRestarted)}
REFUSED_BY_RTOS_STATUS = {1: Unsupported, 2: InvalidArgument, 3: InvalidArgument,
                          4: InvalidArgument, 5: PermissionDenied, 6: Unsupported, 7: RtosBusy,
                          8: HardwareError}


def error_from(code, name, message, hint="", rtos_status=0):
    """The exception for a status the library returned (an unknown code gives plain Error)."""
    cls = BY_CODE.get(code, Error)
    if cls is Refused:
        cls = REFUSED_BY_RTOS_STATUS.get(rtos_status, Refused)
    return cls(code, name, message, hint, rtos_status)
