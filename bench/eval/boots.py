"""The evaluation's QEMU boots: each returns plain data (dicts) that results.json keeps, so the
report can be regenerated without booting again.

Every boot uses the target tests' harness (tests/target/target.py: one QEMU, dom0's shell
driven through the serial console) and the images main.sh builds.
"""

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
# tandem-bench --signalling (docs/protocol.md, section 5): suppression by event indices (the
# default), every command notified both ways (the ablation), polled.
SIGNALLING = ("events", "every", "polled")


class EvalError(Exception):
    pass


def status_rows(lines):
    """{second: figures} from the demo's status lines (`tandem-rt: t=Ns ctrl=... misses=...`)."""
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
    rows = status_rows(text.splitlines())
    if seconds not in rows:
        raise EvalError(f"{label}: no t={seconds}s status line parsed")
    wall = time.monotonic() - t0
    progress(f"  t={seconds}s: misses {rows[seconds]['misses']}, worst tick "
             f"{rows[seconds]['tick_max_us']} us ({wall:.0f} s wall)")
    return {"route": route, "icount": icount or "", "pacer": pacer_used, "xen": xen_build,
            "seconds": seconds, "at": rows[seconds], "first": rows.get(1), "wall_s": round(wall)}


def p1_plan(quick):
    """(signalling, phase, tandem-bench arguments) of every P1 measurement, each a session of
    its own: isolated round trips, then each burst size, for each way of signalling (the quick
    mode: every burst with event indices, the 1,000 burst with the others)."""
    isolated = 100 if quick else 1000
    plan = []
    for mode in SIGNALLING:
        bursts = BURSTS if not quick else (QUICK_BURSTS if mode == "events" else (1000,))
        plan.append((mode, "isolated", f"--signalling {mode} -n {isolated} -b 1"))
        plan += [(mode, "burst", f"--signalling {mode} -n 1 -b {n}") for n in bursts]
    return plan


def channel_session(quick, icount="shift=0,sleep=off", xen_build="source", timeout=900):
    """One dom0less boot; in dom0, tandem-bench measures P1 (p1_plan). Returns the bench
    phases and the RTOS's status lines."""
    plan = p1_plan(quick)
    progress(f"boot: dom0less, -icount {icount}, for P1 ({len(plan)} tandem-bench sessions)")
    t0 = time.monotonic()
    runs = []
    with target.Boot("dom0less", str(DEMO_IMAGE), outdir=REPO / "build/eval/boots/p1",
                     icount=icount, xen_build=xen_build, timeout=timeout) as boot:
        boot.wait_ready()
        name = boot.platform.rtos_name
        status, out = boot.wait_channel(timeout / 4)
        if status != 0:
            raise EvalError(f"the RTOS's channel does not answer (tandemctl ping exited "
                            f"{status}):\n{out}")
        boot.sh(f"b(){{ tandem-bench -d {name} -t 60000 --json \"$@\"; }}")
        for mode, phase, args in plan:
            status, out = boot.sh(f"b {args}", timeout=timeout, check=False)
            obj = target.last_json(out)
            if status != 0 or not obj or not obj.get("ok"):
                raise EvalError(f"tandem-bench {args} exited {status}:\n{out}")
            ph = next((p for p in obj["phases"] if p["phase"] == phase), None)
            if ph is None:
                raise EvalError(f"tandem-bench {args} reported no {phase} phase:\n{out}")
            runs.append({"args": args, "signalling": mode, **ph})
            progress(f"  {mode} {phase} {ph['commands']}: Linux sent "
                     f"{ph['linux']['notify_sent_per_command']:.4f}/command, RTOS sent "
                     f"{ph['rtos']['notify_sent_per_command']:.4f}, RTOS hypercalls "
                     f"{ph['rtos'].get('hypercalls_per_command', 0):.4f}")
        last, control = rtos_figures(boot, name)
    progress(f"  the RTOS after P1: t={last['t_s']}s, control task {control['activations']:,} "
             f"jobs, {control['deadline_misses']} misses, worst response "
             f"{control['worst_response_us']} us; worst tick {last['tick_max_us']} us")
    return {"icount": icount, "xen": xen_build, "runs": runs, "status_last": last,
            "control": control, "wall_s": round(time.monotonic() - t0)}


def rtos_figures(boot, name):
    """The RTOS's own figures since its first instruction: its latest status line and the
    control task's statistics (tandemctl stats)."""
    # The status lines: on Xen's console (a dom0less domain's vpl011, "(XEN) DOMn: ...") or in
    # xenconsoled's log in dom0 (route xl), whichever has the latest; the log is found by what
    # it holds (its name follows the domain's name when xenconsoled first saw it).
    # The next status line (once a guest second) covers everything P1 did.
    boot.con.pos = len(boot.con.buf)
    try:
        boot.con.expect(r"tandem-rt: t=\d+s [^\r\n]*\r*\n", 120, what="the RTOS's next status line")
    except target.Timeout:
        pass  # route xl: the lines are in xenconsoled's log, read below
    rows = status_rows(boot.rtos_lines())
    boot.sh("L=$(grep -l 'tandem-rt: t=' /var/log/xen/console/guest-* 2>/dev/null|tail -n1)")
    # The line before the last: xenconsoled may have logged only part of the last one.
    _, out = boot.sh("[ -n \"$L\" ] && grep 'tandem-rt: t=' $L|tail -n2|head -n1", check=False)
    rows.update(status_rows(out.splitlines()))
    if not rows:
        raise EvalError(f"no RTOS status line on Xen's console nor in dom0's console logs:\n{out}")
    status, out = boot.sh(f"tandemctl -d {name} --json stats", check=False)
    obj = target.last_json(out)
    control = next((t for t in (obj or {}).get("tasks", []) if t.get("name") == "Control"), None)
    if status != 0 or control is None:
        raise EvalError(f"tandemctl stats exited {status} or showed no Control task:\n{out}")
    return rows[max(rows)], control
