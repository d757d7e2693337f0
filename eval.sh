#!/usr/bin/env bash
# The evaluation (issue 12), on a fresh Debian 12 machine as root: installs what it needs (the
# build's packages and matplotlib), builds the release images and the dom0 tools, then
# bench/eval/eval.py boots the system as often as the figures need and writes
# docs/evaluation.md with its plots (docs/evaluation/*.png).
# Usage: ./eval.sh [--quick] [other bench/eval/eval.py options]
#   --quick  the CI-sized run that ./test.sh makes: written under build/eval/quick/, not docs/
set -euo pipefail
cd "$(dirname "$0")"
for arg in "$@"; do
  case "$arg" in
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; echo; exec /usr/bin/python3 bench/eval/eval.py --help ;;
  esac
done
jobs=$(nproc)
step() { printf '[eval.sh %s] %s\n' "$(date +%T)" "$*" >&2; }
step "dependencies"
scripts/install-deps.sh --eval
step "host build: oilc"
cmake --preset host-debug >/dev/null
cmake --build --preset host-debug --target oilc -j "$jobs" >/dev/null
step "arm64 build: Tandem RT (release)"
cmake --preset arm64 >/dev/null
cmake --build --preset arm64 -j "$jobs" >/dev/null
step "Debian's arm64 Xen, Linux and toolstack; Xen from source (cached)"
platform/fetch >/dev/null
platform/fetch --xen-source >/dev/null
step "dom0 tools: tandemctl, tandem-bench (arm64)"
linux/build-arm64.sh >/dev/null
step "measure and report (bench/eval/eval.py $*)"
# Debian's own Python: matplotlib is Debian's python3-matplotlib (a python3 found first on PATH,
# e.g. pyenv's, would not see it).
exec /usr/bin/python3 bench/eval/eval.py "$@"
