"""P3: the demo's 1 kHz control task while dom0 is idle and under load. One dom0less boot (Xen
from source, the RTOS alone on its pCPU in a null-scheduler cpupool); for each load, dom0 starts
it in the background, `tandemctl stats --reset` opens a window, dom0 sleeps W guest seconds,
then the control task's figures (tandemctl stats) and its release-delay and response-time
histograms (the demo's "tandem-rt: hist" lines, once a guest second, since the reset) are read
before the load stops.
"""

import json
import re
import time

from common import REPO, conf_with_xen_args, progress
import boots
from report import percentile
import target  # tests/target/target.py (common puts it on sys.path)

# name -> (what it is, shell functions started in the background: each a short line, as typed
# into dom0's console). dom0 has one vCPU: a hog takes all of it that Linux gives.
LOADS = {
    "idle": ("dom0 idle", []),
    "cpu": ("two CPU hogs (busy shell loops)", ["h", "h"]),
    "memio": ("memory and I/O: 32 MiB written to tmpfs and removed, and /proc read, in loops",
              ["m", "p"]),
    "flood": ("a command flood: tandem-bench bursts of 10,000 pings, back to back", ["f"]),
    "busy": ("CPU hogs, memory + I/O and the command flood at once (everything but the "
             "storm)", ["h", "h", "m", "p", "f"]),
    "storm": ("an event storm: tandem-bench sending 100,000 bare notifications, again and again",
              ["s"]),
    "all": ("all of the above at once (the flood and the storm from one client: the channel "
            "takes one at a time)", ["h", "h", "m", "p", "a"]),
    # Issue 14: events from the RTOS at the highest rate the ring allows (the demo's
    # test-events command: its Background task posts as fast as the ring takes them) plus every
    # task switch's task-state event, read by `tandemctl watch` as fast as dom0 can.
    "events": ("an event stream: test-event and task-state events at the ring's rate, read by "
               "tandemctl watch", ["e"]),
}
QUICK_LOADS = ("idle", "all", "events")
# The long run (./eval.sh --long): 10^6 periods with dom0's CPU fully busy. QEMU emulates the
# CPU hogs at about 5 s of wall time per guest second (10^6 periods: about 1.5 hours); memory +
# I/O and the command flood take 20 s and more per guest second (6 hours and more), the storm's
# loads minutes. The short windows above cover those.
LONG_LOADS = ("cpu",)
# Loads with the event storm: dom0 enters Xen for every notification, which QEMU emulates far
# more slowly than plain instructions (a guest second of storm takes minutes of wall time), so
# their windows are at most this long.
STORM_LOADS = ("storm", "all")
STORM_SECONDS = 3
# The background jobs, defined once in dom0's shell. Each loops until killed.
FUNCTIONS = [
    "h(){ while :; do :; done; }",
    "m(){ while :; do dd if=/dev/zero of=/tmp/s bs=1M count=32 2>/dev/null; rm -f /tmp/s; done; }",
    "p(){ while :; do cat /proc/[0-9]*/stat >/dev/null 2>&1; done; }",
    "f(){ while :; do tandem-bench -d $N -n 1 -b 10000 -t 60000 >/dev/null 2>&1; done; }",
    "s(){ while :; do tandem-bench -d $N -n 1 -b 1 -S 100000 -t 60000 >/dev/null 2>&1; done; }",
    "a(){ while :; do tandem-bench -d $N -n 1 -b 10000 -S 100000 -t 60000 >/dev/null 2>&1; done; }",
    # One watcher until killed (SIGTERM: it prints its summary); the stream outlasts any window.
    # (two functions: Xen takes 128 bytes of console input at a time)
    "c(){ tandemctl -d $N call test-events 1000000 >/dev/null; }",
    "e(){ c && tandemctl -d $N -t 20000 --json watch -k test-event,task-state >/tmp/ev.json; }",
]
HIST = re.compile(r"tandem-rt: hist t=(\d+) (release|response)(\+?)((?: n=\d+ max=\d+:)?)"
                  r"((?: \d+:\d+)*)")


class LoadError(Exception):
    pass


def parse_histograms(lines):
    """{second: {name: {"n":, "max":, "bins": {us: count}}}} from the demo's hist lines."""
    out = {}
    for line in lines:
        m = HIST.search(line)
        if not m:
            continue
        t, name, cont, head, pairs = int(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(5)
        h = out.setdefault(t, {}).setdefault(name, {"n": 0, "max": 0, "bins": {}})
        if head and not cont:
            n, mx = re.findall(r"\d+", head)
            h["n"], h["max"] = int(n), int(mx)
        for pair in pairs.split():
            b, c = pair.split(":")
            h["bins"][int(b)] = int(c)
    return out


def difference(later, earlier):
    """The jobs between two cumulative histograms of one reset: bins, count and the highest
    non-empty bin (the window's worst, to 1 us; the last bin holds everything from 100 us)."""
    bins = {b: c - earlier["bins"].get(b, 0) for b, c in later["bins"].items()}
    bins = {b: c for b, c in bins.items() if c > 0}
    return {"n": later["n"] - earlier["n"], "max": max(bins, default=0), "bins": bins}


def parse_status(lines):
    """{second: deadline misses since power-on} from the demo's status lines."""
    return {t: row["misses"] for t, row in boots.status_rows(lines).items()}


def complete_seconds(hist):
    """Seconds whose both histograms are printed and followed by a later second's lines."""
    return [t for t in sorted(hist) if len(hist[t]) == 2 and any(u > t for u in hist)]


def window(lines, t_start, t_end):
    """The jobs of seconds (t_start, t_end]: the release and response histograms (the
    difference of the cumulative ones the demo prints) and the deadline misses (from the
    status lines); None until both seconds are complete on the console."""
    hist = parse_histograms(lines)
    status = parse_status(lines)
    done = complete_seconds(hist)
    if t_start not in done or t_end not in done or t_start not in status or t_end not in status:
        return None
    return {"from_second": t_start, "to_second": t_end,
            "release": difference(hist[t_end]["release"], hist[t_start]["release"]),
            "response": difference(hist[t_end]["response"], hist[t_start]["response"]),
            "misses": status[t_end] - status[t_start]}


def run(quick, seconds=None, timeout=1800, loads=None, pacer_us=None, boot_dir=None):
    """`pacer_us`: another interval for QEMU's pacer timer than the description's (the A/B
    that shows what the one-thread round robin puts into the release delay). `boot_dir`: the
    boot's files under build/eval/boots/ (default p3, or p3-pacerN)."""
    loads = loads or (QUICK_LOADS if quick else tuple(LOADS))
    seconds = seconds or (3 if quick else 10)
    progress(f"boot: dom0less for P3 ({', '.join(loads)}; {seconds} guest seconds each"
             f"{'' if pacer_us is None else f'; QEMU pacer every {pacer_us} us'})")
    t0 = time.monotonic()
    results = []
    outdir = REPO / "build/eval/boots" / (boot_dir or ("p3" if pacer_us is None
                                                       else f"p3-pacer{pacer_us}"))
    conf = conf_with_xen_args(outdir, pacer_us=pacer_us)
    with target.Boot("dom0less", str(REPO / "build/arm64/apps/demo/tandem-rt-demo.bin"),
                     outdir=outdir, icount="shift=0,sleep=off", conf=str(conf),
                     xen_build="source", timeout=timeout) as boot:
        pacer = boot.platform.icount_pacer_us
        boot.wait_ready()
        name = boot.platform.rtos_name
        status, out = boot.wait_channel(timeout / 4)
        if status != 0:
            raise LoadError(f"the RTOS's channel does not answer (tandemctl ping exited "
                            f"{status}):\n{out}")
        boot.sh(f"N={name}")
        for fn in FUNCTIONS:
            boot.sh(fn)
        for load in loads:
            what, jobs = LOADS[load]
            span = min(seconds, STORM_SECONDS) if load in STORM_LOADS else seconds
            # The window opens with the reset (the control task clears its histograms at its
            # next job); the channel is free for it because the load is not running yet.
            begin = len(boot.con.buf)
            status, out = boot.sh(f"tandemctl -d {name} stats --reset >/dev/null", check=False,
                                  timeout=300)
            if status != 0:
                raise LoadError(f"{load}: tandemctl stats --reset exited {status}:\n{out}")
            boot.sh("P=")
            for job in jobs:
                boot.sh(f"{job} & P=\"$P $!\"")
            # A second for the load to get going (and for the reset's own channel traffic),
            # then the window: whole seconds of the RTOS's status lines.
            boot.sh("sleep 1", timeout=120)
            t_start = _latest_second(boot, begin)
            boot.sh(f"sleep {span}", timeout=120 + span * 240)
            t_end = max(_latest_second(boot, begin), t_start + 1)
            w = _wait_window(boot, begin, t_start, t_end)
            # The loops stop, and what they started (a tandem-bench run holds the channel).
            boot.sh("kill $P 2>/dev/null; killall tandem-bench tandemctl dd cat 2>/dev/null; wait; "
                    "true", timeout=300)
            row = {"load": load, "what": what, "seconds": span, **w}
            if load == "events":
                row["events"] = _event_figures(boot, name)
            results.append(row)
            rel, rsp = w["release"], w["response"]
            progress(f"  {load}: {rel['n']:,} jobs, {w['misses']} misses; release p99 "
                     f"{percentile(rel, 0.99)} us max {rel['max']} us, response p99 "
                     f"{percentile(rsp, 0.99)} us max {rsp['max']} us")
    return {"icount": "shift=0,sleep=off", "xen": "source", "pacer_us": pacer, "loads": results,
            "wall_s": round(time.monotonic() - t0)}


def _event_figures(boot, name):
    """What the watcher of the "events" load read: events by kind, the RTOS's drops, and the
    RTOS time they span; then the stream is stopped (test-events 1: the newer wish wins)."""
    _, out = boot.sh("cat /tmp/ev.json; rm -f /tmp/ev.json", check=False, timeout=120)
    boot.sh(f"tandemctl -d {name} call test-events 1 >/dev/null", check=False, timeout=300)
    counts, times, summary = {}, [], None
    for line in out.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if obj.get("command") == "watch":
            summary = obj
        elif "time_us" in obj:
            counts[obj["event"]] = counts.get(obj["event"], 0) + 1
            times.append(obj["time_us"])
    if summary is None or not times:
        raise LoadError(f"events: the watcher printed no events or no summary:\n{out[-2000:]}")
    span = (max(times) - min(times)) / 1e6
    return {"read": counts, "dropped": summary["dropped"], "rtos_seconds": round(span, 3),
            "per_second": round(sum(counts.values()) / span) if span > 0 else 0}


def _latest_second(boot, begin, wait_s=120):
    """The latest second the RTOS's status lines have reached since `begin`."""
    deadline = time.monotonic() + wait_s
    while True:
        status = parse_status(boot.con.text(begin).splitlines())
        if status:
            return max(status)
        if time.monotonic() > deadline:
            raise LoadError(f"no RTOS status line on Xen's console within {wait_s} s")
        time.sleep(1)


def _wait_window(boot, begin, t_start, t_end, wait_s=180):
    deadline = time.monotonic() + wait_s
    while True:
        w = window(boot.con.text(begin).splitlines(), t_start, t_end)
        if w is not None:
            return w
        if time.monotonic() > deadline:
            raise LoadError(f"the RTOS's histograms of seconds {t_start} and {t_end} did not "
                            f"both appear on Xen's console within {wait_s} s")
        time.sleep(2)
