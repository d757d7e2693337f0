#!/usr/bin/env bash
# scripts/check-tidy.sh on files made for the purpose, with a compile_commands.json of their own:
# a clean file passes, a use after std::move fails with the place and the check's name.
# Usage: check_tidy_test.sh SCRIPT
set -uo pipefail
script=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
printf 'int Good() { return 0; }\n' >"$dir/good.cc"
cat >"$dir/bad.cc" <<'CC'
#include <string>
#include <utility>
int Use(std::string s);
int Bad() {
  std::string a = "x";
  std::string b = std::move(a);
  return Use(a) + Use(b);
}
CC
cat >"$dir/compile_commands.json" <<JSON
[{"directory": "$dir", "file": "$dir/good.cc", "command": "c++ -std=c++20 -c $dir/good.cc"},
 {"directory": "$dir", "file": "$dir/bad.cc", "command": "c++ -std=c++20 -c $dir/bad.cc"}]
JSON

out=$("$script" -p "$dir" "$dir/good.cc" 2>&1); rc=$?
if [[ $rc -eq 0 && $out == *"1 files pass .clang-tidy"* ]]; then
  echo "ok   a clean file passes"
else
  echo "FAIL a clean file: status $rc:"; echo "$out"; failures=$((failures + 1))
fi
out=$("$script" -p "$dir" "$dir/good.cc" "$dir/bad.cc" 2>&1); rc=$?
if [[ $rc -eq 1 && $out == *"$dir/bad.cc:7:14: error: 'a' used after it was moved [bugprone-use-after-move"* &&
      $out == *"1 finding(s) in 2 files"* && $out != *"good.cc:"* ]]; then
  echo "ok   a use after move fails, named with the place and the check"
else
  echo "FAIL a use after move: status $rc:"; echo "$out"; failures=$((failures + 1))
fi
out=$("$script" -p "$dir/none" 2>&1); rc=$?
if [[ $rc -eq 2 && $out == *"no $dir/none/compile_commands.json"* ]]; then
  echo "ok   a tree without compile_commands.json is an error that says so"
else
  echo "FAIL a missing tree: status $rc:"; echo "$out"; failures=$((failures + 1))
fi
exit $((failures != 0))
