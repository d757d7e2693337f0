"""P4: instruction counts on arm64, inside Xen. Boots bench/p4's image (the RTOS measuring
itself, see bench/p4/p4.cc) on route rtos-only under -icount shift=0 and turns its counter
ticks into guest nanoseconds per operation, which under shift=0 are instructions: every
instruction the vCPU executes, at EL1 (Tandem) and at EL2 (Xen), counts one.
"""

import re
import time

from common import REPO, conf_with_xen_args, progress
import target  # tests/target/target.py (common puts it on sys.path)

IMAGE = REPO / "build/arm64/bench/p4/tandem-rt-p4.bin"
LINE = re.compile(r"p4: (\w+) n=(\d+) ticks=(\d+)")
START = re.compile(r"p4: start freq=(\d+) n=(\d+)")
TICK = re.compile(r"p4: tick_window quiet_n=(\d+) quiet_ticks=(\d+) n=(\d+) ticks=(\d+) "
                  r"delivered=(\d+) skipped=(\d+)")
SKIPPED = re.compile(r"p4: (\w+) skipped: ([^\r\n]*)")

class P4Error(Exception):
    pass


def parse(text):
    """The per-operation figures (guest ns = instructions at shift=0) from the image's lines."""
    m = START.search(text)
    if not m:
        raise P4Error("no 'p4: start' line: the image did not run")
    freq = int(m.group(1))
    ns_per_tick = 1e9 / freq
    raw = {name: (int(n), int(ticks)) for name, n, ticks in LINE.findall(text)}
    if "loop" not in raw:
        raise P4Error("no 'p4: loop' line")

    def per_op(name, minus_loop=True):
        n, ticks = raw[name]
        loop_n, loop_ticks = raw["loop"]
        v = ticks / n * ns_per_tick
        return v - (loop_ticks / loop_n * ns_per_tick if minus_loop else 0)

    out = {"freq_hz": freq, "n": int(m.group(2)), "raw": raw, "skipped": dict(SKIPPED.findall(text))}
    ops = {}
    for name in ("activate_dispatch_terminate", "setevent_switch_waitevent",
                 "get_release_resource", "hypercall_xen_version"):
        if name in raw:
            ops[name] = per_op(name)
    if "evtchn_send_clear_pending" in raw and "clear_pending" in raw:
        ops["evtchn_send"] = (per_op("evtchn_send_clear_pending", False) -
                              per_op("clear_pending", False))
    for name in ("sgi_raise_to_isr", "isr_to_activated_task", "tick_deadline_to_handler"):
        if name in raw and raw[name][0] > 0:
            ops[name] = per_op(name, minus_loop=False)
    t = TICK.search(text)
    if t:
        quiet_n, quiet_ticks, n, ticks, delivered, skipped = map(int, t.groups())
        stolen = ticks - quiet_ticks / quiet_n * n  # counter ticks the interrupts took
        if delivered > 0:
            ops["tick"] = stolen / delivered * ns_per_tick
        out["tick_window"] = {"ticks_delivered": delivered, "periods_skipped": skipped,
                              "guest_s": ticks / freq}
    out["per_op_ns"] = ops
    return out


# Guest time under -icount counts the instructions of every vCPU, and QEMU runs them in turns:
# what Xen does on the other pCPU meanwhile lands in the RTOS's measurements. With no dom0 the
# only such work is Xen scrubbing free memory in its idle loop (bootscrub=idle, the default):
# turned off for this boot, the other pCPU only waits for interrupts.
XEN_QUIET = "bootscrub=false"


def run(icount="shift=0,sleep=off", xen_build="source", timeout=900):
    if not IMAGE.exists():
        raise P4Error(f"{IMAGE} is missing: build the arm64 tree (cmake --build --preset arm64)")
    progress(f"boot: rtos-only with the P4 image, -icount {icount}, Xen {XEN_QUIET}")
    t0 = time.monotonic()
    outdir = REPO / "build/eval/boots/p4"
    with target.Boot("rtos-only", str(IMAGE), outdir=outdir, icount=icount, timeout=timeout,
                     conf=str(conf_with_xen_args(outdir, XEN_QUIET)), xen_build=xen_build) as boot:
        boot.con.expect(r"p4: done", timeout, what="the P4 image's 'p4: done'")
        text = "\n".join(boot.rtos_lines())
    out = parse(text)
    out["icount"] = icount
    out["xen"] = xen_build
    out["wall_s"] = round(time.monotonic() - t0)
    for name, v in out["per_op_ns"].items():
        progress(f"  {name}: {v:.0f} instructions")
    return out
