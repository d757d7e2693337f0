"""Host tests of several RTOS domains in one platform description (issue 15): the
[rtos.NAME] sections, pins owned by one domain each, one pCPU each, `extends`, and what the
generators make of two domains (xl configs, dom0less trees, dom0's platform.env). No QEMU."""

import pathlib
import shutil
import sys
import tempfile
import unittest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "platform"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from platform_xen_test import MINI_QEMU_DTS, _decompiled  # noqa: E402
from tandem_platform import config, dtree, initramfs, xlcfg  # noqa: E402
from tandem_platform.util import PlatformError  # noqa: E402

TWO = REPO / "platform" / "two-rtos.conf"


def overlay(text, base=TWO):
    """A description that extends `base` with `text` (INI sections)."""
    d = pathlib.Path(tempfile.mkdtemp())
    (d / "base.conf").write_text(base.read_text().replace(
        "extends = tandem-qemu.conf", f"extends = {REPO / 'platform' / 'tandem-qemu.conf'}"))
    (d / "test.conf").write_text(f"[description]\nextends = base.conf\n\n{text}\n")
    return d / "test.conf"


class DescriptionTest(unittest.TestCase):
    def test_two_rtos_loads_in_order(self):
        p = config.load(TWO)
        self.assertEqual([r.name for r in p.rtos_domains], ["tandem-rt", "tandem-wd"])
        self.assertEqual(p.rtos.name, "tandem-rt")  # the primary: the first
        wd = p.domain("tandem-wd")
        self.assertEqual((wd.pcpu, wd.gpio_pins, wd.exported_pins, wd.gpio_irq),
                         (2, (4, 5, 6), (5, 6), False))
        self.assertEqual(wd.section, "rtos.tandem-wd")
        self.assertEqual(wd.image, REPO / "build/arm64/apps/watchdog/tandem-rt-watchdog.bin")
        self.assertEqual(p.smp, 3)
        self.assertEqual(p.dom0_memory_mb, 512)  # from the description it extends

    def test_rtos_image_replaces_the_first_domains_only(self):
        p = config.load(TWO, rtos_image="/tmp/x.bin")
        self.assertEqual(p.rtos.image, pathlib.Path("/tmp/x.bin"))
        self.assertTrue(str(p.domain("tandem-wd").image).endswith("tandem-rt-watchdog.bin"))

    def test_one_domain_description_is_unchanged(self):
        p = config.load()
        self.assertEqual(len(p.rtos_domains), 1)
        self.assertEqual((p.rtos.gpio_pins, p.rtos.exported_pins, p.rtos.gpio_irq),
                         ((0, 1, 2, 3), (1, 2, 3), True))

    def refused(self, text, regex, **kw):
        with self.assertRaisesRegex(PlatformError, regex):
            config.load(overlay(text), **kw)

    def test_pin_owned_twice_refused(self):
        self.refused("[rtos.tandem-wd]\ngpio_pins = 3,4,5,6",
                     r"\[rtos.tandem-wd\] gpio_pins: pin 3 belongs to \[rtos\] already; each "
                     r"pin belongs to one domain")

    def test_exported_pin_not_owned_refused(self):
        self.refused("[rtos.tandem-wd]\nexported_pins = 5,7",
                     r"\[rtos.tandem-wd\] exported_pins 7: not in its gpio_pins")

    def test_same_pcpu_refused(self):
        self.refused("[rtos.tandem-wd]\npcpu = 1",
                     r"\[rtos.tandem-wd\] pcpu 1: .* other than tandem-rt's "
                     r"\(one pCPU per domain\)")

    def test_smp_auto_gives_a_cpu_per_domain(self):
        self.assertEqual(config.load().smp, 2)
        self.assertEqual(config.load(TWO).smp, 3)
        moved = overlay("[rtos.tandem-wd]\npcpu = 3\n[cpupool.rt]\ncpus = 1,3")
        self.assertEqual(config.load(moved).smp, 4)

    def test_pcpu_beyond_smp_refused(self):
        self.refused("[qemu]\nsmp = 2", r"\[rtos.tandem-wd\] pcpu 2: must be a pCPU < smp=2")

    def test_interrupt_given_twice_refused(self):
        self.refused("[rtos.tandem-wd]\ngpio_irq = yes",
                     r"\[rtos.tandem-wd\] gpio_irq: the controller's interrupt goes to \[rtos\] "
                     r"already")

    def test_duplicate_name_refused(self):
        self.refused("[rtos.tandem-rt]\nmemory_mb = 16\npcpu = 2\nvcpus = 1",
                     r"\[rtos.tandem-rt\]: domain name 'tandem-rt' is taken by \[rtos\]")

    def test_name_key_in_a_named_section_refused(self):
        self.refused("[rtos.tandem-wd]\nname = other",
                     r"\[rtos.tandem-wd\] name = 'other': a \[rtos.NAME\] section is named by "
                     r"its header")

    def test_memory_for_every_domain(self):
        self.refused("[qemu]\nmemory_mb = 600",
                     r"memory_mb 600 too small for dom0 \(512\) \+ the RTOS domains \(32\)")

    def test_pins_without_passthrough_refused(self):
        self.refused("[gpio]\npassthrough = no", r"gpio_pins: the controller is not passed "
                     r"through")

    def test_old_gpio_keys_name_their_new_place(self):
        self.refused("[gpio]\nexported_pins = 1,2", r"\[gpio\] exported_pins: each RTOS domain "
                     r"owns its pins now; move it into the domain's section as `exported_pins`")
        self.refused("[gpio]\npass_irq = yes", r"as `gpio_irq`")

    def test_pool_names_unknown_domain(self):
        self.refused("[cpupool.rt]\ndomains = tandem-rt, tandem-xx",
                     r"unknown domain 'tandem-xx' \(use the RTOS domains' names: tandem-rt, "
                     r"tandem-wd", xen_build="source")

    def test_pool_must_hold_each_domains_pcpu(self):
        self.refused("[cpupool.rt]\ncpus = 1", r"\[cpupool.rt\]: holds tandem-wd but not its "
                     r"\[rtos.tandem-wd\] pcpu 2", xen_build="source")

    def test_extends_loop_and_missing_base(self):
        d = pathlib.Path(tempfile.mkdtemp())
        (d / "a.conf").write_text("[description]\nextends = b.conf\n")
        (d / "b.conf").write_text("[description]\nextends = a.conf\n")
        with self.assertRaisesRegex(PlatformError, r"extends itself"):
            config.load(d / "a.conf")
        (d / "c.conf").write_text("[description]\nextends = nowhere.conf\n")
        with self.assertRaisesRegex(PlatformError, r"cannot read platform description "
                                    r".*nowhere.conf"):
            config.load(d / "c.conf")

    def test_no_rtos_domain_refused(self):
        text = config.DEFAULT_CONF.read_text()
        start = text.index("# The RTOS domain.")
        end = text.index("\n[gpio]\n")
        d = pathlib.Path(tempfile.mkdtemp()) / "none.conf"
        d.write_text(text[:start] + text[end:].replace("domains = rtos", ""))
        with self.assertRaisesRegex(PlatformError, r"no RTOS domain: add an \[rtos\] or "
                                    r"\[rtos.NAME\] section"):
            config.load(d)

    def test_ini_errors_name_the_file_and_line(self):
        d = pathlib.Path(tempfile.mkdtemp()) / "dup.conf"
        d.write_text("[qemu]\nsmp = 2\n[qemu]\nsmp = 3\n")
        with self.assertRaisesRegex(PlatformError, r"dup.conf.*\[line  3\]: section 'qemu' "
                                    r"already exists"):
            config.load(d)


class GeneratorsTest(unittest.TestCase):
    def setUp(self):
        self.p = config.load(TWO, xen_build="source")
        self.wd = self.p.domain("tandem-wd")

    def test_xl_config_per_domain(self):
        rt, wd = (xlcfg.xl_config(self.p, r) for r in self.p.rtos_domains)
        self.assertIn('name = "tandem-rt"', rt)
        self.assertIn('cpus = "1"', rt)
        self.assertIn("irqs = [ 39 ]", rt)
        self.assertIn('name = "tandem-wd"', wd)
        self.assertIn('kernel = "/rt/tandem-wd.bin"', wd)
        self.assertIn('cpus = "2"', wd)
        self.assertIn('pool = "rt"', wd)
        # The controller's page is mapped into both; its interrupt goes to tandem-rt only.
        self.assertIn('iomem = [ "0x9030,0x1" ]', wd)
        self.assertNotIn("irqs", wd)

    def test_domain_without_pins_maps_nothing(self):
        p = config.load(overlay("[rtos.tandem-wd]\ngpio_pins =\nexported_pins ="))
        self.assertNotIn("iomem", xlcfg.xl_config(p, p.domain("tandem-wd")))

    def test_platform_env_lists_every_domain(self):
        self.assertEqual(initramfs.rtos_env(self.p),
                         "tandem-rt:1:restart:1 tandem-wd:2:restart:1")

    @unittest.skipUnless(shutil.which("dtc"), "dtc (device-tree-compiler) not installed")
    def test_second_domains_partial_tree_maps_without_the_interrupt(self):
        with tempfile.TemporaryDirectory() as d:
            dts = _decompiled(dtree.compile_dts(dtree.partial_dts(self.p, self.wd),
                                                pathlib.Path(d) / "p.dtb"))
        self.assertIn("xen,reg = <0x00 0x9030000 0x00 0x1000 0x00 0x9030000>", dts)
        self.assertIn("xen,force-assign-without-iommu", dts)
        self.assertNotIn("xen,path", dts)
        self.assertNotIn("interrupts", dts)

    @unittest.skipUnless(shutil.which("dtc"), "dtc (device-tree-compiler) not installed")
    def test_host_tree_has_a_node_per_domain_in_order(self):
        with tempfile.TemporaryDirectory() as d:
            d = pathlib.Path(d)
            base = dtree.compile_dts(MINI_QEMU_DTS.replace(
                "cpu@1 {", "cpu@2 { device_type = \"cpu\"; reg = <2>; };\n        cpu@1 {"),
                d / "qemu.dtb")
            mods = []
            for name in ("k", "r", "rt", "wd"):
                (d / name).write_bytes(b"\0" * 4096)
                mods.append(dtree.Module(name, d / name))
            dtree.place(self.p, mods)
            boots = [dtree.BootDomain(r, m) for r, m in zip(self.p.rtos_domains, mods[2:])]
            src = dtree.host_dts(self.p, base, mods[0], mods[1], boots)
        self.assertLess(src.index("tandem-rt {"), src.index("tandem-wd {"))
        wd = src[src.index("tandem-wd {"):]
        self.assertIn("domain-cpupool = <&{/chosen/cpupool-rt}>;", wd)
        self.assertIn("memory = <0x0 0x4000>;", wd)


if __name__ == "__main__":
    unittest.main()
