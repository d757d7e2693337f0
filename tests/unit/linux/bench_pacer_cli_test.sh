#!/usr/bin/env bash
# The command lines of tandem-bench and tandem-pacer, run as binaries (their main()s are not
# callable in process): their --help, what a user who mistypes is told, and the exit status.
# Only checks that need no Xen: a malformed --domain is refused before Xen is opened
# (docs/tandemctl.md).
# Usage: bench_pacer_cli_test.sh TANDEM_BENCH TANDEM_PACER
set -uo pipefail
bench=$1
pacer=$2
failures=0
# expect STATUS PATTERN COMMAND...: COMMAND exits with STATUS and prints PATTERN (fixed string).
expect() {
  local status=$1 pattern=$2
  shift 2
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -eq $status ]] && grep -qF -- "$pattern" <<<"$out"; then
    echo "ok   $* -> $rc"
  else
    echo "FAIL $* -> $rc (want $status and '$pattern'):"
    echo "$out" | sed 's/^/     /'
    failures=$((failures + 1))
  fi
}

expect 2 "tandem-bench: error: --domain is empty" "$bench" -d ''
expect 2 "--domain -1: a domain id cannot be negative" "$bench" -d -1
expect 2 "--domain 99999: no Xen domain has this id" "$bench" --domain 99999
expect 2 '"code":"usage","exit":2' "$bench" --json -d ''

# --help works and is named after the program, not after the path it was started by.
expect 0 "Usage: tandem-bench [OPTIONS]" "$bench" --help
expect 0 "Usage: tandem-pacer [OPTIONS]" "$pacer" --help
# A usage error says so, names the word and exits 2, as tandemctl and tandem-bench do.
expect 2 "tandem-bench: error: The following argument was not expected: frob" "$bench" frob
expect 2 "tandem-pacer: error: The following argument was not expected: --bogus" "$pacer" --bogus
expect 2 "tandem-pacer: error: --period-us: Value 0 not in range" "$pacer" -p 0
expect 2 "hint: run \`tandem-pacer --help\`" "$pacer" -d -1

[[ $failures -eq 0 ]] && echo "all passed" || echo "$failures failed"
exit $((failures != 0))
