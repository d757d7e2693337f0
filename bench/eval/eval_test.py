"""Host tests of the evaluation's logic: the linker-map reader (P5), the report's structure
check, the budgets, and the P1 arithmetic. No build and no boot: synthetic inputs."""

import json
import pathlib
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import eval as evaluation  # noqa: E402
import footprint  # noqa: E402
import load  # noqa: E402
import p4  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402
import timeline  # noqa: E402
from common import conf_with_xen_args  # noqa: E402

# A GNU ld map in the shape tandem_rt_image() writes: one-line and two-line input sections,
# fill, an archive member per library, the application's own objects, and sections the report
# does not count.
MAP = """Archive member included to satisfy reference by file (symbol)

Discarded input sections

 .text.unused   0x0000000000000000       0x40 kernel/libtandem_kernel.a(task.cc.obj)

Linker script and memory map

LOAD apps/demo/CMakeFiles/tandem_rt_demo.dir/demo.cc.obj
.text           0x0000000040000000      0x360
 *(.text.head)
 .text.head     0x0000000040000000      0x100 arch/arm64/libtandem_port_arm64.a(head.S.obj)
                0x0000000040000000                _start
 *fill*         0x0000000040000100       0x10
 .text          0x0000000040000110       0x80 apps/demo/CMakeFiles/tandem_rt_demo.dir/demo.cc.obj
 .text._ZN6tandem6kernel12ActivateTaskEh
                0x0000000040000190      0x120 kernel/libtandem_kernel.a(task.cc.obj)
                0x0000000040000190                tandem::kernel::ActivateTask(unsigned char)
 .text._ZN6tandem3xen13EventChannels4SendEj
                0x00000000400002b0       0x60 xen/libtandem_xen.a(event_channel.cc.obj)
 .text          0x0000000040000310       0x30 channel/libtandem_channel.a(server.cc.obj)
 .text          0x0000000040000340       0x20 channel/xen/libtandem_channel_xen.a(frontend.cc.obj)
.iplt           0x0000000040000400        0x0
 .iplt          0x0000000040000400        0x0 arch/arm64/libtandem_port_arm64.a(head.S.obj)
.rodata         0x0000000040000400       0x20
 .rodata.str1.8
                0x0000000040000400       0x20 drivers/libtandem_drivers.a(pl061.cc.obj)
.data           0x0000000040000420       0x10
 .data          0x0000000040000420       0x10 apps/demo/CMakeFiles/tandem_rt_demo.dir/demo.cc.obj
.bss            0x0000000040001000     0x2000
 .bss.stacks    0x0000000040001000     0x2000 kernel/libtandem_kernel.a(task.cc.obj)
/DISCARD/
 *(.comment)
"""


def fake_run(phase, commands, linux_sent, rtos_sent, rtos_hc=0.0, linux_rx=0.0, rtos_rx=0.0):
    return {"phase": phase, "commands": commands, "latency_ns": {"p50": 50_000},
            "linux": {"notify_sent_per_command": linux_sent,
                      "notify_received_per_command": linux_rx},
            "rtos": {"notify_sent_per_command": rtos_sent, "hypercalls_per_command": rtos_hc,
                     "notify_received_per_command": rtos_rx}}


class FootprintTest(unittest.TestCase):
    def test_charges_each_input_section_to_its_component(self):
        fp = footprint.parse_map(MAP)
        self.assertEqual(fp.by_component["port (arm64)"]["text"], 0x100)
        self.assertEqual(fp.by_component["kernel"]["text"], 0x120)  # two-line entry
        self.assertEqual(fp.by_component["kernel"]["bss"], 0x2000)
        self.assertEqual(fp.by_component["Xen layer"]["text"], 0x60)
        self.assertEqual(fp.by_component["channel"]["text"], 0x30 + 0x20)  # both archives
        self.assertEqual(fp.by_component["drivers"]["rodata"], 0x20)
        self.assertEqual(fp.by_component["application"]["text"], 0x80)
        self.assertEqual(fp.by_component["application"]["data"], 0x10)
        self.assertEqual(fp.by_component[footprint.FILL]["text"], 0x10)

    def test_discarded_sections_and_other_output_sections_are_not_counted(self):
        fp = footprint.parse_map(MAP)
        charged = sum(v["text"] for v in fp.by_component.values())
        self.assertEqual(charged, fp.total("text"))  # not the discarded 0x40, not .iplt
        self.assertEqual(fp.total("text"), 0x360)

    def test_loaded_image_excludes_bss(self):
        fp = footprint.parse_map(MAP)
        self.assertEqual(fp.loaded(), 0x360 + 0x20 + 0x10)

    def test_a_file_that_is_not_a_map_is_refused_with_its_name(self):
        with tempfile.TemporaryDirectory() as d:
            path = pathlib.Path(d) / "x.map"
            path.write_text("hello\n")
            with self.assertRaisesRegex(footprint.MapError, r"x\.map: not a GNU ld map"):
                footprint.load(path)
            with self.assertRaisesRegex(footprint.MapError, r"cannot read the linker map"):
                footprint.load(pathlib.Path(d) / "missing.map")


class P1Test(unittest.TestCase):
    def test_entries_add_both_sides_sends_hypercalls_and_deliveries(self):
        r = fake_run("isolated", 100, 1.0, 1.0, rtos_hc=1.5, linux_rx=1.0, rtos_rx=1.0)
        self.assertAlmostEqual(report.entries_per_command(r), 1.0 + 1.5 + 1.0 + 1.0)
        self.assertAlmostEqual(report.notifications_per_command(r), 2.0)

    def test_without_the_rtos_hypercall_count_its_sends_still_count(self):
        r = fake_run("burst", 8, 0.125, 0.125)
        del r["rtos"]["hypercalls_per_command"]
        self.assertAlmostEqual(report.entries_per_command(r), 0.25)


class BudgetTest(unittest.TestCase):
    def budgets(self, results, fps=None):
        return evaluation.check_budgets(results, fps or {})

    def test_figures_within_budget_pass(self):
        p1 = {"runs": [fake_run("isolated", 100, 1.0, 1.0), fake_run("burst", 1000, 0.001, 0.002)]}
        self.assertEqual(self.budgets({"p1": p1}), [])

    def test_a_broken_budget_names_the_figure_the_limit_and_the_file(self):
        p1 = {"runs": [fake_run("isolated", 100, 2.0, 1.0), fake_run("burst", 1000, 0.5, 0.5)]}
        broken = self.budgets({"p1": p1})
        self.assertEqual(len(broken), 2)
        self.assertIn("P1 isolated notifications per command: 3 > 2.0", broken[0])
        self.assertIn("budgets.toml", broken[0])
        self.assertIn("burst 1,000", broken[1])

    def test_image_budgets(self):
        big = footprint.Footprint({"kernel": {"text": 20 * 1024, "rodata": 0, "data": 0, "bss": 0}},
                                  {".text": 200 * 1024})
        broken = self.budgets({}, {evaluation.RELEASE[0]: big})
        self.assertTrue(any(b.startswith("P5 release image: 200 KiB") for b in broken), broken)
        self.assertTrue(any(b.startswith("P5 release kernel .text: 20 KiB") for b in broken),
                        broken)


class ReportTest(unittest.TestCase):
    META = {"quick": True, "command": "./eval.sh --quick", "commit": "abc1234", "dirty": False,
            "date": "2026-12-05 00:00 UTC", "xen": "4.17", "linux": "6.1", "qemu": "QEMU 10",
            "qemu_cpus": 2, "host": "x86_64", "platform_conf": "platform/tandem-qemu.conf",
            "rtos_name": "tandem-rt", "rtos_pcpu": 1, "rtos_memory_mb": 16,
            "results": "build/eval/quick/results.json", "plots_rel": ".", "wall_s": 1}

    def test_a_rendered_report_has_every_section_and_the_goals_beside_the_figures(self):
        fp = footprint.parse_map(MAP)
        p1 = {"xen": "source", "icount": "shift=0", "status_last": None,
              "runs": [fake_run("isolated", 100, 1.0, 1.0), fake_run("burst", 1000, 0.01, 0.01)]}
        p4_result = dict(p4.parse(P4_LINES), icount="shift=0")
        text = report.render({"meta": self.META, "p1": p1, "timing": [], "p4": p4_result,
                              "footprint_parsed": {"release (-O3)": fp}}, {})
        self.assertIn("| P4 instructions per kernel path | <= 200 | 240 to 600 "
                      "(activate_dispatch_terminate) | **not met** |", text)
        self.assertIn("| setevent_switch_waitevent | - |", text)
        self.assertEqual(report.check_structure(text), [])
        self.assertIn("| P1 notifications, isolated command | 2 | 2.000 | met |", text)
        self.assertIn("| P1 notifications per command, bursts >= 1,000 | <= 0.05 | 0.0200 (worst) "
                      "| met |", text)
        self.assertIn("| P2 Tandem ping p50 / libxenvchan p50 | <= 0.5 | - | not measured yet |",
                      text)

    def test_p2_tables_the_three_peers_and_judges_the_median_ratio(self):
        def peer(p50, samples):
            return {"command": "cmd", "samples_ns": samples,
                    "latency_ns": {"min": 1000, "p50": p50, "p90": p50, "p99": p50, "max": p50,
                                   "mean": p50}}
        p2 = {"xen": "source", "icount": "shift=0", "pacer_us": 20, "round_trips": 2, "size": 64,
              "runs": {"tandem": peer(10_000, [9000, 11000]), "vchan": peer(25_000, [1, 2]),
                       "pipe": peer(8_000, [3, 4])},
              "status_last": {"t_s": 3, "tick_max_us": 8, "skipped": 0},
              "control": {"activations": 3000, "deadline_misses": 0, "worst_response_us": 9}}
        self.assertAlmostEqual(report.p2_ratio(p2), 0.4)
        self.assertIsNone(report.p2_ratio({"runs": {"tandem": p2["runs"]["tandem"]}}))
        ab = dict(p2, pacer_us=5, runs=dict(p2["runs"], vchan=peer(40_000, [1])))
        text = report.render({"meta": self.META, "p2": p2, "p2_pacer": ab}, {})
        self.assertIn("| P2 Tandem ping p50 / libxenvchan p50 | <= 0.5 | 0.40; 0.25 with QEMU's "
                      "turns shorter (P2) | met |", text)
        self.assertIn("| Tandem: dom0 -> RTOS -> dom0 (tandem-bench ping) | 1.0 us | 10.0 us |",
                      text)
        self.assertIn("| pipe pair between two dom0 processes (the floor) | 1.0 us | 8.0 us |",
                      text)
        self.assertIn("(pacer 5 us): Tandem's p50 10.0 us, libxenvchan's 40.0 us, ratio 0.25",
                      text)
        self.assertIn("0 deadline misses", text)
        slow = dict(p2, runs=dict(p2["runs"], tandem=peer(20_000, [1])))
        self.assertIn("| 0.80 | **not met** |", report.goals({"p2": slow}))
        self.assertEqual(report.check_structure(text), [])

    def test_p2_plan_sends_one_ring_slot_and_keeps_every_sample(self):
        n, steps = peers.plan(quick=True)
        self.assertEqual(n, 200)
        self.assertEqual([p for p, _ in steps], ["vchan", "tandem", "loopback", "pipe"])
        self.assertIn("tandem-bench -d 0 ", dict(steps)["loopback"])  # tandem-loopback's domain
        for peer_name, cmd in steps:
            self.assertIn("--json --samples", cmd)
            if peer_name in ("tandem", "loopback"):
                self.assertIn("tandem-bench", cmd)  # a ping is one 64-byte slot each way
            else:
                self.assertIn(f"-s {peers.MESSAGE}", cmd)
        self.assertEqual(peers.MESSAGE, 64)
        self.assertEqual(peers.plan(quick=False)[0], 2000)

    def test_the_long_run_needs_a_full_run_to_add_to(self):
        with self.assertRaises(evaluation.Failure) as e:
            evaluation.long_run(None, evaluation.REPO / "build/eval/no-such-run/results.json")
        self.assertEqual(e.exception.status, 1)
        self.assertIn("run ./eval.sh first", str(e.exception))

    def test_a_long_run_is_reported_with_its_own_commit_and_totals(self):
        hist = {"n": 1_000_000, "max": 30, "bins": {"1": 900_000, "7": 100_000}}
        row = {"load": "busy", "what": "everything but the storm", "from_second": 5,
               "to_second": 1005, "misses": 0, "release": hist, "response": hist}
        p3 = {"xen": "source", "icount": "shift=0", "loads": [dict(row, load="idle")]}
        long_run = {"loads": [row], "commit": "abc1234", "dirty": False, "date": "2026-12-05",
                    "wall_s": 7000}
        text = "\n".join(report.p3_section(p3, long_run, None, {}, "."))
        self.assertIn("**Long run** (`./eval.sh --long`, at commit `abc1234`, 2026-12-05, "
                      "7000 s wall): 1,000,000 control jobs in all, 0 missed.", text)
        self.assertIn("| busy: everything but the storm | 1000 | 1,000,000 | 0 |", text)

    def test_the_long_run_is_kept_beside_the_report_for_a_new_checkout(self):
        long_run = {"loads": [], "commit": "abc1234", "dirty": False, "date": "2026-12-05"}
        with tempfile.TemporaryDirectory() as d:
            record = pathlib.Path(d) / "long-run.json"
            with mock.patch.object(evaluation, "LONG_RECORD", record), \
                    mock.patch.object(evaluation, "REPO", pathlib.Path(d)):
                self.assertIsNone(evaluation.earlier_long_run({}))
                evaluation.keep_long_run({"p3_long": long_run})
                self.assertEqual(json.loads(record.read_text()), long_run)
                # A new checkout: no results.json, the committed record supplies it.
                self.assertEqual(evaluation.earlier_long_run({}), long_run)
                newer = dict(long_run, commit="def5678")
                self.assertEqual(evaluation.earlier_long_run({"p3_long": newer}), newer)
                evaluation.keep_long_run({})  # a run without a long run leaves the record
                self.assertEqual(json.loads(record.read_text()), long_run)
                record.write_text("{broken")
                with self.assertRaises(evaluation.Failure) as e:
                    evaluation.earlier_long_run({})
                self.assertIn("long-run.json is not JSON", str(e.exception))

    def test_the_event_stream_is_reported_with_its_rate_and_drops(self):
        hist = {"n": 3000, "max": 20, "bins": {"1": 2900, "7": 100}}
        row = {"load": "events", "what": "an event stream", "from_second": 5, "to_second": 8,
               "misses": 0, "release": hist, "response": hist,
               "events": {"read": {"test-event": 9000, "task-state": 12000}, "dropped": 40,
                          "rtos_seconds": 3.0, "per_second": 7000}}
        p3 = {"xen": "source", "icount": "shift=0", "loads": [row]}
        text = "\n".join(report.p3_section(p3, None, None, {}, "."))
        self.assertIn("Load `events`: `tandemctl watch` read 12,000 task-state, 9,000 test-event "
                      "events in 3.0 s of RTOS time (7,000 per second); the RTOS dropped 40", text)
        self.assertIn("| events: an event stream | 3 | 3,000 | 0 |", text)

    def test_only_selects_a_part_with_its_a_b_boots(self):
        a = evaluation.parse_args(["--only", "p2"])
        self.assertEqual([k for k, _ in evaluation.parts(a, "p2")], ["p2", "p2_pacer"])
        self.assertEqual([k for k, _ in evaluation.parts(a, "p1")], ["p1"])
        quick = evaluation.parse_args(["--quick"])
        self.assertEqual([k for k, _ in evaluation.parts(quick)],
                         ["timing", "p1", "p2", "p3", "p4", "timeline"])
        with self.assertRaises(evaluation.Failure) as e:
            evaluation.remeasure(a, evaluation.REPO / "build/eval/no-such-run/results.json")
        self.assertIn("run ./eval.sh first", str(e.exception))

    def test_a_part_measured_again_is_named_with_its_commit(self):
        meta = dict(self.META, remeasured=[{"part": "p2", "commit": "def5678", "dirty": False,
                                            "date": "2026-12-05"}])
        text = report.render({"meta": meta}, {})
        self.assertIn("Measured again since: **p2** at commit `def5678` on 2026-12-05 "
                      "(`./eval.sh --only p2`).", text)

    def test_structure_check_names_missing_and_misplaced_sections(self):
        text = "Generated by `x`\n## Set-up\n## P5 footprint\n## The timing model\n"
        problems = report.check_structure(text)
        self.assertIn("section '## Goals at a glance' is missing", problems)
        self.assertIn("section '## P5 footprint' is out of order", problems)

    def test_results_round_trip_through_json(self):
        fp = footprint.parse_map(MAP)
        saved = json.loads(json.dumps({"by_component": fp.by_component, "sections": fp.sections}))
        again = footprint.Footprint(saved["by_component"], saved["sections"])
        self.assertEqual(again.loaded(), fp.loaded())


# What bench/p4's image prints (62.5 MHz: 16 ns, i.e. 16 instructions at shift=0, a tick).
P4_LINES = """p4: start freq=62500000 n=1000
p4: loop n=1000 ticks=125
p4: activate_dispatch_terminate n=1000 ticks=37625
p4: get_release_resource n=1000 ticks=15125
p4: clear_pending n=1000 ticks=250
p4: evtchn_send_clear_pending n=1000 ticks=56500
p4: sgi_raise_to_isr n=1000 ticks=77500
p4: sgi skipped: nothing
p4: tick_window quiet_n=2000000 quiet_ticks=375000 n=3000000 ticks=625000 delivered=1000 skipped=0
p4: tick_deadline_to_handler n=1000 ticks=68750
p4: done
"""


class P4Test(unittest.TestCase):
    def test_counter_ticks_become_instructions_per_operation_minus_the_loop(self):
        r = p4.parse(P4_LINES)
        ops = r["per_op_ns"]
        self.assertAlmostEqual(ops["activate_dispatch_terminate"], 37.625 * 16 - 2)  # loop: 2
        self.assertAlmostEqual(ops["get_release_resource"], 15.125 * 16 - 2)
        self.assertAlmostEqual(ops["evtchn_send"], 56.5 * 16 - 0.25 * 16)  # minus clear_pending
        self.assertAlmostEqual(ops["sgi_raise_to_isr"], 77.5 * 16)  # timed inside: no loop
        self.assertAlmostEqual(ops["tick_deadline_to_handler"], 68.75 * 16)
        # 3M iterations at the quiet rate would take 562,500 ticks; 62,500 more for 1,000 ticks.
        self.assertAlmostEqual(ops["tick"], 62.5 * 16)
        self.assertEqual(r["skipped"], {"sgi": "nothing"})

    def test_a_run_that_did_not_start_is_an_error(self):
        with self.assertRaisesRegex(p4.P4Error, "p4: start"):
            p4.parse("(XEN) DOM1: something else\n")


class TimelineTest(unittest.TestCase):
    CONSOLE = """(XEN) [    0.010000] Xen version 4.17
(XEN) [    0.300000] DOM1: tandem-rt: milestone first-task 301500 us
(XEN) [    0.320000] Freed 344kB init memory.
TANDEM-DOM0: milestone init uptime 0.88 s
TANDEM-DOM0: milestone toolstack uptime 0.94 s
(XEN) [    1.400000] DOM1: tandem-rt: milestone channel-published 1399000 us
TANDEM-DOM0: milestone ready uptime 1.00 s
"""

    def test_each_source_of_time_lands_on_power_on_time(self):
        at = timeline.parse(self.CONSOLE, "tandem-rt: milestone first-session 1500000 us\n")
        self.assertAlmostEqual(at["xen-handover"], 0.32)
        self.assertAlmostEqual(at["first-task"], 0.3015)
        self.assertAlmostEqual(at["init"], 0.32 + 0.88)  # dom0: hand-over + its uptime
        self.assertAlmostEqual(at["ready"], 0.32 + 1.00)
        self.assertAlmostEqual(at["channel-published"], 1.399)
        self.assertAlmostEqual(at["first-session"], 1.5)  # from xenconsoled's log (route xl)

    def test_without_xens_stamps_dom0s_uptimes_cannot_be_placed(self):
        at = timeline.parse("TANDEM-DOM0: milestone init uptime 0.88 s\n", "")
        self.assertNotIn("init", at)


class LoadTest(unittest.TestCase):
    # What the demo prints once a guest second, cumulative since the reset.
    LINES = """(XEN) DOM1: tandem-rt: t=4s ctrl=4000 misses=2 bg=400 pin=0 over=0 late=2 tick_late=0 tick_max_us=3 skipped=0
(XEN) DOM1: tandem-rt: hist t=4 release n=1000 max=3: 1:990 3:10
(XEN) DOM1: tandem-rt: hist t=4 response n=1000 max=5: 2:1000
(XEN) DOM1: tandem-rt: t=5s ctrl=5000 misses=2 bg=500 pin=1 over=0 late=2 tick_late=0 tick_max_us=14 skipped=0
(XEN) DOM1: tandem-rt: hist t=5 release n=2000 max=14: 1:1980 3:15 14:5
(XEN) DOM1: tandem-rt: hist t=5 response n=2000 max=15: 2:1995
(XEN) DOM1: tandem-rt: hist t=5 response+ 15:5
(XEN) DOM1: tandem-rt: t=6s ctrl=6000 misses=3 bg=600 pin=0 over=0 late=3 tick_late=0 tick_max_us=14 skipped=0
""".splitlines()

    def test_histogram_lines_and_their_continuations(self):
        h = load.parse_histograms(self.LINES)
        self.assertEqual(h[5]["response"], {"n": 2000, "max": 15, "bins": {2: 1995, 15: 5}})
        self.assertEqual(load.complete_seconds(h), [4])  # 5 is not followed by a later second

    def test_a_window_is_the_difference_of_two_cumulative_seconds(self):
        lines = self.LINES + ["(XEN) DOM1: tandem-rt: hist t=6 release n=3000 max=14: 1:2980"]
        w = load.window(lines, 4, 5)
        self.assertEqual(w["release"], {"n": 1000, "max": 14, "bins": {1: 990, 3: 5, 14: 5}})
        self.assertEqual(w["misses"], 0)
        self.assertEqual(report.percentile(w["release"], 0.5), 1)
        self.assertEqual(report.percentile(w["release"], 0.999), 14)
        self.assertIsNone(load.window(self.LINES, 4, 6), "second 6 has no histograms yet")


class PlotTest(unittest.TestCase):
    def test_missing_matplotlib_is_a_clear_error(self):
        with mock.patch.dict(sys.modules, {"matplotlib": None}):
            with self.assertRaisesRegex(report.PlotError, "python3-matplotlib"):
                report.plots({"p1": {"runs": [fake_run("isolated", 1, 1, 1)]}},
                             pathlib.Path(tempfile.gettempdir()))


class ConfTest(unittest.TestCase):
    """The descriptions the measurements boot: the shipped one with a few keys changed, which
    must still load (the shipped description says `smp = auto`; P2's peers boot 3 CPUs)."""

    def test_smp_and_pacer_replaced_and_the_result_loads(self):
        sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "platform"))
        from tandem_platform import config
        with tempfile.TemporaryDirectory() as d:
            conf = conf_with_xen_args(pathlib.Path(d), "loglvl=none", pacer_us=35, smp=3)
            p = config.load(conf)
        self.assertEqual((p.smp, p.icount_pacer_us), (3, 35))
        self.assertIn("loglvl=none", p.xen_cmdline())


if __name__ == "__main__":
    unittest.main()
