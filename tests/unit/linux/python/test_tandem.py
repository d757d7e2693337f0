"""The Python package `tandem` over libtandem_c_fake.so: the shipped C ABI's code with the fake
Xen of tests/unit/linux (a real channel Server in process) behind it. Each failure is checked
against tandemctl run over the same fake: the exception's code must equal its exit status.

Run by ctest (linux_python_tests), which sets TANDEM_C_LIBRARY and PYTHONPATH; by hand:
  TANDEM_C_LIBRARY=build/host-debug/tests/unit/linux/libtandem_c_fake.so \
  PYTHONPATH=linux/python python3 -m unittest -v test_tandem   (in tests/unit/linux/python)
"""

import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import tandem
from tandem import _capi

FAKE = os.environ.get("TANDEM_C_LIBRARY", "")
DOMID, NAME = 3, "tandem-rt"


def fake():
    lib = ctypes.CDLL(FAKE)
    lib.tandem_fake_add_rtos.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    lib.tandem_fake_store_write.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    lib.tandem_fake_tandemctl.argtypes = [ctypes.c_char_p]
    lib.tandem_fake_tandemctl_output.restype = ctypes.c_char_p
    lib.tandem_fake_tandemd_start.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    return lib


class FakeXenTest(unittest.TestCase):
    """One published RTOS (domain 3, pins 0-3 exported) and dom0."""

    def setUp(self):
        self.assertTrue(FAKE, "TANDEM_C_LIBRARY must name libtandem_c_fake.so")
        self.fake = fake()
        self.fake.tandem_fake_reset()
        self.fake.tandem_fake_add_rtos(DOMID, NAME.encode())

    def tandemctl(self, args):
        """tandemctl ARGS over the same fake: (exit status, its output)."""
        status = self.fake.tandem_fake_tandemctl(args.encode())
        return status, self.fake.tandem_fake_tandemctl_output().decode()

    def assertSameAsTandemctl(self, error, args, same_message=True):
        """The exception's code is tandemctl's exit status for the same command, and with --json
        tandemctl reports the same name (and message, where both failed at the same step)."""
        status, out = self.tandemctl("--json " + args)
        self.assertEqual(error.code, status, f"tandemctl {args}: {out}")
        reported = json.loads(out)["error"]
        self.assertEqual(error.name, reported["code"])
        if same_message:
            self.assertEqual(error.message, reported["message"])


class OperationsTest(FakeXenTest):
    def test_ping_and_identity(self):
        with tandem.open() as rtos:
            self.assertGreaterEqual(rtos.ping(), 0.0)
            who = rtos.identity()
            self.assertEqual((who.domid, who.name), (DOMID, NAME))
            self.assertRegex(who.boot_id, "^[0-9a-f]{16}$")

    def test_open_by_name_and_by_id(self):
        for domain in (NAME, DOMID, str(DOMID)):
            with tandem.open(domain) as rtos:
                self.assertEqual(rtos.identity().domid, DOMID)

    def test_gpio_configure_set_get_toggle(self):
        with tandem.open(NAME) as rtos:
            rtos.gpio_configure(1, "out", level=0)
            self.assertEqual(rtos.gpio_get(1), 0)
            rtos.gpio_set(1, 1)
            self.assertEqual(rtos.gpio_get(1), 1)
            self.assertEqual(rtos.gpio_toggle(1), 0)
            self.assertEqual(rtos.gpio_get(1), 0)
        # Another session (tandemctl's) sees what this one set.
        status, out = self.tandemctl("--json gpio get 1")
        self.assertEqual((status, json.loads(out)["level"]), (0, 0))

    def test_stats_and_counters(self):
        with tandem.open() as rtos:
            tasks = rtos.stats()
            self.assertEqual([t.name for t in tasks], ["demo", "command_server"])
            self.assertEqual((tasks[0].activations, tasks[0].worst_execution_us), (1200, 9))
            rtos.ping()
            counters = rtos.channel_counters()
            self.assertGreater(counters.requests, 0)
            self.assertEqual(counters.boot_id, rtos.identity().boot_id)
            self.assertEqual(len(rtos.stats(reset=True)), 2)

    def test_list_domains_as_tandemctl(self):
        domains = tandem.list_domains()
        status, out = self.tandemctl("--json list")
        self.assertEqual(status, 0)
        listed = json.loads(out)["domains"]
        self.assertEqual([(d.domid, d.name, d.published, d.channel, d.boot_id) for d in domains],
                         [(d["id"], d["name"], d["tandem"], d["channel"], d["boot_id"])
                          for d in listed])

    def test_closed_session_is_refused_and_releases_the_channel(self):
        rtos = tandem.open()
        rtos.close()
        rtos.close()  # idempotent
        with self.assertRaises(ValueError):
            rtos.ping()
        self.assertEqual(self.tandemctl("ping")[0], 0)


class ApplicationTest(FakeXenTest):
    """Application commands and events (ABI version 2; docs/app-commands.md, docs/events.md):
    the fake RTOS declares set-period <period-ms 1..10> and posts period-changed."""

    def test_call_by_name(self):
        with tandem.open() as rtos:
            got = rtos.call("set-period", 4)
            self.assertEqual(got.results, [1])
            self.assertEqual(got.payload, b"")
            self.assertEqual(rtos.call("set-period", 1).results, [4])

    def test_call_errors_are_tandemctls(self):
        cases = (((11,), "11"), ((), ""), ((1, 2), "1 2"))
        codes = []
        with tandem.open() as rtos:
            for args, _ in cases:
                with self.assertRaises(tandem.UsageError, msg=repr(args)) as caught:
                    rtos.call("set-period", *args)
                codes.append(caught.exception.code)
        # tandemctl once the handle is closed (the channel has one client at a time).
        self.assertEqual(codes, [self.tandemctl(f"call set-period {w}".strip())[0]
                                 for _, w in cases])
        with tandem.open() as rtos:
            with self.assertRaises(tandem.UsageError) as caught:
                rtos.call("set-period", 11)
            self.assertIn("period-ms 11 is out of range (1..10)", str(caught.exception))
            with self.assertRaises(tandem.UsageError) as caught:
                rtos.call("reboot")
            self.assertIn("no command 'reboot'", str(caught.exception))
            with self.assertRaises(tandem.UsageError):
                rtos.call("set-period", 2, payload=b"x")

    def test_events_of_the_kinds_subscribed(self):
        with tandem.open() as rtos:
            rtos.subscribe(["period-changed"])
            self.assertEqual(rtos.events(wait_ms=0), [])
            rtos.call("set-period", 3)  # the RTOS posts period-changed while it answers
            got = rtos.events(wait_ms=100)
            self.assertEqual(len(got), 1)
            self.assertEqual((got[0].kind, got[0].kind_name), (16, "period-changed"))
            self.assertEqual(got[0].data, (1).to_bytes(4, "little") + (3).to_bytes(4, "little"))
            self.assertEqual(got.dropped, 0)
            rtos.subscribe("deadline-miss")
            rtos.call("set-period", 1)
            self.assertEqual(rtos.events(wait_ms=50), [])
            with self.assertRaises(tandem.UsageError) as caught:
                rtos.subscribe("nonsense")
            self.assertIn("no event kind 'nonsense'", str(caught.exception))


class ThroughTandemdTest(FakeXenTest):
    """tandemd (its real code, on a thread over the fake) serves the RTOS: handles go through
    it, several at once (docs/daemon.md). Meanwhile the library has no Xen of its own."""

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="tandem-py-")
        self.sock = os.path.join(self.dir, NAME + ".sock")
        status = self.fake.tandem_fake_tandemd_start(NAME.encode(), self.dir.encode())
        self.assertEqual(status, 0, self.fake.tandem_fake_tandemctl_output().decode())

    def tearDown(self):
        status = self.fake.tandem_fake_tandemd_stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.assertEqual(status, 0, self.fake.tandem_fake_tandemctl_output().decode())

    def test_two_handles_at_once_through_tandemd(self):
        with tandem.open(NAME, socket_dir=self.dir) as a, tandem.open(socket_dir=self.dir) as b:
            self.assertEqual((a.via, b.via), (self.sock, self.sock))
            who = a.identity()
            self.assertEqual((who.domid, who.name), (DOMID, NAME))
            self.assertRegex(who.boot_id, "^[0-9a-f]{16}$")
            a.gpio_configure(1, "out", level=0)
            a.gpio_set(1, 1)
            self.assertEqual(b.gpio_get(1), 1)
            self.assertEqual(b.call("set-period", 4).results, [1])
            self.assertEqual(a.call("set-period", 2).results, [4])
            self.assertGreater(b.channel_counters().requests, 0)
            a.close()
            self.assertGreaterEqual(b.ping(), 0.0)  # one leaving costs the other nothing

    def test_events_through_tandemd(self):
        with tandem.open(NAME, socket_dir=self.dir) as watcher, \
                tandem.open(NAME, socket_dir=self.dir) as actor:
            watcher.subscribe(["period-changed"])
            actor.call("set-period", 3)
            got = watcher.events(wait_ms=2000)
            self.assertEqual([(e.kind, e.kind_name) for e in got], [(16, "period-changed")])
            self.assertEqual(got[0].data, (1).to_bytes(4, "little") + (3).to_bytes(4, "little"))
            self.assertEqual(got.dropped, 0)

    def test_errors_keep_their_codes_through_tandemd(self):
        with tandem.open(NAME, socket_dir=self.dir) as rtos:
            with self.assertRaises(tandem.PermissionDenied) as caught:
                rtos.gpio_set(5, 1)
            self.assertEqual(caught.exception.code, 7)
            with self.assertRaises(tandem.UsageError):
                rtos.call("set-period", 11)

    def test_direct_never_asks_tandemd(self):
        # The library has no Xen while the fake's tandemd runs: a direct open fails as outside
        # Xen (8), where through tandemd it succeeds; so does one with no tandemd socket there.
        with self.assertRaises(tandem.XenError) as caught:
            tandem.open(NAME, socket_dir=self.dir, direct=True)
        self.assertEqual(caught.exception.code, 8)
        with self.assertRaises(tandem.XenError) as caught:
            tandem.open(NAME, socket_dir="/nonexistent")
        self.assertSameAsTandemctl(caught.exception, "--socket-dir /nonexistent ping")
        with self.assertRaises(tandem.UsageError):
            tandem.open(NAME, socket_dir=42)


class ErrorsTest(FakeXenTest):
    def test_not_exported_pin_is_permission_denied_code_7(self):
        with tandem.open() as rtos:
            with self.assertRaises(tandem.PermissionDenied) as caught:
                rtos.gpio_set(5, 1)
        e = caught.exception
        self.assertIsInstance(e, tandem.Refused)
        self.assertIsInstance(e, tandem.Error)
        self.assertEqual((e.code, e.name, e.rtos_status), (7, "refused", 5))
        self.assertIn("pin 5", e.message)
        self.assertSameAsTandemctl(e, "gpio set 5 1")

    def test_set_on_input_is_hardware_error_with_tandemctls_words(self):
        with tandem.open() as rtos:
            rtos.gpio_configure(2, "in")
            with self.assertRaises(tandem.HardwareError) as caught:
                rtos.gpio_set(2, 1)
        self.assertIn("pin 2 is configured as input", caught.exception.message)
        self.assertSameAsTandemctl(caught.exception, "gpio set 2 1")

    def test_domain_not_found_code_3(self):
        with self.assertRaises(tandem.DomainNotFound) as caught:
            tandem.open("no-such-domain")
        self.assertEqual(caught.exception.code, 3)
        self.assertSameAsTandemctl(caught.exception, "-d no-such-domain ping")

    def test_dom0_publishes_no_channel_code_4(self):
        with self.assertRaises(tandem.ChannelNotPublished) as caught:
            tandem.open(0)
        self.assertSameAsTandemctl(caught.exception, "-d 0 ping")

    def test_several_rtos_and_no_domain_is_usage_code_2(self):
        self.fake.tandem_fake_add_rtos(4, b"second-rt")
        with self.assertRaises(tandem.UsageError) as caught:
            tandem.open()
        self.assertSameAsTandemctl(caught.exception, "ping")
        with tandem.open("second-rt") as rtos:
            self.assertEqual(rtos.identity().domid, 4)

    def test_bad_arguments_are_usage_code_2(self):
        for domain in ("", "-1", "99999"):
            with self.assertRaises(tandem.UsageError, msg=repr(domain)) as caught:
                tandem.open(domain)
            self.assertEqual(caught.exception.code, 2)
        with self.assertRaises(tandem.UsageError):
            tandem.open(timeout_ms=0)
        with tandem.open() as rtos:
            with self.assertRaises(tandem.UsageError) as caught:
                rtos.gpio_set(1, 2)
            self.assertEqual(self.tandemctl("gpio set 1 2")[0], caught.exception.code)
            for bad in (-1, "1", True):
                with self.assertRaises(tandem.UsageError):
                    rtos.gpio_get(bad)
            with self.assertRaises(tandem.UsageError):
                rtos.gpio_configure(1, "sideways")

    def test_stuck_rtos_is_timeout_code_6(self):
        with tandem.open(timeout_ms=500) as rtos:
            self.fake.tandem_fake_set_responsive(DOMID, 0)
            with self.assertRaises(tandem.Timeout) as caught:
                rtos.ping()
        self.assertEqual(caught.exception.code, 6)
        # tandemctl's fresh session times out earlier, in the handshake: another message.
        self.assertSameAsTandemctl(caught.exception, "-t 500 ping", same_message=False)

    def test_destroyed_domain_is_domain_down_code_9(self):
        with tandem.open() as rtos:
            self.fake.tandem_fake_set_run_state(DOMID, 2)  # shut down
            with self.assertRaises(tandem.DomainDown) as caught:
                rtos.ping()
        self.assertEqual(caught.exception.code, 9)
        self.assertEqual(self.tandemctl("ping")[0], 9)

    def test_channel_held_by_another_client_is_busy_code_11(self):
        self.fake.tandem_fake_store_write(f"/local/domain/0/backend/tandem/{DOMID}/owner".encode(),
                                          b"4242")
        self.fake.tandem_fake_add_live_pid(4242)
        with self.assertRaises(tandem.Busy) as caught:
            tandem.open(timeout_ms=300)
        self.assertEqual(caught.exception.code, 11)
        self.assertSameAsTandemctl(caught.exception, "-t 300 ping")

    def test_rtos_restart_is_reported_once_code_12(self):
        with tandem.open() as rtos:
            before = rtos.identity().boot_id
            self.fake.tandem_fake_reboot(DOMID)
            with self.assertRaises(tandem.RtosRestarted) as caught:
                rtos.ping()
            self.assertEqual(caught.exception.code, 12)
            self.assertIn(before, caught.exception.message)
            rtos.ping()  # reported once; the next command runs
            self.assertNotEqual(rtos.identity().boot_id, before)

    def test_outside_xen_is_xen_error_code_8(self):
        self.fake.tandem_fake_no_xen(1)
        with self.assertRaises(tandem.XenError) as caught:
            tandem.list_domains()
        self.assertSameAsTandemctl(caught.exception, "list")

    def test_classes_match_the_librarys_code_table(self):
        """Every libtandem code (tandem_errc_name) has its class, with the same name."""
        lib = _capi.library()
        codes = range(1, lib.tandem_errc_count())
        self.assertEqual(sorted(tandem.errors.BY_CODE), list(codes))
        for code in codes:
            cls = tandem.errors.BY_CODE[code]
            self.assertEqual(cls.name, lib.tandem_errc_name(code).decode(), cls.__name__)
            self.assertIs(getattr(tandem, cls.__name__), cls)


def run_cli(*args, library=None):
    env = dict(os.environ)
    if library:
        env["TANDEM_C_LIBRARY"] = library
    return subprocess.run([sys.executable, "-m", "tandem", *args], env=env, text=True,
                          capture_output=True, timeout=60)


class CliTest(unittest.TestCase):
    def test_help(self):
        p = run_cli("--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("gpio", p.stdout)
        self.assertIn("12 RTOS restarted", p.stdout)

    def test_error_exit_status_and_json(self):
        # A new process: its fake Xen has dom0 only.
        p = run_cli("-d", "nope", "ping")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("tandem: error:", p.stderr)
        p = run_cli("--json", "ping")
        self.assertEqual(p.returncode, 3)
        self.assertEqual(json.loads(p.stdout)["error"]["exit"], 3)
        p = run_cli("--json", "list")
        self.assertEqual((p.returncode, json.loads(p.stdout)["domains"]), (0, []), p.stderr)

    @unittest.skipUnless(os.environ.get("TANDEM_C_REAL"), "TANDEM_C_REAL not set")
    def test_shipped_library_outside_xen_exits_as_tandemctl(self):
        """The real libtandem_c.so on this (non-Xen) host: status 8, as the tandemctl binary."""
        p = run_cli("list", library=os.environ["TANDEM_C_REAL"])
        t = subprocess.run([os.environ["TANDEMCTL"], "list"], capture_output=True, timeout=60)
        self.assertEqual(t.returncode, 8)
        self.assertEqual(p.returncode, t.returncode, p.stderr)

    def test_missing_library_is_a_clear_import_time_error(self):
        p = run_cli("ping", library="/nonexistent/libtandem_c.so")
        self.assertEqual(p.returncode, 1)
        self.assertIn("TANDEM_C_LIBRARY", p.stderr)


if __name__ == "__main__":
    unittest.main()
