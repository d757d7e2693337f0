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


def need_tools(*tools: str) -> None:
    """Fails with the Debian package to install when a host tool is missing."""
    pkg = {"qemu-system-aarch64": "qemu-system-arm", "dtc": "device-tree-compiler",
           "aarch64-linux-gnu-readelf": "binutils-aarch64-linux-gnu", "cpio": "cpio",
           "apt-get": "apt", "dpkg-deb": "dpkg", "cmake": "cmake", "ninja": "ninja-build",
           "aarch64-linux-gnu-g++": "g++-aarch64-linux-gnu"}
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pkgs = " ".join(sorted({pkg.get(t, t) for t in missing}))
        raise PlatformError(f"missing host tools {missing}: apt-get install {pkgs}")
