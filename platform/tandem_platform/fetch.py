"""Fetches Debian's arm64 Xen, Linux, busybox and Xen toolstack without touching host apt state.

Recipe (shared/notes/xen-qemu.md): a private apt state (lists, archives) with the arm64
architecture, `apt-get download` (no dependency resolution, no root needed) and `dpkg-deb -x`
into private roots under the cache. Library closure: walk NEEDED of every ELF in the dom0 root
and pull the lib* dependencies of the fetched packages until no NEEDED entry is missing.
"""

import dataclasses
import fcntl
import json
import pathlib
import re
import subprocess
import sys
import time

from .util import PlatformError, cache_dir, log, need_tools, run

XEN_VER = "4.17"
DOM0_PACKAGES = [f"xen-hypervisor-{XEN_VER}-arm64", "busybox-static", f"xen-utils-{XEN_VER}",
                 "xen-utils-common", "xenstore-utils"]
# The arm64 sysroot the linux/ tools are cross-built against (headers + .so + static .a).
SYSROOT_PACKAGES = ["libxen-dev", "libxenstore4", f"libxenmisc{XEN_VER}", "libxencall1",
                    "libxenevtchn1", "libxengnttab1", "libxentoolcore1", "libxentoollog1",
                    "libxenforeignmemory1", "libxendevicemodel1", "libxenhypfs1"]
# Files of the kernel package the platform uses (the rest is ~400 MB of modules).
KERNEL_MEMBERS = ["./boot/*", "./lib/modules/*/kernel/drivers/xen/*", "./lib/modules/*/modules.*"]
LIB_DIRS = ["lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "lib", "usr/lib",
            f"usr/lib/xen-{XEN_VER}/lib"]
ELF_DIRS = [f"usr/lib/xen-{XEN_VER}/bin", "usr/sbin", "usr/bin", "bin", "sbin"]
LISTS_MAX_AGE_S = 7 * 24 * 3600


@dataclasses.dataclass
class Artifacts:
    """Paths of everything the later steps need, all inside the cache."""
    xen: pathlib.Path
    kernel: pathlib.Path
    kernel_version: str
    modules: pathlib.Path      # lib/modules/<ver>/kernel/drivers/xen
    dom0_root: pathlib.Path    # busybox + toolstack + library closure
    sysroot: pathlib.Path      # arm64 libxen-dev sysroot
    python_root: pathlib.Path = None  # Debian's python3.11 for dom0 (python.py)


class _Apt:
    """apt-get/apt-cache with a private arm64 state under <cache>/apt."""

    def __init__(self, base: pathlib.Path):
        self.base = base
        for d in ("lists/partial", "archives/partial", "debs"):
            (base / d).mkdir(parents=True, exist_ok=True)
        self.opts = ["-oAPT::Architecture=arm64", "-oAPT::Architectures=arm64",
                     f"-oDir::State::Lists={base / 'lists'}",
                     f"-oDir::State::status={base / 'status'}",
                     f"-oDir::Cache={base / 'cache'}", f"-oDir::Cache::archives={base / 'archives'}",
                     "-oDebug::NoLocking=1", "-oAPT::Get::AllowUnauthenticated=false"]
        (base / "status").touch()
        (base / "cache").mkdir(exist_ok=True)
        self.debs = base / "debs"

    def update(self, force=False):
        stamp = self.base / "lists.stamp"
        if not force and stamp.exists() and time.time() - stamp.stat().st_mtime < LISTS_MAX_AGE_S:
            return
        log("apt-get update (private arm64 lists)")
        run(["apt-get", *self.opts, "-q", "update"], quiet=True)
        stamp.touch()

    def cache(self, *args) -> str:
        return run(["apt-cache", *self.opts, *args], quiet=True).stdout

    def depends(self, pkgs):
        """{pkg: [direct Depends/PreDepends names]} (virtual <names> skipped)."""
        out = self.cache("depends", "--no-recommends", "--no-suggests", "--no-conflicts",
                         "--no-breaks", "--no-replaces", "--no-enhances", *pkgs)
        deps, cur = {}, None
        for line in out.splitlines():
            if line and not line[0].isspace():
                cur = line.strip()
                deps[cur] = []
            m = re.match(r"\s+\|?(Pre)?Depends: ([^<\s]\S*)", line)
            if m and cur:
                deps[cur].append(m.group(2).split(":")[0])
        return deps

    def prefetch(self, pkgs):
        """Downloads the missing ones in one apt-get call (apt's start-up costs ~1 s each)."""
        todo = [p for p in pkgs if not list(self.debs.glob(f"{p}_*_*.deb"))]
        if len(todo) > 1:
            log(f"downloading {' '.join(todo)}")
            subprocess.run(["apt-get", *self.opts, "download", *todo], cwd=self.debs, text=True,
                           stdout=sys.stderr, stderr=subprocess.PIPE)  # deb() reports failures

    def deb(self, pkg) -> pathlib.Path:
        found = sorted(self.debs.glob(f"{pkg}_*_*.deb"))
        if found:
            return found[-1]
        log(f"downloading {pkg}")
        for attempt in (0, 1):
            # apt's own progress goes to the terminal (stdout), errors are kept for the report.
            p = subprocess.run(["apt-get", *self.opts, "download", pkg], cwd=self.debs,
                               text=True, stdout=sys.stderr, stderr=subprocess.PIPE)
            found = sorted(self.debs.glob(f"{pkg}_*_*.deb"))
            if p.returncode == 0 and found:
                return found[-1]
            if attempt == 0:  # stale lists (404): refresh once
                self.update(force=True)
        raise PlatformError(f"apt-get download {pkg} failed:\n{p.stderr.strip()}")


def _extract(deb: pathlib.Path, root: pathlib.Path, members=None):
    root.mkdir(parents=True, exist_ok=True)
    if members is None:
        run(["dpkg-deb", "-x", deb, root], quiet=True)
        return
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    run(["tar", "-x", "-C", root, "--wildcards", *members], stdin=tar.stdout, quiet=True)
    if tar.wait() != 0:
        raise PlatformError(f"dpkg-deb --fsys-tarfile {deb} failed")


def _needed(path: pathlib.Path):
    p = subprocess.run(["aarch64-linux-gnu-readelf", "-d", str(path)], text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", p.stdout)


def _is_elf(path: pathlib.Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(root: pathlib.Path):
    """The executables the dom0 image may run (libraries are reached through NEEDED)."""
    for d in ELF_DIRS:
        base = root / d
        if base.is_dir():
            for f in sorted(base.iterdir()):
                if f.is_file() and _is_elf(f):
                    yield f


def find_lib(root: pathlib.Path, soname: str):
    for d in LIB_DIRS:
        if (root / d / soname).exists():
            return root / d / soname
    return None


def lib_closure(root: pathlib.Path, start):
    """Walks NEEDED from the ELF files in start: ({soname: path}, {missing soname: [needers]})."""
    found, missing, todo, seen = {}, {}, list(start), set()
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        for so in _needed(f):
            lib = find_lib(root, so)
            if lib is None:
                missing.setdefault(so, []).append(str(f.relative_to(root)))
            elif so not in found:
                found[so] = lib
                todo.append(lib.resolve())
    return found, missing


def missing_libs(root: pathlib.Path):
    return lib_closure(root, elf_files(root))[1]


def _unpack_set(apt: _Apt, pkgs, root: pathlib.Path, done: set, members=None):
    apt.prefetch([p for p in pkgs if p not in done])
    for pkg in pkgs:
        if pkg in done:
            continue
        _extract(apt.deb(pkg), root, members)
        done.add(pkg)


def _closure(apt: _Apt, root: pathlib.Path, done: set):
    """Adds lib*/zlib* dependencies until every NEEDED entry in root resolves."""
    for _ in range(12):
        missing = missing_libs(root)
        if not missing:
            return
        log(f"library closure: missing {', '.join(sorted(missing))}")
        cands = {d for deps in apt.depends(sorted(done)).values() for d in deps
                 if d.startswith(("lib", "zlib")) and d not in done}
        if not cands:
            raise PlatformError(f"cannot resolve libraries {missing}: no lib* dependency left")
        _unpack_set(apt, sorted(cands), root, done)
    raise PlatformError("library closure did not converge")


def fetch(force_update=False) -> Artifacts:
    """Fetches and unpacks what is missing; one process at a time per cache (flock)."""
    need_tools("apt-get", "apt-cache", "dpkg-deb", "tar", "aarch64-linux-gnu-readelf")
    cache_dir().mkdir(parents=True, exist_ok=True)
    with open(cache_dir() / "fetch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _fetch_locked(force_update)


def _fetch_locked(force_update) -> Artifacts:
    base = cache_dir() / "arm64"
    apt = _Apt(cache_dir() / "apt")
    apt.update(force=force_update)
    kdeps = apt.depends(["linux-image-arm64"]).get("linux-image-arm64", [])
    kpkg = next((d for d in kdeps if d.startswith("linux-image-")), None)
    if kpkg is None:
        raise PlatformError("apt-cache: linux-image-arm64 has no linux-image-* dependency")
    stamp = base / "fetch.json"
    want = {"kernel": kpkg, "dom0": DOM0_PACKAGES, "sysroot": SYSROOT_PACKAGES, "v": 1}
    dom0_root, sysroot, kroot = base / "dom0-root", base / "sysroot", base / "kernel"
    if not (stamp.exists() and json.loads(stamp.read_text()).get("want") == want):
        import shutil
        for d in (dom0_root, sysroot, kroot):
            shutil.rmtree(d, ignore_errors=True)
        log(f"kernel package: {kpkg}")
        _unpack_set(apt, [kpkg], kroot, set(), KERNEL_MEMBERS)
        done = set()
        _unpack_set(apt, DOM0_PACKAGES, dom0_root, done)
        _closure(apt, dom0_root, done)
        sdone = set()
        _unpack_set(apt, SYSROOT_PACKAGES, sysroot, sdone)
        stamp.write_text(json.dumps({"want": want, "dom0": sorted(done),
                                     "sysroot": sorted(sdone)}, indent=1))
        log(f"dom0 root: {len(done)} packages; sysroot: {len(sdone)} packages")
    xen = dom0_root / f"boot/xen-{XEN_VER}-arm64"
    kernels = sorted((kroot / "boot").glob("vmlinuz-*"))
    if not xen.exists() or not kernels:
        raise PlatformError(f"fetched packages lack {xen} or {kroot}/boot/vmlinuz-*; "
                            f"remove {stamp} and retry")
    kver = kernels[-1].name[len("vmlinuz-"):]
    # Its own root and stamp: adding it leaves the toolstack's dom0 root as it is.
    from . import python
    return Artifacts(xen=xen, kernel=kernels[-1], kernel_version=kver,
                     modules=kroot / "lib/modules" / kver / "kernel/drivers/xen",
                     dom0_root=dom0_root, sysroot=sysroot,
                     python_root=python.fetch_root(apt, _unpack_set))
