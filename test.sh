#!/usr/bin/env bash
# Runs every Tandem test on a fresh Debian 12 machine (as root: installs what it needs).
#   format           every C++ file against .clang-format (scripts/check-format.sh)
#   host-debug       unit + conformance suites, oilc, Xen layer, drivers, channel, libtandem
#   tidy             the product sources against .clang-tidy (scripts/check-tidy.sh)
#   host-asan-ubsan  the same suites under AddressSanitizer + UndefinedBehaviorSanitizer
#   host-tsan        the channel's two-thread tests under ThreadSanitizer
#   host-fuzz        every parser's libFuzzer target for a few seconds (clang; docs/fuzzing.md)
#   arm64            Tandem RT cross-built freestanding for Xen
#   target           real QEMU boots of Xen + Linux dom0 + Tandem RT (both boot routes)
#   evaluation       ./eval.sh's quick mode: two boots, the report's structure and budgets
# Usage: ./test.sh [--no-target] [--no-sanitizers]   (--no-sanitizers skips host-fuzz too)
set -euo pipefail
cd "$(dirname "$0")"
run_target=1
run_sanitizers=1
for arg in "$@"; do
  case "$arg" in
    --no-target) run_target=0 ;;
    --no-sanitizers) run_sanitizers=0 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
jobs=$(nproc)
step() { printf '\n==== [%s] %s ====\n' "$(date +%T)" "$*"; }
started=$(date +%s)

step "dependencies"
scripts/install-deps.sh --eval

step "format: every C++ file follows .clang-format (scripts/check-format.sh)"
scripts/check-format.sh

step "host-debug: configure and build"
cmake --preset host-debug >/dev/null
cmake --build --preset host-debug -j "$jobs"
step "tidy: the product sources pass .clang-tidy (scripts/check-tidy.sh)"
scripts/check-tidy.sh
step "host-debug: unit and conformance tests"
ctest --preset host-debug -L 'unit|conformance' -j "$jobs"

if ((run_sanitizers)); then
  step "host-asan-ubsan: configure and build"
  # Everything but the benchmarks and the scripts' tests (shell), so a new area is checked too.
  cmake --preset host-asan-ubsan -DTANDEM_ONLY= -DTANDEM_SKIP="bench;scripts" >/dev/null
  cmake --build --preset host-asan-ubsan -j "$jobs"
  step "host-asan-ubsan: unit and conformance tests"
  ctest --preset host-asan-ubsan -L 'unit|conformance' -j "$jobs"
  step "host-tsan: channel tests"
  # Only the channel: the kernel's host port switches ucontext stacks, which TSan cannot follow.
  cmake --preset host-tsan -DTANDEM_ONLY="lib;channel;tests" -DTANDEM_SKIP= >/dev/null
  cmake --build --preset host-tsan -j "$jobs"
  ctest --test-dir build/host-tsan -L unit -j "$jobs" --output-on-failure
  step "host-fuzz: every libFuzzer target, its corpus and a few seconds of mutation"
  cmake --preset host-fuzz >/dev/null
  cmake --build --preset host-fuzz -j "$jobs"
  ctest --preset host-fuzz -j "$jobs"
fi

step "arm64: Tandem RT cross build"
cmake --preset arm64 >/dev/null
cmake --build --preset arm64 -j "$jobs"

if ((run_target)); then
  step "target: Debian's arm64 Xen, Linux, toolstack; Xen built from Debian's source (cached)"
  platform/fetch --xen-source >/dev/null
  step "target: QEMU boots of Xen + Linux + Tandem RT"
  cmake --preset host-debug -DTANDEM_TARGET_TESTS=ON >/dev/null
  ctest --preset host-debug -L target
  step "evaluation, quick mode: the report's structure and budgets (bench/eval; ./eval.sh --quick)"
  /usr/bin/python3 bench/eval/eval.py --quick
fi
step "all tests passed in $(( $(date +%s) - started )) s"
