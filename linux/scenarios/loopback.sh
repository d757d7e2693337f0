#!/bin/sh
# dom0 scenario (platform/run --route xl --scenario linux/scenarios/loopback.sh): libtandem,
# tandemctl and tandem-bench on a real Xen, with tandem-loopback as the channel's far end inside
# dom0 (real grant mappings, event channels and XenStore; no RTOS needed). Exit status 0 only if
# every check gave the expected exit status and output.
tag=LOOPBACK
. "$(dirname "$0")/lib/scenario.sh"
tandem-loopback --pins 0 1 2 3 >/tmp/loopback.log 2>&1 &
lb=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
  xenstore-read /local/domain/0/data/tandem/state >/dev/null 2>&1 && break
  sleep 0.2
done
check list 0 "Domain-0 *initwait" tandemctl list
check ping 0 "pong from Domain-0" tandemctl -d 0 ping
check set 0 "pin 1 set to 1" tandemctl -d 0 gpio set 1 1
check get 0 "pin 1: 1 (high)" tandemctl -d 0 gpio get 1
check toggle-json 0 '"level":0' tandemctl -d 0 --json gpio toggle 1
check configure 0 "configured as output" tandemctl -d 0 gpio configure 2 out --level 1
check refused 7 "permission denied" tandemctl -d 0 gpio set 7 1
check stats 0 "loopback" tandemctl -d 0 stats
check bench 0 "burst: 10000 commands" tandem-bench -d 0 -T 20 -n 200 -b 10000 --timeout 5000
echo "$out" | sed 's/^/LOOPBACK-BENCH: /'
check bench-json 0 '"phase":"burst","commands":1000,' tandem-bench -d 0 -n 20 -b 1000 --json
kill -STOP $lb
check stopped-peer 6 "no answer" tandemctl -d 0 --timeout 700 ping
kill -CONT $lb
check resumed 0 "pong" tandemctl -d 0 ping
check no-claim-left 0 "" sh -c '! xenstore-ls /local/domain/0/backend/tandem 2>/dev/null | grep owner'
kill $lb
wait $lb
check unpublished 4 "domain 0 is dom0" tandemctl -d 0 ping
finish
