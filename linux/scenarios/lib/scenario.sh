# shellcheck shell=sh
# What every dom0 scenario in linux/scenarios/ shares, sourced (never run) after the scenario
# sets `tag`, the prefix of each line it prints:
#   tag=LOOPBACK
#   . "$(dirname "$0")/lib/scenario.sh"
# The image build ships this directory beside the scenario (platform/tandem_platform/initramfs.py,
# scenario_files), in dom0 at /etc/tandem/scenarios/lib/.
fails=0

# check NAME EXPECTED_STATUS PATTERN COMMAND...: runs COMMAND and counts a failure unless it exits
# with EXPECTED_STATUS and its output (stdout and stderr) matches PATTERN (grep). The output stays
# in $out for the caller. With check_verbose=1, a passing check shows its output and a failing one
# names the pattern.
check() {
  local check_name=$1 want=$2 pattern=$3 rc
  shift 3
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" = "$want" ] && echo "$out" | grep -q -- "$pattern"; then
    echo "$tag: ok   $check_name (status $rc)"
    if [ "${check_verbose:-0}" = 1 ]; then
      echo "$out" | sed "s/^/$tag:      /"
    fi
  else
    if [ "${check_verbose:-0}" = 1 ]; then
      echo "$tag: FAIL $check_name: status $rc (want $want, pattern '$pattern'), output:"
    else
      echo "$tag: FAIL $check_name: status $rc (want $want), output:"
    fi
    echo "$out" | sed 's/^/    /'
    fails=$((fails + 1))
  fi
}

# fail WHAT...: counts a failure the scenario found by itself.
fail() {
  echo "$tag: FAIL $*"
  fails=$((fails + 1))
}

# wait_channel TRIES [STATUS...]: the RTOS publishes its channel once its command server runs.
# Pings $name every 0.5 s, at most TRIES times, while tandemctl exits 4 (no channel yet) or one
# of STATUS... (e.g. 3 while a re-created domain does not exist yet).
wait_channel() {
  local tries=$1 rc s waiting
  shift
  for _ in $(seq 1 "$tries"); do
    tandemctl -d "$name" -t 1000 ping >/dev/null 2>&1
    rc=$?
    waiting=0
    for s in 4 "$@"; do
      [ "$rc" = "$s" ] && waiting=1
    done
    [ "$waiting" = 0 ] && return 0
    sleep 0.5
  done
}

# finish: the summary line; the scenario's exit status (its last command) is 0 only without
# failures.
finish() {
  echo "$tag: $fails failure(s)"
  [ "$fails" = 0 ]
}
