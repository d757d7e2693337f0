#!/bin/sh
# dom0 scenario: the measurement behind the WCETs of apps/demo/demo.oil (docs/oil.md, "The demo:
# measured WCETs"). Run it on the timing model the WCETs are for:
#   platform/run --route xl --xen source --icount shift=0,sleep=off --scenario linux/scenarios/wcet.sh
# (guest time = instructions, 1 ns each). It loads the RTOS the way target_channel_xl does (a
# 10,000-command burst, 50,000 bare notifications), lets it run past t=10 s (Status's longest
# paths print at t=3 and every 10 s), then prints `tandemctl stats`: the worst execution time per
# task since `xl create` (WORST-EXEC-US) is what the WCETs are made from.
tag=WCET
. "$(dirname "$0")/lib/scenario.sh"
name=${TANDEM_RT_NAME:-tandem-rt}
log=/var/log/xen/console/guest-$name-vuart0.log
wait_channel 40
check burst 0 '"ok":true' tandem-bench -d "$name" -n 100 -b 10000 -t 60000 --json
check storm 0 '"ok":true' tandem-bench -d "$name" -n 1 -b 1 -S 50000 -t 60000 --json
# Until the status line of t=11 s is in the log (t=10 s printed its histogram of ticks).
for _ in $(seq 1 120); do
  grep -q 'tandem-rt: t=11s' "$log" && break
  sleep 0.5
done
grep 'tandem-rt: t=' "$log" | tail -n1 | sed "s/^/$tag: /"
check_verbose=1
check stats 0 'WORST-EXEC-US' tandemctl -d "$name" -t 5000 stats
check stats-json 0 '"worst_execution_us"' tandemctl -d "$name" -t 5000 --json stats
finish
