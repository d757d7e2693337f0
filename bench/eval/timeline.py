"""P5's boot timeline: when each part of the system is up, in guest time since power-on, for a
route. Xen stamps its own lines (console_timestamps=boot; on route dom0less that includes the
RTOS's lines, which Xen prints); the RTOS prints "tandem-rt: milestone NAME T us" from the
physical counter, which starts at power-on; dom0's /init prints its uptime at its milestones,
counted from its kernel's start, which follows Xen's last boot line ("Freed ... init memory").
"""

import re
import time

from common import REPO, conf_with_xen_args, progress
import target  # tests/target/target.py (common puts it on sys.path)

XEN_STAMPS = "console_timestamps=boot"
XEN_LINE = re.compile(r"\(XEN\) \[\s*(\d+\.\d+)\] ([^\r\n]*)")
XEN_HANDOVER = re.compile(r"Freed \d+kB init memory")
RTOS_MILESTONE = re.compile(r"tandem-rt: milestone ([\w-]+) (\d+) us")
DOM0_MILESTONE = re.compile(r"TANDEM-DOM0: milestone (\w+) uptime (\d+\.\d+) s")

# The milestones a timeline must have (the report's rows: report.BOOT_MILESTONES).
MILESTONES = ("xen-handover", "first-task", "init", "toolstack", "ready", "channel-published",
              "first-session")


class TimelineError(Exception):
    pass


def parse(console_text, rtos_text):
    """{milestone: seconds since power-on} from the console and the RTOS's lines."""
    out = {}
    for stamp, msg in XEN_LINE.findall(console_text):
        if "xen-handover" not in out and XEN_HANDOVER.search(msg):
            out["xen-handover"] = float(stamp)
    for name, us in RTOS_MILESTONE.findall(console_text + "\n" + rtos_text):
        out.setdefault(name, int(us) / 1e6)
    if "xen-handover" in out:
        for name, up in DOM0_MILESTONE.findall(target.dom0_text(console_text)):
            out.setdefault(name, out["xen-handover"] + float(up))
    return out


def run(route, icount="shift=0,sleep=off", xen_build="source", timeout=900):
    progress(f"boot: {route} for the boot timeline, -icount {icount}, Xen {XEN_STAMPS}")
    t0 = time.monotonic()
    outdir = REPO / "build/eval/boots" / f"timeline-{route}"
    conf = conf_with_xen_args(outdir, XEN_STAMPS)
    with target.Boot(route, str(REPO / "build/arm64/apps/demo/tandem-rt-demo.bin"), outdir=outdir,
                     icount=icount, xen_build=xen_build, timeout=timeout, conf=str(conf)) as boot:
        boot.wait_ready()
        name = boot.platform.rtos_name
        # The channel is published once the RTOS has XenStore (dom0less: after init-dom0less).
        deadline = time.monotonic() + timeout
        while True:
            status, out = boot.sh(f"tandemctl -d {name} -t 20000 ping", check=False, timeout=120)
            if status == 0:
                break
            if time.monotonic() > deadline:
                raise TimelineError(f"tandemctl ping never succeeded:\n{out}")
            time.sleep(2)
        # The RTOS's lines: on Xen's console (dom0less) or in xenconsoled's log (xl).
        boot.sh("L=$(grep -l 'tandem-rt: milestone' /var/log/xen/console/guest-* 2>/dev/null"
                "|tail -n1)")
        rtos_text = ""
        for _ in range(30):
            _, rtos_text = boot.sh("[ -n \"$L\" ] && grep 'milestone' $L", check=False)
            if "first-session" in rtos_text or "first-session" in boot.con.text():
                break
            time.sleep(1)
        out = parse(boot.con.text(), rtos_text)
    missing = [m for m in MILESTONES if m not in out]
    if missing:
        raise TimelineError(f"route {route}: no time for {', '.join(missing)}")
    for m in MILESTONES:
        progress(f"  {m}: {out[m]:.3f} s")
    return {"route": route, "icount": icount, "xen": xen_build, "at_s": out,
            "wall_s": round(time.monotonic() - t0)}
