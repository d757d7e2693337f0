"""Puts a bootable system together for one route and returns the QEMU command line."""

import dataclasses
import pathlib
import shlex
import re
import shutil
import subprocess

from . import dtree, fetch, initramfs, rtos, xen_source
from .config import BOOT_TIME_CPUPOOLS, Platform
from .util import REPO, PlatformError, log, need_tools
from .xlcfg import xl_config

# rtos-only: Xen's "true dom0less" (4.17): no dom0 at all, Xen starts only the RTOS. For quick
# runs of RTOS images that report on their console (e.g. OSEK scenarios on the real port).
ROUTES = ("xl", "dom0less", "rtos-only")


@dataclasses.dataclass
class System:
    route: str
    outdir: pathlib.Path
    argv: list             # QEMU command line without the console (-serial) arguments
    monitor: pathlib.Path  # HMP unix socket
    console_log: pathlib.Path
    platform: Platform
    extras: list = dataclasses.field(default_factory=list)  # tools in dom0's /usr/local/bin

    def qemu_argv(self, console: str) -> list:
        """console: "stdio" (plain, Ctrl-A passes through), "mux" (-serial mon:stdio)."""
        if console == "mux":
            return self.argv + ["-serial", "mon:stdio"]
        return self.argv + ["-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con"]


SCHED_KCONFIG = {"null": "SCHED_NULL", "credit": "SCHED_CREDIT", "credit2": "SCHED_CREDIT2",
                 "rtds": "SCHED_RTDS", "arinc653": "SCHED_ARINC653"}


def check_xen_config(p: Platform, kconfig: pathlib.Path, route: str):
    """Refuses what the Xen image about to boot lacks, read from its own Kconfig: a scheduler
    (Xen would fall back to credit2 without a word; with a boot-time cpupool it panics) and, on
    the routes that describe cpupools in the device tree, CONFIG_BOOT_TIME_CPUPOOLS (without it
    Xen ignores the pool nodes and starts the RTOS in Pool-0)."""
    have = set(kconfig.read_text().split()) if kconfig.exists() else None
    pools = p.active_cpupools()
    used = [("[xen] scheduler", p.scheduler)] + [(f"[cpupool.{c.name}] scheduler", c.scheduler)
                                                 for c in pools]
    for where, sched in used:
        sym = SCHED_KCONFIG.get(sched)
        if sym is None:
            raise PlatformError(f"{where} {sched!r}: use one of {sorted(SCHED_KCONFIG)}")
        if have is not None and f"CONFIG_{sym}=y" not in have:
            raise PlatformError(f"{where} = {sched}: the {p.xen_build} Xen ({kconfig}) has "
                                f"CONFIG_{sym} unset; pick a scheduler it has")
    if route != "xl" and pools:
        if p.xen_build not in BOOT_TIME_CPUPOOLS or (
                have is not None and "CONFIG_BOOT_TIME_CPUPOOLS=y" not in have):
            raise PlatformError(
                f"route {route} puts [cpupool.{pools[0].name}] in the device tree, but the "
                f"{p.xen_build} Xen build has no boot-time cpupools (CONFIG_BOOT_TIME_CPUPOOLS); "
                f"the {' and '.join(BOOT_TIME_CPUPOOLS)} build has them (--xen source), or "
                f"limit the pool with builds = ...")


def xen_image(p: Platform, art: fetch.Artifacts) -> pathlib.Path:
    """The hypervisor of the chosen build ([xen] build, platform/run --xen)."""
    if p.xen_build == "source":
        return xen_source.build().xen
    return art.xen


def default_outdir(route: str) -> pathlib.Path:
    return REPO / "build" / "platform" / route


# QEMU 7.2's single-threaded round robin can give a vCPU that waits for an IPI no instructions
# under -icount, and an SMP guest livelocks (Xen hung in stop_machine here); QEMU 8.0 shares
# the instruction budget fairly between vCPUs ("accel/tcg/tcg-accel-ops-rr: ensure fairness
# with icount").
ICOUNT_MIN_QEMU = (8, 0)


def qemu_version() -> tuple:
    out = subprocess.run(["qemu-system-aarch64", "--version"], capture_output=True,
                         text=True).stdout
    m = re.search(r"version (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def check_icount_qemu():
    v = qemu_version()
    if v < ICOUNT_MIN_QEMU:
        raise PlatformError(
            f"-icount needs qemu-system-aarch64 {ICOUNT_MIN_QEMU[0]}.{ICOUNT_MIN_QEMU[1]} or later "
            f"(this is {v[0]}.{v[1]}: an SMP guest livelocks under -icount); "
            f"scripts/install-deps.sh installs it from Debian's bookworm-backports, or run "
            f"without icount")


def qemu_pacer_args(interval_us: int) -> list:
    """QEMU arguments that keep a QEMU_CLOCK_VIRTUAL timer due every `interval_us` of guest
    time from power-on, which no guest sees. Under -icount QEMU runs the vCPUs in turns in one
    thread, and a turn lasts half the time to the next timer event of any kind
    (accel/tcg/tcg-accel-ops-rr.c, icount_percpu_budget): once the RTOS's own tick has fired, only
    dom0's timers (milliseconds apart while Linux boots) would bound dom0's turn before the RTOS
    gets one. The timer is the release timer of a filter-buffer, which net/filter-buffer.c re-arms
    every `interval` us whether or not packets flow; it sits on the NIC QEMU virt has by default
    anyway (virtio-net-pci on user networking), spelled out because any -netdev turns the default
    NIC off, so the guests see the same machine."""
    return ["-netdev", "user,id=tandem-net", "-device", "virtio-net-pci,netdev=tandem-net",
            "-object", f"filter-buffer,id=tandem-pacer,netdev=tandem-net,interval={interval_us}"]


def prepare(p: Platform, route: str, outdir: pathlib.Path = None, rtos_image_given=False,
            build_rtos=True, extra_bins=None, overlays=(), scenarios=(), kernel_args="",
            icount=None, pacer=None) -> System:
    """pacer: override [qemu] icount_pacer (qemu, dom0, off), e.g. for A/B timing runs."""
    if route not in ROUTES:
        raise PlatformError(f"unknown route {route!r}: use one of {', '.join(ROUTES)}")
    if pacer is not None:
        p = dataclasses.replace(p, icount_pacer=pacer)
    need_tools("qemu-system-aarch64", "dtc")
    outdir = pathlib.Path(outdir or default_outdir(route))
    outdir.mkdir(parents=True, exist_ok=True)
    art = fetch.fetch()
    xen = xen_image(p, art)
    check_xen_config(p, xen.with_name(xen.name + ".config"), route)
    rtos.ensure_images(p, first_given=rtos_image_given, build=build_rtos)
    with_dom0 = route != "rtos-only"
    if not with_dom0:
        # No dom0, so nobody could run init-dom0less: Xen refuses xen,enhanced without it.
        p = dataclasses.replace(p, rtos_domains=tuple(
            dataclasses.replace(r, enhanced=False) for r in p.rtos_domains))
    mods, k, r = [], None, None
    if with_dom0:
        shutil.copyfile(art.kernel, outdir / "dom0-Image")
        if extra_bins is None:
            extra_bins = initramfs.linux_tools(build=build_rtos)
        ramdisk = initramfs.build(p, art, outdir / "dom0-initramfs.cpio", route,
                                  extra_bins=extra_bins,
                                  overlays=overlays, scenarios=scenarios)
        for d in p.rtos_domains:
            (outdir / f"{d.name}.cfg").write_text(xl_config(p, d))
        k = dtree.Module("dom0-kernel", outdir / "dom0-Image")
        r = dtree.Module("dom0-ramdisk", ramdisk)
        mods = [k, r]
    extra_bins = extra_bins or []
    domus = []
    if route != "xl":
        for d in p.rtos_domains:
            shutil.copyfile(d.image, outdir / f"{d.name}.bin")
            boot = dtree.BootDomain(d, dtree.Module(d.name, outdir / f"{d.name}.bin"))
            mods.append(boot.kernel)
            if d.has_gpio:
                boot.dtb = dtree.Module(f"{d.name}-dtb", dtree.compile_dts(
                    dtree.partial_dts(p, d), outdir / f"{d.name}-passthrough.dtb"))
                mods.append(boot.dtb)
            domus.append(boot)
    dtree.place(p, mods)
    # The Linux command line carries the route so one initramfs layout serves both.
    p_args = p.dom0_bootargs + f" tandem.route={route}" + (f" {kernel_args}" if kernel_args else "")
    ic = p.icount if icount is None else icount
    if ic and p.icount_pacer_us > 0 and p.icount_pacer == "dom0":
        p_args += f" tandem.pacer={p.icount_pacer_us}"  # dom0/init starts tandem-pacer
    p_run = dataclasses.replace(p, dom0_bootargs=p_args)
    qdtb = dtree.dump_qemu_dtb(p, outdir.parent)
    dtb = dtree.compile_dts(dtree.host_dts(p_run, qdtb, k, r, domus),
                            outdir / "host.dtb")
    monitor = outdir / "monitor.sock"
    if len(str(monitor)) > 100:  # sun_path holds 108 bytes
        import tempfile
        monitor = pathlib.Path(tempfile.mkdtemp(prefix="tandem-qemu-")) / "monitor.sock"
    argv = ["qemu-system-aarch64", *dtree.qemu_machine_args(p), "-display", "none",
            "-no-reboot", "-kernel", str(xen), "-dtb", str(dtb),
            "-monitor", f"unix:{monitor},server=on,wait=off"]
    if ic:
        check_icount_qemu()
        argv += ["-icount", ic]
        if p.icount_pacer == "qemu" and p.icount_pacer_us > 0:
            argv += qemu_pacer_args(p.icount_pacer_us)
    for m in mods:
        argv += ["-device", f"loader,file={m.path},addr={m.addr:#x},force-raw=on"]
    names = []
    for e in map(pathlib.Path, extra_bins):
        names += [f.name for f in sorted(e.iterdir())] if e.is_dir() else [e.name]
    sysm = System(route, outdir, argv, monitor, outdir / "console.log", p, names)
    (outdir / "qemu-cmdline.txt").write_text(shlex.join(sysm.qemu_argv("stdio")) + "\n")
    log(f"route {route}: files in {outdir}; Xen: {p.xen_build} build ({xen})")
    return sysm
