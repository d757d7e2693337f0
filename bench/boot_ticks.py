#!/usr/bin/env python3
"""bench/boot_ticks.py: one boot of a route, and the demo RTOS's deadline figures from its first
instruction: its status lines at 1 s and at --seconds of guest time (misses, skipped periods,
worst tick lateness) and the late-tick record it prints once at 3 s (when late ticks fell, per
100 ms, and the worst ticks at their physical-counter time). For the A/B figures of
docs/platform.md, "Guest time".

  bench/boot_ticks.py --route dom0less --pacer dom0    # before: dom0's pacer from its /init
  bench/boot_ticks.py --route dom0less --pacer qemu    # after: QEMU's timer from power-on
  bench/boot_ticks.py --route dom0less --pacer dom0 --dump-runqueues --xen-timestamps

Exit status: 0 figures printed, 1 set-up error, 2 the boot failed or timed out.
"""

import argparse
import pathlib
import re
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "platform"))
from tandem_platform import config, console, system  # noqa: E402
from tandem_platform.util import PlatformError  # noqa: E402

STATUS = re.compile(r"tandem-rt: t=(\d+)s ctrl=(\d+) misses=(\d+) .*tick_max_us=(\d+) "
                    r"skipped=(\d+)")
RECORD = re.compile(r"tandem-rt: (late ticks|worst ticks)[^\r\n]*")
# Moments of dom0's boot at which --dump-runqueues shows where each vCPU runs (Xen debug key r).
DUMP_AT = (r"Booting Linux on physical CPU", r"Freeing unused kernel memory")


def xen_input(con, want, tries=4):
    """Three Ctrl-A step Xen's console input through dom0, the dom0less domains, Xen."""
    for _ in range(tries):
        con.send(console.CTRL_A * 3)
        m = con.expect(r"\*\*\* Serial input to (\S+) \(", 30, what="console switch")
        if m.group(1).decode() == want:
            return
    raise PlatformError(f"Xen's console input never reached {want}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--route", choices=system.ROUTES, default="dom0less")
    ap.add_argument("--pacer", choices=config.PACERS, help="override [qemu] icount_pacer")
    ap.add_argument("--icount", default="shift=0,sleep=off",
                    help="QEMU -icount (default shift=0,sleep=off; '' = host clock)")
    ap.add_argument("--seconds", type=int, default=10,
                    help="guest seconds to wait for (the RTOS's t=Ns status line; default 10)")
    ap.add_argument("--rtos-image", default=str(REPO / "build/arm64/apps/demo/tandem-rt-demo.bin"))
    ap.add_argument("--xen-timestamps", action="store_true",
                    help="Xen's console_timestamps=boot (Xen's and the RTOS's lines get Xen's "
                         "NOW(), which counts the physical counter as the worst ticks do)")
    ap.add_argument("--dump-runqueues", action="store_true",
                    help="press Xen's debug key r when dom0's kernel starts and when it frees its "
                         "init memory (dom0less): which pCPU runs which vCPU")
    ap.add_argument("--out", help="output directory (default build/bench/boot-ticks/ROUTE-PACER)")
    ap.add_argument("--timeout", type=float, default=900, help="wall seconds (default 900)")
    a = ap.parse_args()
    try:
        p = config.load(rtos_image=a.rtos_image)
        if a.xen_timestamps:
            p.xen_extra += " console_timestamps=boot"
        pacer = a.pacer or p.icount_pacer
        out = pathlib.Path(a.out or REPO / "build/bench/boot-ticks" / f"{a.route}-{pacer}")
        s = system.prepare(p, a.route, out, rtos_image_given=True, build_rtos=False,
                           icount=a.icount, pacer=a.pacer)
    except PlatformError as e:
        print(f"boot_ticks: error: {e}", file=sys.stderr)
        return 1
    t0 = time.monotonic()
    con = console.Console(s.qemu_argv("stdio"), s.console_log)
    try:
        if a.dump_runqueues and a.route == "dom0less":
            for moment in DUMP_AT:
                con.expect(moment, a.timeout, what=moment)
                xen_input(con, "Xen")
                con.send("r")
                xen_input(con, "DOM0")
        con.pos = 0
        con.expect(rf"tandem-rt: t={a.seconds}s [^\r\n]*\r*\n", a.timeout,
                   what=f"the RTOS's t={a.seconds}s status line")
        wall = time.monotonic() - t0
    except PlatformError as e:
        print(f"boot_ticks: {e}", file=sys.stderr)
        con.proc.terminate()
        return 2
    con.proc.terminate()
    text = con.text()
    rows = {int(m.group(1)): m for m in STATUS.finditer(text)}
    print(f"route {a.route}, -icount {a.icount or 'off'}, pacer {pacer} "
          f"({p.icount_pacer_us} us): t={a.seconds}s after {wall:.0f} s wall; console {s.console_log}")
    for t in sorted({1, 3, a.seconds} & rows.keys()):
        m = rows[t]
        print(f"  t={t}s: ctrl={m.group(2)} misses={m.group(3)} skipped={m.group(5)} "
              f"worst tick {m.group(4)} us")
    for m in RECORD.finditer(text):
        print("  " + m.group(0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
