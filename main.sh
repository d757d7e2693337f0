#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine as root: install what is needed, build everything
# (oilc and the host tools, Tandem RT for arm64, the dom0 tools), boot Xen + Linux dom0 +
# Tandem RT in QEMU the dom0less way (Xen starts the RTOS at power-on, beside dom0), and show
# from dom0's shell the RTOS domain and the command channel at work (platform/scenarios/showcase.sh).
# Usage: ./main.sh [--route xl|dom0less] [--interactive] [other platform/run options]
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-}" in
  -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; echo; exec platform/run --help ;;
esac
step() { printf '\n==== [%s] %s ====\n' "$(date +%T)" "$*"; }
jobs=$(nproc)

step "dependencies"
scripts/install-deps.sh
step "host build: oilc"
cmake --preset host-debug >/dev/null
cmake --build --preset host-debug --target oilc -j "$jobs"
step "arm64 build: Tandem RT"
cmake --preset arm64 >/dev/null
cmake --build --preset arm64 -j "$jobs"
step "Debian's arm64 Xen, Linux and toolstack (cached in .cache/)"
platform/fetch
step "dom0 tools: tandemctl, tandem-bench (arm64)"
linux/build-arm64.sh
step "boot Xen + Linux dom0 + Tandem RT in QEMU"
# Instruction-counted guest time (docs/platform.md, "Guest time"): the RTOS's deadline figures
# then describe the guest system, not how busy this machine is. `--icount ''` turns it off.
exec platform/run --route dom0less --icount shift=0,sleep=off \
  --scenario platform/scenarios/showcase.sh --timeout 600 "$@"
