"""Finds or builds the RTOS images (CMake: host preset for oilc, then the arm64 preset)."""

import subprocess

from .config import Platform
from .util import REPO, PlatformError, log, need_tools

# The images this repository builds, by path, and their CMake targets (apps/*/CMakeLists.txt).
TARGETS = {"build/arm64/apps/demo/tandem-rt-demo.bin": "tandem_rt_demo",
           "build/arm64/apps/watchdog/tandem-rt-watchdog.bin": "tandem_rt_watchdog"}


def _cmake(*args):
    p = subprocess.run(["cmake", *args], cwd=REPO, text=True, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode != 0:
        tail = "\n".join(p.stdout.splitlines()[-25:])
        raise PlatformError(f"cmake {' '.join(args)} failed:\n{tail}")


def _target(image):
    try:
        return TARGETS.get(str(image.relative_to(REPO)))
    except ValueError:
        return None


def ensure_images(p: Platform, first_given: bool, build: bool):
    """Builds the repository's images that are missing; an image given by the user
    (--rtos-image, the first domain's) or one this repository does not build must exist."""
    missing = [r for r in p.rtos_domains if not r.image.is_file()]
    buildable = [r for r in missing
                 if build and _target(r.image) and not (first_given and r is p.rtos)]
    for r in missing:
        if r not in buildable:
            given = first_given and r is p.rtos
            hint = "" if given else (" (pass --rtos-image PATH or drop --no-build)" if r is p.rtos
                                     else f" ([{r.section}] image; build it, or drop --no-build)")
            raise PlatformError(f"RTOS image {r.image} of {r.name} not found{hint}")
    if not buildable:
        return
    need_tools("cmake", "ninja", "aarch64-linux-gnu-g++")
    log("building oilc (preset host-debug) for the arm64 build")
    _cmake("--preset", "host-debug")
    _cmake("--build", "--preset", "host-debug", "--target", "oilc", "-j2")
    targets = sorted({_target(r.image) for r in buildable})
    log(f"building {', '.join(targets)} (preset arm64)")
    _cmake("--preset", "arm64")
    _cmake("--build", "--preset", "arm64", "--target", *targets, "-j2")
    for r in buildable:
        if not r.image.is_file():
            raise PlatformError(f"the arm64 build did not produce {r.image}")
