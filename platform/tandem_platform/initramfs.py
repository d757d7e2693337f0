"""The dom0 initramfs: busybox, Xen toolstack + library closure, Xen modules, /init, the RTOS.

Written as a newc cpio by Python (no root needed for /dev/console), uncompressed: under TCG the
kernel unpacks a plain cpio faster than it inflates a gzip one, and QEMU's loader copies it in
no time.
"""

import os
import pathlib
import stat
import subprocess

from . import fetch as fetchmod
from . import python
from .config import Platform
from .util import REPO, PlatformError, log
from .xlcfg import rtos_config_path, rtos_kernel_path, xl_config

XEN_BIN = f"usr/lib/xen-{fetchmod.XEN_VER}/bin"
# What dom0 runs (init, `xl`, tests); their NEEDED closure is added automatically.
TOOLS = [f"{XEN_BIN}/{t}" for t in ("xl", "xenstored", "xenconsoled", "xen-init-dom0",
                                    "init-dom0less", "xenconsole", "libxl-save-helper")]
TOOLS += ["usr/bin/xenstore"]
# dlopen()ed, so invisible to the NEEDED walk: glibc loads libgcc_s for pthread_cancel (xl).
DLOPENED = ["libgcc_s.so.1"]
XENSTORE_LINKS = ["read", "write", "ls", "list", "rm", "chmod", "exists", "watch"]
MODULES = ["xen-privcmd.ko", "xenfs/xenfs.ko", "xen-evtchn.ko", "xen-gntdev.ko",
           "xen-gntalloc.ko"]
INIT = REPO / "platform" / "dom0" / "init"
RTOS_CREATE = REPO / "platform" / "dom0" / "tandem-rtos-create"
CPUPOOLS = REPO / "platform" / "dom0" / "tandem-cpupools"
LINUX_BUILD = REPO / "linux" / "build-arm64.sh"
LINUX_OUT = REPO / "build" / "arm64-linux"
# What linux/build-arm64.sh builds (found here when it is not run: --no-build).
LINUX_TOOLS = ["linux/tandemctl", "linux/tandemd", "linux/tandem-bench", "linux/tandem-loopback",
               "linux/tandem-pacer"]


def cpupools_env(p: Platform) -> str:
    """The active cpupools for dom0's /init, in description order: "NAME:SCHED:CPU,CPU ..."."""
    return " ".join(f"{c.name}:{c.scheduler}:{','.join(map(str, c.cpus))}"
                    for c in p.active_cpupools())


def rtos_env(p: Platform) -> str:
    """The RTOS domains for dom0's /init, in description order (Xen's boot-time domain ids 1,
    2, ... on route dom0less): "NAME:PCPU:ON_CRASH:ENHANCED ..." (ENHANCED 1 or 0)."""
    return " ".join(f"{r.name}:{r.pcpu}:{r.on_crash}:{int(r.enhanced)}" for r in p.rtos_domains)


def linux_tools(build: bool, required: bool = False):
    """Our dom0 tools (linux/build-arm64.sh prints what it built). Unless `required` (the
    target tests), absent tools are not an error: the system boots without them. The build
    needs the arm64 sysroot that fetch.fetch() unpacks, so fetch first."""
    if build and LINUX_BUILD.exists():
        log("building the dom0 tools (linux/build-arm64.sh)")
        p = subprocess.run(["sh", str(LINUX_BUILD), str(LINUX_OUT)], text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode == 0:
            return [pathlib.Path(x) for x in p.stdout.split() if pathlib.Path(x).is_file()]
        if required:
            raise PlatformError(f"linux/build-arm64.sh failed:\n{p.stderr.strip()[-2000:]}")
        log(f"warning: linux/build-arm64.sh failed, dom0 image without our tools:\n"
            f"{p.stderr.strip()[-2000:]}")
    found = [LINUX_OUT / t for t in LINUX_TOOLS if (LINUX_OUT / t).is_file()]
    if not found and (LINUX_OUT / "bin").is_dir():
        found = [LINUX_OUT / "bin"]
    if required and not found:
        raise PlatformError(f"no dom0 tools in {LINUX_OUT} (run linux/build-arm64.sh)")
    return found


class Cpio:
    """newc writer (the format the kernel's initramfs unpacker reads: init/initramfs.c)."""

    def __init__(self, f):
        self.f, self.ino, self.names = f, 1000, set()

    def _hdr(self, name, mode, size, rdev=(0, 0)):
        self.ino += 1
        fields = [self.ino, mode, 0, 0, 1, 0, size, 0, 0, rdev[0], rdev[1], len(name) + 1, 0]
        h = b"070701" + b"".join(b"%08X" % v for v in fields) + name.encode() + b"\0"
        self.f.write(h + b"\0" * (-len(h) % 4))

    def _data(self, data):
        self.f.write(data + b"\0" * (-len(data) % 4))

    def dirs(self, path):
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            self.dir("/".join(parts[:i]))

    def dir(self, name):
        if name not in self.names:
            self.names.add(name)
            self.dirs(name)
            self._hdr(name, stat.S_IFDIR | 0o755, 0)

    def file(self, name, data: bytes, mode=0o644):
        name = name.strip("/")
        if name in self.names:
            return
        self.dirs(name)
        self.names.add(name)
        self._hdr(name, stat.S_IFREG | mode, len(data))
        self._data(data)

    def symlink(self, name, target):
        name = name.strip("/")
        if name in self.names:
            return
        self.dirs(name)
        self.names.add(name)
        self._hdr(name, stat.S_IFLNK | 0o777, len(target))
        self._data(target.encode())

    def chardev(self, name, major, minor):
        self.dirs(name)
        self.names.add(name)
        self._hdr(name, stat.S_IFCHR | 0o600, 0, (major, minor))

    def trailer(self):
        self._hdr("TRAILER!!!", 0, 0)
        self.f.write(b"\0" * (-self.f.tell() % 512))


def _copy_path(c: Cpio, root: pathlib.Path, rel: str):
    """Copies root/rel into the archive, following symlinks as symlinks (libc's ld-linux)."""
    src = root / rel
    if src.is_symlink():
        c.symlink(rel, os.readlink(src))
        target = (src.parent / os.readlink(src)).resolve()
        _copy_path(c, root, str(target.relative_to(root.resolve())))
    else:
        c.file(rel, src.read_bytes(), 0o755 if os.access(src, os.X_OK) else 0o644)


def _python_files(art: fetchmod.Artifacts, missing: dict):
    """Python in dom0 (python.py) and what linux/build-arm64.sh staged for it: the files, and
    the (root, path) of every library they need, looked up in the Python root (libexpat,
    libffi) and then the toolstack's (libc, libz, the Xen libraries). Unresolved sonames go to
    `missing`."""
    if art.python_root is None:
        return [], []
    files = python.image_files(art.python_root, LINUX_OUT / "python-root")
    roots = (art.python_root, art.dom0_root)
    libs, todo, seen = {}, python.shared_objects(files), set()
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        for so in fetchmod._needed(f):
            hit = next(((r, fetchmod.find_lib(r, so)) for r in roots if fetchmod.find_lib(r, so)),
                       None)
            if hit is None:
                missing.setdefault(so, []).append(f.name)
            elif so not in libs:
                libs[so] = (hit[0], str(hit[1].relative_to(hit[0])))
                todo.append(hit[1].resolve())
    return files, list(libs.values())


SCENARIO_DIR = "etc/tandem/scenarios"


def scenario_files(scenario) -> list:
    """The archive entries (path, bytes, mode) of one dom0 scenario: the script, executable, and
    the helpers its directory keeps in lib/ (which it sources as "$(dirname "$0")/lib/NAME"),
    beside it in /etc/tandem/scenarios/lib/, not executable."""
    scenario = pathlib.Path(scenario)
    files = [(f"{SCENARIO_DIR}/{scenario.name}", scenario.read_bytes(), 0o755)]
    lib = scenario.parent / "lib"
    if lib.is_dir():
        files += [(f"{SCENARIO_DIR}/lib/{f.name}", f.read_bytes(), 0o644)
                  for f in sorted(lib.iterdir()) if f.is_file()]
    return files


def build(p: Platform, art: fetchmod.Artifacts, out: pathlib.Path, route: str,
          extra_bins=(), overlays=(), scenarios=()) -> pathlib.Path:
    root = art.dom0_root
    elfs = [root / t for t in TOOLS]
    for e in elfs:
        if not e.exists():
            raise PlatformError(f"{e} missing from the fetched toolstack; rerun platform/fetch")
    extra = []
    for d in extra_bins:
        d = pathlib.Path(d)
        if d.is_dir():
            extra += [f for f in sorted(d.iterdir()) if f.is_file() and os.access(f, os.X_OK)]
        elif d.is_file():
            extra.append(d)
    libs, missing = fetchmod.lib_closure(root, elfs + extra)
    for so in DLOPENED:
        lib = fetchmod.find_lib(root, so)
        if lib is None:
            missing[so] = ["dlopen"]
        libs[so] = lib
    py_files, py_libs = _python_files(art, missing)
    if missing:
        raise PlatformError(f"libraries missing for the dom0 image: {missing}")
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        c = Cpio(f)
        for d in ("dev", "proc", "sys", "tmp", "run", "var", "etc", "root", "lib", "bin"):
            c.dir(d)
        c.chardev("dev/console", 5, 1)
        c.file("init", INIT.read_bytes(), 0o755)
        c.file("bin/busybox", (root / "bin/busybox").read_bytes(), 0o755)
        for t in TOOLS:
            _copy_path(c, root, t)
        for ln in XENSTORE_LINKS:
            c.symlink(f"usr/bin/xenstore-{ln}", "xenstore")
        for so, path in sorted(libs.items()):
            rel = str(path.relative_to(root))
            _copy_path(c, root, rel)
        _copy_path(c, root, "lib/ld-linux-aarch64.so.1")
        for m in MODULES:
            c.file(f"lib/modules/xen/{pathlib.Path(m).name}", (art.modules / m).read_bytes())
        # TANDEM_RT_*: the first RTOS domain's, for the scenarios and tools that address one;
        # TANDEM_RTOS: every RTOS domain (rtos_env); TANDEM_GPIO_PINS: the first domain's
        # exported pins.
        env = {"TANDEM_ROUTE": route, "TANDEM_RT_NAME": p.rtos_name,
               "TANDEM_RT_ENHANCED": int(p.rtos.enhanced), "TANDEM_RT_PCPU": p.rtos_pcpu,
               "TANDEM_RT_ON_CRASH": p.rtos_on_crash, "TANDEM_RTOS": f'"{rtos_env(p)}"',
               "TANDEM_GPIO_PINS": ",".join(map(str, p.gpio_exported_pins)),
               "TANDEM_XEN_BUILD": p.xen_build, "TANDEM_CPUPOOLS": f'"{cpupools_env(p)}"'}
        c.file("etc/tandem/platform.env",
               "".join(f"{k}={v}\n" for k, v in env.items()).encode())
        c.file("etc/xen/xl.conf", b"# xl.conf(5): defaults are fine for Tandem\n")
        # On every route, so dom0 can (re-)create each RTOS domain with `xl create
        # /rt/<name>.cfg`: also after a boot-time (dom0less) domain was destroyed or crashed.
        for d in p.rtos_domains:
            c.file(rtos_config_path(d), xl_config(p, d).encode())
            c.file(rtos_kernel_path(d), d.image.read_bytes())
        c.file("usr/local/bin/tandem-rtos-create", RTOS_CREATE.read_bytes(), 0o755)
        c.file("usr/local/bin/tandem-cpupools", CPUPOOLS.read_bytes(), 0o755)
        for e in extra:
            c.file(f"usr/local/bin/{e.name}", e.read_bytes(), 0o755)
        for name, src, mode in py_files:
            c.file(name, src.read_bytes(), mode)
        if py_files:
            c.symlink("usr/bin/python3", f"python{python.VERSION}")
        for lib_root, rel in py_libs:
            _copy_path(c, lib_root, rel)
        for s in scenarios:
            for name, data, mode in scenario_files(s):
                c.file(name, data, mode)
        for ov in overlays:
            ov = pathlib.Path(ov)
            for f in sorted(ov.rglob("*")):
                if f.is_file():
                    mode = 0o755 if os.access(f, os.X_OK) else 0o644
                    c.file(str(f.relative_to(ov)), f.read_bytes(), mode)
        c.trailer()
    tmp.replace(out)
    log(f"dom0 initramfs {out} ({out.stat().st_size >> 20} MiB, {len(c.names)} entries"
        f"{', extra: ' + ', '.join(e.name for e in extra) if extra else ''})")
    return out
