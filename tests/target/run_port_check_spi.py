#!/usr/bin/env python3
"""Boots apps/port_check on route dom0less (the PL061 passed through to the RTOS) and presses
QEMU's power button while check 9 waits, so a real device SPI goes end to end: QEMU's PL061 pin 3,
Xen's passthrough routing (INTID 39), the RTOS's GIC programming (on a GICv2: GICD_ITARGETSR),
the category 2 ISR.

  tests/target/run_port_check_spi.py --image build/arm64/apps/port_check/tandem-rt-port-check.bin \\
      --gic 2

Exit status 0 when check 9 reports "ok" and port-check ends with PASS; 1 otherwise (the RTOS's
lines and the console log path are printed); 2 on set-up errors.
"""
import argparse
import pathlib
import re
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import target  # noqa: E402

CHECK9_WAITS = r"port-check: 9 waiting"
VERDICT = r"port-check: (PASS|FAIL) [^\r\n]*"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", required=True)
    ap.add_argument("--gic", type=int, help="GIC version (2 or 3; default: the description's)")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--out", help="output directory (default build/target/port-check-spi)")
    a = ap.parse_args()
    if not pathlib.Path(a.image).is_file():
        print(f"run_port_check_spi: FAIL: image {a.image} does not exist (build the arm64 preset)",
              file=sys.stderr)
        return 2
    t0 = time.monotonic()
    out = a.out or target.REPO / "build" / "target" / "port-check-spi"
    try:
        boot = target.Boot("dom0less", a.image, out, timeout=a.timeout, gic_version=a.gic)
    except target.PlatformError as e:
        print(f"run_port_check_spi: FAIL: set-up: {e}", file=sys.stderr)
        return 2
    with boot:
        try:
            boot.con.expect(CHECK9_WAITS, a.timeout, what="port-check's check 9")
            # hw/arm/virt.c wires the power button to PL061 pin 3: a rising edge on INTID 39.
            boot.monitor().command("system_powerdown")
            boot.con.expect(VERDICT, a.timeout, what="port-check's verdict")
        except (target.Timeout, target.Fatal) as e:
            print(f"run_port_check_spi: FAIL: {e}")
            return 1
        lines = boot.rtos_lines()
    print("\n".join(lines))
    check9 = next((ln for ln in lines if re.match(r"port-check: 9 .*: (ok|skipped|FAIL)", ln)), "")
    verdict = next((ln for ln in reversed(lines) if re.match(VERDICT, ln)), "")
    ok = check9.endswith(": ok") and verdict.startswith("port-check: PASS")
    print(f"run_port_check_spi: {'PASS' if ok else 'FAIL'}: {check9!r}, {verdict!r} "
          f"({time.monotonic() - t0:.1f} s; console log {boot.system.console_log})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
