"""The platform description (platform/tandem-qemu.conf), parsed and checked once.

Every generated file derives from a Platform object; nothing else holds a number of its own.
A description may extend another (`[description] extends = FILE`): the base is read first, then
the file's own sections add to it and its keys override the base's (e.g.
platform/two-rtos.conf adds a second RTOS domain to tandem-qemu.conf).
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
POOL0 = "Pool-0"
# A cpupool's `domains` names RTOS domains; "rtos" also names the domain of the [rtos] section.
RTOS_SECTION = "rtos"
# The PL061 on QEMU virt has eight pins.
GPIO_PINS = 8


@dataclasses.dataclass(frozen=True)
class CpuPool:
    """A `[cpupool.NAME]` section: a scheduler, its CPUs, the domains in it, and the Xen builds
    it is used with (others leave its domains in Pool-0)."""
    name: str
    scheduler: str
    cpus: tuple
    domains: tuple
    builds: tuple


@dataclasses.dataclass(frozen=True)
class RtosDomain:
    """An RTOS domain: the [rtos] section (named by its `name` key) or a [rtos.NAME] section.
    Each has its own image, pCPU and memory, and owns the GPIO pins in `gpio_pins` (the
    controller's page is mapped into every domain that owns a pin; GPIODATA writes are masked
    by address, so one domain's writes never touch another's pins)."""
    name: str
    section: str
    memory_mb: int
    pcpu: int
    vcpus: int
    on_crash: str
    image: pathlib.Path
    enhanced: bool
    gpio_pins: tuple      # the pins the domain's image drives (exported ones included)
    exported_pins: tuple  # the pins it lets Linux drive over the channel
    gpio_irq: bool        # the controller's interrupt is routed to it (one domain at most)

    @property
    def has_gpio(self) -> bool:
        return bool(self.gpio_pins)


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
    rtos_domains: tuple   # RtosDomain, in description order; the first is the primary
    gpio_passthrough: bool
    gpio_node: str
    gpio_base: int
    gpio_size: int
    gpio_spi: int
    source: pathlib.Path
    cpupools: tuple = ()

    def active_cpupools(self) -> tuple:
        """The pools the chosen Xen build uses, in description order (Pool-1, Pool-2, ...)."""
        return tuple(c for c in self.cpupools if self.xen_build in c.builds)

    def cpupool_of(self, domain: RtosDomain):
        """The active pool holding `domain`, or None (Pool-0)."""
        return next((c for c in self.active_cpupools() if _names(c, domain)), None)

    def domain(self, name: str) -> RtosDomain:
        for d in self.rtos_domains:
            if d.name == name:
                return d
        raise PlatformError(f"{self.source}: no RTOS domain {name!r} (the description has "
                            f"{', '.join(d.name for d in self.rtos_domains)})")

    # The primary RTOS domain (the first): what --rtos-image replaces, what the one-domain
    # tools, scenarios and checks address.
    @property
    def rtos(self) -> RtosDomain:
        return self.rtos_domains[0]

    def rtos_cpupool(self):
        return self.cpupool_of(self.rtos)

    @property
    def rtos_name(self) -> str:
        return self.rtos.name

    @property
    def rtos_memory_mb(self) -> int:
        return self.rtos.memory_mb

    @property
    def rtos_pcpu(self) -> int:
        return self.rtos.pcpu

    @property
    def rtos_vcpus(self) -> int:
        return self.rtos.vcpus

    @property
    def rtos_on_crash(self) -> str:
        return self.rtos.on_crash

    @property
    def rtos_image(self) -> pathlib.Path:
        return self.rtos.image

    @property
    def gpio_exported_pins(self) -> list:
        return list(self.rtos.exported_pins)

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


def _names(pool: CpuPool, domain: RtosDomain) -> bool:
    """Whether `pool` lists `domain` (by name, or as "rtos" for the [rtos] section's)."""
    return domain.name in pool.domains or (
        domain.section == RTOS_SECTION and RTOS_SECTION in pool.domains)


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


def _flag(path, sec, key, default=False):
    try:
        return sec.getboolean(key, fallback=default)
    except ValueError:
        raise PlatformError(f"{path}: [{sec.name}] {key}: expected yes/no") from None


def _pins(path, sec, key, default=()):
    if not sec.get(key, "").strip():
        return tuple(default)
    try:
        return tuple(int(p, 0) for p in _words(sec, key))
    except ValueError:
        raise PlatformError(f"{path}: [{sec.name}] {key} = {sec.get(key)!r}: expected pin "
                            f"numbers, e.g. 1,2,3") from None


def _image(sec, rtos_image):
    """The section's image (relative to the repository), or `rtos_image` (relative to the
    working directory: platform/run --rtos-image) for the primary domain."""
    if rtos_image is not None:
        return pathlib.Path(rtos_image).resolve()
    image = pathlib.Path(sec.get("image", ""))
    return image if image.is_absolute() else REPO / image


def _rtos_domain(path, sec, rtos_image=None) -> RtosDomain:
    if sec.name == RTOS_SECTION:
        name = sec.get("name", "").strip()
    else:
        name = sec.name.split(".", 1)[1]
        if sec.get("name", name).strip() != name:
            raise PlatformError(f"{path}: [{sec.name}] name = {sec.get('name')!r}: a "
                                f"[rtos.NAME] section is named by its header; drop the key")
    exported = _pins(path, sec, "exported_pins")
    return RtosDomain(
        name=name, section=sec.name, memory_mb=_int(sec, "memory_mb"), pcpu=_int(sec, "pcpu"),
        vcpus=_int(sec, "vcpus"), on_crash=sec.get("on_crash", "destroy").strip(),
        image=_image(sec, rtos_image), enhanced=_flag(path, sec, "enhanced"),
        gpio_pins=_pins(path, sec, "gpio_pins", exported), exported_pins=exported,
        gpio_irq=_flag(path, sec, "gpio_irq"))


def _smp(q, d, domains) -> int:
    """[qemu] smp: a number, or auto (the default): one CPU per domain, i.e. up to the highest
    pCPU dom0 or an RTOS domain is given."""
    if q.get("smp", "auto").strip() in ("", "auto"):
        return 1 + max([_int(d, "pcpu")] + [r.pcpu for r in domains])
    return _int(q, "smp")


# Keys that moved from [gpio] into the RTOS domains' sections when a description could hold
# several domains, each owning its pins.
MOVED_GPIO_KEYS = {"exported_pins": "exported_pins", "pass_irq": "gpio_irq"}


def _read(path: pathlib.Path, seen=()) -> configparser.ConfigParser:
    """The description at `path`, after the one it extends ([description] extends = FILE,
    relative to `path`'s folder)."""
    if path.resolve() in seen:
        raise PlatformError(f"{path}: [description] extends itself (through "
                            f"{' -> '.join(map(str, seen))})")
    own = _parse(path, configparser.ConfigParser(inline_comment_prefixes=None, interpolation=None))
    base = own.get("description", "extends", fallback="").strip()
    if not base:
        return own
    return _parse(path, _read(path.parent / base, seen + (path.resolve(),)))


def _parse(path: pathlib.Path, cp: configparser.ConfigParser) -> configparser.ConfigParser:
    """Reads `path` into `cp` (over what it holds already); INI errors name the file and line."""
    try:
        if not cp.read(path):
            raise PlatformError(f"cannot read platform description {path}")
    except configparser.Error as e:
        raise PlatformError(f"{path}: {e.message.splitlines()[0]}") from None
    return cp


def load(path=None, rtos_image=None, xen_build=None, gic_version=None) -> Platform:
    """xen_build overrides [xen] build (platform/run --xen), gic_version [qemu] gic_version
    (platform/run --gic), rtos_image the image of the first RTOS domain (platform/run
    --rtos-image)."""
    path = pathlib.Path(path or DEFAULT_CONF)
    cp = _read(path)
    try:
        q, x, d, g = (cp[s] for s in ("qemu", "xen", "dom0", "gpio"))
    except KeyError as e:
        raise PlatformError(f"{path}: missing section [{e.args[0]}]") from None
    for old, new in MOVED_GPIO_KEYS.items():
        if g.get(old) is not None:
            raise PlatformError(f"{path}: [gpio] {old}: each RTOS domain owns its pins now; "
                                f"move it into the domain's section as `{new}` (e.g. [rtos] "
                                f"{new} = {g.get(old)}), see docs/platform.md")
    sections = [s for s in cp.sections() if s == RTOS_SECTION or s.startswith("rtos.")]
    if not sections:
        raise PlatformError(f"{path}: no RTOS domain: add an [rtos] or [rtos.NAME] section")
    domains = tuple(_rtos_domain(path, cp[s], rtos_image if i == 0 else None)
                    for i, s in enumerate(sections))
    p = Platform(
        machine=q.get("machine"), gic_version=_gic_version(path, q, gic_version),
        cpu=q.get("cpu"), smp=_smp(q, d, domains),
        qemu_memory_mb=_int(q, "memory_mb"), icount=q.get("icount", "").strip(),
        icount_pacer=q.get("icount_pacer", "qemu").strip(),
        icount_pacer_us=_int(q, "icount_pacer_us") if q.get("icount_pacer_us", "").strip() else 0,
        modules_base=_int(q, "modules_base"),
        xen_build=(xen_build or x.get("build", "debian")).strip(),
        scheduler=x.get("scheduler"), vwfi=x.get("vwfi"), xen_console=x.get("console"),
        dtuart=x.get("dtuart", ""), xen_extra=x.get("extra_bootargs", ""),
        dom0_memory_mb=_int(d, "memory_mb"), dom0_pcpu=_int(d, "pcpu"),
        dom0_vcpus=_int(d, "vcpus"), dom0_bootargs=d.get("bootargs"),
        rtos_domains=domains,
        gpio_passthrough=_flag(path, g, "passthrough"), gpio_node=g.get("node"),
        gpio_base=_int(g, "base"), gpio_size=_int(g, "size"), gpio_spi=_int(g, "spi"),
        source=path,
        cpupools=tuple(_cpupool(path, cp[s]) for s in cp.sections() if s.startswith("cpupool.")))
    _check(p)
    return p


def _check(p: Platform):
    errs = []
    if p.dom0_pcpu != 0:
        errs.append("[dom0] pcpu must be 0 (Xen's dom0_vcpus_pin puts dom0 vCPU n on pCPU n)")
    if p.gic_version == 2 and p.smp > GICV2_MAX_CPUS:
        errs.append(f"[qemu] smp = {p.smp}: a GICv2 has at most {GICV2_MAX_CPUS} CPU interfaces "
                    f"(QEMU virt refuses more with gic_version = 2); use gic_version = 3")
    if p.dom0_vcpus != 1:
        errs.append("[dom0] vcpus: one vCPU per domain is supported (one pCPU each)")
    if p.gpio_base % 4096 or p.gpio_size % 4096:
        errs.append("[gpio] base and size must be 4 KiB aligned (Xen maps whole pages)")
    rtos_mb = sum(r.memory_mb for r in p.rtos_domains)
    if p.dom0_memory_mb + rtos_mb + 64 > p.qemu_memory_mb:
        errs.append(f"[qemu] memory_mb {p.qemu_memory_mb} too small for dom0 "
                    f"({p.dom0_memory_mb}) + the RTOS domains ({rtos_mb}) + Xen (64)")
    if p.icount_pacer not in PACERS:
        errs.append(f"[qemu] icount_pacer {p.icount_pacer!r}: use one of {', '.join(PACERS)}")
    if not 0 <= p.icount_pacer_us <= 1000000:
        errs.append(f"[qemu] icount_pacer_us {p.icount_pacer_us}: 0 (off) to 1000000 microseconds")
    errs += _check_domains(p)
    errs += _check_xen(p)
    if errs:
        raise PlatformError(f"{p.source}: " + "; ".join(errs))


def _check_domains(p: Platform):
    """Names, pCPUs and pins of the RTOS domains: each alone on its pCPU, each pin owned by one
    domain."""
    errs, name_of, pcpu_of, pin_of, irq_of = [], {}, {p.dom0_pcpu: "dom0"}, {}, None
    for r in p.rtos_domains:
        where = f"[{r.section}]"
        if not r.name or not r.name.replace("-", "").replace("_", "").isalnum():
            errs.append(f"{where} name {r.name!r}: use letters, digits, - and _")
        elif r.name in name_of or r.name in ("Domain-0", "dom0"):
            errs.append(f"{where}: domain name {r.name!r} is taken"
                        + (f" by [{name_of[r.name]}]" if r.name in name_of else " (dom0's)"))
        name_of.setdefault(r.name, r.section)
        if not 0 <= r.pcpu < p.smp:
            errs.append(f"{where} pcpu {r.pcpu}: must be a pCPU < smp={p.smp} (one pCPU per "
                        f"domain: [qemu] smp = auto gives one per domain)")
        elif r.pcpu in pcpu_of:
            errs.append(f"{where} pcpu {r.pcpu}: must be a pCPU < smp={p.smp} other than "
                        f"{pcpu_of[r.pcpu]}'s (one pCPU per domain)")
        else:
            pcpu_of[r.pcpu] = r.name
        if r.vcpus != 1:
            errs.append(f"{where} vcpus: one vCPU per domain is supported (null scheduler, one "
                        f"pCPU each)")
        if r.on_crash not in ON_CRASH:
            errs.append(f"{where} on_crash {r.on_crash!r}: use one of {', '.join(ON_CRASH)}")
        bad = [pin for pin in r.gpio_pins + r.exported_pins if not 0 <= pin < GPIO_PINS]
        if bad:
            errs.append(f"{where} gpio_pins/exported_pins: the PL061 has pins 0..{GPIO_PINS - 1} "
                        f"(got {', '.join(map(str, bad))})")
        stray = [pin for pin in r.exported_pins if pin not in r.gpio_pins]
        if stray:
            errs.append(f"{where} exported_pins {', '.join(map(str, stray))}: not in its "
                        f"gpio_pins (a domain exports only pins it owns)")
        for pin in r.gpio_pins:
            if pin in pin_of and pin_of[pin] != r.name:
                owner = p.domain(pin_of[pin]).section
                errs.append(f"{where} gpio_pins: pin {pin} belongs to [{owner}] already; each "
                            f"pin belongs to one domain")
            pin_of.setdefault(pin, r.name)
        if r.has_gpio and not p.gpio_passthrough:
            errs.append(f"{where} gpio_pins: the controller is not passed through ([gpio] "
                        f"passthrough = no)")
        if r.gpio_irq and not r.has_gpio:
            errs.append(f"{where} gpio_irq: the domain owns no pin of the controller")
        if r.gpio_irq and irq_of is not None:
            errs.append(f"{where} gpio_irq: the controller's interrupt goes to [{irq_of}] "
                        f"already (Xen routes an interrupt to one domain)")
        elif r.gpio_irq:
            irq_of = r.section
    return errs


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
    owner, holds = {}, {}
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
        known = {r.name for r in p.rtos_domains} | {RTOS_SECTION}
        for d in c.domains:
            if d == "dom0":
                errs.append(f"{where} domains: dom0 stays in {POOL0} (Xen puts it there at "
                            f"boot; a pool of its own would need the boot CPU)")
            elif d not in known:
                errs.append(f"{where} domains: unknown domain {d!r} (use the RTOS domains' "
                            f"names: {', '.join(r.name for r in p.rtos_domains)}; or rtos for "
                            f"the [rtos] section's)")
        mine = [r for r in p.rtos_domains if _names(c, r)]
        for r in mine:
            holds.setdefault(r.name, []).append(c)
            if r.pcpu not in c.cpus:
                errs.append(f"{where}: holds {r.name} but not its [{r.section}] pcpu {r.pcpu}")
        vcpus = sum(r.vcpus for r in mine)
        if c.scheduler == "null" and len(c.cpus) < vcpus:
            errs.append(f"{where}: the null scheduler needs a CPU per vCPU "
                        f"({len(c.cpus)} CPUs for {vcpus} vCPUs)")
    for name, pools in holds.items():
        for b in XEN_BUILDS:
            mine = [c.name for c in pools if b in c.builds]
            if len(mine) > 1:
                errs.append(f"[cpupool.*]: {name} is in {len(mine)} pools for the {b} build "
                            f"({', '.join(mine)}); a domain lives in one pool")
    return errs
