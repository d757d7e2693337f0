#!/bin/sh
# dom0 scenario (platform/run --route xl --scenario linux/scenarios/errors.sh): tandemctl's error
# paths against the real XenStore, gntdev and toolstack, with an RTOS domain that publishes no
# channel (the keys are then forged by dom0, which may write a guest's data/ directory).
tag=ERRORS
. "$(dirname "$0")/lib/scenario.sh"
name=${TANDEM_RT_NAME:-tandem-rt}
dom=$(xl domid "$name")
b=/local/domain/$dom/data/tandem
if xenstore-read "$b/state" >/dev/null 2>&1; then
  echo "ERRORS: $name publishes a channel: this scenario replaces its keys (run it on its own boot)"
fi
check version 0 "protocol 1\." tandemctl --version
check list 0 "$name" tandemctl list
check unknown-name 3 "no domain named 'nope'" tandemctl -d nope ping
xenstore-rm "$b" 2>/dev/null
check not-published 4 "($name) publishes no Tandem channel" tandemctl -d "$name" ping
check none-published 3 "no domain publishes" tandemctl ping
xenstore-write "$b/version" 1.0 "$b/ring-ref0" 08 "$b/ring-ref1" 9 "$b/event-channel" 3 "$b/state" 2
check malformed 4 "ring-ref0 = '08'" tandemctl -d "$name" ping
xenstore-write "$b/version" 7.0 "$b/ring-ref0" 8
check version-mismatch 5 "speaks Tandem protocol 7.0" tandemctl ping
xenstore-write "$b/version" 1.0 "$b/state" 6
check closed 4 "state closed" tandemctl ping
xenstore-write "$b/state" 2
check bad-grant 8 "xengnttab_map_grant_ref" tandemctl --timeout 1500 ping
check json-error 8 '"code":"xen-error","exit":8' tandemctl --json ping
check no-claim-left 0 "" sh -c '! xenstore-ls /local/domain/0/backend/tandem 2>/dev/null | grep owner'
xl destroy "$dom"
check destroyed 3 "no domain with id $dom" tandemctl -d "$dom" ping
finish
