#!/usr/bin/env python3
"""Writes the seed corpus of oilc_fuzzer from the OIL files of the tree: the applications, the
conformance configurations, oilc's good sample and its malformed cases. A file that #includes
one of ours gets it after a NUL (the fuzzer's input format). Usage: make_corpus.py OUTPUT_DIR"""
import glob
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
# application file -> the file its #include "..." names (relative to ROOT)
WITH_INCLUDE = {
    "apps/demo/demo.oil": "apps/command_server/command_server.oil",
    "tests/unit/apps/command_server/data/command_server_app.oil": "apps/command_server/command_server.oil",
    "tests/unit/tools/oilc/good/rich.oil": "tests/unit/tools/oilc/good/rich_objects.oil",
}
PLAIN = [
    "apps/command_server/command_server.oil",
    "apps/host_demo/host_demo.oil",
    "apps/port_check/port_check.oil",
    "apps/port_check/too_many_levels.oil",
    "bench/kernel/kernel_bench.oil",
    "tests/conformance/*.oil",
    "tests/unit/tools/oilc/good/control_rta.oil",
    "tests/unit/tools/oilc/malformed/*.oil",
]


def read(rel):
    with open(os.path.join(ROOT, rel), "rb") as f:
        return f.read()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {rel: read(rel) + b"\0" + read(inc) for rel, inc in WITH_INCLUDE.items()}
    for pattern in PLAIN:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            seeds[os.path.relpath(path, ROOT)] = read(os.path.relpath(path, ROOT))
    for rel, data in seeds.items():
        name = rel.replace("/", "_")
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
