"""What every part of the evaluation shares: the repository's paths and progress lines."""

import pathlib
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
# The target tests' boot harness and the platform's modules.
for path in (REPO / "tests" / "target", REPO / "platform"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

_T0 = time.monotonic()


def conf_with_xen_args(outdir, args="", pacer_us=None, smp=None):
    """A copy of the platform description in `outdir` whose Xen command line also has `args`
    (e.g. console_timestamps=boot) and, if given, another QEMU pacer interval or number of
    pCPUs: the boot's changes, visible in its files."""
    import re
    from tandem_platform import config
    from tandem_platform.util import PlatformError
    text = config.DEFAULT_CONF.read_text()
    for key in ("extra_bootargs = ", "icount_pacer_us = "):
        if key not in text:
            raise PlatformError(f"{config.DEFAULT_CONF} has no {key.strip()} to change")
    text = text.replace("extra_bootargs = ", f"extra_bootargs = {args} ", 1)
    if pacer_us is not None:
        text = re.sub(r"(?m)^icount_pacer_us = \d+", f"icount_pacer_us = {pacer_us}", text)
    if smp is not None:
        text, n = re.subn(r"(?m)^smp = (\d+|auto)$", f"smp = {smp}", text)
        if n != 1:
            raise PlatformError(f"{config.DEFAULT_CONF} has no smp = N|auto to change")
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "platform.conf"
    path.write_text(text)
    return path


def progress(msg):
    """A progress line on stderr, with the seconds since the evaluation started."""
    print(f"[eval {time.monotonic() - _T0:6.0f} s] {msg}", file=sys.stderr, flush=True)
