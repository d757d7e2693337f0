"""ctypes declarations of libtandem_c (linux/capi/include/tandem_c.h) and the one place that
turns its int statuses into exceptions.

The library is loaded on first use, not at import, so `import tandem` and the exception classes
work (and `python3 -m tandem --help` prints) where it is missing. Which file: $TANDEM_C_LIBRARY
if set (the tests point it at a build with a fake Xen), else the dynamic linker's libtandem_c.so.1
(dom0's image has it in /usr/lib).
"""

import ctypes
import os
import threading

from . import errors

LIBRARY = "libtandem_c.so.1"
ABI_VERSION = 3  # TANDEM_C_ABI_VERSION this module was written against (2: call, events; 3: via)
OPEN_DIRECT = 1  # TANDEM_OPEN_DIRECT


class TandemError(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int32), ("rtos_status", ctypes.c_uint32),
                ("name", ctypes.c_char * 32), ("message", ctypes.c_char * 512),
                ("hint", ctypes.c_char * 512), ("reserved", ctypes.c_uint32 * 8)]


class TandemDomain(ctypes.Structure):
    _fields_ = [("domid", ctypes.c_uint32), ("published", ctypes.c_int32),
                ("boot_id", ctypes.c_uint64), ("name", ctypes.c_char * 68),
                ("channel", ctypes.c_char * 60), ("reserved", ctypes.c_uint32 * 8)]


class TandemIdentity(ctypes.Structure):
    _fields_ = [("domid", ctypes.c_uint32), ("generation", ctypes.c_uint32),
                ("boot_id", ctypes.c_uint64), ("name", ctypes.c_char * 68),
                ("reserved", ctypes.c_uint32 * 7)]


class TandemTaskStats(ctypes.Structure):
    _fields_ = [("index", ctypes.c_uint32), ("activations", ctypes.c_uint32),
                ("deadline_misses", ctypes.c_uint32), ("worst_response_us", ctypes.c_uint32),
                ("worst_execution_us", ctypes.c_uint32), ("has_worst_execution", ctypes.c_int32),
                ("name", ctypes.c_char * 36), ("reserved", ctypes.c_uint32 * 6)]


class TandemChannelCounters(ctypes.Structure):
    _fields_ = [("requests", ctypes.c_uint64), ("rejected", ctypes.c_uint64),
                ("broken", ctypes.c_uint64), ("notify_sent", ctypes.c_uint64),
                ("notify_received", ctypes.c_uint64), ("hypercalls", ctypes.c_uint64),
                ("boot_id", ctypes.c_uint64), ("generation", ctypes.c_uint32),
                ("state", ctypes.c_uint32), ("error", ctypes.c_uint32),
                ("reserved", ctypes.c_uint32 * 9)]


class TandemCallResult(ctypes.Structure):
    _fields_ = [("results", ctypes.c_uint32 * 4), ("result_count", ctypes.c_uint32),
                ("payload_len", ctypes.c_uint32), ("payload", ctypes.c_uint8 * 32),
                ("reserved", ctypes.c_uint32 * 6)]


class TandemEvent(ctypes.Structure):
    _fields_ = [("time_us", ctypes.c_uint64), ("kind", ctypes.c_uint32),
                ("source", ctypes.c_uint32), ("data_len", ctypes.c_uint32),
                ("data", ctypes.c_uint8 * 16), ("kind_name", ctypes.c_char * 28),
                ("reserved", ctypes.c_uint32 * 4)]


STRUCTS = {"tandem_error": TandemError, "tandem_call_result": TandemCallResult,
           "tandem_event": TandemEvent, "tandem_domain": TandemDomain,
           "tandem_identity": TandemIdentity, "tandem_task_stats": TandemTaskStats,
           "tandem_channel_counters": TandemChannelCounters}

_P = ctypes.POINTER
_u32, _i32, _size = ctypes.c_uint32, ctypes.c_int32, ctypes.c_size_t
_err = _P(TandemError)
# name: (restype, argtypes). Every operation returns int (TANDEM_OK or an Errc value).
SIGNATURES = {
    "tandem_abi_version": (_u32, []),
    "tandem_errc_name": (ctypes.c_char_p, [_i32]),
    "tandem_errc_count": (_i32, []),
    "tandem_sizeof": (_size, [ctypes.c_char_p]),
    "tandem_list_domains": (ctypes.c_int, [_P(TandemDomain), _size, _P(_size), _err]),
    "tandem_open": (ctypes.c_int, [ctypes.c_char_p, _u32, _P(ctypes.c_void_p), _err]),
    "tandem_close": (None, [ctypes.c_void_p]),
    "tandem_set_timeout": (ctypes.c_int, [ctypes.c_void_p, _u32, _err]),
    "tandem_get_identity": (ctypes.c_int, [ctypes.c_void_p, _P(TandemIdentity), _err]),
    "tandem_ping": (ctypes.c_int, [ctypes.c_void_p, _P(ctypes.c_uint64), _err]),
    "tandem_gpio_set": (ctypes.c_int, [ctypes.c_void_p, _u32, _u32, _err]),
    "tandem_gpio_get": (ctypes.c_int, [ctypes.c_void_p, _u32, _P(_u32), _err]),
    "tandem_gpio_toggle": (ctypes.c_int, [ctypes.c_void_p, _u32, _P(_u32), _err]),
    "tandem_gpio_configure": (ctypes.c_int, [ctypes.c_void_p, _u32, _i32, _u32, _err]),
    "tandem_get_task_stats": (ctypes.c_int, [ctypes.c_void_p, _i32, _P(TandemTaskStats), _size,
                                         _P(_size), _err]),
    "tandem_get_channel_counters": (ctypes.c_int, [ctypes.c_void_p, _P(TandemChannelCounters),
                                                  _err]),
    # ABI version 2 (issue 14): application commands and events.
    "tandem_call": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, _P(_u32), _size,
                                   ctypes.c_void_p, _size, _P(TandemCallResult), _err]),
    "tandem_events_subscribe": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p, _err]),
    "tandem_events_read": (ctypes.c_int, [ctypes.c_void_p, _P(TandemEvent), _size, _P(_size),
                                          _u32, _P(ctypes.c_uint64), _err]),
    # ABI version 3: the way to the RTOS (through tandemd or directly).
    "tandem_open_with": (ctypes.c_int, [ctypes.c_char_p, _u32, _u32, ctypes.c_char_p,
                                        _P(ctypes.c_void_p), _err]),
    "tandem_via": (ctypes.c_char_p, [ctypes.c_void_p]),
}

_lib = None
_lock = threading.Lock()


def library():
    """The loaded library, its signatures declared and its layout checked against ours."""
    global _lib
    with _lock:
        if _lib is None:
            _lib = _load(os.environ.get("TANDEM_C_LIBRARY") or LIBRARY)
        return _lib


def _load(path):
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise errors.LibraryNotFound(
            f"cannot load {path}: {e} (hint: dom0's image installs it in /usr/lib; elsewhere "
            f"build linux/capi and set TANDEM_C_LIBRARY to libtandem_c.so's path)") from None
    for name, (restype, argtypes) in SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    if lib.tandem_abi_version() < ABI_VERSION:
        raise errors.LibraryNotFound(f"{path} has C ABI version {lib.tandem_abi_version()}, "
                                     f"this package needs {ABI_VERSION} or later")
    for cname, cls in STRUCTS.items():
        if lib.tandem_sizeof(cname.encode()) != ctypes.sizeof(cls):
            raise errors.LibraryNotFound(f"{path}: {cname} is {lib.tandem_sizeof(cname.encode())}"
                                         f" bytes there, {ctypes.sizeof(cls)} here: mismatched "
                                         f"tandem_c.h and tandem/_capi.py")
    return lib


def text(raw):
    return raw.decode("utf-8", "replace")


def call(name, *args):
    """Calls operation `name` with a fresh tandem_error last; raises the matching exception."""
    err = TandemError()
    status = getattr(library(), name)(*args, ctypes.byref(err))
    if status != 0:
        raise errors.error_from(status, text(err.name), text(err.message), text(err.hint),
                                err.rtos_status)
