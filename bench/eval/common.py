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


def progress(msg):
    """A progress line on stderr, with the seconds since the evaluation started."""
    print(f"[eval {time.monotonic() - _T0:6.0f} s] {msg}", file=sys.stderr, flush=True)
