#!/usr/bin/env bash
# Tests scripts/fresh-debian-root.sh itself on a tiny root (bash, env and sleep with their
# libraries) instead of a debootstrap one, so it runs in seconds: refusal when not root, bad
# usage, CMD's exit status passed through, /proc /sys /dev mounted for CMD and gone afterwards,
# nothing CMD started left running, the root deleted (or kept with --keep).
# Usage: fresh_debian_root_test.sh   (as root; .ci/run exercises the real debootstrap path)
set -uo pipefail
script=$(cd "$(dirname "$0")/../../.." && pwd)/scripts/fresh-debian-root.sh
work=$(mktemp -d)
trap 'rm -rf --one-file-system "$work"' EXIT
failures=0
context=  # what the script printed in the case at hand, shown when a check of it fails
check() {  # check DESCRIPTION CONDITION...
  local what=$1
  shift
  if "$@"; then
    echo "ok   $what"
  else
    echo "FAIL $what"
    [[ -n $context ]] && sed 's/^/     | /' <<<"$context"
    failures=$((failures + 1))
  fi
}

if [[ $(id -u) -ne 0 ]]; then
  echo "fresh_debian_root_test.sh: run as root (the script under test mounts and chroots)" >&2
  exit 1
fi

# The tiny root: merged-/usr layout as Debian 12's, with the programs CMD below uses.
tiny=$work/tiny
mkdir -p "$tiny/usr/bin" "$tiny/usr/lib" "$tiny/usr/lib64"
ln -s usr/bin "$tiny/bin" && ln -s usr/lib "$tiny/lib" && ln -s usr/lib64 "$tiny/lib64"
for prog in /bin/bash /usr/bin/env /usr/bin/sleep; do
  cp -L "$prog" "$tiny/usr/bin/"
  for lib in $(ldd "$prog" | grep -o '/[^ ]*'); do cp -L --parents "$lib" "$tiny/"; done
done
tar -C "$tiny" -cf "$work/tiny.tar" .

# 1. Not root: a clear refusal, nothing created. (A copy of the script the user can read: the
# checkout may sit in root's 0700 home.)
cp "$script" "$work/fresh.sh" && chmod 755 "$work" "$work/fresh.sh"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$work/fresh.sh" true 2>&1)
status=$?
context=$out
check "not root: exit status 1 (was $status)" test "$status" -eq 1
check "not root: says it must run as root" grep -q "must run as root" <<<"$out"

# 2. Bad usage: exit status 2, with what is wrong.
out=$("$script" --no-such-flag true 2>&1)
status=$?
context=$out
check "unknown option: exit status 2 (was $status)" test "$status" -eq 2
check "unknown option: named" grep -q -- "unknown option '--no-such-flag'" <<<"$out"
out=$("$script" --base-tarball "$work/tiny.tar" 2>&1)
check "no CMD: exit status 2" test $? -eq 2
out=$("$script" --base-tarball "$work/missing.tar" true 2>&1)
check "missing base tarball: exit status 1" test $? -eq 1
check "missing base tarball: named" grep -q "missing.tar: no such file" <<<"$out"

# 3. A failing CMD that leaves a process behind. Inside: the clone is the working directory,
# /proc /sys /dev are there; outside afterwards: its status, no mounts, no process, no root.
marker=$((600000 + RANDOM))
err=$work/stderr.txt
"$script" --base-tarball "$work/tiny.tar" -- bash -c '
  [[ -d .git && -f scripts/fresh-debian-root.sh ]] || exit 91
  [[ -r /proc/self/status && -d /sys/kernel && -c /dev/null ]] || exit 92
  sleep '"$marker"' >/dev/null 2>&1 &
  exit 7' 2>"$err"
status=$?
context=$(cat "$err")
root=$(sed -n "s/.*in a brand-new Debian 12 root at \(.*\) (commit .*/\1/p" "$err")
check "CMD's exit status passed through (7, was $status)" test "$status" -eq 7
check "the root's path was printed" test -n "$root"
check "nothing left mounted below the root" bash -c "! grep -qF ' ${root%/root}/' /proc/self/mountinfo"
check "the root was deleted" test ! -e "${root%/root}"
running() {  # running ARGV...: is a process with exactly this command line running?
  local f want
  want=$(printf '%s\0' "$@" | tr '\0' '\n')
  for f in /proc/[0-9]*/cmdline; do
    [[ "$({ tr '\0' '\n' <"$f"; } 2>/dev/null)" == "$want" ]] && return 0
  done
  return 1
}
check "no process CMD started is left" bash -c "$(declare -f running); ! running sleep $marker"

# 4. --keep keeps the root, unmounted, and says where it is.
"$script" --keep --base-tarball "$work/tiny.tar" bash -c : 2>"$err"
status=$?
context=$(cat "$err")
check "--keep: CMD ok" test $status -eq 0
root=$(sed -n "s/.*kept the root: \([^ ]*\) .*/\1/p" "$err")
check "--keep: the kept root exists and has the clone" test -d "$root/root/tandem/.git"
check "--keep: nothing mounted below it" bash -c "! grep -qF ' $root/' /proc/self/mountinfo"
[[ -n $root && -d $root ]] && rm -rf --one-file-system "${root%/root}"

((failures == 0)) || { echo "$failures check(s) failed"; exit 1; }
echo "all checks passed"
