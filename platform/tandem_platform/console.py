"""Drives a running QEMU: its serial console over pipes and its HMP monitor over a unix socket.

A tiny expect (standard library only): a reader thread appends everything QEMU prints to a
buffer and to the console log; expect() searches the buffer from a cursor, so checks read the
console in order and never miss output that arrived before they started waiting.
"""

import ctypes
import re
import signal
import socket
import subprocess
import sys
import threading
import time

from .util import PlatformError

CTRL_A = b"\x01"
# Failure signatures that end a wait at once instead of at the timeout.
FATAL = re.compile(r"Panic on CPU \d|Kernel panic - not syncing|TANDEM-DOM0: FAILED: [^\r\n]*"
                   r"|Could not set up domain[^\r\n]*")


def _die_with_parent():
    """QEMU gets SIGTERM when we die (e.g. killed by a ctest timeout): no orphaned emulator
    left spinning on CI's two cores (prctl(2) PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


class Timeout(PlatformError):
    pass


class Fatal(PlatformError):
    pass


class QemuExited(Fatal):
    """QEMU ended before what was awaited came (a Fatal: callers that only care about failure
    catch Fatal; platform/run gives it an exit status of its own)."""


class Console:
    """echo: False (nothing), True (everything QEMU prints, as it comes), or a function that
    gets each complete console line (str, no line end) and returns what to print for it, or
    None to print nothing."""

    def __init__(self, argv, log_path, echo=False):
        self.log = open(log_path, "wb")
        self.partial = b""
        self.buf = bytearray()
        self.pos = 0
        self.cv = threading.Condition()
        self.echo = echo
        self.t_start = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0,
                                     preexec_fn=_die_with_parent)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(65536) if hasattr(self.proc.stdout, "read1") \
                else self.proc.stdout.read(4096)
            if not chunk:
                break
            self.log.write(chunk)
            self.log.flush()
            if callable(self.echo):
                self._echo_lines(chunk)
            elif self.echo:
                sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
            with self.cv:
                self.buf += chunk
                self.cv.notify_all()
        if callable(self.echo) and self.partial:
            self._echo_lines(b"\n")  # the last line, which QEMU ended without a newline
        with self.cv:
            self.cv.notify_all()

    def _echo_lines(self, chunk):
        *lines, self.partial = (self.partial + chunk).split(b"\n")
        for raw in lines:
            shown = self.echo(raw.decode("utf-8", "replace").rstrip("\r"))
            if shown is not None:
                print(shown, flush=True)

    def text(self, start=0) -> str:
        with self.cv:
            return self.buf[start:].decode("utf-8", "replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def expect(self, pattern, timeout, fatal=FATAL, what=None):
        """Waits for pattern after the cursor; moves the cursor past the match.

        Raises Timeout (with the console tail), or Fatal when a failure signature or QEMU's
        exit comes first."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        frx = re.compile(fatal.pattern.encode()) if fatal is not None else None
        deadline = time.monotonic() + timeout
        what = what or f"/{rx.pattern.decode()}/"
        with self.cv:
            while True:
                m = rx.search(self.buf, self.pos)
                f = frx.search(self.buf, self.pos) if frx else None
                if m and (not f or m.start() < f.start()):
                    self.pos = m.end()
                    return m
                if f:
                    raise Fatal(f"{what}: failure on the console first: "
                                f"{f.group(0).decode(errors='replace')}\n{self._tail()}")
                left = deadline - time.monotonic()
                if not self.alive() and not self.reader.is_alive():
                    raise QemuExited(f"{what}: QEMU exited (status {self.proc.returncode}) first\n"
                                f"{self._tail()}")
                if left <= 0:
                    raise Timeout(f"{what}: not seen within {timeout:.0f} s\n{self._tail()}")
                self.cv.wait(min(left, 0.5))

    def wait_for(self, fn, timeout, what, start=None):
        """Waits until fn(console text from start) returns a true value and returns it; for
        matches that need the text rewritten first (e.g. Xen's lines cut out). Moves the cursor
        to the end of what was seen. Raises Timeout or Fatal like expect()."""
        start = self.pos if start is None else start
        frx = re.compile(FATAL.pattern.encode())
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                r = fn(self.buf[start:].decode("utf-8", "replace"))
                if r:
                    self.pos = len(self.buf)
                    return r
                f = frx.search(self.buf, start)
                if f:
                    raise Fatal(f"{what}: failure on the console first: "
                                f"{f.group(0).decode(errors='replace')}\n{self._tail()}")
                if not self.alive() and not self.reader.is_alive():
                    raise QemuExited(f"{what}: QEMU exited (status {self.proc.returncode}) first\n"
                                f"{self._tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Timeout(f"{what}: not seen within {timeout:.0f} s\n{self._tail()}")
                self.cv.wait(min(left, 0.5))

    def _tail(self, n=25) -> str:
        lines = self.buf.decode("utf-8", "replace").splitlines()[-n:]
        return "---- last console lines ----\n" + "\n".join(lines)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def sendline(self, line):
        self.send(line + "\n")

    def close(self, timeout=5):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(2)
        for pipe in (self.proc.stdin, self.proc.stdout):
            pipe.close()
        self.log.close()


class Monitor:
    """QEMU's human monitor (HMP) on a unix socket."""

    PROMPT = b"(qemu) "

    def __init__(self, path, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(str(path))
                break
            except OSError as e:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise PlatformError(f"QEMU monitor {path}: cannot connect: {e}") from None
                time.sleep(0.1)
        self.sock.settimeout(timeout)
        self._until_prompt()

    def _until_prompt(self) -> str:
        data = b""
        while not data.endswith(self.PROMPT):
            chunk = self.sock.recv(4096)
            if not chunk:
                raise PlatformError("QEMU monitor closed the connection")
            data += chunk
        return data[:-len(self.PROMPT)].decode(errors="replace")

    def command(self, cmd: str) -> str:
        self.sock.sendall(cmd.encode() + b"\n")
        out = self._until_prompt()
        # HMP echoes the command line (with terminal escapes) before its output.
        out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\x1b[A-Za-z]", "", out).replace("\r", "")
        lines = [ln for ln in out.split("\n") if ln.strip() and not ln.strip().endswith(cmd)]
        return "\n".join(lines)

    def read32(self, addr: int) -> int:
        """A guest-physical word read through the device model (`xp /1wx`)."""
        out = self.command(f"xp /1wx {addr:#x}")
        m = re.search(r"^\s*0*%x:\s+(0x[0-9a-fA-F]+)" % addr, out, re.M)
        if not m:
            raise PlatformError(f"monitor: unexpected answer to xp {addr:#x}: {out!r}")
        return int(m.group(1), 16)

    def close(self):
        self.sock.close()
