"""Target-test harness: one QEMU boot of Xen + dom0 + Tandem RT, shared by many checks.

Standard library only (the console/monitor drivers live in platform/tandem_platform/console.py).
A Boot owns QEMU: its serial console (dom0's shell and Xen's console, which share the PL011;
three Ctrl-A switch between them) and QEMU's HMP monitor on a unix socket for reading device
registers from outside both guests.
"""

import json
import pathlib
import re
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "platform"))
from tandem_platform import config, console, fetch, initramfs, system  # noqa: E402
from tandem_platform.console import CTRL_A, Fatal, Timeout  # noqa: E402,F401
from tandem_platform.util import PlatformError  # noqa: E402,F401

READY = "TANDEM-DOM0: ready"
# PL061 registers (ARM PrimeCell GPIO PL061 TRM, 3.3): DATA at 0x000-0x3fc is masked by address
# bits [9:2], so offset 0x3fc reads all eight pins; DIR at 0x400.
PL061_DATA = 0x3FC
PL061_DIR = 0x400

# What Xen buffers of the serial input for dom0 (xen/drivers/char/console.c, SERIAL_RX_SIZE):
# characters beyond it, typed before dom0 reads, are dropped without a trace, so a typed line
# (with its newline) must fit.
XEN_DOM0_INPUT_BYTES = 128
# Markers around each command's output, as shell functions typed once: printf builds each
# marker, so the shell's echo of the typed line never matches it, and the typed lines stay short.
MARKER_FUNCTIONS = "__tb(){ printf '%s_%s\\n' __TB $1; };__te(){ printf '%s_%s %s\\n' __TE $1 $2; }"


# A line Xen prints on the shared console (its own messages and, on route dom0less, the RTOS's
# vpl011 lines as "(XEN) DOMn: ..."). Xen prints each under its console lock, so it is whole,
# but it may land in the middle of a line dom0 is writing.
XEN_LINE = re.compile(r"\(XEN\) [^\n]*\n")


def dom0_text(text: str) -> str:
    """dom0's console output with Xen's lines cut out (and dom0's lines rejoined)."""
    return XEN_LINE.sub("", text.replace("\r", ""))


def last_json(text):
    """The last line of `text` that starts a JSON object (tandemctl/tandem-bench --json print
    one), parsed; None if there is none or it does not parse."""
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


class CheckFailed(AssertionError):
    pass


def require(cond, msg):
    if not cond:
        raise CheckFailed(msg)


class Boot:
    """Boots one route; use as a context manager. Records wall times in self.times."""

    def __init__(self, route, rtos_image, outdir=None, kernel_args="tandem.follow=0", timeout=120,
                 echo=False, conf=None, icount=None, xen_build=None, pacer=None, overlays=(),
                 gic_version=None):
        # tandem.follow=0: the RTOS console is read from xenconsoled's log on demand instead of
        # being copied onto dom0's console, where it would interleave with command output.
        self.route = route
        self.timeout = timeout
        self.times = {}
        t0 = time.monotonic()
        self.platform = config.load(conf, rtos_image=rtos_image, xen_build=xen_build,
                                    gic_version=gic_version)
        # The dom0 tools are cross-built against the arm64 sysroot the fetch unpacks: on a
        # fresh machine the first boot must fetch before it builds them. The checks need them.
        extra = []
        if route != "rtos-only":
            fetch.fetch()
            extra = initramfs.linux_tools(build=True, required=True)
        self.system = system.prepare(self.platform, route,
                                     outdir or REPO / "build" / "target" / route,
                                     rtos_image_given=True, build_rtos=False,
                                     extra_bins=extra, overlays=overlays,
                                     kernel_args=kernel_args, icount=icount, pacer=pacer)
        # Guest time counts instructions (QEMU -icount) instead of following the host clock: the
        # guest's deadlines then do not depend on how the host schedules QEMU.
        self.icount = self.platform.icount if icount is None else icount
        self.times["prepare"] = time.monotonic() - t0
        self.t_qemu = time.monotonic()
        self.con = console.Console(self.system.qemu_argv("stdio"), self.system.console_log,
                                   echo=echo)
        self.mon = None
        self._seq = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.mon:
            self.mon.close()
        self.con.close()

    def since_start(self) -> float:
        return time.monotonic() - self.t_qemu

    def monitor(self) -> console.Monitor:
        if self.mon is None:
            self.mon = console.Monitor(self.system.monitor)
        return self.mon

    def wait_ready(self):
        """Waits for dom0's /init to finish (toolstack up, RTOS started) and its shell."""
        if "dom0_ready" not in self.times:
            self.con.expect(READY, self.timeout, what=f"dom0 marker '{READY}'")
            self.times["dom0_ready"] = self.since_start()
            # The shell prints its banner and a prompt; busybox ash may ask the terminal for the
            # cursor position (ESC[6n) once, so give it a line of its own before real commands.
            self.con.expect(r"# ", 30, what="dom0 shell prompt")
            self.con.sendline("")
            self.con.sendline(MARKER_FUNCTIONS)
            self.sh("true", timeout=30, _ready=True)

    def wait_channel(self, wall_s, name=None):
        """Waits (wall_s wall seconds at most) until the RTOS named `name` (the platform's RTOS
        by default) has published its command channel: on route dom0less it gets XenStore only
        from dom0's init-dom0less, so it publishes after dom0's ready marker. Returns
        (status, output) of the last `tandemctl ping`: 0 once it answered, 4 (not published)
        if the time ran out, any other status as soon as it is seen."""
        name = name or self.platform.rtos_name
        deadline = time.monotonic() + wall_s
        while True:
            status, out = self.sh(f"tandemctl -d {name} -t 5000 ping", timeout=60, check=False)
            if status != 4 or time.monotonic() > deadline:
                return status, out
            time.sleep(1)

    def sh(self, cmd, timeout=30, check=True, _ready=False):
        """Runs cmd in dom0's shell (after waiting for dom0); returns (status, output).
        A command that would not fit Xen's input buffer for dom0 is refused here, before it is
        typed: define shell variables or functions in earlier calls to shorten it."""
        if not _ready:
            self.wait_ready()
        self._seq += 1
        n = self._seq
        line = f"__tb {n};{cmd};__te {n} $?"
        if len(line.encode()) + 1 > XEN_DOM0_INPUT_BYTES:
            raise CheckFailed(f"dom0 command too long to type ({len(line.encode()) + 1} bytes with "
                              f"its markers; Xen drops input beyond {XEN_DOM0_INPUT_BYTES}): "
                              f"{cmd!r}")
        begin = self.con.pos
        self.con.sendline(line)
        rx = re.compile(rf"__TB_{n}\n(.*?)__TE_{n} (\d+)\n", re.S)
        m = self.con.wait_for(lambda text: rx.search(dom0_text(text)), timeout,
                              what=f"output of `{cmd}`", start=begin)
        out = m.group(1)
        status = int(m.group(2))
        if check and status != 0:
            raise CheckFailed(f"dom0 `{cmd}` exited {status}:\n{out}")
        return status, out

    def console_input(self, want="Xen", tries=4):
        """Moves the console's input to "Xen", "DOM0" or "DOMn": three Ctrl-A step through
        dom0, each dom0less domain with a vpl011, then Xen (xen/drivers/char/console.c)."""
        seen = []
        for _ in range(tries):
            self.con.send(CTRL_A * 3)
            # Up to the " (type 'CTRL-a' ..." Xen prints after the name: the reader may have
            # only part of the line yet ("DO" of "DOM0"), which must not count as a switch.
            m = self.con.expect(r"\*\*\* Serial input to (\S+) \(", 10, what="console switch")
            seen.append(m.group(1).decode())
            if seen[-1] == want:
                return
        raise CheckFailed(f"console input never reached {want} after {tries} switches "
                          f"(it went to {', '.join(seen)})")

    def read_reg(self, offset) -> int:
        return self.monitor().read32(self.platform.gpio_base + offset)

    def rtos_lines(self, domid=None) -> list:
        """What the RTOS printed on Xen's console so far (routes dom0less and rtos-only: Xen
        prefixes each line of a dom0less domain's vpl011 with "(XEN) DOMn: ")."""
        rx = re.compile(r"\(XEN\) DOM%s: ([^\r\n]*)" % (domid if domid is not None else r"\d+"))
        return rx.findall(self.con.text())


def run_rtos_image(image, end, timeout=60, outdir=None, conf=None, gic_version=None):
    """Boots an RTOS image with no dom0 (route rtos-only) until its console matches the regex
    end; returns the RTOS's console lines. For OSEK scenario images on the real port: the image
    prints its checks and a final verdict line, the caller asserts on the lines.
    Raises Timeout/Fatal (with the console tail) when end never comes."""
    with Boot("rtos-only", image, outdir, timeout=timeout, conf=conf,
              gic_version=gic_version) as b:
        b.con.expect(r"\(XEN\) DOM\d+: [^\r\n]*" + end, timeout, what=f"RTOS line /{end}/")
        return b.rtos_lines()
