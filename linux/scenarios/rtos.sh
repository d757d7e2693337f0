#!/bin/sh
# dom0 scenario (platform/run --route xl --scenario linux/scenarios/rtos.sh): tandemctl against
# the real Tandem RT domain: round trips, then a paused domain (9 at the deadline, success after
# unpause) and a domain destroyed while a command waits (9 long before the deadline).
fails=0
check() {  # check NAME EXPECTED_STATUS PATTERN COMMAND...
  local check_name=$1 want=$2 pattern=$3 rc
  shift 3
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" = "$want" ] && echo "$out" | grep -q -- "$pattern"; then
    echo "RTOS: ok   $check_name (status $rc)"
  else
    echo "RTOS: FAIL $check_name: status $rc (want $want), output:"
    echo "$out" | sed 's/^/    /'
    fails=$((fails + 1))
  fi
}
name=${TANDEM_RT_NAME:-tandem-rt}
for _ in $(seq 1 40); do  # the RTOS publishes its channel once its command server runs
  tandemctl -d "$name" -t 1000 ping >/dev/null 2>&1
  [ $? != 4 ] && break
  sleep 0.5
done
dom=$(xl domid "$name")
check ping 0 "pong from $name" tandemctl -d "$name" -t 5000 ping
check stats 0 "Tasks of $name" tandemctl -d "$name" -t 5000 stats
xl pause "$dom"
check paused 9 "is paused" tandemctl -d "$name" -t 1500 ping
xl unpause "$dom"
check unpaused 0 "pong" tandemctl -d "$name" -t 5000 ping
# Destroyed while a command waits: pause so the command cannot complete, destroy 1 s later.
xl pause "$dom"
start=$(date +%s)
tandemctl -d "$name" -t 20000 ping >/tmp/destroyed.out 2>&1 &
waiter=$!
sleep 1
xl destroy "$dom"
wait $waiter
rc=$?
took=$(( $(date +%s) - start ))
out=$(cat /tmp/destroyed.out)
if [ "$rc" = 9 ] && [ "$took" -lt 10 ] && echo "$out" | grep -q "destroyed\|being destroyed\|shut down"; then
  echo "RTOS: ok   destroyed-mid-command (status 9 after ${took} s)"
else
  echo "RTOS: FAIL destroyed-mid-command: status $rc after ${took} s (want 9 well before 20 s):"
  echo "$out" | sed 's/^/    /'
  fails=$((fails + 1))
fi
check gone 3 "no domain named '$name'" tandemctl -d "$name" ping
echo "RTOS: $fails failure(s)"
[ "$fails" = 0 ]
