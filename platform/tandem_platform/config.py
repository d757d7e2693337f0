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


@dataclasses.dataclass
class Platform:
    machine: str
    cpu: str
    smp: int
    qemu_memory_mb: int
    icount: str
    icount_pacer: str
    icount_pacer_us: int
    modules_base: int
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

    @property
    def gpio_irq(self) -> int:
        """GIC interrupt ID of the controller's SPI (GICv3 spec 2.2: SPIs start at 32)."""
        return 32 + self.gpio_spi

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


def load(path=None, rtos_image=None) -> Platform:
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
        machine=q.get("machine"), cpu=q.get("cpu"), smp=_int(q, "smp"),
        qemu_memory_mb=_int(q, "memory_mb"), icount=q.get("icount", "").strip(),
        icount_pacer=q.get("icount_pacer", "qemu").strip(),
        icount_pacer_us=_int(q, "icount_pacer_us") if q.get("icount_pacer_us", "").strip() else 0,
        modules_base=_int(q, "modules_base"),
        scheduler=x.get("scheduler"), vwfi=x.get("vwfi"), xen_console=x.get("console"),
        dtuart=x.get("dtuart", ""), xen_extra=x.get("extra_bootargs", ""),
        dom0_memory_mb=_int(d, "memory_mb"), dom0_pcpu=_int(d, "pcpu"),
        dom0_vcpus=_int(d, "vcpus"), dom0_bootargs=d.get("bootargs"),
        rtos_name=r.get("name"), rtos_memory_mb=_int(r, "memory_mb"), rtos_pcpu=_int(r, "pcpu"),
        rtos_vcpus=_int(r, "vcpus"), rtos_on_crash=r.get("on_crash", "destroy").strip(), rtos_image=image,
        rtos_enhanced=flag(r, "enhanced"),
        gpio_passthrough=flag(g, "passthrough"), gpio_node=g.get("node"),
        gpio_base=_int(g, "base"), gpio_size=_int(g, "size"), gpio_spi=_int(g, "spi"),
        gpio_pass_irq=flag(g, "pass_irq"), gpio_exported_pins=pins, source=path)
    _check(p)
    return p


def _check(p: Platform):
    errs = []
    if p.dom0_pcpu != 0:
        errs.append("[dom0] pcpu must be 0 (Xen's dom0_vcpus_pin puts dom0 vCPU n on pCPU n)")
    if not 0 <= p.rtos_pcpu < p.smp or p.rtos_pcpu == p.dom0_pcpu:
        errs.append(f"[rtos] pcpu {p.rtos_pcpu}: must be a pCPU < smp={p.smp} other than dom0's")
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
    if errs:
        raise PlatformError(f"{p.source}: " + "; ".join(errs))
