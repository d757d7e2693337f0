"""Finds or builds the RTOS image (CMake: host preset for oilc, then the arm64 preset)."""

import subprocess

from .config import Platform
from .util import REPO, PlatformError, log, need_tools

TARGET = "tandem_rt_demo"


def _cmake(*args):
    p = subprocess.run(["cmake", *args], cwd=REPO, text=True, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode != 0:
        tail = "\n".join(p.stdout.splitlines()[-25:])
        raise PlatformError(f"cmake {' '.join(args)} failed:\n{tail}")


def ensure_image(p: Platform, given: bool, build: bool):
    """Builds the default image when it is missing; an image given by the user must exist."""
    if p.rtos_image.exists() or given or not build:
        if not p.rtos_image.is_file():
            raise PlatformError(f"RTOS image {p.rtos_image} not found"
                                + ("" if given else " (pass --rtos-image PATH or drop --no-build)"))
        return
    need_tools("cmake", "ninja", "aarch64-linux-gnu-g++")
    log("building oilc (preset host-debug) for the arm64 build")
    _cmake("--preset", "host-debug")
    _cmake("--build", "--preset", "host-debug", "--target", "oilc", "-j2")
    log(f"building {TARGET} (preset arm64)")
    _cmake("--preset", "arm64")
    _cmake("--build", "--preset", "arm64", "--target", TARGET, "-j2")
    if not p.rtos_image.is_file():
        raise PlatformError(f"the arm64 build did not produce {p.rtos_image}")
