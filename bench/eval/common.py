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


def conf_with_xen_args(outdir, args):
    """A copy of the platform description in `outdir` whose Xen command line also has `args`
    (e.g. console_timestamps=boot): the boot's one change, visible in its files."""
    from tandem_platform import config
    from tandem_platform.util import PlatformError
    text = config.DEFAULT_CONF.read_text()
    key = "extra_bootargs = "
    if key not in text:
        raise PlatformError(f"{config.DEFAULT_CONF} has no [xen] {key.strip()} to extend")
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "platform.conf"
    path.write_text(text.replace(key, f"{key}{args} ", 1))
    return path


def progress(msg):
    """A progress line on stderr, with the seconds since the evaluation started."""
    print(f"[eval {time.monotonic() - _T0:6.0f} s] {msg}", file=sys.stderr, flush=True)
