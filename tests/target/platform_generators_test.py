"""Host tests of the platform generators (no QEMU, no downloads): description parsing and
validation, xl config, Xen command line, device trees through dtc, the cpio writer."""

import io
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "platform"))
from tandem_platform import config, dtree, initramfs, system, xlcfg  # noqa: E402
from tandem_platform.util import PlatformError  # noqa: E402


def conf_with(**edits):
    """The shipped description with some `key = value` lines replaced."""
    text = config.DEFAULT_CONF.read_text()
    for key, value in edits.items():
        lines = text.splitlines()
        hits = [i for i, ln in enumerate(lines) if ln.split("=")[0].strip() == key]
        assert len(hits) == 1, key
        lines[hits[0]] = f"{key} = {value}"
        text = "\n".join(lines) + "\n"
    f = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    f.write(text)
    f.close()
    return f.name


class DescriptionTest(unittest.TestCase):
    def test_shipped_description_loads(self):
        p = config.load()
        self.assertEqual(p.gpio_irq, 39)  # SPI 7 + 32
        self.assertNotEqual(p.dom0_pcpu, p.rtos_pcpu)

    def test_same_pcpu_refused(self):
        with self.assertRaisesRegex(PlatformError, r"\[rtos\] pcpu"):
            config.load(_rtos_pcpu(0))

    def test_bad_integer_refused(self):
        with self.assertRaisesRegex(PlatformError, "expected an integer"):
            config.load(conf_with(smp="two"))

    def test_unaligned_gpio_refused(self):
        with self.assertRaisesRegex(PlatformError, "4 KiB aligned"):
            config.load(conf_with(base="0x09030100"))

    def test_pins_out_of_range_refused(self):
        with self.assertRaisesRegex(PlatformError, "pins 0..7"):
            config.load(conf_with(exported_pins="1,9"))

    def test_unknown_on_crash_refused(self):
        with self.assertRaisesRegex(PlatformError, r"\[rtos\] on_crash 'coredump-restart'"):
            config.load(conf_with(on_crash="coredump-restart"))

    def test_on_crash_reaches_the_xl_config(self):
        for choice in config.ON_CRASH:
            p = config.load(conf_with(on_crash=choice))
            self.assertIn(f'on_crash = "{choice}"', xlcfg.xl_config(p))

    def test_negative_pacer_refused(self):
        with self.assertRaisesRegex(PlatformError, r"\[qemu\] icount_pacer_us -5"):
            config.load(conf_with(icount_pacer_us="-5"))

    def test_unknown_pacer_refused(self):
        with self.assertRaisesRegex(PlatformError, r"\[qemu\] icount_pacer 'linux'"):
            config.load(conf_with(icount_pacer="linux"))

    def test_qemu_pacer_is_a_timer_on_the_default_nic(self):
        self.assertEqual(config.load().icount_pacer, "qemu")
        args = system.qemu_pacer_args(35)
        pairs = dict(zip(args[::2], args[1::2]))
        self.assertEqual(pairs["-netdev"], "user,id=tandem-net")
        # The NIC QEMU virt would add by default, so the guests see the same machine.
        self.assertEqual(pairs["-device"], "virtio-net-pci,netdev=tandem-net")
        self.assertEqual(pairs["-object"],
                         "filter-buffer,id=tandem-pacer,netdev=tandem-net,interval=35")

    def test_gic_version_defaults_to_3_on_the_qemu_machine(self):
        p = config.load()
        self.assertEqual(p.gic_version, 3)
        args = dtree.qemu_machine_args(p)
        self.assertEqual(args[args.index("-machine") + 1],
                         "virt,virtualization=on,gic-version=3")

    def test_gic_version_2_from_the_description_or_the_override(self):
        p = config.load(conf_with(gic_version="2"))
        self.assertEqual(p.gic_version, 2)
        self.assertIn("virt,virtualization=on,gic-version=2", dtree.qemu_machine_args(p))
        # platform/run --gic wins over the description, either way round.
        self.assertEqual(config.load(gic_version=2).gic_version, 2)
        self.assertEqual(config.load(conf_with(gic_version="2"), gic_version=3).gic_version, 3)

    def test_bad_gic_version_refused(self):
        with self.assertRaisesRegex(PlatformError, r"\[qemu\] gic_version = '4': use 2 .* or 3"):
            config.load(conf_with(gic_version="4"))
        with self.assertRaisesRegex(PlatformError, r"platform/run --gic = '1'"):
            config.load(gic_version=1)

    def test_gic_version_in_the_machine_string_refused(self):
        with self.assertRaisesRegex(PlatformError, r"machine names gic-version; .*gic_version"):
            config.load(conf_with(machine="virt,virtualization=on,gic-version=2"))

    def test_gicv2_has_at_most_8_cpus(self):
        with self.assertRaisesRegex(PlatformError, r"smp = 9: a GICv2 has at most 8"):
            config.load(conf_with(gic_version="2", smp="9"))
        self.assertEqual(config.load(conf_with(gic_version="3", smp="9")).smp, 9)


def _rtos_pcpu(n):
    text = config.DEFAULT_CONF.read_text()
    sec = text.index("[rtos]")
    head, tail = text[:sec], text[sec:]
    tail = tail.replace("pcpu = 1", f"pcpu = {n}", 1)
    f = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    f.write(head + tail)
    f.close()
    return f.name


class GeneratedTest(unittest.TestCase):
    def setUp(self):
        self.p = config.load()

    def test_xen_cmdline(self):
        c = self.p.xen_cmdline().split()
        for want in ("dom0_max_vcpus=1", "dom0_vcpus_pin", "vwfi=native",
                     f"sched={self.p.scheduler}", f"dom0_mem={self.p.dom0_memory_mb}M"):
            self.assertIn(want, c)

    def test_xl_config(self):
        cfg = xlcfg.xl_config(self.p)
        self.assertIn(f'name = "{self.p.rtos_name}"', cfg)
        self.assertIn(f'cpus = "{self.p.rtos_pcpu}"', cfg)
        self.assertIn('vuart = "sbsa_uart"', cfg)
        self.assertIn('iomem = [ "0x9030,0x1" ]', cfg)
        self.assertIn("irqs = [ 39 ]", cfg)

    def test_module_placement_is_aligned_and_bounded(self):
        with tempfile.TemporaryDirectory() as d:
            files = []
            for name, size in (("a", 3 << 20), ("b", 100)):
                f = pathlib.Path(d) / name
                f.write_bytes(b"\0" * size)
                files.append(dtree.Module(name, f))
            dtree.place(self.p, files)
            self.assertEqual(files[0].addr, self.p.modules_base)
            self.assertEqual(files[1].addr, self.p.modules_base + (4 << 20))
            big = pathlib.Path(d) / "big"
            with open(big, "wb") as f:
                f.truncate(self.p.qemu_memory_mb << 20)
            with self.assertRaisesRegex(PlatformError, "beyond RAM end"):
                dtree.place(self.p, [dtree.Module("big", big)])

    @unittest.skipUnless(shutil.which("dtc"), "dtc (device-tree-compiler) not installed")
    def test_partial_tree_compiles_with_passthrough_properties(self):
        with tempfile.TemporaryDirectory() as d:
            out = dtree.compile_dts(dtree.partial_dts(self.p), pathlib.Path(d) / "p.dtb")
            dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(out)], text=True,
                                 stdout=subprocess.PIPE, check=True).stdout
        self.assertIn('xen,path = "/pl061@9030000"', dts)
        self.assertIn("xen,reg = <0x00 0x9030000 0x00 0x1000 0x00 0x9030000>", dts)
        self.assertIn("xen,force-assign-without-iommu", dts)
        self.assertIn("interrupts = <0x00 0x07 0x04>", dts)
        self.assertIn('compatible = "simple-bus"', dts)

    @unittest.skipUnless(shutil.which("cpio"), "cpio not installed")
    def test_cpio_writer_output_reads_back(self):
        buf = io.BytesIO()
        c = initramfs.Cpio(buf)
        c.file("etc/tandem/x", b"hello\n", 0o755)
        c.symlink("usr/bin/y", "../../etc/tandem/x")
        c.chardev("dev/console", 5, 1)
        c.trailer()
        self.assertEqual(len(buf.getvalue()) % 512, 0)
        listing = subprocess.run(["cpio", "-itv", "--quiet"], input=buf.getvalue(),
                                 stdout=subprocess.PIPE, check=True).stdout.decode()
        for want in ("etc/tandem/x", "usr/bin/y -> ../../etc/tandem/x", "dev/console", "etc"):
            self.assertIn(want, listing)
        self.assertRegex(listing, r"crw-------.*5,\s+1.*dev/console")


class ScenarioFilesTest(unittest.TestCase):
    """Every dom0 scenario ships with what it sources: a helper left out of the image would
    make the scenario fail in dom0 only, after a whole boot."""

    SCENARIOS = pathlib.Path(__file__).resolve().parents[2] / "linux" / "scenarios"

    def test_every_sourced_helper_is_shipped(self):
        scripts = sorted(self.SCENARIOS.glob("*.sh"))
        self.assertTrue(scripts)
        for script in scripts:
            files = {name: mode for name, _, mode in initramfs.scenario_files(script)}
            self.assertEqual(files[f"etc/tandem/scenarios/{script.name}"], 0o755)
            for sourced in re.findall(r'^\. "\$\(dirname "\$0"\)/(\S+)"$',
                                      script.read_text(), re.M):
                self.assertIn(f"etc/tandem/scenarios/{sourced}", files, script.name)

    def test_helpers_are_not_scenarios(self):
        files = initramfs.scenario_files(self.SCENARIOS / "loopback.sh")
        self.assertIn(("etc/tandem/scenarios/lib/scenario.sh",
                       (self.SCENARIOS / "lib" / "scenario.sh").read_bytes(), 0o644), files)


if __name__ == "__main__":
    unittest.main()
