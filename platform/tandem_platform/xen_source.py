"""Xen's hypervisor built from Debian's own source package (`[xen] build = source`).

Debian's arm64 binary lacks the null scheduler and boot-time cpupools (both sit behind
EXPERT/UNSUPPORTED in Kconfig); the same source, configured with platform/xen/realtime.config,
has them. Recipe (shared/notes/xen-qemu.md): a private apt state with one deb-src entry,
`apt-get source --download-only` (apt checks every file against the signed Sources index),
`dpkg-source -x` (Debian's patches applied), then only the hypervisor: defconfig + the fragment,
olddefconfig, make. The result is cached under a key of everything that shapes it (source
version, fragment, cross compiler and binutils versions, make variables): a second run with the
same inputs costs nothing, a changed input builds afresh.
"""

import dataclasses
import fcntl
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import time

from .util import REPO, PlatformError, cache_dir, log, need_tools, run

# Pinned: the version bookworm's main suite carries (the security suite's newer source answered
# 404 for its files when this was written). Check with `apt-cache showsrc xen` on the private state.
VERSION = "4.17.5+72-g01140da4e8-1"
SOURCES = """Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""
FRAGMENT = REPO / "platform" / "xen" / "realtime.config"
# What the platform relies on; each must survive olddefconfig as `=y`.
REQUIRED = ("EXPERT", "UNSUPPORTED", "SCHED_NULL", "BOOT_TIME_CPUPOOLS")
CROSS = "aarch64-linux-gnu-"
MAKE_VARS = ["XEN_TARGET_ARCH=arm64", f"CROSS_COMPILE={CROSS}"]
# Bump when the recipe below changes in a way the other inputs do not show.
RECIPE = 1
PROGRESS_EVERY_S = 15


@dataclasses.dataclass
class XenBuild:
    xen: pathlib.Path      # the hypervisor image QEMU boots (-kernel), like Debian's boot/xen-*
    config: pathlib.Path   # its Kconfig (.config), next to it as <image>.config
    key: str
    seconds: float         # 0 when it came from the cache


def inputs() -> dict:
    """Everything that shapes the binary; its hash names the cache entry."""
    if not FRAGMENT.is_file():
        raise PlatformError(f"Kconfig fragment {FRAGMENT} missing")

    def first_line(cmd):
        return run(cmd, quiet=True).stdout.splitlines()[0].strip()
    # The fragment's settings in order, not its text: a comment edit rebuilds nothing.
    settings = [f"CONFIG_{k}={v}" for k, v in fragment_symbols(FRAGMENT.read_text()).items()]
    return {"version": VERSION, "fragment": settings,
            "cc": first_line([f"{CROSS}gcc", "--version"]),
            "ld": first_line([f"{CROSS}ld", "--version"]), "make": MAKE_VARS, "recipe": RECIPE}


def cache_key(inp: dict) -> str:
    return hashlib.sha256(json.dumps(inp, sort_keys=True).encode()).hexdigest()[:12]


def fragment_symbols(text: str) -> dict:
    """{SYMBOL: value} of the fragment's CONFIG_ lines (comments and blanks skipped)."""
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"CONFIG_([A-Z0-9_]+)=(\S+)", line)
        if not m:
            raise PlatformError(f"{FRAGMENT}:{n}: {line!r}: expected CONFIG_NAME=value")
        out[m.group(1)] = m.group(2)
    return out


def check_kconfig(fragment: dict, config_text: str, where) -> None:
    """Every `=y` of the fragment and every REQUIRED symbol must be `=y` in the final .config."""
    have = set(re.findall(r"^CONFIG_([A-Z0-9_]+)=y$", config_text, re.M))
    want = [s for s, v in fragment.items() if v == "y"]
    want += [s for s in REQUIRED if s not in want]
    lost = [s for s in want if s not in have]
    if lost:
        raise PlatformError(
            f"{where}: after olddefconfig {', '.join('CONFIG_' + s for s in lost)} "
            f"{'is' if len(lost) == 1 else 'are'} not =y (a dependency is off, or the symbol "
            f"is missing from {FRAGMENT.name}: the platform needs {', '.join(REQUIRED)})")


def build(jobs: int = 2) -> XenBuild:
    """The cached build for today's inputs, building it first when missing (one at a time)."""
    need_tools("apt-get", "apt-cache", "dpkg-source", "make", "gcc", "flex", "bison",
               f"{CROSS}gcc")
    base = cache_dir() / "xen-src"
    base.mkdir(parents=True, exist_ok=True)
    with open(base / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_locked(base, jobs)


def _build_locked(base: pathlib.Path, jobs: int) -> XenBuild:
    inp = inputs()
    key = cache_key(inp)
    out = base / f"build-{key}"
    image = out / f"xen-{VERSION.split('+')[0]}-arm64"
    result = XenBuild(image, image.with_name(image.name + ".config"), key, 0.0)
    if (out / "stamp.json").is_file() and image.is_file() and result.config.is_file():
        return result
    t0 = time.monotonic()
    log(f"Xen from source: building {VERSION} for arm64 (inputs changed or first run; "
        f"cache key {key})")
    dsc = _download(base)
    shutil.rmtree(out, ignore_errors=True)
    src = out / "src"
    out.mkdir(parents=True)
    log(f"Xen from source: unpacking {dsc.name} (dpkg-source -x, Debian's patches applied)")
    run(["dpkg-source", "--no-copy", "-x", dsc, src], quiet=True)  # no copy of the tarballs
    _configure(src / "xen", out / "build.log")
    _make(src / "xen", jobs, out / "build.log")
    shutil.copyfile(src / "xen" / "xen", image)
    shutil.copyfile(src / "xen" / ".config", result.config)
    shutil.rmtree(src)  # ~200 MB of sources and objects; the download stays for a rebuild
    for old in base.glob("build-*"):
        if old != out:
            shutil.rmtree(old, ignore_errors=True)
    result.seconds = time.monotonic() - t0
    (out / "stamp.json").write_text(json.dumps({"inputs": inp, "seconds": round(result.seconds),
                                                "image_sha256": _sha256(image)}, indent=1))
    log(f"Xen from source: {image} ({image.stat().st_size >> 10} KiB) in {result.seconds:.0f} s")
    return result


def _sha256(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _apt_opts(base: pathlib.Path):
    """A private apt state holding only bookworm's deb-src index; the host's is never read."""
    parts = base / "apt" / "sources"
    for d in (parts, base / "apt" / "lists" / "partial", base / "apt" / "cache"):
        d.mkdir(parents=True, exist_ok=True)
    (parts / "debian-src.sources").write_text(SOURCES)
    (base / "apt" / "status").touch()
    return ["-oDir::Etc::SourceList=/dev/null", f"-oDir::Etc::SourceParts={parts}",
            f"-oDir::State::Lists={base / 'apt' / 'lists'}",
            f"-oDir::State::status={base / 'apt' / 'status'}",
            f"-oDir::Cache={base / 'apt' / 'cache'}", "-oDebug::NoLocking=1"]


def _download(base: pathlib.Path) -> pathlib.Path:
    """The pinned source package's .dsc, downloaded (and checksum-checked by apt) when missing."""
    dl = base / "dl"
    dsc = dl / f"xen_{VERSION.split(':')[-1]}.dsc"
    if dsc.is_file():
        return dsc
    dl.mkdir(parents=True, exist_ok=True)
    opts = _apt_opts(base)
    log("Xen from source: apt-get update (private deb-src lists, bookworm main)")
    run(["apt-get", *opts, "-q", "update"], quiet=True)
    shown = run(["apt-cache", *opts, "showsrc", "xen"], quiet=True).stdout
    versions = sorted(set(re.findall(r"^Version: (\S+)$", shown, re.M)))
    if VERSION not in versions:
        raise PlatformError(f"Debian's bookworm main has no xen source {VERSION} (it has "
                            f"{', '.join(versions) or 'none'}): update VERSION in {__file__}")
    log(f"Xen from source: downloading xen {VERSION} source (about 5 MB)")
    # apt-get checks size and SHA256 of each file against the signed Sources index.
    p = subprocess.run(["apt-get", *opts, "-q", "source", "--download-only", f"xen={VERSION}"],
                       cwd=dl, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0 or not dsc.is_file():
        raise PlatformError(f"apt-get source xen={VERSION} failed:\n{p.stderr.strip()}")
    # The index (~20 MB) is needed again only if the download goes: keep the cache small.
    shutil.rmtree(base / "apt" / "lists", ignore_errors=True)
    return dsc


def _make(xen_dir: pathlib.Path, jobs: int, log_path: pathlib.Path, *targets, quiet=False):
    """make in xen/, output to the build log, a progress line every PROGRESS_EVERY_S."""
    cmd = ["make", "-C", str(xen_dir), *MAKE_VARS, f"-j{jobs}", *targets]
    t0 = time.monotonic()
    with open(log_path, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n")
        f.flush()
        env = dict(os.environ, LC_ALL="C")
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, env=env)
        while True:
            try:
                proc.wait(timeout=PROGRESS_EVERY_S)
                break
            except subprocess.TimeoutExpired:
                if not quiet:
                    done = len(re.findall(r"^\s+CC\s", log_path.read_text(), re.M))
                    log(f"Xen from source: make {' '.join(targets) or 'xen'}: {done} files "
                        f"compiled, {time.monotonic() - t0:.0f} s")
    if proc.returncode != 0:
        tail = "\n".join(log_path.read_text().splitlines()[-30:])
        raise PlatformError(f"{' '.join(cmd)} failed ({proc.returncode}); log {log_path}:\n{tail}")


def _configure(xen_dir: pathlib.Path, log_path: pathlib.Path):
    log(f"Xen from source: configuring (defconfig + {FRAGMENT.relative_to(REPO)}, olddefconfig)")
    _make(xen_dir, 1, log_path, "defconfig", quiet=True)
    fragment = FRAGMENT.read_text()
    with open(xen_dir / ".config", "a") as f:
        f.write("\n# --- " + FRAGMENT.name + " ---\n" + fragment)
    _make(xen_dir, 1, log_path, "olddefconfig", quiet=True)
    check_kconfig(fragment_symbols(fragment), (xen_dir / ".config").read_text(),
                  xen_dir / ".config")
    log("Xen from source: Kconfig has " + ", ".join(f"{s}=y" for s in REQUIRED) + "; compiling")
