"""Python 3 in dom0 (docs/python.md, "In dom0's image"): Debian's arm64 python3.11 with a
trimmed standard library, for the package `tandem` (linux/python) over libtandem_c.so.

fetch_root() unpacks the Debian packages into their own root under the cache, with their own
stamp, so adding Python never re-fetches or rewrites the toolstack's dom0 root. image_files()
picks what goes into the initramfs: the interpreter, the modules below (with byte code compiled
here, so dom0 does not compile them at every boot under emulation), their shared libraries, and
what linux/build-arm64.sh staged (libtandem_c.so.1, the package).
"""

import importlib.util
import json
import os
import pathlib
import py_compile
import shutil
import sys

from .util import PlatformError, cache_dir, log

VERSION = "3.11"
# python3.11-minimal: the interpreter (its C core and most C modules are built in);
# libpython3.11-minimal: the core modules; libpython3.11-stdlib: the rest, incl. ctypes and json;
# libffi8 (_ctypes) and libexpat1 (the interpreter's NEEDED). libc, libm and libz come with the
# toolstack's closure (fetch.py).
PACKAGES = [f"python{VERSION}-minimal", f"libpython{VERSION}-minimal",
            f"libpython{VERSION}-stdlib", "libffi8", "libexpat1"]
LIB = f"usr/lib/python{VERSION}"
# What of the standard library goes in: what `import tandem`, `python3 -m tandem` and
# `python3 -m unittest` load, and modules scripts commonly use. Left out (about 12 MB): asyncio,
# email, http, urllib.request, xml, sqlite3, multiprocessing, concurrent, tkinter, pydoc, distutils, test,
# decimal's C part, hashlib's OpenSSL part (hashlib works with the built-in md5/sha*/blake2),
# most codecs.
MODULES = """
__future__ _collections_abc _compat_pickle _compression _sitebuiltins _strptime _weakrefset abc
argparse ast base64 bisect calendar codecs contextlib contextvars copy copyreg csv dataclasses
datetime difflib dis enum fnmatch functools genericpath getopt gettext glob hashlib heapq hmac
inspect io ipaddress keyword linecache locale ntpath numbers opcode operator optparse os pathlib
pickle pkgutil platform posixpath pprint queue random reprlib runpy selectors shlex shutil signal
site socket stat string struct subprocess tempfile textwrap threading token tokenize traceback
types typing uuid warnings weakref zipimport
""".split()
PACKAGE_DIRS = ["collections", "ctypes", "importlib", "json", "logging", "re", "unittest"]
# Single modules of packages otherwise left out (pathlib needs urllib.parse).
PACKAGE_MODULES = ["urllib/__init__", "urllib/parse"]
ENCODINGS = ["__init__", "aliases", "ascii", "latin_1", "utf_8", "utf_8_sig", "utf_16",
             "utf_32", "raw_unicode_escape", "unicode_escape", "idna", "punycode", "cp437"]
# lib-dynload: the C modules that are not built into the interpreter.
DYNLOAD = ["_ctypes", "_json", "_typing", "_contextvars", "_queue", "_uuid", "mmap", "resource",
           "termios"]
SO_SUFFIX = ".cpython-311-aarch64-linux-gnu.so"


def fetch_root(apt, unpack_set) -> pathlib.Path:
    """Unpacks PACKAGES into <cache>/arm64/python-root (once; its own stamp)."""
    root = cache_dir() / "arm64" / "python-root"
    stamp = root.with_suffix(".json")
    if not (stamp.exists() and json.loads(stamp.read_text()).get("want") == PACKAGES):
        shutil.rmtree(root, ignore_errors=True)
        unpack_set(apt, PACKAGES, root, set())
        stamp.write_text(json.dumps({"want": PACKAGES}))
        log(f"python root: {', '.join(PACKAGES)}")
    return root


def _stdlib_files(root: pathlib.Path):
    """(path in the image, source file) of the trimmed standard library."""
    lib = root / LIB
    missing = [m for m in MODULES if not (lib / f"{m}.py").is_file()]
    if missing:
        raise PlatformError(f"{lib} lacks modules {missing}: remove {root} and refetch")
    for m in MODULES:
        yield f"{LIB}/{m}.py", lib / f"{m}.py"
    for d in PACKAGE_DIRS:
        for f in sorted((lib / d).rglob("*.py")):
            yield str(f.relative_to(root)), f
    for m in PACKAGE_MODULES:
        yield f"{LIB}/{m}.py", lib / f"{m}.py"
    for e in ENCODINGS:
        yield f"{LIB}/encodings/{e}.py", lib / "encodings" / f"{e}.py"
    for so in DYNLOAD:
        yield f"{LIB}/lib-dynload/{so}{SO_SUFFIX}", lib / "lib-dynload" / f"{so}{SO_SUFFIX}"


def _byte_code(name: str, src: pathlib.Path, out: pathlib.Path, sourceless: bool):
    """The byte code of one module, compiled by this (host) Python into the cache `out`: as
    name.pyc in place of the source (sourceless), or as its __pycache__ file beside the source,
    unchecked-hash since the cpio's files all have mtime 0 and a timestamp check would always
    fail (PEP 552). Returns (path in the image, compiled file)."""
    pyc = name[:-3] + ".pyc" if sourceless else importlib.util.cache_from_source(name)
    dst = out / pyc
    if not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime:
        dst.parent.mkdir(parents=True, exist_ok=True)
        py_compile.compile(str(src), cfile=str(dst), dfile="/" + name, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    return pyc, dst


def image_files(root: pathlib.Path, staged: pathlib.Path = None):
    """(path in the image, source file, mode) of Python in dom0, plus `staged` (the tree
    linux/build-arm64.sh made: libtandem_c.so.1 and the package) if it exists.
    The standard library goes in as byte code only (sourceless .pyc: 3.4 MB less, and nothing
    to compile at boot; its tracebacks show no source lines), the package `tandem` as source
    plus byte code. Byte code needs this host's Python to be the same minor version (the .pyc
    format is per version); otherwise sources go in and dom0 compiles them when it imports."""
    pycache = cache_dir() / "arm64" / "python-pyc"
    compile_here = sys.version_info[:2] == tuple(map(int, VERSION.split(".")))
    if not compile_here:
        log(f"python: host Python is not {VERSION}: dom0 compiles the modules at first import")
    files = [(f"usr/bin/python{VERSION}", root / f"usr/bin/python{VERSION}", 0o755)]
    stdlib = list(_stdlib_files(root))
    ours = []
    if staged is not None and staged.is_dir():
        ours = [(str(f.relative_to(staged)), f) for f in sorted(staged.rglob("*"))
                if f.is_file() and "__pycache__" not in f.parts]
    for name, src in stdlib + ours:
        mode = 0o755 if os.access(src, os.X_OK) else 0o644
        if not (compile_here and name.endswith(".py")):
            files.append((name, src, mode))
            continue
        sourceless = (name, src) in stdlib
        if not sourceless:
            files.append((name, src, mode))
        files.append((*_byte_code(name, src, pycache, sourceless), 0o644))
    return files


def shared_objects(files):
    """The ELF files among image_files(), whose NEEDED closure the image needs too."""
    return [src for name, src, _ in files if name.endswith(".so") or ".so." in name
            or name.startswith("usr/bin/")]
