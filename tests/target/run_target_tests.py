#!/usr/bin/env python3
"""Boots one route once and runs the target checks against it.

  tests/target/run_target_tests.py --route xl --rtos-image build/arm64/apps/demo/tandem-rt-demo.bin

Exit status 0 only when every selected check passed. Console log and generated files go to
build/target/<route>/ (or --out); the log path is printed on failure.
"""
import argparse
import pathlib
import sys
import time
import traceback

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import checks  # noqa: E402
import checks_apps  # noqa: E402,F401 (registers the apps group)
import checks_partitions  # noqa: E402,F401 (registers the partitions group)
import checks_daemon  # noqa: E402,F401 (registers tandemd's check in group apps)
import checks_python  # noqa: E402,F401 (registers channel_python)
import checks_trace  # noqa: E402,F401 (registers trace_file in the apps group)
import target  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--route", required=True, choices=target.system.ROUTES)
    ap.add_argument("--rtos-image", required=True)
    ap.add_argument("--profile", default="demo", choices=sorted(checks.PROFILES))
    ap.add_argument("--check", action="append", help="run only these checks (repeatable)")
    ap.add_argument("--group", default="base", help="check group (base, channel, partitions, apps)")
    ap.add_argument("--timeout", type=float, default=120, help="boot timeout, seconds")
    ap.add_argument("--out", help="output directory")
    ap.add_argument("--config", help="platform description (default platform/tandem-qemu.conf)")
    ap.add_argument("--xen", choices=tuple(target.config.XEN_BUILDS),
                    help="Xen build to boot (default: the description's [xen] build)")
    ap.add_argument("--gic", type=int, help="GIC version of the machine (2 or 3; default: the "
                    "description's [qemu] gic_version)")
    ap.add_argument("--echo", action="store_true", help="copy the console to stdout")
    ap.add_argument("--icount", help="QEMU -icount for this boot (default: the description's "
                    "[qemu] icount; '' = off). Timing checks assert deadlines only with it")
    ap.add_argument("--pacer", choices=("qemu", "dom0", "off"),
                    help="override [qemu] icount_pacer (docs/platform.md, \"Guest time\")")
    a = ap.parse_args()
    image = pathlib.Path(a.rtos_image)
    if not image.is_file():
        print(f"target tests: FAIL: RTOS image {image} does not exist. Build it with\n"
              f"  cmake --preset host-debug && cmake --build --preset host-debug --target oilc\n"
              f"  cmake --preset arm64 && cmake --build --preset arm64\n"
              f"or point -DTANDEM_RTOS_IMAGE=... at an image (see docs/platform.md).",
              file=sys.stderr)
        return 2
    prof = checks.PROFILES[a.profile]
    t0 = time.monotonic()
    results = []
    try:
        selected = checks.for_route(a.route, a.check, a.group)
        platform = target.config.load(a.config, rtos_image=image, xen_build=a.xen,
                                      gic_version=a.gic)
        for name, _ in selected:
            why = checks.not_applicable(name, platform)
            if why:
                print(f"[N/A ] {a.route}/{name}: needs {why}", flush=True)
        selected = [(n, fn) for n, fn in selected if not checks.not_applicable(n, platform)]
        boot = target.Boot(a.route, image, a.out, timeout=a.timeout, echo=a.echo,
                           conf=a.config, icount=a.icount, xen_build=a.xen,
                           pacer=a.pacer, gic_version=a.gic)
    except Exception as e:  # set-up errors: missing tools, fetch failure, bad config
        print(f"target tests: FAIL: cannot set up route {a.route}: {e}", file=sys.stderr)
        return 2
    with boot:
        for name, fn in selected:
            t = time.monotonic()
            try:
                fn(boot, prof)
                results.append((name, None))
                print(f"[PASS] {a.route}/{name} ({time.monotonic() - t:.1f} s)", flush=True)
            except (target.CheckFailed, target.PlatformError) as e:
                results.append((name, str(e)))
                print(f"[FAIL] {a.route}/{name}: {e}", flush=True)
            except Exception:
                results.append((name, traceback.format_exc()))
                print(f"[FAIL] {a.route}/{name}: harness error\n{traceback.format_exc()}")
            if not boot.con.alive():
                print(f"[FAIL] QEMU exited (status {boot.con.proc.returncode}); stopping")
                break
        times = dict(boot.times)
    failed = [n for n, e in results if e]
    skipped = len(selected) - len(results)
    ready = times.get("dom0_ready")
    print(f"route {a.route}: {len(results) - len(failed)} passed, {len(failed)} failed"
          f"{f', {skipped} not run' if skipped else ''}; QEMU start to dom0 ready "
          f"{f'{ready:.1f} s' if ready else 'n/a'}; whole run {time.monotonic() - t0:.1f} s; "
          f"console log {boot.system.console_log}")
    return 1 if failed or skipped else 0


if __name__ == "__main__":
    sys.exit(main())
