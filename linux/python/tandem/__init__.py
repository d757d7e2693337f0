"""tandem: talk to Tandem RT from Linux dom0 in Python (docs/python.md).

    import tandem
    with tandem.open() as rtos:            # the only RTOS domain; or open("tandem-rt"), open(1)
        print(rtos.ping())                 # round-trip time, seconds
        rtos.gpio_configure(1, "out")
        rtos.gpio_set(1, 1)
        print(rtos.gpio_get(1))            # 1
        try:
            rtos.gpio_set(5, 1)            # not exported to Linux
        except tandem.PermissionDenied as e:
            print(e.code, e.name)          # 7 refused: tandemctl's exit status for it

The same operations as tandemctl, over libtandem_c.so (a C ABI over libtandem) through ctypes,
and every failure an exception whose `code` is tandemctl's exit status (tandem.errors).
"""

from .errors import *  # noqa: F401,F403 (the exception classes are part of the package)
from .errors import __all__ as _errors_all
from .rtos import (DEFAULT_TIMEOUT_MS, CallResult, ChannelCounters, Domain, Event, Identity,
                   Rtos, TaskStats, list_domains, open)

__version__ = "1.0"
__all__ = ["open", "list_domains", "Rtos", "Domain", "Identity", "TaskStats", "ChannelCounters",
           "CallResult", "Event", "DEFAULT_TIMEOUT_MS", *_errors_all]
