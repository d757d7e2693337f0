#!/bin/sh
# dom0 scenario (platform/run --route xl --icount shift=0,sleep=off --scenario
# linux/scenarios/lost_time.sh): issue 11 points 5 and 9 on a real boot, read from the RTOS's
# console log.
# 5: the RTOS domain paused 2 s (`xl pause`) must come back with about 2,000 skipped periods
#    and no burst of misses (one job caught by the pause in flight may finish late).
# 9: 50,000 bare notifications (tandem-bench --storm) must cost far fewer channel interrupts
#    than notifications, and the channel must answer afterwards.
tag=LOST-TIME
. "$(dirname "$0")/lib/scenario.sh"
name=${TANDEM_RT_NAME:-tandem-rt}
log=/var/log/xen/console/guest-$name-vuart0.log
field() { echo "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p"; }
status_line() { grep 'tandem-rt: t=' "$log" | tail -n1; }
channel_line() { grep 'tandem-rt: channel irq=' "$log" | tail -n1; }
wait_channel 40
dom=$(xl domid "$name")
sleep 2

before=$(status_line)
xl pause "$dom"
sleep 2
xl unpause "$dom"
sleep 3
after=$(status_line)
echo "LOST-TIME: before the pause: $before"
echo "LOST-TIME: after the pause:  $after"
skipped=$(($(field "$after" skipped) - $(field "$before" skipped)))
misses=$(($(field "$after" misses) - $(field "$before" misses)))
echo "LOST-TIME: 2 s pause: $skipped periods skipped, $misses misses"
[ "$skipped" -ge 1500 ] || fail "a 2 s pause skipped only $skipped periods"
[ "$misses" -le 1 ] || fail "a 2 s pause cost $misses misses (want at most the job in flight)"

ch_before=$(channel_line)
tandem-bench -d "$name" -n 1 -b 1 -S 50000 -t 60000 >/tmp/storm.out 2>&1
rc=$?
sleep 2
ch_after=$(channel_line)
echo "LOST-TIME: channel before the storm: $ch_before"
echo "LOST-TIME: channel after the storm:  $ch_after"
irq=$(($(field "$ch_after" irq) - $(field "$ch_before" irq)))
bare=$(($(field "$ch_after" bare) - $(field "$ch_before" bare)))
periods=$(($(field "$ch_after" throttled) - $(field "$ch_before" throttled)))
echo "LOST-TIME: 50000 bare notifications: $irq interrupts, $bare bare wake-ups, $periods" \
  "throttle periods; tandem-bench exited $rc"
[ "$rc" = 0 ] || { fail "tandem-bench --storm exited $rc:"; sed 's/^/    /' /tmp/storm.out; }
[ "$irq" -le 5000 ] || fail "50000 bare notifications cost $irq interrupts"
tandemctl -d "$name" -t 5000 stats | sed 's/^/LOST-TIME: /'
finish
