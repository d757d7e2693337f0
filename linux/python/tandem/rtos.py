"""Rtos (one open session with a Tandem RT domain), open() and list_domains(): tandemctl's
commands as Python calls over libtandem_c. Results are named tuples (`._asdict()` gives JSON)."""

import collections
import ctypes

from . import _capi, errors

__all__ = ["open", "list_domains", "Rtos", "Domain", "Identity", "TaskStats",
           "ChannelCounters", "CallResult", "Event", "DEFAULT_TIMEOUT_MS"]

DEFAULT_TIMEOUT_MS = 2000  # tandemctl --timeout's default

Domain = collections.namedtuple("Domain", "domid name published channel boot_id")
Identity = collections.namedtuple("Identity", "domid name boot_id generation")
TaskStats = collections.namedtuple(
    "TaskStats", "index name activations deadline_misses worst_response_us worst_execution_us")
ChannelCounters = collections.namedtuple(
    "ChannelCounters", "requests rejected broken notify_sent notify_received hypercalls "
                       "generation boot_id state error")
CallResult = collections.namedtuple("CallResult", "results payload")
Event = collections.namedtuple("Event", "time_us kind kind_name source data")


class EventList(list):
    """Rtos.events()'s answer: the events, and `dropped` (the RTOS's drops since subscribe)."""
    dropped = 0


def boot_id_text(boot_id):
    """16 hex digits, as tandemctl shows boot ids; "" for none (0)."""
    return f"{boot_id:016x}" if boot_id else ""


def list_domains():
    """Every domain but dom0 (`tandemctl list`), as Domain tuples; boot_id as text."""
    capacity = 64
    while True:
        out, count = (_capi.TandemDomain * capacity)(), ctypes.c_size_t()
        _capi.call("tandem_list_domains", out, capacity, ctypes.byref(count))
        if count.value <= capacity:
            return [Domain(d.domid, _capi.text(d.name), bool(d.published), _capi.text(d.channel),
                           boot_id_text(d.boot_id)) for d in out[:count.value]]
        capacity = count.value


def open(domain=None, timeout_ms=DEFAULT_TIMEOUT_MS, direct=False,  # noqa: A001 (as io.open)
         socket_dir=None):
    """Opens a link to an RTOS domain: a name, an id (int or digits) or None for the only
    domain that publishes a channel (tandemctl's --domain rule). `timeout_ms` bounds the open and
    then each command. Through tandemd when it serves the domain (docs/daemon.md), so that other
    programs keep using the RTOS meanwhile; `direct=True`: a session of its own (tandemctl
    --direct). `socket_dir`: where tandemd's sockets are (default /run/tandem). Use it as a
    context manager, or call close()."""
    return Rtos(domain, timeout_ms, direct=direct, socket_dir=socket_dir)


class Rtos:
    """One persistent link: through tandemd, or a session of its own (libtandem's Session) whose
    every call reuses the mapped channel (`via` says which). Not for use by several threads at
    once. A restart of the RTOS is reported once, as tandem.RtosRestarted from the next call; the
    call after that runs."""

    def __init__(self, domain=None, timeout_ms=DEFAULT_TIMEOUT_MS, direct=False, socket_dir=None):
        self._handle = None
        if domain is not None and not isinstance(domain, (str, int)) or isinstance(domain, bool):
            raise _usage(f"domain must be a name, an id or None, not {domain!r}")
        if socket_dir is not None and not isinstance(socket_dir, str):
            raise _usage(f"socket_dir must be a path or None, not {socket_dir!r}")
        handle = ctypes.c_void_p()
        arg = None if domain is None else str(domain).encode()
        flags = _capi.OPEN_DIRECT if direct else 0
        sockets = None if socket_dir is None else socket_dir.encode()
        _capi.call("tandem_open_with", arg, timeout_ms, flags, sockets, ctypes.byref(handle))
        self._handle = handle

    @property
    def via(self):
        """"direct", or the path of the tandemd socket this link goes through."""
        return _capi.library().tandem_via(self._h()).decode()

    def close(self):
        """Ends the session or tandemd's connection (idempotent): a direct session frees the
        channel for the next client."""
        if self._handle is not None:
            _capi.library().tandem_close(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone already
            pass

    def _h(self):
        if self._handle is None:
            raise ValueError("this Rtos session is closed")
        return self._handle

    def __repr__(self):
        if self._handle is None:
            return "<tandem.Rtos closed>"
        i = self.identity()
        return f"<tandem.Rtos {i.name or '-'} (domain {i.domid}) boot {i.boot_id or '-'}>"

    def set_timeout(self, timeout_ms):
        """How long each later command may take (1..600000 ms)."""
        _capi.call("tandem_set_timeout", self._h(), timeout_ms)

    def identity(self):
        """Which RTOS this session talks to: Identity(domid, name, boot_id, generation)."""
        out = _capi.TandemIdentity()
        _capi.call("tandem_get_identity", self._h(), ctypes.byref(out))
        return Identity(out.domid, _capi.text(out.name), boot_id_text(out.boot_id),
                        out.generation)

    def ping(self):
        """One round trip (the RTOS echoes a payload); returns its time in seconds."""
        rtt = ctypes.c_uint64()
        _capi.call("tandem_ping", self._h(), ctypes.byref(rtt))
        return rtt.value / 1e9

    def gpio_set(self, pin, level):
        """Drives an exported output pin to 0 or 1."""
        _capi.call("tandem_gpio_set", self._h(), _u32(pin, "pin"), _u32(level, "level"))

    def gpio_get(self, pin):
        """Reads a pin: 0 or 1."""
        level = ctypes.c_uint32()
        _capi.call("tandem_gpio_get", self._h(), _u32(pin, "pin"), ctypes.byref(level))
        return level.value

    def gpio_toggle(self, pin):
        """Inverts an output pin; returns its new level."""
        level = ctypes.c_uint32()
        _capi.call("tandem_gpio_toggle", self._h(), _u32(pin, "pin"), ctypes.byref(level))
        return level.value

    def gpio_configure(self, pin, direction, level=0):
        """Makes a pin an input ("in") or an output ("out", starting at `level`)."""
        if direction not in ("in", "out"):
            raise _usage(f"direction must be 'in' or 'out', not {direction!r}")
        _capi.call("tandem_gpio_configure", self._h(), _u32(pin, "pin"),
                   1 if direction == "out" else 0, _u32(level, "level"))

    def stats(self, reset=False):
        """Every task's figures (`tandemctl stats`), as TaskStats tuples; worst_execution_us is
        None where the RTOS predates protocol 1.5. reset=True has the RTOS clear them as it
        reads them (`stats --reset`: a measurement window)."""
        capacity = 256  # libtandem's bound on the task count: one call reads (and resets) all
        out, count = (_capi.TandemTaskStats * capacity)(), ctypes.c_size_t()
        _capi.call("tandem_get_task_stats", self._h(), 1 if reset else 0, out, capacity,
                   ctypes.byref(count))
        return [TaskStats(t.index, _capi.text(t.name), t.activations, t.deadline_misses,
                          t.worst_response_us,
                          t.worst_execution_us if t.has_worst_execution else None)
                for t in out[:min(count.value, capacity)]]

    def channel_counters(self):
        """The counters the RTOS publishes on its response page (`tandemctl stats`, Channel)."""
        c = _capi.TandemChannelCounters()
        _capi.call("tandem_get_channel_counters", self._h(), ctypes.byref(c))
        return ChannelCounters(c.requests, c.rejected, c.broken, c.notify_sent,
                               c.notify_received, c.hypercalls, c.generation,
                               boot_id_text(c.boot_id), c.state, c.error)

    def call(self, command, *args, payload=b""):
        """Runs the RTOS application's command `command` by name (`tandemctl call`), its
        arguments checked against the limits the RTOS publishes (docs/app-commands.md).
        Returns CallResult(results, payload)."""
        words = [_u32(a, f"{command} argument {i + 1}") for i, a in enumerate(args)]
        data = bytes(payload)
        arr = (ctypes.c_uint32 * max(len(words), 1))(*words)
        out = _capi.TandemCallResult()
        _capi.call("tandem_call", self._h(), command.encode(), arr, len(words), data or None,
                   len(data), ctypes.byref(out))
        return CallResult(list(out.results[:out.result_count]),
                          bytes(out.payload[:out.payload_len]))

    def subscribe(self, kinds=None):
        """Asks for events from now on (`tandemctl watch --kinds`): a list or comma-separated
        string of kind names, or "all"; None: every kind but task-state (docs/events.md)."""
        if kinds is not None and not isinstance(kinds, str):
            kinds = ",".join(kinds)
        _capi.call("tandem_events_subscribe", self._h(),
                   None if kinds is None else kinds.encode())

    def events(self, wait_ms=1000, max_events=64):
        """The events that arrived, oldest first, waiting up to `wait_ms` for the first; []
        when none came. Each an Event(time_us, kind, kind_name, source, data). `dropped` on
        the returned list: events the RTOS dropped since subscribe() (its ring was full)."""
        out, count, dropped = (_capi.TandemEvent * max_events)(), ctypes.c_size_t(), \
            ctypes.c_uint64()
        _capi.call("tandem_events_read", self._h(), out, max_events, ctypes.byref(count),
                   _u32(wait_ms, "wait_ms"), ctypes.byref(dropped))
        got = EventList(Event(e.time_us, e.kind, _capi.text(e.kind_name), e.source,
                              bytes(e.data[:e.data_len])) for e in out[:count.value])
        got.dropped = dropped.value
        return got


def _u32(value, what):
    """A Python int for a uint32_t argument: ctypes would silently wrap -1 to 4294967295."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFFFFFF:
        raise _usage(f"{what} must be a non-negative integer, not {value!r}")
    return value


def _usage(message):
    """What the library says of a bad argument, for those Python must check first."""
    return errors.UsageError(2, "usage", message)
