"""Host tests of schedulability.py, the comparison target_channel_xl makes between oilc's table
and `tandemctl --json stats` (no QEMU)."""

import pathlib
import unittest

import schedulability

# docs/oil.md's example table (tools/oilc's Schedulability.TheDocumentedExample), one row missed.
TABLE = """schedulability: fixed-priority response-time analysis, times in microseconds
  (WCET includes the kernel's overhead: 1.284 per task job, 3.434 per interrupt; 0.480 per critical section, 2.358 per system tick)
  task/ISR               level thresh         WCET     blocking     response     deadline        slack
  system tick                5      -        2.358        0.000        2.358     1000.000      997.642
  TASK Control               4      4      151.284      314.718      468.360     1000.000      531.640
  TASK Server                3      3      101.284      314.718    >2569.644     2000.000         MISS
  ISR Uart                   2      -       13.434        0.000      268.360      500.000      231.640
  TASK Logger                1      4      301.284        0.000      583.078     5000.000     4416.922
  every deadline holds
"""


def stats(*tasks, ok=True):
    return {"ok": ok, "command": "stats", "tasks": [
        dict(zip(("name", "activations", "deadline_misses", "worst_response_us",
                  "worst_execution_us"), t)) for t in tasks]}


class ReportTest(unittest.TestCase):
    def test_task_rows_only(self):
        rows = schedulability.parse_report(TABLE)
        self.assertEqual(sorted(rows), ["Control", "Logger", "Server"])
        self.assertEqual(rows["Control"], {"level": 4, "wcet_us": 151.284, "declared_wcet_us": 150,
                                           "blocking_us": 314.718, "response_us": 468.36,
                                           "deadline_us": 1000.0, "schedulable": True})
        self.assertFalse(rows["Server"]["schedulable"])
        self.assertIsNone(rows["Server"]["response_us"])

    def test_report_beside_the_image(self):
        self.assertEqual(schedulability.report_path("/b/apps/demo/tandem-rt-demo.bin"),
                         pathlib.Path("/b/apps/demo/tandem-rt-demo.schedulability.txt"))


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.rows = schedulability.parse_report(TABLE)
        del self.rows["Server"]

    def test_worst_kept_over_windows(self):
        rec = schedulability.keep_worst({}, stats(("Control", 900, 0, 7, 3), ("Logger", 9, 0, 20)))
        rec = schedulability.keep_worst(rec, stats(("Control", 40, 0, 9, 2)))
        rec = schedulability.keep_worst(rec, {"ok": False})
        self.assertEqual(rec["Control"], {"activations": 900, "worst_response_us": 9,
                                          "worst_execution_us": 3})
        self.assertIsNone(rec["Logger"]["worst_execution_us"])  # an RTOS before protocol 1.5

    def test_within_the_bound_passes_and_prints_the_ratio(self):
        rec = schedulability.keep_worst({}, stats(("Control", 900, 0, 234, 100),
                                                  ("Logger", 9, 0, 583, 300)))
        lines, failures = schedulability.compare(self.rows, rec)
        self.assertEqual(failures, [])
        self.assertEqual(len(lines), 2)
        self.assertIn("measured worst response 234 us, analysed 468.360 us (ratio 0.500", lines[0])

    def test_a_response_or_execution_beyond_the_analysis_fails(self):
        rec = schedulability.keep_worst({}, stats(("Control", 900, 0, 469, 151),
                                                  ("Logger", 9, 0, 20, 300)))
        _, failures = schedulability.compare(self.rows, rec)
        self.assertEqual(len(failures), 2)
        self.assertIn("469 us exceeds the analysed worst case 468.360 us", failures[0])
        self.assertIn("execution time 151 us exceeds the WCET the OIL file declares (150 us)",
                      failures[1])

    def test_an_analysed_task_that_never_ran_fails(self):
        rec = schedulability.keep_worst({}, stats(("Control", 900, 0, 7, 3)))
        _, failures = schedulability.compare(self.rows, rec)
        self.assertEqual(failures, ["TASK Logger: analysed, but `tandemctl stats` shows no job "
                                    "of it"])


if __name__ == "__main__":
    unittest.main()
