#!/usr/bin/env bash
# scripts/check-format.sh on files made for the purpose: a conforming one passes, a
# mis-formatted one fails with its name, the place and the command that fixes it.
# Usage: check_format_test.sh SCRIPT
set -uo pipefail
script=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
printf 'int main() { return 0; }\n' >"$dir/good.cc"
printf 'int  main( ) {return 0;}\n' >"$dir/bad.cc"

out=$("$script" "$dir/good.cc" 2>&1); rc=$?
if [[ $rc -eq 0 && $out == *"1 files follow .clang-format"* ]]; then
  echo "ok   a conforming file passes"
else
  echo "FAIL a conforming file: status $rc:"; echo "$out"; failures=$((failures + 1))
fi
out=$("$script" "$dir/good.cc" "$dir/bad.cc" 2>&1); rc=$?
if [[ $rc -eq 1 && $out == *"$dir/bad.cc:1:4: error: code should be clang-formatted"* &&
      $out == *"1 of 2 files need formatting; fix with:"* && $out == *"-i $dir/bad.cc"* &&
      $out != *"good.cc:"* ]]; then
  echo "ok   a mis-formatted file fails, named with the place and the fix"
else
  echo "FAIL a mis-formatted file: status $rc:"; echo "$out"; failures=$((failures + 1))
fi
exit $((failures != 0))
