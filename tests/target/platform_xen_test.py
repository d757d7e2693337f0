"""Host tests of the Xen build choice and the cpupools (no QEMU, no downloads): the description's
validation (each refusal), the boot-time cpupool nodes through dtc, the xl config's pool, dom0's
tandem-cpupools against a fake xl, the Kconfig checks of the source build."""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "platform"))
from tandem_platform import config, dtree, initramfs, system, xen_source, xlcfg  # noqa: E402
from tandem_platform.util import PlatformError  # noqa: E402

SHIPPED = config.DEFAULT_CONF.read_text()


def described(text: str) -> str:
    f = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    f.write(text)
    f.close()
    return f.name


def with_section(name: str, body: dict, text: str = SHIPPED) -> str:
    """The shipped description with [name] replaced (or added) by body."""
    block = f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in body.items())
    m = re.search(rf"^\[{re.escape(name)}\]\n(?:[^\[\n].*\n|\n)*", text, re.M)
    return text[:m.start()] + block + "\n" + text[m.end():] if m else text + "\n" + block


def with_key(section: str, key: str, value: str, text: str = SHIPPED) -> str:
    start = text.index(f"[{section}]")
    end = text.find("\n[", start)
    end = len(text) if end < 0 else end
    part, n = re.subn(rf"^{key} = .*$", f"{key} = {value}", text[start:end], flags=re.M)
    assert n == 1, (section, key)
    return text[:start] + part + text[end:]


RT = {"scheduler": "null", "cpus": "1", "domains": "rtos", "builds": "source"}


class BuildChoiceTest(unittest.TestCase):
    def test_shipped_debian_has_no_active_pool(self):
        p = config.load()
        self.assertEqual(p.xen_build, "debian")
        self.assertEqual([c.name for c in p.cpupools], ["rt"])
        self.assertEqual(p.active_cpupools(), ())
        self.assertIsNone(p.rtos_cpupool())
        self.assertEqual(p.pool0_cpus(), (0, 1))

    def test_source_build_puts_the_rtos_in_its_null_pool(self):
        p = config.load(xen_build="source")
        self.assertEqual(p.rtos_cpupool().name, "rt")
        self.assertEqual(p.rtos_cpupool().scheduler, "null")
        self.assertEqual(p.pool0_cpus(), (0,))

    def test_unknown_build_refused(self):
        with self.assertRaisesRegex(PlatformError, r"\[xen\] build 'custom': use debian or source"):
            config.load(xen_build="custom")

    def test_null_for_pool0_with_debian_names_the_source_build(self):
        with self.assertRaisesRegex(PlatformError, r"\[xen\] scheduler = null: the debian Xen "
                                    r"build lacks it; the source build has it"):
            config.load(described(with_key("xen", "scheduler", "null")))

    def test_scheduler_no_build_has(self):
        with self.assertRaisesRegex(PlatformError, r"scheduler = rtds: the source Xen build "
                                    r"lacks it; no Xen build here has it"):
            config.load(described(with_key("xen", "scheduler", "rtds")), xen_build="source")

    def test_pool_scheduler_checked_for_every_build_it_names(self):
        text = with_section("cpupool.rt", dict(RT, builds="debian, source"))
        with self.assertRaisesRegex(PlatformError, r"\[cpupool.rt\] scheduler = null: the debian "
                                    r"Xen build lacks it; the source build has it"):
            config.load(described(text), xen_build="source")

    def test_credit2_pool_is_fine_for_both_builds(self):
        text = with_section("cpupool.rt", dict(RT, scheduler="credit2", builds="debian source"))
        self.assertEqual(config.load(described(text)).rtos_cpupool().scheduler, "credit2")

    def test_bad_vwfi_refused(self):
        with self.assertRaisesRegex(PlatformError, r"\[xen\] vwfi 'sometimes': use native or trap"):
            config.load(described(with_key("xen", "vwfi", "sometimes")))


class PoolValidationTest(unittest.TestCase):
    def refused(self, body, regex, text=SHIPPED):
        with self.assertRaisesRegex(PlatformError, regex):
            config.load(described(with_section("cpupool.rt", body, text)), xen_build="source")

    def test_cpu_beyond_smp(self):
        self.refused(dict(RT, cpus="1,2"), r"\[cpupool.rt\] cpus: CPU 2 does not exist "
                     r"\(\[qemu\] smp = 2\)")

    def test_dom0s_cpu(self):
        self.refused(dict(RT, cpus="0,1"), r"CPU 0 is dom0's; it stays in Pool-0")

    def test_overlap(self):
        text = with_key("qemu", "smp", "4")
        text = with_section("cpupool.other", {"scheduler": "credit", "cpus": "2,1"}, text)
        self.refused(RT, r"\[cpupool.other\] cpus: CPU 1 is in \[cpupool.rt\] too", text)

    def test_dom0_stays_in_pool0(self):
        self.refused(dict(RT, domains="rtos dom0"), r"\[cpupool.rt\] domains: dom0 stays in Pool-0")

    def test_unknown_domain(self):
        self.refused(dict(RT, domains="linux2"),
                     r"unknown domain 'linux2' \(use the RTOS domains' names: tandem-rt; or rtos")

    def test_rtos_pcpu_outside_its_pool(self):
        text = with_key("qemu", "smp", "3")
        self.refused(dict(RT, cpus="2"), r"holds tandem-rt but not its \[rtos\] pcpu 1", text)

    def test_empty_and_malformed_cpus(self):
        self.refused(dict(RT, cpus=""), r"cpus: empty")
        self.refused(dict(RT, cpus="one"), r"\[cpupool.rt\] cpus = 'one': expected CPU numbers")

    def test_pool_named_like_xens_own(self):
        text = SHIPPED.replace("[cpupool.rt]", "[cpupool.Pool-1]")
        with self.assertRaisesRegex(PlatformError, r"\[cpupool.Pool-1\]: name it with letters"):
            config.load(described(text))

    def test_missing_scheduler(self):
        self.refused(dict(RT, scheduler=""), r"\[cpupool.rt\] scheduler: missing")

    def test_unknown_build_in_pool(self):
        self.refused(dict(RT, builds="source, yocto"), r"unknown Xen build 'yocto'")

    def test_rtos_in_two_pools(self):
        text = with_key("qemu", "smp", "3")
        text = with_section("cpupool.rt2", dict(RT, cpus="2"), text)
        self.refused(RT, r"tandem-rt is in 2 pools for the source build \(rt, rt2\)", text)


MINI_QEMU_DTS = """/dts-v1/;
/ {
    #address-cells = <2>; #size-cells = <2>;
    cpus { #address-cells = <1>; #size-cells = <0>;
        cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a57"; reg = <0>; };
        cpu@1 { device_type = "cpu"; compatible = "arm,cortex-a57"; reg = <1>; };
    };
    pl061@9030000 { compatible = "arm,pl061", "arm,primecell"; reg = <0 0x9030000 0 0x1000>; };
    chosen { };
};
"""


def _decompiled(dtb: pathlib.Path) -> str:
    return subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)], text=True,
                          stdout=subprocess.PIPE, check=True).stdout


def _node(dts: str, name: str) -> str:
    m = re.search(rf"\n\s*{re.escape(name)} {{\n(.*?)\n\s*}};", dts, re.S)
    assert m, f"no node {name} in\n{dts}"
    return m.group(1)


def _cells(node: str, prop: str) -> list:
    m = re.search(rf"\b{prop} = <([^>]*)>;", node)
    assert m, f"no {prop} in\n{node}"
    return [int(c, 0) for c in m.group(1).split()]


def _phandle(dts: str, name: str) -> int:
    return _cells(_node(dts, name), "phandle")[0]


@unittest.skipUnless(shutil.which("dtc"), "dtc (device-tree-compiler) not installed")
class BootTimeCpupoolTest(unittest.TestCase):
    """The host tree of route dom0less, compiled by dtc and read back."""

    def host_tree(self, p, dts_text=MINI_QEMU_DTS):
        with tempfile.TemporaryDirectory() as d:
            d = pathlib.Path(d)
            base = dtree.compile_dts(dts_text, d / "qemu.dtb")
            mods = []
            for name in ("k", "r", "rt"):
                (d / name).write_bytes(b"\0" * 4096)
                mods.append(dtree.Module(name, d / name))
            dtree.place(p, mods)
            src = dtree.host_dts(p, base, mods[0], mods[1], [dtree.BootDomain(p.rtos, mods[2])])
            return _decompiled(dtree.compile_dts(src, d / "host.dtb"))

    def test_source_build_emits_pools_and_domain_cpupool(self):
        dts = self.host_tree(config.load(xen_build="source"))
        rt, pool0 = _node(dts, "cpupool-rt"), _node(dts, "cpupool-0")
        self.assertIn('compatible = "xen,cpupool";', rt)
        self.assertIn('cpupool-sched = "null";', rt)
        self.assertEqual(_cells(rt, "cpupool-cpus"), [_phandle(dts, "cpu@1")])
        self.assertIn('cpupool-sched = "credit2";', pool0)
        self.assertEqual(_cells(pool0, "cpupool-cpus"), [_phandle(dts, "cpu@0")])
        # Pool-0 first: Xen numbers pools in tree order, dom0's /init renames Pool-1 to rt.
        self.assertLess(dts.index("cpupool-0 {"), dts.index("cpupool-rt {"))
        domu = _node(dts, "tandem-rt")
        self.assertEqual(_cells(domu, "domain-cpupool"), [_phandle(dts, "cpupool-rt")])

    def test_debian_build_emits_no_pool(self):
        dts = self.host_tree(config.load())
        self.assertNotIn("xen,cpupool", dts)
        self.assertNotIn("domain-cpupool", dts)

    def test_missing_cpu_node_refused(self):
        with self.assertRaisesRegex(PlatformError, r"no /cpus/cpu@1 node for the cpupools"):
            self.host_tree(config.load(xen_build="source"),
                           MINI_QEMU_DTS.replace("cpu@1 {", "cpu@100 {"))

    def test_route_xl_tree_has_no_pools(self):
        p = config.load(xen_build="source")
        with tempfile.TemporaryDirectory() as d:
            base = dtree.compile_dts(MINI_QEMU_DTS, pathlib.Path(d) / "qemu.dtb")
            k = pathlib.Path(d) / "k"
            k.write_bytes(b"\0")
            src = dtree.host_dts(p, base, dtree.Module("k", k, 0x49000000),
                                 dtree.Module("r", k, 0x4b000000))
        self.assertNotIn("xen,cpupool", src)


class XlRouteTest(unittest.TestCase):
    def test_pool_in_xl_config_only_with_the_source_build(self):
        self.assertIn('pool = "rt"', xlcfg.xl_config(config.load(xen_build="source")))
        self.assertNotIn("pool =", xlcfg.xl_config(config.load()))

    def test_platform_env_lists_the_active_pools(self):
        self.assertEqual(initramfs.cpupools_env(config.load(xen_build="source")), "rt:null:1")
        self.assertEqual(initramfs.cpupools_env(config.load()), "")


class Dom0CpupoolsScriptTest(unittest.TestCase):
    """platform/dom0/tandem-cpupools with a fake `xl` that logs its arguments."""

    def run_script(self, *args, xl_fails_on=""):
        with tempfile.TemporaryDirectory() as d:
            log = pathlib.Path(d) / "xl.log"
            fake = pathlib.Path(d) / "xl"
            fake.write_text(f'#!/bin/sh\necho "$*" >> {log}\n'
                            f'case "$*" in *"{xl_fails_on or "@never@"}"*) exit 1 ;; esac\n')
            fake.chmod(0o755)
            env = dict(os.environ, PATH=f"{d}:{os.environ['PATH']}")
            p = subprocess.run(["sh", str(initramfs.CPUPOOLS), *args], env=env, text=True,
                               capture_output=True)
            return p, log.read_text().splitlines() if log.exists() else []

    def test_route_xl_creates_then_moves_cpus(self):
        p, calls = self.run_script("xl", "rt:null:1,3")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(calls, ['cpupool-create name="rt" sched="null"',
                                 "cpupool-cpu-remove Pool-0 1", "cpupool-cpu-add rt 1",
                                 "cpupool-cpu-remove Pool-0 3", "cpupool-cpu-add rt 3"])
        self.assertIn("TANDEM-DOM0: cpupool rt (null, CPUs 1,3)", p.stdout)

    def test_route_dom0less_renames_xens_pools_in_order(self):
        p, calls = self.run_script("dom0less", "rt:null:1", "io:credit:2")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(calls, ["cpupool-rename Pool-1 rt", "cpupool-rename Pool-2 io"])

    def test_failure_is_marked_and_reported(self):
        p, _ = self.run_script("xl", "rt:null:1", xl_fails_on="cpupool-cpu-remove")
        self.assertEqual(p.returncode, 1)
        self.assertIn("TANDEM-DOM0: FAILED: cpupool rt: moving CPU 1 out of Pool-0", p.stdout)

    def test_bad_arguments_refused(self):
        p, calls = self.run_script("xl", "rt:null")
        self.assertEqual((p.returncode, calls), (2, []))
        self.assertIn("expected NAME:SCHED:CPU", p.stderr)
        for bad in ("rt:null:1,x", "rt:null:", "rt:null:1:2", ":null:1"):
            self.assertEqual(self.run_script("xl", bad)[0].returncode, 2, bad)
        p, _ = self.run_script("rtos-only")
        self.assertEqual(p.returncode, 2)
        self.assertIn("expected xl or dom0less", p.stderr)


class XenKconfigTest(unittest.TestCase):
    """What the booted image's own Kconfig must have (system.check_xen_config)."""

    def kconfig(self, *symbols):
        f = tempfile.NamedTemporaryFile("w", suffix=".config", delete=False)
        f.write("".join(f"CONFIG_{s}=y\n" for s in symbols))
        f.close()
        return pathlib.Path(f.name)

    def test_image_lacking_the_pool_scheduler_refused(self):
        p = config.load(xen_build="source")
        with self.assertRaisesRegex(PlatformError, r"\[cpupool.rt\] scheduler = null: the source "
                                    r"Xen .* has CONFIG_SCHED_NULL unset"):
            system.check_xen_config(p, self.kconfig("SCHED_CREDIT2", "BOOT_TIME_CPUPOOLS"), "xl")

    def test_boot_time_pools_need_the_source_build_on_dom0less(self):
        text = with_section("cpupool.rt", dict(RT, scheduler="credit2", builds="debian"))
        p = config.load(described(text))
        kc = self.kconfig("SCHED_CREDIT", "SCHED_CREDIT2")
        system.check_xen_config(p, kc, "xl")  # route xl makes the pool at run time: fine
        with self.assertRaisesRegex(PlatformError, r"route dom0less .* the debian Xen build has "
                                    r"no boot-time cpupools .* the source build has them"):
            system.check_xen_config(p, kc, "dom0less")

    def test_source_image_without_boot_time_pools_refused(self):
        p = config.load(xen_build="source")
        with self.assertRaisesRegex(PlatformError, "no boot-time cpupools"):
            system.check_xen_config(p, self.kconfig("SCHED_CREDIT2", "SCHED_NULL"), "dom0less")
        system.check_xen_config(p, self.kconfig("SCHED_CREDIT2", "SCHED_NULL",
                                                "BOOT_TIME_CPUPOOLS"), "dom0less")

    def test_shipped_fragment_asks_for_every_required_symbol(self):
        frag = xen_source.fragment_symbols(xen_source.FRAGMENT.read_text())
        for sym in xen_source.REQUIRED:
            self.assertEqual(frag.get(sym), "y", sym)

    def test_symbol_dropped_by_olddefconfig_named(self):
        frag = {"EXPERT": "y", "UNSUPPORTED": "y", "SCHED_NULL": "y", "BOOT_TIME_CPUPOOLS": "y"}
        after = ("CONFIG_UNSUPPORTED=y\nCONFIG_BOOT_TIME_CPUPOOLS=y\n"
                 "# CONFIG_SCHED_NULL is not set\n")
        with self.assertRaisesRegex(PlatformError, r"CONFIG_EXPERT, CONFIG_SCHED_NULL are not =y"):
            xen_source.check_kconfig(frag, after, "xen/.config")
        xen_source.check_kconfig(frag, after + "CONFIG_EXPERT=y\nCONFIG_SCHED_NULL=y\n", "x")

    def test_required_symbol_missing_from_fragment_still_checked(self):
        with self.assertRaisesRegex(PlatformError, "CONFIG_BOOT_TIME_CPUPOOLS is not =y"):
            xen_source.check_kconfig({}, "CONFIG_EXPERT=y\nCONFIG_UNSUPPORTED=y\n"
                                         "CONFIG_SCHED_NULL=y\n", "x")

    def test_malformed_fragment_line_named(self):
        with self.assertRaisesRegex(PlatformError, r"realtime.config:2: 'SCHED_NULL=y': expected"):
            xen_source.fragment_symbols("# comment\nSCHED_NULL=y\n")

    def test_fragment_comments_do_not_change_the_key(self):
        orig = xen_source.FRAGMENT
        try:
            with tempfile.TemporaryDirectory() as d:
                xen_source.FRAGMENT = pathlib.Path(d) / "f.config"
                keys = []
                for text in ("CONFIG_A=y\n", "# why\nCONFIG_A=y\n\n", "CONFIG_A=n\n"):
                    xen_source.FRAGMENT.write_text(text)
                    keys.append(xen_source.cache_key(xen_source.inputs()))
        finally:
            xen_source.FRAGMENT = orig
        self.assertEqual(keys[0], keys[1])
        self.assertNotEqual(keys[0], keys[2])

    def test_cache_key_follows_every_input(self):
        base = {"version": "v", "fragment": "f", "cc": "gcc 12", "ld": "ld", "make": [],
                "recipe": 1}
        keys = {xen_source.cache_key(base)}
        for k, v in (("version", "w"), ("fragment", "g"), ("cc", "gcc 13"), ("ld", "ld2")):
            keys.add(xen_source.cache_key(dict(base, **{k: v})))
        self.assertEqual(len(keys), 5)
        self.assertEqual(xen_source.cache_key(dict(base)), xen_source.cache_key(base))


if __name__ == "__main__":
    unittest.main()
