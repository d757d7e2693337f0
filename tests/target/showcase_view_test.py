"""Host tests of what ./main.sh shows of a boot (platform/tandem_platform/showcase.py) and of the
console's line echo, against a console recorded from a real showcase boot (data/)."""

import pathlib
import sys
import tempfile
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "platform"))
from tandem_platform import config, console, showcase  # noqa: E402

RECORDED = (HERE / "data" / "showcase_console.txt").read_text()


def summary_of(text, xen_build=None):
    lines = showcase.summary(text, config.load(xen_build=xen_build), "dom0less",
                             "shift=0,sleep=off", "10.0",
                             "build/platform/dom0less/console.log")
    return {ln.split()[0]: ln for ln in lines if not ln.startswith(" ")}, "\n".join(lines)


class ConsoleLinesTest(unittest.TestCase):
    def test_milestones_are_shortened(self):
        self.assertEqual(showcase.tandem_line(RECORDED.splitlines()[0]),
                         ("xen", "Xen 4.17.7 (Debian 4.17.7+13-g2445b30a44-0+deb12u1) started"))
        self.assertEqual(showcase.tandem_line("(XEN) Using scheduler: SMP Credit Scheduler rev2 "
                                              "(credit2)"), ("xen", "scheduler credit2"))
        self.assertEqual(showcase.tandem_line("[    0.000000] Linux version 6.1.0-57-arm64 (x)"),
                         ("dom0", "dom0's Linux 6.1.0-57-arm64 started"))

    def test_sources(self):
        self.assertEqual(showcase.tandem_line("(XEN) DOM1: tandem-rt: first task running\r"),
                         ("rtos", "tandem-rt: first task running"))
        self.assertEqual(showcase.tandem_line("[tandem-rt] tandem-rt: first task running"),
                         ("rtos", "tandem-rt: first task running"))  # route xl's relay
        self.assertIsNone(showcase.tandem_line("[    4.6] xen:balloon: Initialising"))
        self.assertEqual(showcase.tandem_line("SHOWCASE: $ xl list"), ("dom0", "$ xl list"))
        self.assertEqual(showcase.tandem_line("TANDEM-DOM0: ready"), ("dom0", "ready"))
        self.assertEqual(showcase.tandem_line("(XEN) Panic on CPU 1:")[0], "FAIL")
        self.assertEqual(showcase.tandem_line("[ 2.1] Kernel panic - not syncing: x")[0], "FAIL")

    def test_boot_noise_is_hidden(self):
        for line in ("[    0.321068] evm: security.ima", "(XEN) Brought up 2 CPUs", ""):
            self.assertIsNone(showcase.tandem_line(line), line)
            self.assertIsNone(showcase.ConsoleView()(line), line)

    def test_measurement_lines_stay_in_the_log(self):
        for line in ("(XEN) DOM1: tandem-rt: hist t=3 release n=1000 max=2: 1:1000",
                     "(XEN) DOM1: tandem-rt: milestone first-task 345310 us",
                     "TANDEM-DOM0: milestone init uptime 0.88 s",
                     "[tandem-rt] tandem-rt: hist t=3 response+ 15:5"):
            self.assertIsNone(showcase.tandem_line(line), line)
        self.assertEqual(showcase.tandem_line("TANDEM-DOM0: ready"), ("dom0", "ready"))

    def test_view_prefixes_time_and_source(self):
        shown = showcase.ConsoleView()("TANDEM-DOM0: ready")
        self.assertRegex(shown, r"^\s+\d+\.\ds  dom0  ready$")


class SummaryTest(unittest.TestCase):
    def test_recorded_showcase(self):
        s, text = summary_of(RECORDED)
        self.assertIn("Xen 4.17.7 (credit2), dom0 Linux 6.1.0-57-arm64, tandem-rt as domain 1, "
                      "route dom0less", s["booted"])
        self.assertIn("-icount shift=0,sleep=off", s["machine"])
        self.assertIn("Domain-0 on pCPU 0 (hard affinity 0), tandem-rt on pCPU 1 (hard "
                      "affinity 1)", s["where"])
        self.assertIn("pin 0 toggled by the RTOS at 1 kHz; pins 1,2,3 exported", s["pins"])
        self.assertRegex(s["channel"], r"ping 0\.\d+ ms; 200 isolated commands: p50 [\d.]+ us")
        self.assertRegex(text, r"burst of 2000: \d+ commands/s, Linux notified the RTOS "
                               r"0\.0315 times per command")
        self.assertRegex(s["misses"], r"in the bench's window: Control 0 \(\d+ activations, "
                                      r"worst response \d+ us\)$")
        self.assertIn("from the RTOS's start to the reset (dom0 booting): Control 211", text)
        self.assertEqual(s["result"], "result    showcase: 0 failure(s)")
        self.assertNotIn("not seen", text)

    def test_source_build_names_the_rtos_pool(self):
        s, _ = summary_of(RECORDED, xen_build="source")
        self.assertIn("Xen 4.17.7 (credit2) from Debian's source, tandem-rt in cpupool rt (null), "
                      "dom0 Linux", s["booted"])

    def test_misses_in_the_window_are_reported(self):
        text = RECORDED.replace("SHOWCASE:   0     Control                       48         "
                                "       0              34",
                                "SHOWCASE:   0     Control                       48         "
                                "       3            1200")
        self.assertNotEqual(text, RECORDED, "the recorded bench-window row changed")
        s, _ = summary_of(text)
        self.assertIn("Control 3 (48 activations, worst response 1200 us)", s["misses"])

    def test_the_worst_execution_column_is_read_past(self):
        # tandemctl since protocol 1.5 adds WORST-EXEC-US (a number, or - when not measured).
        text = RECORDED.replace("SHOWCASE:   0     Control                       48         "
                                "       0              34",
                                "SHOWCASE:   0     Control                       48         "
                                "       0              34               1")
        text = text.replace("SHOWCASE:   0     Control                     1129              "
                            "211             898",
                            "SHOWCASE:   0     Control                     1129              "
                            "211             898               -")
        s, out = summary_of(text)
        self.assertIn("Control 0 (48 activations, worst response 34 us)", s["misses"])
        self.assertIn("from the RTOS's start to the reset (dom0 booting): Control 211", out)

    def test_what_the_console_lacks_is_said(self):
        head = RECORDED[:RECORDED.index("SHOWCASE: $ tandem-bench")]
        s, text = summary_of(head)
        self.assertIn("(not seen on the console)", s["misses"])
        self.assertIn("(not seen on the console)", s["result"])
        self.assertNotIn("isolated", s["channel"])
        s, _ = summary_of("")
        self.assertIn("Xen (not seen on the console)", s["booted"])


class ConsoleEchoTest(unittest.TestCase):
    def test_lines_reach_the_filter_whole(self):
        seen = []
        with tempfile.TemporaryDirectory() as d:
            c = console.Console(["sh", "-c", "printf 'one\\r\\ntw'; sleep 0.2; printf 'o\\nend'"],
                                pathlib.Path(d) / "log", echo=lambda ln: seen.append(ln))
            c.proc.wait()
            c.close()
        self.assertEqual(seen, ["one", "two", "end"])


class ConsoleEndTest(unittest.TestCase):
    """How a wait ends when what it waits for never comes: platform/run's exit status (2 a
    failure on the console, 4 QEMU gone) follows the exception's type."""

    def wait(self, script):
        with tempfile.TemporaryDirectory() as d:
            c = console.Console(["sh", "-c", script], pathlib.Path(d) / "log")
            try:
                c.expect("never printed", 10)
            finally:
                c.close()

    def test_emulator_gone_is_its_own_failure(self):
        with self.assertRaises(console.QemuExited) as cm:
            self.wait("echo booting")
        self.assertIn("exited (status 0)", str(cm.exception))

    def test_failure_on_the_console_is_not_an_exit(self):
        with self.assertRaises(console.Fatal) as cm:
            self.wait("echo 'TANDEM-DOM0: FAILED: no toolstack'; sleep 5")
        self.assertNotIsInstance(cm.exception, console.QemuExited)
        self.assertIn("no toolstack", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
