#!/usr/bin/python3
"""bench/eval/eval.py: measures Tandem and writes the evaluation report (issue 12).

Builds the size-optimised images, boots the system as often as the figures need (QEMU, real Xen
and Linux), keeps every raw figure in results.json, checks the budgets of budgets.toml, and
writes the report with its plots. ./eval.sh installs what is needed, builds the release images
and calls this; run it directly once they are built.

  --quick      the CI-sized run (./test.sh): fewer boots and shorter phases, written under
               build/eval/quick/ (never into docs/); checks the report's structure and budgets
  (default)    the full run: docs/evaluation.md and docs/evaluation/*.png
  --only PART  one part measured again into the last run's results (timing, p1 ... timeline)
  --long       P3's long run (10^6 periods), added to the last full run's results; its figures
               are also kept in docs/evaluation/long-run.json (committed with the report), so a
               full run from a new checkout keeps the last long run

Exit status: 0 report written and every budget kept, 1 set-up or build error, 2 a boot or a
measurement failed, 3 a budget was broken or the report lacks a section (the report is still
written, with the figures that broke it).
"""

import argparse
import datetime
import json
import os
import pathlib
import platform as host_platform
import subprocess
import sys
import time
import tomllib

from common import REPO, progress
import footprint
import report

MAP = "apps/demo/tandem-rt-demo.map"
BUDGETS = pathlib.Path(__file__).resolve().parent / "budgets.toml"
# The size builds: preset arm64-size (-Os), and the same with link-time optimisation.
SIZE_BUILDS = (("size (-Os)", "build/arm64-size", []),
               ("size (-Os, LTO)", "build/arm64-size-lto",
                ["-DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON"]))
RELEASE = ("release (-O3)", "build/arm64")


class Failure(Exception):
    def __init__(self, status, msg):
        super().__init__(msg)
        self.status = status


def run(cmd, what):
    progress(what)
    p = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise Failure(1, f"{what} failed (exit {p.returncode}): {' '.join(cmd)}\n"
                         + "\n".join(p.stdout.splitlines()[-30:]))
    return p.stdout


def build_footprints():
    fps = {}
    release_map = REPO / RELEASE[1] / MAP
    if not release_map.exists():
        raise Failure(1, f"{release_map} is missing: build the release images first "
                         f"(cmake --preset arm64 && cmake --build --preset arm64), or run ./eval.sh")
    fps[RELEASE[0]] = footprint.load(release_map)
    oilc = REPO / "build/host-debug/tools/oilc/oilc"
    for label, tree, extra in SIZE_BUILDS:
        run(["cmake", "--preset", "arm64-size", "-B", tree, f"-DTANDEM_OILC={oilc}", *extra],
            f"configure {label} in {tree}")
        run(["cmake", "--build", tree, "-j", str(os.cpu_count() or 2), "--target",
             "tandem_rt_demo"], f"build the demo image, {label}")
        fps[label] = footprint.load(REPO / tree / MAP)
    for label, fp in fps.items():
        kernel = fp.by_component.get("kernel", {}).get("text")
        # LTO merges every component into one object: the map cannot split it (P5 says so).
        progress(f"  {label}: image {fp.loaded() / 1024:.1f} KiB, kernel .text "
                 f"{f'{kernel:,} bytes' if kernel else 'not separable (whole-program)'}")
    return fps


def p4_error():
    import p4
    return p4.P4Error


def load_error():
    import load
    return load.LoadError


def timeline_error():
    import timeline
    return timeline.TimelineError


def check_budgets(results, fps):
    """Returns the broken budgets, each naming the figure, the limit and budgets.toml."""
    b = tomllib.loads(BUDGETS.read_text())
    broken = []

    def over(name, value, limit, unit=""):
        if value > limit:
            broken.append(f"{name}: {value:.4g}{unit} > {limit}{unit} "
                          f"(bench/eval/budgets.toml)")

    p1 = results.get("p1")
    if p1:
        iso = report.p1_run(p1, "isolated")
        if iso:
            over("P1 isolated notifications per command", report.notifications_per_command(iso),
                 b["p1"]["isolated_notifications_max"])
        burst = report.p1_run(p1, "burst", 1000)
        if burst:
            over("P1 burst 1,000: notifications per command",
                 report.notifications_per_command(burst), b["p1"]["burst_1000_notifications_max"])
    rel = fps.get(RELEASE[0])
    if rel:
        over("P5 release image", rel.loaded() / 1024, b["p5"]["release_image_kib_max"], " KiB")
        over("P5 release kernel .text", rel.by_component.get("kernel", {}).get("text", 0) / 1024,
             b["p5"]["release_kernel_text_kib_max"], " KiB")
    if fps:
        over("P5 smallest image", min(fp.loaded() for fp in fps.values()) / 1024,
             b["p5"]["smallest_image_kib_max"], " KiB")
    return broken


def meta(a, results_path, plots_rel):
    import boots  # noqa: F401  (puts the harness on the path)
    from tandem_platform import config, fetch, xen_source
    plat = config.load()
    art = fetch.fetch()
    qemu = subprocess.run(["qemu-system-aarch64", "--version"], stdout=subprocess.PIPE,
                          text=True).stdout.splitlines()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            stdout=subprocess.PIPE, text=True).stdout.strip() or "(no git)"
    # Changes to the tracked tree, other than this report itself.
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--",
                                 ".", ":!docs/evaluation.md", ":!docs/evaluation"],
                                cwd=REPO, stdout=subprocess.PIPE, text=True).stdout.strip())
    return {
        "quick": a.quick, "command": "./eval.sh" + (" --quick" if a.quick else ""),
        "commit": commit, "dirty": dirty,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "xen": f"{xen_source.VERSION} (Debian's source package, built with the null scheduler "
               f"and boot-time cpupools: platform/xen/realtime.config)",
        "linux": f"{art.kernel_version} (Debian's linux-image-arm64)",
        "qemu": qemu,
        "qemu_cpus": plat.smp,
        "gic_version": plat.gic_version,
        "host": f"{host_platform.machine()}, {os.cpu_count()} cores, "
                f"{host_platform.freedesktop_os_release().get('PRETTY_NAME', 'Linux')}",
        "platform_conf": str(config.DEFAULT_CONF.relative_to(REPO)),
        "rtos_name": plat.rtos_name, "rtos_pcpu": plat.rtos_pcpu,
        "rtos_memory_mb": plat.rtos_memory_mb,
        "results": str(results_path.relative_to(REPO)), "plots_rel": plots_rel,
    }


PART_NAMES = ("timing", "p1", "p2", "p3", "p4", "timeline")


def parts(a, only=None):
    """What a run measures, in order: (results key, function). Each boots what it needs. The
    full run adds the A/B boots (QEMU's turns 4x shorter) under the keys p2_pacer and p3_pacer.
    `only`: the parts of that name (p2: p2 and p2_pacer)."""
    import boots
    import load
    import p4
    import peers
    import timeline
    seconds = a.seconds or (3 if a.quick else 10)
    plan = [("rtos-only", "shift=0,sleep=off", None)]
    if not a.quick:
        plan += [("dom0less", "shift=0,sleep=off", "qemu"),
                 ("dom0less", "shift=0,sleep=off", "off"),
                 ("dom0less", "", None)]
    out = [("timing", lambda: [boots.rtos_timing(route, seconds, icount, pacer,
                                                 timeout=a.timeout)
                               for route, icount, pacer in plan]),
           ("p1", lambda: boots.channel_session(a.quick, timeout=a.timeout)),
           ("p2", lambda: peers.run(a.quick, timeout=a.timeout))]
    if not a.quick:
        out.append(("p2_pacer", lambda: peers.run(False, timeout=a.timeout, pacer_us=5)))
    out.append(("p3", lambda: load.run(a.quick, seconds=a.load_seconds, timeout=a.timeout)))
    if not a.quick:
        # dom0 idle and busy with QEMU's turns 4x shorter.
        out.append(("p3_pacer", lambda: load.run(False, seconds=a.load_seconds,
                                                 timeout=a.timeout, loads=("idle", "cpu"),
                                                 pacer_us=5)))
    routes = ("dom0less",) if a.quick else ("dom0less", "xl")
    out += [("p4", lambda: p4.run(timeout=a.timeout)),
            ("timeline", lambda: [timeline.run(r, timeout=a.timeout) for r in routes])]
    return [(k, f) for k, f in out if only is None or k == only or k.startswith(only + "_")]


def measure(a, todo, results, results_path):
    """Runs the parts into `results`; on a failure keeps what was measured and says which."""
    import boots
    for key, run in todo:
        try:
            results[key] = run()
        except (boots.EvalError, boots.target.CheckFailed, boots.target.PlatformError,
                p4_error(), timeline_error(), load_error()) as e:
            results_path.write_text(json.dumps(results, indent=1))
            raise Failure(2, f"measurement failed ({key}): {e}") from e


def _require(results_path, why):
    if not results_path.exists():
        raise Failure(1, f"{results_path.relative_to(REPO)} does not exist: {why}")


def _merge(results_path, fresh):
    """The last run's results with `fresh` measured into them. Read only now: a run that
    finished meanwhile keeps what it measured."""
    results = json.loads(results_path.read_text())
    results.update(fresh)
    return results


def remeasure(a, results_path):
    """--only PART: measures that part again into the last run's results (of the same mode);
    the report names the commit it was measured at."""
    _require(results_path, f"--only re-measures one part of an earlier run, so run ./eval.sh"
                           f"{' --quick' if a.quick else ''} first")
    here = meta(a, results_path, "")
    fresh = {}
    measure(a, parts(a, a.only), fresh, results_path.with_name("partial.json"))
    results = _merge(results_path, fresh)
    notes = [n for n in results["meta"].get("remeasured", []) if n["part"] != a.only]
    results["meta"]["remeasured"] = notes + [{"part": a.only, "commit": here["commit"],
                                              "dirty": here["dirty"], "date": here["date"]}]
    results_path.write_text(json.dumps(results, indent=1))
    return results


LONG_SECONDS = 1000  # 10^6 periods of the 1 kHz control task
# The long run's raw figures, committed beside the report (results.json is build output): a
# full run from a new checkout keeps the last long run instead of losing it for 1.5 hours.
LONG_RECORD = REPO / "docs/evaluation/long-run.json"


def keep_long_run(results):
    """Writes the long run's figures to LONG_RECORD when they differ from what is there."""
    long = results.get("p3_long")
    if not long:
        return
    text = json.dumps(long, indent=1, sort_keys=True) + "\n"
    if not LONG_RECORD.exists() or LONG_RECORD.read_text() != text:
        LONG_RECORD.write_text(text)
        progress(f"long run's figures kept in {LONG_RECORD.relative_to(REPO)} (commit it)")


def earlier_long_run(previous):
    """The last long run: the previous results.json's, else the committed record's."""
    if previous.get("p3_long"):
        return previous["p3_long"]
    if LONG_RECORD.exists():
        try:
            return json.loads(LONG_RECORD.read_text())
        except ValueError as e:
            raise Failure(1, f"{LONG_RECORD.relative_to(REPO)} is not JSON ({e}): restore it "
                             f"from git, or delete it and run ./eval.sh --long again")
    return None


def long_run(a, results_path):
    """P3's long run, added to the full run's results (which stay as they were measured)."""
    _require(results_path, "--long adds to the full run's results, so run ./eval.sh first")
    import load
    here = meta(a, results_path, "evaluation")
    fresh = {}
    measure(a, [("p3_long", lambda: dict(
        load.run(False, seconds=LONG_SECONDS, timeout=a.timeout, loads=load.LONG_LOADS,
                 boot_dir="p3-long"),
        commit=here["commit"], dirty=here["dirty"], date=here["date"]))],
        fresh, results_path.with_name("partial.json"))
    results = _merge(results_path, fresh)
    results_path.write_text(json.dumps(results, indent=1))
    return results


def parse():
    return parse_args(sys.argv[1:])


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="the CI-sized run (see below)")
    ap.add_argument("--no-boot", action="store_true",
                    help="footprint only (P5): no QEMU boot")
    ap.add_argument("--report-only", action="store_true",
                    help="re-write the report from the last results.json, measuring nothing")
    ap.add_argument("--seconds", type=int,
                    help="guest seconds of each baseline boot (default 10; quick: 3)")
    ap.add_argument("--load-seconds", type=int,
                    help="guest seconds of each P3 load window (default 10; quick: 3)")
    ap.add_argument("--long", action="store_true",
                    help="only P3's long run, added to the last full run's results (the report "
                         "is re-written): 10^6 control periods (1,000 guest seconds) with "
                         "dom0's CPU fully busy (two CPU hogs); about 1.5 hours of wall time; "
                         "kept in docs/evaluation/long-run.json for later full runs")
    ap.add_argument("--only", choices=PART_NAMES,
                    help="measure this part again (with --quick: of the quick run) and re-write "
                         "the report; the rest stays as the last run measured it, and the "
                         "report names the commit each part comes from")
    ap.add_argument("--timeout", type=float, default=1200,
                    help="wall seconds any one boot may take (default 1200)")
    return ap.parse_args(argv)


def main():
    a = parse()
    t0 = time.monotonic()
    if a.quick:
        outdir = REPO / "build/eval/quick"
        plots_dir, report_path, plots_rel = outdir, outdir / "evaluation.md", "."
    else:
        outdir = REPO / "build/eval/full"
        plots_dir = REPO / "docs/evaluation"
        report_path, plots_rel = REPO / "docs/evaluation.md", "evaluation"
    outdir.mkdir(parents=True, exist_ok=True)
    plots_dir.mkdir(parents=True, exist_ok=True)
    results_path = outdir / "results.json"
    try:
        if a.report_only:
            if not results_path.exists():
                raise Failure(1, f"{results_path} does not exist: run without --report-only")
            results = json.loads(results_path.read_text())
        elif a.long and (a.quick or a.only):
            raise Failure(1, f"--long and {'--quick' if a.quick else '--only'} do not go "
                             f"together")
        elif a.long:
            results = long_run(a, results_path)
        elif a.only:
            results = remeasure(a, results_path)
        else:
            # What an earlier run measured that this one does not repeat (the long run) is kept.
            previous = json.loads(results_path.read_text()) if results_path.exists() else {}
            results = {"meta": meta(a, results_path, plots_rel)}
            fps = build_footprints()
            results["footprint"] = {k: {"by_component": v.by_component, "sections": v.sections}
                                    for k, v in fps.items()}
            if not a.no_boot:
                long = earlier_long_run(previous) if not a.quick else previous.get("p3_long")
                if long:
                    results["p3_long"] = long  # an earlier --long run's
                measure(a, parts(a), results, results_path)
            results["meta"]["wall_s"] = round(time.monotonic() - t0)
            results_path.write_text(json.dumps(results, indent=1))
        if not a.quick:
            keep_long_run(results)
        fps = {k: footprint.Footprint(v["by_component"], v["sections"])
               for k, v in (results.get("footprint") or {}).items()}
        view = dict(results, footprint_parsed=fps)
        made = report.plots(view, plots_dir)
        text = report.render(view, made)
        report_path.write_text(text)
        progress(f"report: {report_path.relative_to(REPO)} (plots: "
                 f"{', '.join(made.values()) or 'none'} in {plots_dir.relative_to(REPO)})")
        problems = report.check_structure(text) + check_budgets(results, fps)
        if problems:
            raise Failure(3, "the evaluation broke its checks:\n  " + "\n  ".join(problems))
    except Failure as e:
        print(f"eval: error: {e}", file=sys.stderr)
        return e.status
    except (footprint.MapError, report.PlotError) as e:
        print(f"eval: error: {e}", file=sys.stderr)
        return 1
    progress("done: every budget kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
