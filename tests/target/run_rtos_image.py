#!/usr/bin/env python3
"""Boots one RTOS image with no dom0 (route rtos-only) and judges its console.

  tests/target/run_rtos_image.py --image build/arm64/.../scenario.bin \
      --end 'SCENARIO .* (PASSED|FAILED)' --pass 'PASSED' [--fail 'FAIL|panic'] [--timeout 60]

For images that report their own checks on the console (OSEK scenarios on the arm64 port).
Exit status 0 when the end line arrives, matches --pass, and no RTOS line matches --fail;
1 otherwise (the RTOS's lines and the console log path are printed); 2 on set-up errors.
"""
import argparse
import pathlib
import re
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import target  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", required=True)
    ap.add_argument("--end", required=True, help="regex of the RTOS's last line")
    ap.add_argument("--pass", dest="pass_", help="regex the end line must match")
    ap.add_argument("--fail", help="regex no RTOS line may match")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--out", help="output directory (default build/target/rtos-only)")
    ap.add_argument("--gic", type=int, help="GIC version (2 or 3; default: the description's "
                    "[qemu] gic_version)")
    a = ap.parse_args()
    if not pathlib.Path(a.image).is_file():
        print(f"run_rtos_image: FAIL: image {a.image} does not exist (build the arm64 preset)",
              file=sys.stderr)
        return 2
    t0 = time.monotonic()
    try:
        lines = target.run_rtos_image(a.image, a.end, a.timeout, a.out, gic_version=a.gic)
    except (target.Timeout, target.Fatal) as e:
        print(f"run_rtos_image: FAIL: {e}")
        return 1
    except target.PlatformError as e:
        print(f"run_rtos_image: FAIL: set-up: {e}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    end = next((ln for ln in reversed(lines) if re.search(a.end, ln)), "")
    bad = [ln for ln in lines if a.fail and re.search(a.fail, ln)]
    ok = not bad and (not a.pass_ or re.search(a.pass_, end))
    print(f"run_rtos_image: {'PASS' if ok else 'FAIL'}: end line {end!r}"
          f"{'; failing lines: ' + repr(bad[:5]) if bad else ''} ({time.monotonic() - t0:.1f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
