#!/usr/bin/env bash
# Checks that C++ sources follow the repository's .clang-format (Google style, 100 columns):
# every tracked .cc and .h, or the files given. Prints each place that differs and the command
# that fixes it; exit 0 when all conform, 1 when some do not, 2 when clang-format is missing.
# Usage: scripts/check-format.sh [FILE...]
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
format=$(command -v clang-format || command -v clang-format-14) || {
  echo "check-format: error: clang-format not found (apt-get install clang-format)" >&2
  exit 2
}
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git -C "$repo" ls-files '*.cc' '*.h' | sed "s|^|$repo/|")
fi
out=$("$format" --style="file:$repo/.clang-format" --dry-run -Werror "${files[@]}" 2>&1)
status=$?
if [ $status -eq 0 ]; then
  echo "check-format: ${#files[@]} files follow .clang-format"
  exit 0
fi
echo "$out" | head -60
mapfile -t bad < <(echo "$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' | sort -u)
if [ ${#bad[@]} -eq 0 ]; then
  echo "check-format: error: clang-format failed (status $status)" >&2
  exit 2
fi
echo "check-format: ${#bad[@]} of ${#files[@]} files need formatting; fix with:" >&2
echo "  $format -i ${bad[*]#$repo/}" >&2
exit 1
