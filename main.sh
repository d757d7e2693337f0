#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine as root: install what is needed, build everything
# (oilc and the host tools, Tandem RT for arm64, the dom0 tools), boot Xen + Linux dom0 +
# Tandem RT in QEMU the dom0less way (Xen starts the RTOS at power-on, beside dom0, alone in a
# null-scheduler cpupool of a Xen built from Debian's source), and show from dom0's shell the RTOS
# domain and the command channel at work (platform/scenarios/showcase.sh).
# Usage: ./main.sh [--verbose] [--route xl|dom0less] [--xen debian] [other platform/run options]
#   --verbose  stream every build step's output and the whole Xen/Linux console (by default
#              they go to log files under build/main/ and build/platform/, whose paths are shown)
set -euo pipefail
cd "$(dirname "$0")"
verbose=0
run_args=()
for arg in "$@"; do
  case "$arg" in
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; echo; exec platform/run --help ;;
    -v | --verbose) verbose=1 ;;
    *) run_args+=("$arg") ;;
  esac
done
jobs=$(nproc)
logs=build/main
mkdir -p "$logs"
started=$(date +%s)

# step ID NAME COMMAND...: runs one step, timed. Quietly its output goes to build/main/ID.log
# and only a failure shows it (the log's end and its path); --verbose streams it.
step() {
  local log=$logs/$1.log name=$2 t0 status
  shift 2
  t0=$(date +%s)
  if ((verbose)); then
    printf '\n==== [%s] %s ====\n' "$(date +%T)" "$name"
    "$@"
    return
  fi
  printf '[%s] %-58s ' "$(date +%T)" "$name"
  set +e
  "$@" >"$log" 2>&1
  status=$?
  set -e
  if ((status != 0)); then
    printf 'FAILED (exit %d)\n\n' "$status"
    tail -n 30 "$log" | sed 's/^/    /'
    printf '\nmain.sh: step "%s" failed; its whole output: %s\n' "$name" "$log" >&2
    exit "$status"
  fi
  printf 'ok %4d s\n' $(($(date +%s) - t0))
}

((verbose)) || echo "Tandem: build and boot Xen + Linux dom0 + Tandem RT in QEMU (step logs in $logs/)"
step deps "dependencies (first run: apt-get, about 2 minutes)" scripts/install-deps.sh
step oilc "host build: oilc" sh -c "cmake --preset host-debug && cmake --build --preset host-debug --target oilc -j $jobs"
step arm64 "arm64 build: Tandem RT" sh -c "cmake --preset arm64 && cmake --build --preset arm64 -j $jobs"
step fetch "Debian's arm64 Xen, Linux and toolstack (.cache/)" platform/fetch
step xen "Xen 4.17.5 for real time, from source (first run: 1-2 min)" \
  platform/fetch --xen-source
step dom0-tools "dom0 tools: tandemctl, tandem-bench (arm64)" linux/build-arm64.sh
console=(--console tandem)
((verbose)) && console=()
((verbose)) || printf '[%s] boot Xen + Linux dom0 + Tandem RT in QEMU (built in %d s)\n\n' \
  "$(date +%T)" $(($(date +%s) - started))
((verbose)) && printf '\n==== [%s] boot Xen + Linux dom0 + Tandem RT in QEMU ====\n' "$(date +%T)"
# Instruction-counted guest time (docs/platform.md, "Guest time"): the RTOS's deadline figures
# then describe the guest system, not how busy this machine is. `--icount ''` turns it off.
exec platform/run --route dom0less --xen source --icount shift=0,sleep=off \
  --scenario platform/scenarios/showcase.sh --timeout 600 "${console[@]}" --summary \
  "${run_args[@]}"
