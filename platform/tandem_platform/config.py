"""The platform description (platform/tandem-qemu.conf), parsed and checked once.

Every generated file derives from a Platform object; nothing else holds a number of its own.
"""

import configparser
import dataclasses
import pathlib

from .util import REPO, PlatformError

DEFAULT_CONF = REPO / "platform" / "tandem-qemu.conf"
# What happens when the RTOS crashes (xl.cfg(5) on_crash). Route xl: xl's own monitor process
# does it. Route dom0less: no xl process watches a boot-time domain, so dom0's /init runs a
# watcher that does the same for these three (platform/dom0/init, "on_crash").
ON_CRASH = ("destroy", "restart", "preserve")
# What keeps QEMU's one-thread round robin switching vCPUs under -icount (docs/platform.md,
# "Guest time"): qemu = a QEMU timer every icount_pacer_us from power-on, seen by no guest;
# dom0 = dom0's /init starts tandem-pacer (linux/pacer) once dom0 has booted; off = nothing.
PACERS = ("qemu", "dom0", "off")
# The Xen builds platform/run can boot, and the schedulers each has (CONFIG_SCHED_*=y):
# debian = Debian's arm64 binary (xen-hypervisor-4.17-arm64, boot/xen-4.17-arm64.config);
# source = Debian's source package built with platform/xen/realtime.config (xen_source.py).
# system.check_xen_config() checks the same against the real Kconfig of the image booted.
XEN_BUILDS = {"debian": ("credit", "credit2"), "source": ("credit", "credit2", "null")}
# Which builds can describe cpupools in the device tree (CONFIG_BOOT_TIME_CPUPOOLS).
BOOT_TIME_CPUPOOLS = ("source",)
VWFI = ("native", "trap")  # docs/misc/xen-command-line.pandoc, vwfi
# QEMU virt's interrupt controller (hw/arm/virt.c gic-version): Xen gives every guest the host's
# version, and Tandem RT drives either (docs/arm64-port.md). A GICv2 has 8 CPU interfaces at
# most (IHI 0048B: GICD_ITARGETSR has a bit per CPU interface), so QEMU refuses more CPUs with it.
GIC_VERSIONS = (2, 3)
GICV2_MAX_CPUS = 8
# Domains a cpupool may hold, by their section; dom0 stays in Pool-0 (with the boot CPU).
POOL_DOMAINS = ("rtos",)
POOL0 = "Pool-0"


@dataclasses.dataclass(frozen=True)
class CpuPool:
    """A `[cpupool.NAME]` section: a scheduler, its CPUs, the domains in it, and the Xen builds
    it is used with (others leave its domains in Pool-0)."""
    name: str
    scheduler: str
    cpus: tuple
    domains: tuple
    builds: tuple


@dataclasses.dataclass
class Platform:
    machine: str
    gic_version: int
    cpu: str
    smp: int
    qemu_memory_mb: int
    icount: str
    icount_pacer: str
    icount_pacer_us: int
    modules_base: int
    xen_build: str
    scheduler: str
    vwfi: str
    xen_console: str
    dtuart: str
    xen_extra: str
    dom0_memory_mb: int
    dom0_pcpu: int
    dom0_vcpus: int
    dom0_bootargs: str
    rtos_name: str
    rtos_memory_mb: int
    rtos_pcpu: int
    rtos_vcpus: int
    rtos_on_crash: str
    rtos_image: pathlib.Path
    rtos_enhanced: bool
    gpio_passthrough: bool
    gpio_node: str
    gpio_base: int
    gpio_size: int
    gpio_spi: int
    gpio_pass_irq: bool
    gpio_exported_pins: list
    source: pathlib.Path
    cpupools: tuple = ()

    def active_cpupools(self) -> tuple:
        """The pools the chosen Xen build uses, in description order (Pool-1, Pool-2, ...)."""
        return tuple(c for c in self.cpupools if self.xen_build in c.builds)

    def rtos_cpupool(self):
        """The active pool holding the RTOS, or None (Pool-0)."""
        return next((c for c in self.active_cpupools() if "rtos" in c.domains), None)

    def pool0_cpus(self) -> tuple:
        taken = {cpu for c in self.active_cpupools() for cpu in c.cpus}
        return tuple(cpu for cpu in range(self.smp) if cpu not in taken)

    @property
    def gpio_irq(self) -> int:
        """GIC interrupt ID of the controller's SPI (GICv3 spec 2.2: SPIs start at 32)."""
        return 32 + self.gpio_spi

    @property
    def machine_arg(self) -> str:
        """QEMU's -machine value: [qemu] machine with the GIC version."""
        return f"{self.machine},gic-version={self.gic_version}"

    def xen_cmdline(self) -> str:
        parts = [f"dom0_mem={self.dom0_memory_mb}M", f"dom0_max_vcpus={self.dom0_vcpus}",
                 "dom0_vcpus_pin", f"sched={self.scheduler}", f"vwfi={self.vwfi}",
                 f"console={self.xen_console}"]
        if self.xen_console == "dtuart":
            parts.append(f"dtuart={self.dtuart}")
        return " ".join(parts + self.xen_extra.split())


def _int(sec, key):
    v = sec.get(key, "").strip()
    try:
        return int(v, 0)
    except ValueError:
        raise PlatformError(f"[{sec.name}] {key} = {v!r}: expected an integer") from None


def _words(sec, key, default=""):
    return tuple(w for w in sec.get(key, default).replace(",", " ").split())


def _cpupool(path, sec) -> CpuPool:
    name = sec.name.split(".", 1)[1]
    try:
        cpus = tuple(int(c, 0) for c in _words(sec, "cpus"))
    except ValueError:
        raise PlatformError(f"{path}: [{sec.name}] cpus = {sec.get('cpus')!r}: expected CPU "
                            f"numbers, e.g. 1 or 2,3") from None
    return CpuPool(name=name, scheduler=sec.get("scheduler", "").strip(), cpus=cpus,
                   domains=_words(sec, "domains"),
                   builds=_words(sec, "builds", " ".join(XEN_BUILDS)))


def _gic_version(path, q, override):
    """[qemu] gic_version, or the override (platform/run --gic); 3 when neither says."""
    where = "platform/run --gic" if override is not None else f"{path}: [qemu] gic_version"
    value = str(override if override is not None else q.get("gic_version", "3")).strip()
    if value not in tuple(str(v) for v in GIC_VERSIONS):
        raise PlatformError(f"{where} = {value!r}: use 2 (GICv2, e.g. GIC-400 boards) or 3 "
                            f"(GICv3)")
    if "gic-version" in q.get("machine", ""):
        raise PlatformError(f"{path}: [qemu] machine names gic-version; set the GIC version with "
                            f"[qemu] gic_version (or platform/run --gic) instead")
    return int(value)


def load(path=None, rtos_image=None, xen_build=None, gic_version=None) -> Platform:
    """xen_build overrides [xen] build (platform/run --xen), gic_version [qemu] gic_version
    (platform/run --gic)."""
    path = pathlib.Path(path or DEFAULT_CONF)
    cp = configparser.ConfigParser(inline_comment_prefixes=None, interpolation=None)
    if not cp.read(path):
        raise PlatformError(f"cannot read platform description {path}")
    try:
        q, x, d, r, g = (cp[s] for s in ("qemu", "xen", "dom0", "rtos", "gpio"))
    except KeyError as e:
        raise PlatformError(f"{path}: missing section [{e.args[0]}]") from None

    def flag(sec, key):
        try:
            return sec.getboolean(key, fallback=False)
        except ValueError:
            raise PlatformError(f"{path}: [{sec.name}] {key}: expected yes/no") from None

    image = pathlib.Path(rtos_image or r.get("image", ""))
    if not image.is_absolute():
        image = (REPO / image) if rtos_image is None else image.resolve()
    try:
        pins = [int(p, 0) for p in g.get("exported_pins", "").split(",") if p.strip()]
    except ValueError:
        raise PlatformError(f"{path}: [gpio] exported_pins: expected e.g. 0,1,2") from None
    p = Platform(
        machine=q.get("machine"), gic_version=_gic_version(path, q, gic_version),
        cpu=q.get("cpu"), smp=_int(q, "smp"),
        qemu_memory_mb=_int(q, "memory_mb"), icount=q.get("icount", "").strip(),
        icount_pacer=q.get("icount_pacer", "qemu").strip(),
        icount_pacer_us=_int(q, "icount_pacer_us") if q.get("icount_pacer_us", "").strip() else 0,
        modules_base=_int(q, "modules_base"),
        xen_build=(xen_build or x.get("build", "debian")).strip(),
        scheduler=x.get("scheduler"), vwfi=x.get("vwfi"), xen_console=x.get("console"),
        dtuart=x.get("dtuart", ""), xen_extra=x.get("extra_bootargs", ""),
        dom0_memory_mb=_int(d, "memory_mb"), dom0_pcpu=_int(d, "pcpu"),
        dom0_vcpus=_int(d, "vcpus"), dom0_bootargs=d.get("bootargs"),
        rtos_name=r.get("name"), rtos_memory_mb=_int(r, "memory_mb"), rtos_pcpu=_int(r, "pcpu"),
        rtos_vcpus=_int(r, "vcpus"), rtos_on_crash=r.get("on_crash", "destroy").strip(), rtos_image=image,
        rtos_enhanced=flag(r, "enhanced"),
        gpio_passthrough=flag(g, "passthrough"), gpio_node=g.get("node"),
        gpio_base=_int(g, "base"), gpio_size=_int(g, "size"), gpio_spi=_int(g, "spi"),
        gpio_pass_irq=flag(g, "pass_irq"), gpio_exported_pins=pins, source=path,
        cpupools=tuple(_cpupool(path, cp[s]) for s in cp.sections() if s.startswith("cpupool.")))
    _check(p)
    return p


def _check(p: Platform):
    errs = []
    if p.dom0_pcpu != 0:
        errs.append("[dom0] pcpu must be 0 (Xen's dom0_vcpus_pin puts dom0 vCPU n on pCPU n)")
    if not 0 <= p.rtos_pcpu < p.smp or p.rtos_pcpu == p.dom0_pcpu:
        errs.append(f"[rtos] pcpu {p.rtos_pcpu}: must be a pCPU < smp={p.smp} other than dom0's")
    if p.gic_version == 2 and p.smp > GICV2_MAX_CPUS:
        errs.append(f"[qemu] smp = {p.smp}: a GICv2 has at most {GICV2_MAX_CPUS} CPU interfaces "
                    f"(QEMU virt refuses more with gic_version = 2); use gic_version = 3")
    if p.dom0_vcpus != 1 or p.rtos_vcpus != 1:
        errs.append("one vCPU per domain is supported (null scheduler, one pCPU each)")
    if p.gpio_base % 4096 or p.gpio_size % 4096:
        errs.append("[gpio] base and size must be 4 KiB aligned (Xen maps whole pages)")
    if p.dom0_memory_mb + p.rtos_memory_mb + 64 > p.qemu_memory_mb:
        errs.append("[qemu] memory_mb too small for dom0 + rtos + Xen")
    if p.icount_pacer not in PACERS:
        errs.append(f"[qemu] icount_pacer {p.icount_pacer!r}: use one of {', '.join(PACERS)}")
    if not 0 <= p.icount_pacer_us <= 1000000:
        errs.append(f"[qemu] icount_pacer_us {p.icount_pacer_us}: 0 (off) to 1000000 microseconds")
    if any(not 0 <= pin < 8 for pin in p.gpio_exported_pins):
        errs.append("[gpio] exported_pins: the PL061 has pins 0..7")
    if p.rtos_on_crash not in ON_CRASH:
        errs.append(f"[rtos] on_crash {p.rtos_on_crash!r}: use one of {', '.join(ON_CRASH)}")
    if not p.rtos_name or not p.rtos_name.replace("-", "").replace("_", "").isalnum():
        errs.append(f"[rtos] name {p.rtos_name!r}: use letters, digits, - and _")
    errs += _check_xen(p)
    if errs:
        raise PlatformError(f"{p.source}: " + "; ".join(errs))


def _has_it(sched):
    builds = [b for b, scheds in XEN_BUILDS.items() if sched in scheds]
    if not builds:
        return f"no Xen build here has it (schedulers: {', '.join(sorted(_all_scheds()))})"
    return "the " + " and the ".join(builds) + (" builds have" if len(builds) > 1 else
                                                 " build has") + " it"


def _all_scheds():
    return {s for scheds in XEN_BUILDS.values() for s in scheds}


def _check_xen(p: Platform):
    """[xen] build, scheduler, vwfi and the [cpupool.*] sections."""
    errs = []
    if p.xen_build not in XEN_BUILDS:
        return [f"[xen] build {p.xen_build!r}: use {' or '.join(XEN_BUILDS)}"]
    if p.scheduler not in XEN_BUILDS[p.xen_build]:
        errs.append(f"[xen] scheduler = {p.scheduler}: the {p.xen_build} Xen build lacks it; "
                    f"{_has_it(p.scheduler)} ([xen] build, platform/run --xen)")
    if p.vwfi not in VWFI:
        errs.append(f"[xen] vwfi {p.vwfi!r}: use {' or '.join(VWFI)}")
    owner, holds_rtos = {}, []
    for c in p.cpupools:
        where = f"[cpupool.{c.name}]"
        if not c.name.replace("-", "").replace("_", "").isalnum() or c.name.startswith("Pool-"):
            errs.append(f"{where}: name it with letters, digits, - and _ (not Pool-N: xl's "
                        f"names for the pools Xen makes itself)")
        for b in c.builds:
            if not c.scheduler:
                errs.append(f"{where} scheduler: missing (e.g. null or credit2)")
                break
            if b not in XEN_BUILDS:
                errs.append(f"{where} builds: unknown Xen build {b!r} "
                            f"(use {', '.join(XEN_BUILDS)})")
            elif c.scheduler not in XEN_BUILDS[b]:
                errs.append(f"{where} scheduler = {c.scheduler}: the {b} Xen build lacks it; "
                            f"{_has_it(c.scheduler)} (limit the pool with builds = ...)")
        if not c.cpus:
            errs.append(f"{where} cpus: empty (a cpupool needs at least one CPU)")
        for cpu in c.cpus:
            if not 0 <= cpu < p.smp:
                errs.append(f"{where} cpus: CPU {cpu} does not exist ([qemu] smp = {p.smp})")
            elif cpu == p.dom0_pcpu:
                errs.append(f"{where} cpus: CPU {cpu} is dom0's; it stays in {POOL0} with "
                            f"dom0 and the boot CPU")
            elif cpu in owner:
                errs.append(f"{where} cpus: CPU {cpu} is in [cpupool.{owner[cpu]}] too")
            else:
                owner[cpu] = c.name
        for d in c.domains:
            if d == "dom0":
                errs.append(f"{where} domains: dom0 stays in {POOL0} (Xen puts it there at "
                            f"boot; a pool of its own would need the boot CPU)")
            elif d not in POOL_DOMAINS:
                errs.append(f"{where} domains: unknown domain {d!r} "
                            f"(use {', '.join(POOL_DOMAINS)})")
        if "rtos" in c.domains:
            holds_rtos.append(c)
            if p.rtos_pcpu not in c.cpus:
                errs.append(f"{where}: holds the RTOS but not its [rtos] pcpu {p.rtos_pcpu}")
            if c.scheduler == "null" and len(c.cpus) < p.rtos_vcpus:
                errs.append(f"{where}: the null scheduler needs a CPU per vCPU "
                            f"({len(c.cpus)} CPUs for {p.rtos_vcpus} vCPUs)")
    for b in XEN_BUILDS:
        mine = [c.name for c in holds_rtos if b in c.builds]
        if len(mine) > 1:
            errs.append(f"[cpupool.*]: the RTOS is in {len(mine)} pools for the {b} build "
                        f"({', '.join(mine)}); a domain lives in one pool")
    return errs
