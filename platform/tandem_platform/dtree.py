"""The host device tree: QEMU's own tree plus the GPIO passthrough marker and our /chosen.

Xen reads its command line and boot modules from /chosen (docs/misc/arm/device-tree/booting.txt);
dom0less domains are /chosen sub-nodes with compatible "xen,domain". Once QEMU gets -dtb it no
longer edits /chosen, so we write all of it and load each module with `-device loader`.
"""

import dataclasses
import hashlib
import pathlib
import re
import subprocess

from .config import Platform, RtosDomain
from .util import PlatformError, log, run

ALIGN = 2 << 20
POOL0_NODE = "cpupool-0"
# GUEST_PHANDLE_GIC in xen/include/public/arch-arm.h: the phandle of the vGIC in a domU's tree.
GUEST_PHANDLE_GIC = 65000


@dataclasses.dataclass
class Module:
    name: str
    path: pathlib.Path
    addr: int = 0

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclasses.dataclass
class BootDomain:
    """An RTOS domain Xen builds at boot (dom0less): its kernel and passthrough tree modules."""
    domain: RtosDomain
    kernel: Module
    dtb: Module = None


def place(p: Platform, modules):
    """Assigns 2 MiB aligned load addresses from modules_base upwards, checks RAM bounds."""
    addr = p.modules_base
    ram_end = 0x40000000 + (p.qemu_memory_mb << 20)
    for m in modules:
        m.addr = addr
        addr = (addr + m.size + ALIGN - 1) // ALIGN * ALIGN
    if addr > ram_end:
        raise PlatformError(f"boot modules end at {addr:#x}, beyond RAM end {ram_end:#x}")
    return modules


def qemu_machine_args(p: Platform):
    return ["-machine", p.machine_arg, "-cpu", p.cpu, "-smp", str(p.smp), "-m", str(p.qemu_memory_mb)]


def dump_qemu_dtb(p: Platform, outdir: pathlib.Path) -> pathlib.Path:
    """QEMU's generated tree for these machine options (cached by options + QEMU version)."""
    ver = run(["qemu-system-aarch64", "--version"], quiet=True).stdout.splitlines()[0]
    key = hashlib.sha256(" ".join(qemu_machine_args(p) + [ver]).encode()).hexdigest()[:12]
    dtb = outdir / f"qemu-virt-{key}.dtb"
    if not dtb.exists():
        log("dumping QEMU's device tree (dumpdtb)")
        args = qemu_machine_args(p)
        args[1] += f",dumpdtb={dtb}"
        run(["qemu-system-aarch64", *args, "-display", "none", "-nodefaults"], quiet=True)
    return dtb


def _reg(addr, size, cells):
    if cells == 1:
        return f"<{addr:#x} {size:#x}>"
    return f"<{addr >> 32:#x} {addr & 0xffffffff:#x} {size >> 32:#x} {size & 0xffffffff:#x}>"


def _module(m: Module, compat: str, cells: int, extra: str = "") -> str:
    return (f"module@{m.addr:x} {{ compatible = \"{compat}\", \"multiboot,module\"; "
            f"reg = {_reg(m.addr, m.size, cells)};{extra} }};")


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def partial_dts(p: Platform, r: RtosDomain = None) -> str:
    """The dom0less passthrough tree for RTOS domain `r` (default the first; docs/misc/arm/
    passthrough.txt and device-tree/booting.txt "Device Assignment"): the node under
    /passthrough describes the device as the guest sees it; xen,reg = <host-addr size
    guest-addr> maps the MMIO 1:1. For the domain that gets the controller's interrupt, xen,path
    names the host node (which carries xen,passthrough) whose interrupts Xen routes to the guest;
    the other domains that own pins get the mapping only (Xen routes an interrupt to one domain;
    without xen,path it assigns nothing else). xen,force-assign-without-iommu because QEMU virt
    has no SMMU."""
    r = r or p.rtos
    irq = f"interrupts = <0 {p.gpio_spi} 4>; interrupt-parent = <{GUEST_PHANDLE_GIC}>;" \
        if r.gpio_irq else ""
    path = f"xen,path = {_q(p.gpio_node)};" if r.gpio_irq else ""
    node = p.gpio_node.rsplit("/", 1)[-1]
    reg = _reg(p.gpio_base, p.gpio_size, 2)[1:-1]
    return f"""/dts-v1/;
/ {{
    #address-cells = <2>;
    #size-cells = <2>;
    passthrough {{
        compatible = "simple-bus";
        ranges;
        #address-cells = <2>;
        #size-cells = <2>;
        {node} {{
            compatible = "arm,pl061", "arm,primecell";
            reg = <{reg}>;
            {irq}
            xen,reg = <{reg} {p.gpio_base >> 32:#x} {p.gpio_base & 0xffffffff:#x}>;
            {path}
            xen,force-assign-without-iommu;
        }};
    }};
}};
"""


def compile_dts(src: str, out: pathlib.Path) -> pathlib.Path:
    out.with_suffix(".dts").write_text(src)
    proc = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out),
                           str(out.with_suffix(".dts"))], text=True, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise PlatformError(f"dtc failed on {out.with_suffix('.dts')}:\n{proc.stderr}")
    return out


def cpupool_node_name(pool_name: str) -> str:
    return f"cpupool-{pool_name}"


def cpupool_nodes(p: Platform, base_dts: str):
    """Boot-time cpupools (Xen's docs/misc/arm/device-tree/cpupools.txt, CONFIG_BOOT_TIME_CPUPOOLS):
    /chosen children with compatible "xen,cpupool", cpupool-cpus = phandles of CPU nodes and
    cpupool-sched. Pool-0 is written out too, first, so Xen numbers the description's pools
    Pool-1, Pool-2, ... in their order (it numbers pools in tree order and swaps the boot CPU's
    pool to id 0; dom0's /init renames them to the description's names). A CPU is referenced by
    its node /cpus/cpu@N: on QEMU virt node cpu@N has reg N, which is Xen's logical CPU N (the
    boot CPU first, then tree order); dtc gives each referenced node a phandle."""
    def ref(cpu):
        if not re.search(rf"^\s*cpu@{cpu:x} {{", base_dts, re.M):
            raise PlatformError(f"QEMU's device tree has no /cpus/cpu@{cpu:x} node for the "
                                f"cpupools (smp = {p.smp})")
        return f"&{{/cpus/cpu@{cpu:x}}}"

    pools = [(POOL0_NODE, p.pool0_cpus(), p.scheduler)]
    pools += [(cpupool_node_name(c.name), c.cpus, c.scheduler) for c in p.active_cpupools()]
    return [f"{node} {{ compatible = \"xen,cpupool\"; "
            f"cpupool-cpus = <{' '.join(ref(c) for c in cpus)}>; cpupool-sched = {_q(sched)}; }};"
            for node, cpus, sched in pools]


def domain_node(p: Platform, b: BootDomain) -> str:
    """The /chosen node of a boot-time RTOS domain (booting.txt "Creating Multiple Domains
    Directly from Xen"). Xen builds them in /chosen order, numbering them 1, 2, ...; dom0's
    /init relies on that order to name them."""
    r = b.domain
    dom = [f"compatible = \"xen,domain\";", "#address-cells = <1>;", "#size-cells = <1>;",
           f"memory = <0x0 {r.memory_mb * 1024:#x}>;", f"cpus = <{r.vcpus}>;", "vpl011;"]
    if r.enhanced:
        dom.append("xen,enhanced = \"enabled\";")
    pool = p.cpupool_of(r)
    if pool is not None:
        # booting.txt "domain-cpupool": the domain starts in this boot-time pool.
        dom.append(f"domain-cpupool = <&{{/chosen/{cpupool_node_name(pool.name)}}}>;")
    dom.append(_module(b.kernel, "multiboot,kernel", 1))
    if b.dtb is not None:
        dom.append(_module(b.dtb, "multiboot,device-tree", 1))
    return f"{r.name} {{ " + " ".join(dom) + " };"


def host_dts(p: Platform, qemu_dtb: pathlib.Path, dom0_kernel: Module, dom0_ramdisk: Module,
             domus=()) -> str:
    """QEMU's tree with overrides appended (dtc merges later definitions of the same node).
    domus: the BootDomains Xen builds at boot (route dom0less), in p.rtos_domains order."""
    base = run(["dtc", "-q", "-I", "dtb", "-O", "dts", qemu_dtb], quiet=True).stdout
    if p.gpio_passthrough and f"{p.gpio_node.rsplit('/', 1)[-1]} {{" not in base:
        raise PlatformError(f"QEMU's device tree has no {p.gpio_node} node ([gpio] node)")
    out = [base, "/* --- generated by platform/run from", f"   {p.source} --- */"]
    if p.gpio_passthrough:
        # booting.txt "xen,passthrough": Xen neither maps nor describes it to dom0.
        out.append(f"&{{{p.gpio_node}}} {{ xen,passthrough; }};")
    chosen = [f"xen,xen-bootargs = {_q(p.xen_cmdline())};",
              "#address-cells = <2>;", "#size-cells = <2>;"]
    if dom0_kernel is not None:  # without a dom0 kernel module Xen 4.17 boots dom0less only
        chosen += [f"xen,dom0-bootargs = {_q(p.dom0_bootargs)};",
                   _module(dom0_kernel, "multiboot,kernel", 2),
                   _module(dom0_ramdisk, "multiboot,ramdisk", 2)]
    if domus and p.active_cpupools():
        chosen += cpupool_nodes(p, base)
    chosen += [domain_node(p, b) for b in domus]
    out.append("/ { chosen { " + "\n    ".join(chosen) + " }; };")
    return "\n".join(out) + "\n"
