"""The evaluation's QEMU boots: each returns plain data (dicts) that results.json keeps, so the
report can be regenerated without booting again.

Every boot uses the target tests' harness (tests/target/target.py: one QEMU, dom0's shell
driven through the serial console) and the images main.sh builds.
"""

import json
import re
import time

from common import REPO, progress
import target  # tests/target/target.py (common puts it on sys.path)

STATUS = re.compile(r"tandem-rt: t=(\d+)s ctrl=(\d+) misses=(\d+) .*?tick_max_us=(\d+) "
                    r"skipped=(\d+)")
DEMO_IMAGE = REPO / "build/arm64/apps/demo/tandem-rt-demo.bin"
# Bursts of P1 (issue 12); the quick mode (CI) stops at 1,000.
BURSTS = (1, 8, 32, 1000, 10000)
QUICK_BURSTS = (1, 8, 32, 1000)


class EvalError(Exception):
    pass


def _status_rows(lines):
    rows = {}
    for line in lines:
        m = STATUS.search(line)
        if m:
            rows[int(m.group(1))] = {"t_s": int(m.group(1)), "ctrl": int(m.group(2)),
                                     "misses": int(m.group(3)), "tick_max_us": int(m.group(4)),
                                     "skipped": int(m.group(5))}
    return rows


def rtos_timing(route, seconds, icount, pacer=None, xen_build="source", timeout=900):
    """One boot until the RTOS's t=<seconds>s status line (the demo prints one each guest
    second): its deadline misses and worst tick lateness since its first instruction."""
    label = f"{route}, -icount {icount or 'off'}, pacer {pacer or 'default'}"
    progress(f"boot: {label}, until the RTOS's t={seconds}s line")
    t0 = time.monotonic()
    out = REPO / "build/eval/boots" / re.sub(r"[^\w.-]+", "_", label)
    with target.Boot(route, str(DEMO_IMAGE), outdir=out, icount=icount, xen_build=xen_build,
                     pacer=pacer, timeout=timeout) as boot:
        boot.con.expect(rf"tandem-rt: t={seconds}s [^\r\n]*\r*\n", timeout,
                        what=f"the RTOS's t={seconds}s status line")
        text = boot.con.text()
        pacer_used = boot.system.platform.icount_pacer if icount else "off"
    rows = _status_rows(text.splitlines())
    if seconds not in rows:
        raise EvalError(f"{label}: no t={seconds}s status line parsed")
    wall = time.monotonic() - t0
    progress(f"  t={seconds}s: misses {rows[seconds]['misses']}, worst tick "
             f"{rows[seconds]['tick_max_us']} us ({wall:.0f} s wall)")
    return {"route": route, "icount": icount or "", "pacer": pacer_used, "xen": xen_build,
            "seconds": seconds, "at": rows[seconds], "first": rows.get(1), "wall_s": round(wall)}


def _last_json(text):
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def channel_session(quick, icount="shift=0,sleep=off", xen_build="source", timeout=900):
    """One dom0less boot; in dom0, tandem-bench measures P1: isolated round trips, then each
    burst size in a session of its own. Returns the bench phases and the RTOS's status lines."""
    bursts = QUICK_BURSTS if quick else BURSTS
    isolated = 100 if quick else 1000
    progress(f"boot: dom0less, -icount {icount}, for P1 (isolated x{isolated}, bursts "
             f"{', '.join(map(str, bursts))})")
    t0 = time.monotonic()
    runs = []
    with target.Boot("dom0less", str(DEMO_IMAGE), outdir=REPO / "build/eval/boots/p1",
                     icount=icount, xen_build=xen_build, timeout=timeout) as boot:
        boot.wait_ready()
        name = boot.platform.rtos_name
        boot.sh(f"b(){{ tandem-bench -d {name} -t 60000 --json \"$@\"; }}")
        plan = [("isolated", f"-n {isolated} -b 1")] + [("burst", f"-n 1 -b {n}") for n in bursts]
        for phase, args in plan:
            status, out = boot.sh(f"b {args}", timeout=timeout, check=False)
            obj = _last_json(out)
            if status != 0 or not obj or not obj.get("ok"):
                raise EvalError(f"tandem-bench {args} exited {status}:\n{out}")
            ph = next((p for p in obj["phases"] if p["phase"] == phase), None)
            if ph is None:
                raise EvalError(f"tandem-bench {args} reported no {phase} phase:\n{out}")
            runs.append({"args": args, **ph})
            progress(f"  {phase} {ph['commands']}: Linux sent "
                     f"{ph['linux']['notify_sent_per_command']:.4f}/command, RTOS sent "
                     f"{ph['rtos']['notify_sent_per_command']:.4f}, RTOS hypercalls "
                     f"{ph['rtos'].get('hypercalls_per_command', 0):.4f}")
        lines = boot.rtos_lines()
    rows = _status_rows(lines)
    last = rows[max(rows)] if rows else None
    return {"icount": icount, "xen": xen_build, "runs": runs, "status_last": last,
            "wall_s": round(time.monotonic() - t0)}
