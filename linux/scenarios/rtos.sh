#!/bin/sh
# dom0 scenario (platform/run --route xl --scenario linux/scenarios/rtos.sh): tandemctl against
# the real Tandem RT domain: round trips, then a paused domain (9 at the deadline, success after
# unpause) and a domain destroyed while a command waits (9 long before the deadline).
tag=RTOS
. "$(dirname "$0")/lib/scenario.sh"
name=${TANDEM_RT_NAME:-tandem-rt}
wait_channel 40
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
  fail "destroyed-mid-command: status $rc after ${took} s (want 9 well before 20 s):"
  echo "$out" | sed 's/^/    /'
fi
check gone 3 "no domain named '$name'" tandemctl -d "$name" ping
finish
