"""What ./main.sh shows of a boot: the console lines that are Tandem's own, and a closing summary
of what booted and what the showcase scenario (platform/scenarios/showcase.sh) measured.

Both read the console as text; neither is needed for the boot itself. The full console always
goes to the console log.
"""

import re
import time

# Milestones of Xen's and Linux's own boot, shown as one short line each.
_XEN_VERSION = re.compile(r"\(XEN\) Xen version (\S+) \(([^)]*)\)")
_XEN_SCHEDULER = re.compile(r"\(XEN\) Using scheduler: .*\((\w+)\)")
_LINUX_VERSION = re.compile(r"Linux version (\S+) .*?(#\d+ \S+ \S+ \S+ \S+)?(?: \(|$)")
# Lines that are Tandem's own, by source: the RTOS's console (through Xen's guest console),
# dom0's /init and the showcase scenario in dom0's shell; and anything that means a failure.
_SOURCES = ((re.compile(r"\(XEN\) DOM\d+: (.*)"), "rtos"),
            # Route xl: dom0's /init relays the RTOS's console as "[<name>] <line>".
            (re.compile(r"^\[[A-Za-z][\w.-]*\] (.*)"), "rtos"),
            (re.compile(r"(?:TANDEM-DOM0|SHOWCASE): (.*)"), "dom0"),
            (re.compile(r"(.*(?:Panic on CPU|Kernel panic|Could not set up domain).*)"), "FAIL"),
            (re.compile(r"\(XEN\) (.*(?:crash|Crash|FATAL).*)"), "xen"))


# Measurement lines for bench/eval (the RTOS's histograms each second, the boot timeline's
# milestones): in the console log, not on the quiet console.
_MEASUREMENT = re.compile(r"tandem-rt: hist |tandem-rt: milestone |TANDEM-DOM0: milestone ")


def milestone(line: str):
    """The short form of a boot milestone line, or None."""
    m = _XEN_VERSION.search(line)
    if m:
        return f"Xen {m.group(1)} ({m.group(2)}) started"
    m = _XEN_SCHEDULER.search(line)
    if m:
        return f"scheduler {m.group(1)}"
    m = _LINUX_VERSION.search(line)
    if m and "(XEN)" not in line:
        return f"dom0's Linux {m.group(1)} started"
    return None


def tandem_line(line: str):
    """(source, text) of a line that is Tandem's own or a milestone, or None."""
    if _MEASUREMENT.search(line):
        return None
    shown = milestone(line)
    if shown is not None:
        return ("xen" if "(XEN)" in line else "dom0", shown)
    for rx, source in _SOURCES:
        m = rx.search(line)
        if m:
            return source, m.group(1).rstrip()
    return None


class ConsoleView:
    """Console.echo filter for a quiet console: milestones and Tandem's lines, each with the
    seconds since QEMU started and where it comes from (xen, dom0, rtos)."""

    def __init__(self):
        self.t0 = time.monotonic()

    def __call__(self, line: str):
        shown = tandem_line(line)
        if shown is None:
            return None
        return f"{time.monotonic() - self.t0:6.1f}s  {shown[0]:<4}  {shown[1]}"


def _showcase_lines(text: str):
    """The showcase's output lines, without the prefix (one space of indent kept)."""
    return [m.group(1) for m in re.finditer(r"SHOWCASE: (.*?)\r?$", text, re.M)]


def _task_rows(lines, start):
    """Rows of the `tandemctl stats` table that begins after lines[start]: {name: (act, miss,
    worst)}. A WORST-EXEC-US column after them (protocol 1.5: a number, or - when the task's
    execution is not measured) is read past."""
    rows = {}
    for ln in lines[start + 1:]:
        if ln.startswith("$") or not ln.startswith("  "):
            break
        m = re.match(r"\s+\d+\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)(?:\s+(?:\d+|-))?\s*$", ln)
        if m:
            rows[m.group(1)] = tuple(int(g) for g in m.group(2, 3, 4))
    return rows


def _after(lines, command_re):
    """Index of the showcase's `$ command` line matching command_re, or None."""
    for i, ln in enumerate(lines):
        if ln.startswith("$ ") and re.search(command_re, ln):
            return i
    return None


def _bench(lines, kind):
    """(commands, commands/s, {stat: us}, notifications per command sent by Linux) of
    tandem-bench's `kind` phase (isolated or burst), or None."""
    for i, ln in enumerate(lines):
        m = re.match(rf"\s+{kind}: (\d+) commands in \S+ ms \((\d+) commands/s\)", ln)
        if not m:
            continue
        lat = {}
        per = None
        for nxt in lines[i + 1:i + 4]:
            if "latency us:" in nxt:
                lat = {k: v for k, v in re.findall(r"(\w+) ([\d.]+)", nxt.split(":", 1)[1])}
            n = re.search(r"Linux notifications: sent \d+ \(([\d.]+)/command\)", nxt)
            if n:
                per = n.group(1)
        return int(m.group(1)), int(m.group(2)), lat, per
    return None


def summary(text: str, platform, route: str, icount: str, qemu: str, console_log) -> list:
    """The closing summary of a showcase boot, as lines; what the console did not show is
    said to be missing rather than guessed."""
    missing = "(not seen on the console)"
    xen = _XEN_VERSION.search(text)
    sched = _XEN_SCHEDULER.search(text)
    linux = re.search(r"Linux version (\S+)", text)
    sc = _showcase_lines(text)
    name = platform.rtos_name

    # xl list / xl vcpu-list rows: name, domain id, and the pCPU each vCPU ran on.
    domid = where = None
    i = _after(sc, r"xl vcpu-list")
    if i is not None:
        cpus = {}
        for ln in sc[i + 1:]:
            if ln.startswith("$"):
                break
            m = re.match(r"\s+(\S+)\s+(\d+)\s+\d+\s+(\d+)\s+\S+\s+\S+\s+(\S+) / ", ln)
            if m:
                cpus[m.group(1)] = (m.group(2), m.group(3), m.group(4))
        if name in cpus:
            domid = cpus[name][0]
        where = ", ".join(f"{n} on pCPU {c} (hard affinity {a})" for n, (_, c, a) in cpus.items())

    booted = (f"Xen {xen.group(1)}" if xen else f"Xen {missing}")
    booted += f" ({sched.group(1)})" if sched else ""
    pool = platform.rtos_cpupool()
    if pool is not None:  # the source build: the RTOS's own pool (docs/platform.md, cpupools)
        booted += f" from Debian's source, {name} in cpupool {pool.name} ({pool.scheduler})"
    booted += f", dom0 Linux {linux.group(1)}" if linux else f", dom0 Linux {missing}"
    booted += f", {name} as domain {domid}" if domid else f", {name} {missing}"
    timing = f"instruction-counted guest time (-icount {icount})" if icount else \
        "guest time follows the host clock (no -icount)"
    out = [f"booted    {booted}, route {route}",
           f"machine   QEMU {qemu} {platform.machine.split(',')[0]}, {platform.smp} x {platform.cpu}, "
           f"{timing}",
           f"where     {where or missing}"]

    driven = re.search(r"DOM\d+: \S+: PL061 at (0x[0-9a-f]+), toggling pin (\d+) at (\S+ \S+)",
                       text)
    pins = ",".join(str(p) for p in platform.gpio_exported_pins) or "none"
    out.append(f"pins      PL061 at {platform.gpio_base:#x}: "
               + (f"pin {driven.group(2)} toggled by the RTOS at {driven.group(3)}; "
                  if driven else "")
               + f"pins {pins} exported to Linux over the channel")

    ping = next((m for m in (re.search(r"pong from .* in ([\d.]+ ms)", ln) for ln in sc) if m),
                None)
    iso, burst = _bench(sc, "isolated"), _bench(sc, "burst")
    channel = f"ping {ping.group(1)}" if ping else f"ping {missing}"
    if iso:
        n, _, lat, _ = iso
        channel += (f"; {n} isolated commands: p50 {lat.get('p50', '?')} us, "
                    f"p99 {lat.get('p99', '?')} us, max {lat.get('max', '?')} us")
    out.append(f"channel   {channel}")
    if burst:
        n, rate, _, per = burst
        out.append(f"          burst of {n}: {rate} commands/s, Linux notified the RTOS "
                   f"{per} times per command")

    first, last = _after(sc, r"stats --reset"), _after(sc, r"stats\s*$")
    boot_rows = _task_rows(sc, first) if first is not None else {}
    bench_rows = _task_rows(sc, last) if last is not None else {}
    misses = []
    for task, (act, miss, worst) in bench_rows.items():
        if miss or worst:  # a task with a deadline (the others report 0 for both)
            misses.append(f"{task} {miss} ({act} activations, worst response {worst} us)")
    out.append("misses    in the bench's window: " + ("; ".join(misses) or missing))
    if boot_rows:
        boot = "; ".join(f"{t} {m}" for t, (_, m, w) in boot_rows.items() if m or w) or "none"
        out.append(f"          from the RTOS's start to the reset (dom0 booting): {boot}")
    fails = re.search(r"SHOWCASE: (\d+) failure\(s\)", text)
    out.append(f"result    showcase: {fails.group(1) + ' failure(s)' if fails else missing}")
    out.append(f"log       the whole Xen and Linux console: {console_log}")
    return out
