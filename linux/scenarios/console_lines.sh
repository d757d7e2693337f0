#!/bin/sh
# dom0 scenario (platform/run --route xl --scenario linux/scenarios/console_lines.sh): what the
# channel refuses reaches the RTOS console (docs/rtos-channel.md, "Console lines"). A gpio set on
# a pin configured as input fails with status 7, and tandemctl's words appear on the RTOS
# console; a burst of the same failure is rate-limited there ("(K more ... suppressed)"); the
# control task misses no deadline meanwhile.
tag=CONSOLE
. "$(dirname "$0")/lib/scenario.sh"
name=${TANDEM_RT_NAME:-tandem-rt}
log=/var/log/xen/console/guest-$name-vuart0.log
pin=3
wait_channel 40
tandemctl -d "$name" -t 5000 gpio configure $pin in || fail "gpio configure $pin in"
out=$(tandemctl -d "$name" -t 5000 gpio set $pin 1 2>&1)
rc=$?
echo "$out" | sed 's/^/CONSOLE: tandemctl: /'
[ "$rc" = 7 ] || fail "gpio set on an input pin: status $rc, want 7"
# What tandemctl says after "the RTOS refused " must be on the RTOS console word for word.
words=$(echo "$out" | sed -n 's/^tandemctl: error: the RTOS refused //p')
case "$words" in
  "gpio set on pin $pin: hardware error: pin $pin is configured as input (it reads "[01]")") ;;
  *) fail "tandemctl says '$words'" ;;
esac
sleep 1
grep -qF "$words" "$log" || fail "the RTOS console does not say: $words"

# A burst of the same failure: the console shows a few, then counts the rest.
before=$(grep -cF "$words" "$log")
start=$(date +%s)
for _ in $(seq 1 20); do tandemctl -d "$name" -t 5000 gpio set $pin 1 >/dev/null 2>&1; done
took=$(( $(date +%s) - start ))
sleep 2  # a summary is due at the first tick with a token free
shown=$(( $(grep -cF "$words" "$log") - before ))
echo "CONSOLE: 20 failed sets in ${took} s: $shown console lines for them"
grep -qE "more hardware errors? suppressed" "$log" || fail "no '(K more hardware errors suppressed)'"
[ "$shown" -lt 20 ] || fail "$shown lines for 20 failures: not rate-limited"

tandemctl -d "$name" -t 5000 gpio configure $pin out || fail "gpio configure $pin out"
tandemctl -d "$name" -t 5000 gpio set $pin 1 || fail "gpio set after configure out"
grep "channel:" "$log" | sed 's/^/CONSOLE: rtos: /'
grep "misses=" "$log" | tail -1 | sed 's/^/CONSOLE: rtos: /'
finish
