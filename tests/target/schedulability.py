"""oilc's response-time analysis against a running RTOS (issue 15, part 3): the table the build
saved (`oilc --schedulability-report`, apps/demo/CMakeLists.txt) read back, the worst figures of
`tandemctl --json stats` kept over a boot's measurement windows, and their comparison.

Pure functions, no QEMU: schedulability_test.py runs them on recorded text (ctest
target_schedulability_compare, label unit); checks.py's schedulability_bounds_measured on a boot.
"""

import pathlib
import re

# "  TASK Control   4   4   7.284   0.000   9.642   1000.000   990.358" (tools/oilc/schedulability.cc,
# FormatSchedulabilityReport): name, level, thresh, WCET, blocking, response, deadline, slack.
_JOB = re.compile(r"overhead: ([\d.]+) per task job")
_ROW = re.compile(r"^\s+(TASK|ISR) (\S+)\s+(\d+)\s+(\S+)\s+([\d.]+)\s+([\d.]+)\s+(\S+)\s+"
                  r"([\d.]+)\s+(\S+)\s*$")


def report_path(image):
    """Where the build saves the table of an image: beside it, `<image stem>.schedulability.txt`
    (tandem-rt-demo.bin -> tandem-rt-demo.schedulability.txt)."""
    image = pathlib.Path(image)
    return image.with_name(image.stem + ".schedulability.txt")


def parse_report(text):
    """{name: row} for the TASK rows of oilc's table, row = dict(level, wcet_us (charged: with
    the kernel's overhead per job), declared_wcet_us (the OIL file's: without it), blocking_us,
    response_us, deadline_us, schedulable). ISR rows are left out: `tandemctl stats` reports
    tasks only. A response oilc could not bound (">x", "unbounded") is not schedulable."""
    job = _JOB.search(text)
    job_us = float(job.group(1)) if job else 0.0
    rows = {}
    for line in text.splitlines():
        m = _ROW.match(line)
        if not m or m.group(1) != "TASK":
            continue
        response = m.group(7)
        schedulable = re.fullmatch(r"[\d.]+", response) is not None
        rows[m.group(2)] = {
            "level": int(m.group(3)),
            "wcet_us": float(m.group(5)),
            "declared_wcet_us": round(float(m.group(5)) - job_us, 3),
            "blocking_us": float(m.group(6)),
            "response_us": float(response) if schedulable else None,
            "deadline_us": float(m.group(8)),
            "schedulable": schedulable,
        }
    return rows


def keep_worst(record, stats_obj):
    """Merges one `tandemctl --json stats` object into `record` ({task: figures}): the largest
    worst response, worst execution time and activation count seen. A boot's windows reset the
    figures (`stats --reset` returns what it clears), so every read is merged and the record holds
    the worst since the RTOS started."""
    if not isinstance(stats_obj, dict) or not stats_obj.get("ok"):
        return record
    for task in stats_obj.get("tasks", []):
        name = task.get("name")
        if not name:
            continue
        kept = record.setdefault(name, {"activations": 0, "worst_response_us": 0,
                                        "worst_execution_us": None})
        kept["activations"] = max(kept["activations"], task.get("activations", 0))
        kept["worst_response_us"] = max(kept["worst_response_us"],
                                        task.get("worst_response_us", 0))
        if "worst_execution_us" in task:
            kept["worst_execution_us"] = max(kept["worst_execution_us"] or 0,
                                             task["worst_execution_us"])
    return record


def compare(report_rows, measured):
    """One line per analysed task and the list of failures: a task the analysis bounds must have
    run, its measured worst response must not exceed the analysed worst case, and its measured
    worst execution time (where reported) must not exceed the WCET the OIL file declares (the
    premise of the analysis)."""
    lines, failures = [], []
    for name, row in sorted(report_rows.items(), key=lambda kv: -kv[1]["level"]):
        m = measured.get(name)
        if not row["schedulable"]:
            failures.append(f"TASK {name}: oilc found no bound (the build should have failed)")
            continue
        if m is None or m["activations"] == 0:
            failures.append(f"TASK {name}: analysed, but `tandemctl stats` shows no job of it")
            continue
        analysed, seen = row["response_us"], m["worst_response_us"]
        execution = m["worst_execution_us"]
        lines.append(f"TASK {name}: measured worst response {seen} us, analysed "
                     f"{analysed:.3f} us (ratio {seen / analysed:.3f}; deadline "
                     f"{row['deadline_us']:.0f} us); worst execution "
                     f"{'-' if execution is None else execution} us, WCET declared "
                     f"{row['declared_wcet_us']:g} us (charged {row['wcet_us']:.3f}); "
                     f"{m['activations']} jobs in the largest window")
        if seen > analysed:
            failures.append(f"TASK {name}: measured worst response {seen} us exceeds the "
                            f"analysed worst case {analysed:.3f} us")
        if execution is not None and execution > row["declared_wcet_us"]:
            failures.append(f"TASK {name}: measured worst execution time {execution} us exceeds "
                            f"the WCET the OIL file declares ({row['declared_wcet_us']:g} us): "
                            f"measure again and raise it (docs/oil.md, \"Measuring WCETs\")")
    return lines, failures
