"""P2: Tandem's round trip beside its peers, in the same boot.

One dom0less boot with a third pCPU. dom0 `xl create`s a Linux domU (Debian's arm64 kernel, the
dom0 kernel itself, with a small initramfs whose /init runs `tandem-vchan serve`) pinned to
pCPU 2, then times isolated round trips of 64 bytes (one channel slot) four ways:
  tandem    tandem-bench's isolated pings: dom0 user space -> the RTOS's command server -> dom0;
  vchan     libxenvchan between dom0 and the Linux domU (tandem-vchan ping / serve);
  loopback  Tandem's own channel with both ends in dom0 (tandem-loopback serves it): the
            protocol, grants and event channels without the other pCPU;
  pipe      a pipe pair between two dom0 processes: the floor of any IPC in dom0.
The RTOS keeps pCPU 1 to itself (its cpupool), so the cross-domain peers cross pCPUs the same
way.
"""

import gzip
import json
import pathlib
import time

from common import REPO, conf_with_xen_args, progress
import boots
import target

PEER_NAME = "tandem-peer"
PEER_PCPU = 2
PEER_MEMORY_MB = 128
MESSAGE = 64  # bytes: one slot of Tandem's ring (channel/include/tandem/channel/wire.h)
PEER_INIT = REPO / "bench/eval/peer/init"
# What the domU's /init loads (drivers/xen of the dom0 kernel's modules).
PEER_MODULES = ("xen-evtchn.ko", "xen-gntalloc.ko")
PEERS = ("tandem", "vchan", "loopback", "pipe")
# dom0 shell lines around a peer's run: tandem-loopback serves domain 0's channel meanwhile.
# (Each line short: Xen drops console input beyond 128 bytes.)
AROUND = {"loopback": (
    ["tandem-loopback >/tmp/loopback.log 2>&1 & LB=$!", "S=/local/domain/0/data/tandem/state",
     "for i in 1 2 3 4 5 6 7 8 9 10; do xenstore-read $S >/dev/null 2>&1 && break; sleep 0.2; done"],
    ["kill $LB; wait $LB"])}


def peer_overlay(outdir: pathlib.Path) -> pathlib.Path:
    """dom0's extra files: /peers/ with the domU's kernel, initramfs and xl config."""
    from tandem_platform import fetch, initramfs
    art = fetch.fetch()
    vchan = REPO / "build/arm64-linux/bin/tandem-vchan"
    if not vchan.is_file():
        raise boots.EvalError(f"{vchan} missing: linux/build-arm64.sh builds it")
    root = outdir / "overlay"
    peers = root / "peers"
    peers.mkdir(parents=True, exist_ok=True)
    kernel = art.kernel.read_bytes()
    if kernel[:2] == b"\x1f\x8b":  # a gzip'd Image: xl's loader wants the Image itself
        kernel = gzip.decompress(kernel)
    (peers / "linux-Image").write_bytes(kernel)
    with open(peers / "peer-initrd.cpio", "wb") as f:
        c = initramfs.Cpio(f)
        for d in ("dev", "proc", "sys", "tmp", "bin"):
            c.dir(d)
        c.chardev("dev/console", 5, 1)
        c.file("init", PEER_INIT.read_bytes(), 0o755)
        c.file("bin/busybox", (art.dom0_root / "bin/busybox").read_bytes(), 0o755)
        c.file("bin/tandem-vchan", vchan.read_bytes(), 0o755)
        for m in PEER_MODULES:
            c.file(f"lib/modules/xen/{m}", (art.modules / m).read_bytes())
        c.trailer()
    (peers / f"{PEER_NAME}.cfg").write_text("\n".join([
        "# The evaluation's Linux domU (bench/eval/peers.py): the vchan peer of P2.",
        f'name = "{PEER_NAME}"',
        'kernel = "/peers/linux-Image"',
        'ramdisk = "/peers/peer-initrd.cpio"',
        'extra = "console=hvc0 rdinit=/init quiet"',
        f"memory = {PEER_MEMORY_MB}",
        "vcpus = 1",
        f'cpus = "{PEER_PCPU}"',
        ""]))
    return root


def plan(quick):
    """(peer, dom0 command) for each measured run; `$D` is the domU's id."""
    n = 200 if quick else 2000
    common = f"-n {n} --json --samples"
    return n, [("vchan", f"tandem-vchan ping -d $D {common} -s {MESSAGE}"),
               ("tandem", f"tandem-bench -d $RT {common} -b 1 -t 60000"),
               ("loopback", f"tandem-bench -d 0 {common} -b 1 -t 60000"),
               ("pipe", f"tandem-vchan pipe {common} -s {MESSAGE}")]


def run(quick, icount="shift=0,sleep=off", xen_build="source", timeout=900, pacer_us=None):
    """pacer_us: another QEMU pacer interval than the description's (the A/B of the timing
    model: under -icount each crossing to another vCPU waits for that vCPU's turn)."""
    outdir = REPO / "build/eval/boots" / ("p2" if pacer_us is None else f"p2-pacer{pacer_us}")
    n, steps = plan(quick)
    progress(f"boot: dom0less with a Linux domU on pCPU {PEER_PCPU}, -icount {icount}"
             f"{'' if pacer_us is None else f', pacer {pacer_us} us'}, for P2 "
             f"({n} round trips each: {', '.join(PEERS)})")
    t0 = time.monotonic()
    overlay = peer_overlay(outdir)
    conf = conf_with_xen_args(outdir, smp=3, pacer_us=pacer_us)
    runs = {}
    with target.Boot("dom0less", str(boots.DEMO_IMAGE), outdir=outdir, conf=conf,
                     icount=icount, xen_build=xen_build, timeout=timeout,
                     overlays=[overlay]) as boot:
        boot.wait_ready()
        name = boot.platform.rtos_name
        boot.sh(f"RT={name}")
        status, out = boot.sh(f"xl create /peers/{PEER_NAME}.cfg && D=$(xl domid {PEER_NAME})"
                              " && echo domid=$D", timeout=120, check=False)
        if status != 0:
            raise boots.EvalError(f"xl create of the Linux domU failed ({status}):\n{out}")
        # The first connection waits for the domU to boot and publish its vchan.
        status, out = boot.sh("tandem-vchan ping -d $D -n 1 -w 600", timeout=timeout, check=False)
        if status != 0:
            _, log = boot.sh(f"tail -n 30 /var/log/xen/console/guest-{PEER_NAME}.log",
                             check=False)
            raise boots.EvalError(f"the domU's vchan did not answer ({status}):\n{out}\n"
                                  f"its console:\n{log}")
        progress(f"  the Linux domU serves its vchan ({time.monotonic() - t0:.0f} s)")
        for peer, cmd in steps:
            before, after = AROUND.get(peer, ([], []))
            for line in before:
                boot.sh(line, timeout=120)
            status, out = boot.sh(cmd, timeout=timeout, check=False)
            for line in after:
                boot.sh(line, timeout=60, check=False)
            obj = target.last_json(out)
            if status != 0 or not obj or not obj.get("ok"):
                raise boots.EvalError(f"{cmd} exited {status}:\n{out[-3000:]}")
            if peer in ("tandem", "loopback"):  # the isolated phase of tandem-bench
                obj = next(p for p in obj["phases"] if p["phase"] == "isolated")
            runs[peer] = {"command": cmd, "latency_ns": obj["latency_ns"],
                          "samples_ns": obj["samples_ns"]}
            lat = obj["latency_ns"]
            progress(f"  {peer}: p50 {lat['p50'] / 1000:.1f} us, p99 {lat['p99'] / 1000:.1f} us,"
                     f" max {lat['max'] / 1000:.1f} us")
        last, control = boots.rtos_figures(boot, name)
    return {"icount": icount, "xen": xen_build, "pacer_us": pacer_us or boot.platform.icount_pacer_us,
            "round_trips": n, "size": MESSAGE,
            "runs": runs, "status_last": last, "control": control,
            "wall_s": round(time.monotonic() - t0)}


if __name__ == "__main__":
    import sys
    print(json.dumps(run("--quick" in sys.argv), indent=1))
