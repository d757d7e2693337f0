#!/usr/bin/env bash
# Runs clang-tidy with the repository's .clang-tidy (a small set of bug-finding checks) over the
# product sources a build tree compiles: kernel, host port, drivers, Xen layer, channel, apps,
# Linux tools, oilc, benchmarks (not tests/, not generated files). Prints each finding; exit 0
# when there is none, 1 when there are some, 2 when it cannot run.
# Usage: scripts/check-tidy.sh [-p BUILD_DIR] [FILE...]
#   BUILD_DIR  a configured and built tree with compile_commands.json (default build/host-debug:
#              generated headers such as os_cfg.h must exist); FILE... checks those files only
#              (each must be in the tree's compile_commands.json).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$repo/build/host-debug
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
if [[ ${1:-} == -p ]]; then
  [[ $# -ge 2 ]] || { echo "check-tidy: error: -p needs a build directory" >&2; exit 2; }
  build=$2
  shift 2
fi
tidy=$(command -v clang-tidy || command -v clang-tidy-14) || {
  echo "check-tidy: error: clang-tidy not found (apt-get install clang-tidy)" >&2
  exit 2
}
db=$build/compile_commands.json
[[ -f $db ]] || {
  echo "check-tidy: error: no $db (configure and build the tree first: cmake --preset host-debug)" >&2
  exit 2
}
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  mapfile -t files < <(python3 - "$db" "$repo" <<'PY'
import json, sys
db, repo = sys.argv[1], sys.argv[2].rstrip("/") + "/"
areas = ("kernel", "arch", "drivers", "xen", "channel", "apps", "linux", "tools", "lib", "bench")
for f in sorted({e["file"] for e in json.load(open(db))}):
    if f.startswith(repo) and f[len(repo):].split("/")[0] in areas:
        print(f)
PY
)
fi
[[ ${#files[@]} -gt 0 ]] || { echo "check-tidy: error: no source files to check in $db" >&2; exit 2; }
out=$(printf '%s\0' "${files[@]}" |
      xargs -0 -P "$(nproc)" -n 4 "$tidy" -p "$build" --config-file="$repo/.clang-tidy" --quiet 2>&1)
status=$?
findings=$(echo "$out" | grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning):')
if [[ $status -eq 0 && -z $findings ]]; then
  echo "check-tidy: ${#files[@]} files pass .clang-tidy"
  exit 0
fi
if [[ -z $findings ]]; then
  echo "$out" | tail -30
  echo "check-tidy: error: clang-tidy failed (status $status)" >&2
  exit 2
fi
echo "$out" | grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed |^Use -header-filter|^Use -system-headers' | head -80
count=$(echo "$findings" | sort -u | wc -l)
echo "check-tidy: $count finding(s) in ${#files[@]} files (.clang-tidy); fix them, or silence one" \
  "place with // NOLINT(check-name): why" >&2
exit 1
