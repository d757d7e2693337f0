#!/bin/sh
# dom0 scenario (platform/run --route xl --scenario linux/scenarios/recovery.sh): issue 11,
# points 1 and 6, against the real Tandem RT domain.
#  1. A hostile client (tandem-bench --hostile-index) publishes a bad request index, ahead and
#     then backwards: the RTOS freezes the ring (XenStore state closing), and the next tandemctl
#     re-opens it and is served, without anything restarting.
#  6. The boot id: the same boot is accepted with --expect-boot-id; after `xl destroy` and
#     `xl create` the old boot id gives status 12, the new one is accepted, and the pin set high
#     before the restart reads 0 (a fresh RTOS), now that the client is told.
tag=RECOVERY
check_verbose=1
. "$(dirname "$0")/lib/scenario.sh"
name=${TANDEM_RT_NAME:-tandem-rt}
cfg=${TANDEM_RT_CFG:-/rt/tandem-rt.cfg}
boot_id() {  # the boot id the RTOS reports, from --json output
  tandemctl -d "$name" -t 5000 --json ping | sed -n 's/.*"boot_id":"\([0-9a-f]\{16\}\)".*/\1/p'
}
wait_state() {  # wait_state STATE: XenStore's state key follows the RTOS within a tick or so
  for _ in $(seq 1 20); do
    tandemctl list | grep -q "^[0-9]* *$name *$1" && return 0
    sleep 0.2
  done
}

wait_channel 60 3
check ping 0 "pong from $name" tandemctl -d "$name" -t 5000 ping
boot=$(boot_id)
echo "RECOVERY: boot id before: '$boot'"
check boot-id-listed 0 "$boot" tandemctl list

# Point 1: a bad index ahead of what was written, then one moving backwards.
for mode in ahead back; do
  check "hostile-$mode" 0 "froze the ring" \
    tandem-bench -d "$name" -n 5 -b 64 -t 10000 --hostile-index "$mode"
  wait_state closing
  check "listed-closing-$mode" 0 "closing" tandemctl list
  check "ping-after-$mode" 0 "pong from $name" tandemctl -d "$name" -t 5000 ping
  check "gpio-after-$mode" 0 "pin 1 set to 1" tandemctl -d "$name" -t 5000 gpio set 1 1
done
check broken-counted 0 "2 broken-peer events" tandemctl -d "$name" -t 5000 stats
check same-boot 0 "pin 1: 1" tandemctl -d "$name" -t 5000 --expect-boot-id "$boot" gpio get 1

# Point 6: the RTOS's domain is destroyed and created again.
xl destroy "$name"
xl create "$cfg" >/dev/null 2>&1 || echo "RECOVERY: xl create $cfg failed"
wait_channel 60 3
check restarted 12 "restarted" tandemctl -d "$name" -t 5000 --expect-boot-id "$boot" gpio get 1
now=$(boot_id)
echo "RECOVERY: boot id after: '$now'"
if [ -n "$now" ] && [ "$now" != "$boot" ]; then
  echo "RECOVERY: ok   new-boot-id ($boot -> $now)"
else
  fail "new-boot-id: '$boot' before, '$now' after"
fi
check pin-reset 0 "pin 1: 0" tandemctl -d "$name" -t 5000 --expect-boot-id "$now" gpio get 1
finish
