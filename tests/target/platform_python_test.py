"""Python in dom0's image without booting it: the files the initramfs builder picks for Python
(platform/tandem_platform/python.py) staged in a directory and run by the arm64 interpreter
under qemu-aarch64-static (user-mode emulation). Catches a module the trimmed standard library
lacks. Skipped where the packages are not fetched yet (platform/fetch) or qemu-user is missing.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "platform"))
from tandem_platform import fetch, initramfs, python, util  # noqa: E402

# What the docs promise works in dom0 (docs/python.md, "In dom0's image").
IMPORTS = ("import tandem, ctypes, ctypes.util, json, argparse, os, re, struct, time, subprocess, "
           "collections, functools, textwrap, shutil, enum, datetime, pathlib, typing, "
           "dataclasses, logging, unittest, random, tempfile, hashlib, socket, select, signal, "
           "threading, queue, csv, base64, uuid, glob, shlex, pickle, copy, math, zlib")


class DomZeroPythonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        qemu = shutil.which("qemu-aarch64-static") or shutil.which("qemu-aarch64")
        base = util.cache_dir() / "arm64"
        py_root = base / "python-root"
        if not qemu or not py_root.is_dir() or not (base / "dom0-root").is_dir():
            raise unittest.SkipTest("needs qemu-aarch64-static and platform/fetch's roots")
        cls.qemu = qemu
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = pathlib.Path(cls.tmp.name)
        art = fetch.Artifacts(xen=None, kernel=None, kernel_version="", modules=None,
                              dom0_root=base / "dom0-root", sysroot=None, python_root=py_root)
        missing = {}
        cls.files, libs = initramfs._python_files(art, missing)
        if missing:
            raise AssertionError(f"libraries missing for Python in dom0: {missing}")
        for name, src, mode in cls.files:
            dst = cls.root / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            os.chmod(dst, mode)
        for lib_root, rel in libs + [(art.dom0_root, "lib/ld-linux-aarch64.so.1")]:
            for p in _with_link_targets(lib_root, rel):
                dst = cls.root / p
                dst.parent.mkdir(parents=True, exist_ok=True)
                if (lib_root / p).is_symlink():
                    if not dst.is_symlink():
                        dst.symlink_to(os.readlink(lib_root / p))
                else:
                    shutil.copyfile(lib_root / p, dst)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def python(self, *args, staged_package=True):
        env = {"PATH": "/usr/bin:/bin", "QEMU_LD_PREFIX": str(self.root)}
        return subprocess.run([self.qemu, "-L", str(self.root),
                               str(self.root / f"usr/bin/python{python.VERSION}"), *args],
                              env=env, text=True, capture_output=True, timeout=120)

    def test_common_modules_import(self):
        if not any("dist-packages/tandem" in n for n, _, _ in self.files):
            self.skipTest("linux/build-arm64.sh has not staged the package")
        p = self.python("-c", IMPORTS + "; print('ok')")
        self.assertEqual((p.returncode, p.stdout.strip()), (0, "ok"), p.stderr)

    def test_package_cli_help_and_its_error_outside_xen(self):
        if not any("dist-packages/tandem" in n for n, _, _ in self.files):
            self.skipTest("linux/build-arm64.sh has not staged the package")
        p = self.python("-m", "tandem", "--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("gpio", p.stdout)
        # The arm64 libtandem_c.so.1 loaded and asked: not a Xen domain, tandemctl's status 8.
        p = self.python("-m", "tandem", "list")
        self.assertEqual(p.returncode, 8, p.stdout + p.stderr)
        self.assertIn("not running in a Xen domain", p.stderr)

    def test_standard_library_is_byte_code_only(self):
        names = {n for n, _, _ in self.files}
        if f"usr/lib/python{python.VERSION}/os.pyc" not in names:
            self.skipTest(f"host Python is not {python.VERSION}: sources shipped")
        self.assertNotIn(f"usr/lib/python{python.VERSION}/os.py", names)


def _with_link_targets(root, rel):
    """rel and, if it is a symbolic link, what it points to (as initramfs._copy_path copies)."""
    out = [rel]
    p = root / rel
    while p.is_symlink():
        p = (p.parent / os.readlink(p)).resolve()
        out.append(str(p.relative_to(root.resolve())))
    return out


if __name__ == "__main__":
    unittest.main()
