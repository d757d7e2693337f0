"""The kernel's scheduling trace on a real boot (issue 14 part 5, docs/trace.md): `tandemctl
trace --out FILE` in dom0 against the demo (built with TRACE), the file brought out of dom0
(gzip + base64 over the console, checked by its md5) and read with Python's json: one named
track per task and ISR of the demo, slices where the demo's 1 kHz Control runs, the tick with
its ControlPeriod expiries. Registered with checks.check in group "apps", so it runs in
target_apps_xl's boot (`run_target_tests.py --route xl --group apps --check trace_file`)."""

import base64
import gzip
import hashlib
import json
import pathlib
import re

from checks import _tandemctl, _wall, check
from target import require

# demo.oil with command_server.oil: every TASK and ISR (ISR tracks are named "ISR <name>").
DEMO_TASKS = ("FirstTask", "Control", "Status", "Background", "ChannelServer")
DEMO_ISRS = ("XenEvents",)
TRACE_FILE = "/tmp/t.json"


def _fetch(boot, path, seconds):
    """The file's bytes, through the dom0 console: gzip, base64, then its md5 to compare."""
    status, out = boot.sh(f"gzip -9 -c {path} | base64; md5sum {path}", timeout=seconds,
                          check=False)
    require(status == 0, f"gzip/base64 of {path} in dom0 exited {status}:\n{out[-2000:]}")
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    m = re.match(r"([0-9a-f]{32})\s", lines[-1]) if lines else None
    require(m, f"no md5sum line at the end of the output:\n{out[-500:]}")
    data = gzip.decompress(base64.b64decode("".join(lines[:-1])))
    require(hashlib.md5(data).hexdigest() == m.group(1),
            f"{path}: {len(data)} bytes came through the console altered (md5 differs)")
    return data


@check("xl", group="apps")
def trace_file(boot, prof):
    require(prof["channel"], "the image has no command channel")
    status, out = boot.wait_channel(_wall(boot, 20))  # as channel_ping: it may be late
    require(status == 0, f"tandemctl ping exited {status}:\n{out}")
    status, obj, out = _tandemctl(boot, f"trace --out {TRACE_FILE}", timeout_ms=30000)
    require(status == 0 and obj and obj.get("ok"), f"tandemctl trace exited {status}:\n{out}")
    require(obj["records"] > 100, f"only {obj['records']} records in the trace:\n{out}")
    data = _fetch(boot, TRACE_FILE, _wall(boot, 120))
    # Kept beside the console log, for Perfetto and for whoever reads a failure.
    saved = pathlib.Path(boot.system.console_log).parent / "trace.json"
    saved.write_bytes(data)
    doc = json.loads(data)
    events = doc["traceEvents"]
    require(events, "no traceEvents")

    names = {e["tid"]: e["args"]["name"] for e in events
             if e["ph"] == "M" and e["name"] == "thread_name"}
    pids = {e["pid"] for e in events}
    require(len(pids) == 1, f"one process (the RTOS domain) expected, got pids {sorted(pids)}")
    tracks = set(names.values())
    missing = [t for t in DEMO_TASKS if t not in tracks]
    missing += [f"ISR {i}" for i in DEMO_ISRS if f"ISR {i}" not in tracks]
    require(not missing, f"no track for {missing}; tracks: {sorted(tracks)}")
    require(len(names) == len(tracks), f"two tracks share a name: {names}")

    def slices(track):
        tids = [t for t, n in names.items() if n == track]
        return [e for e in events if e["ph"] == "X" and e["tid"] in tids]

    control = slices("Control")
    span_us = max(e["ts"] + e.get("dur", 0) for e in events if "ts" in e)
    # Control runs every 1 ms: a window of `span_us` holds about one job per millisecond.
    require(len(control) >= span_us / 1000 / 2,
            f"{len(control)} Control slices in {span_us:.0f} us of trace (1 kHz expected)")
    require(all(0 <= e["dur"] < 1000 for e in control),
            f"a Control job longer than its 1 ms period: {max(e['dur'] for e in control)} us")
    ticks = slices("ISR system timer (tick)")
    require(len(ticks) >= span_us / 1000 / 2, f"{len(ticks)} ticks in {span_us:.0f} us")
    expiries = [e for e in events if e["ph"] == "i" and e["name"] == "alarm ControlPeriod"]
    require(len(expiries) >= len(control) - 1,
            f"{len(expiries)} ControlPeriod expiries for {len(control)} Control jobs")
    # The pull's first command (before the freeze) came through the channel's interrupt to the
    # server task: both are in the trace.
    require(slices("ISR XenEvents") and slices("ChannelServer"),
            "no XenEvents or ChannelServer slice: the trace request itself is missing")
    for track in tracks:
        s = slices(track)
        require(all(a["ts"] <= b["ts"] for a, b in zip(s, s[1:])), f"{track}: slices out of order")
    print(f"  trace: {obj['records']} records, {span_us / 1000:.1f} ms, {len(control)} Control "
          f"jobs, {len(ticks)} ticks, dropped while read {obj['dropped']}, "
          f"tracks {sorted(tracks)}; file {saved}")
