#!/usr/bin/env bash
# The command lines of tandem-bench, tandem-pacer and tandem-vchan, run as binaries (their main()s are not
# callable in process): their --help, what a user who mistypes is told, and the exit status.
# Only checks that need no Xen: a malformed --domain is refused before Xen is opened
# (docs/tandemctl.md).
# Usage: tools_cli_test.sh TANDEM_BENCH TANDEM_PACER TANDEM_VCHAN
set -uo pipefail
bench=$1
pacer=$2
vchan=$3
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
expect 2 "tandem-bench: error: --samples requires --json" "$bench" --samples

# tandem-vchan: one subcommand is required, each option is checked before Xen is touched.
expect 0 "Usage: tandem-vchan [OPTIONS] SUBCOMMAND" "$vchan" --help
expect 2 "tandem-vchan: error: A subcommand is required" "$vchan"
expect 2 "tandem-vchan: error: --domain is required" "$vchan" ping
expect 2 "--domain: Value 0 not in range" "$vchan" ping -d 0
expect 2 "--size: Value 4096 not in range" "$vchan" pipe -s 4096
expect 2 "tandem-vchan: error: --samples requires --json" "$vchan" pipe --samples
expect 2 "The following argument was not expected: frob" "$vchan" pipe frob
# Outside Xen: ping says so at once (exit 8) instead of waiting for a server.
expect 8 "tandem-vchan: error: cannot open XenStore" "$vchan" ping -d 3
# The floor itself runs anywhere: a forked echo child over a pipe pair.
expect 0 "pipe: 50 round trips of 16 bytes" "$vchan" pipe -n 50 -s 16
expect 0 '{"ok":true,"peer":"pipe","size":64,"round_trips":3,' "$vchan" pipe -n 3 --json --samples

[[ $failures -eq 0 ]] && echo "all passed" || echo "$failures failed"
exit $((failures != 0))
