#!/bin/sh
# dom0 scenario of ./main.sh: shows the two systems side by side and the command channel at
# work, from dom0's shell. Exit status 0 only if every step did what it should.
name=${TANDEM_RT_NAME:-tandem-rt}
fails=0
run() {  # run EXPECTED_STATUS COMMAND...
  want=$1
  shift
  echo "SHOWCASE: \$ $*"
  out=$("$@" 2>&1)
  rc=$?
  echo "$out" | sed 's/^/SHOWCASE:   /'
  if [ "$rc" != "$want" ]; then
    echo "SHOWCASE: ^ FAILED: exit status $rc, expected $want"
    fails=$((fails + 1))
  fi
}
run 0 xl list
run 0 xl vcpu-list
# The RTOS publishes its channel once its command server task runs (later on route dom0less,
# where XenStore reaches the RTOS only after init-dom0less).
for _ in $(seq 1 60); do
  tandemctl -d "$name" -t 1000 ping >/dev/null 2>&1
  [ $? != 4 ] && break
  sleep 0.5
done
run 0 tandemctl list
run 0 tandemctl -d "$name" ping
run 0 tandemctl -d "$name" gpio set 1 1
run 0 tandemctl -d "$name" gpio get 1
run 0 tandemctl -d "$name" gpio toggle 1
run 7 tandemctl -d "$name" gpio set 4 1
# Statistics since the RTOS started, cleared (--reset), then again for the bench alone.
echo "SHOWCASE: (first since the RTOS started, dom0's whole boot included, then only the"
echo "SHOWCASE:  window of the bench)"
run 0 tandemctl -d "$name" stats --reset
run 0 tandem-bench -d "$name" -n 200 -b 2000
run 0 tandemctl -d "$name" stats
echo "SHOWCASE: $fails failure(s)"
[ "$fails" = 0 ]
