"""Small helpers shared by the platform scripts: logging, running commands, paths."""

import os
import pathlib
import shutil
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
_T0 = time.monotonic()


def cache_dir() -> pathlib.Path:
    """Download cache; TANDEM_CACHE overrides (default <repo>/.cache, git-ignored)."""
    return pathlib.Path(os.environ.get("TANDEM_CACHE", REPO / ".cache")).resolve()


def log(msg: str) -> None:
    print(f"[platform {time.monotonic() - _T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


class PlatformError(Exception):
    """An error the user can act on; the entry points print it and exit non-zero."""


def run(cmd, quiet=False, **kw) -> subprocess.CompletedProcess:
    """Runs cmd; on failure raises PlatformError with the command and its stderr."""
    kw.setdefault("check", False)
    if quiet:
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
    p = subprocess.run([str(c) for c in cmd], text=True, **kw)
    if p.returncode != 0:
        err = (p.stderr or "").strip() if quiet else ""
        raise PlatformError(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n{err}")
    return p


HOST_PACKAGES = {"qemu-system-aarch64": "qemu-system-arm", "dtc": "device-tree-compiler",
                 "aarch64-linux-gnu-readelf": "binutils-aarch64-linux-gnu", "cpio": "cpio",
                 "apt-get": "apt", "dpkg-deb": "dpkg", "cmake": "cmake", "ninja": "ninja-build",
                 "aarch64-linux-gnu-g++": "g++-aarch64-linux-gnu", "tar": "tar",
                 # Xen built from source (xen_source.py): Kconfig's parsers and Debian's unpacker.
                 "aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu", "flex": "flex",
                 "bison": "bison", "make": "make", "gcc": "gcc", "dpkg-source": "dpkg-dev"}


def need_tools(*tools: str) -> None:
    """Installs missing host tools with apt-get when running as root on Debian (quietly, and
    not at all when everything is present); otherwise fails naming the packages."""
    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return
    pkgs = sorted({HOST_PACKAGES.get(t, t) for t in missing})
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log(f"installing host packages: {' '.join(pkgs)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *pkgs]
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL)
        missing = [t for t in tools if shutil.which(t) is None]
        if not missing:
            return
    raise PlatformError(f"missing host tools {missing}: apt-get install {' '.join(pkgs)}")
