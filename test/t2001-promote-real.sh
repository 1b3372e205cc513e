#!/bin/sh
# ocf-promote / ocf-demote against the real OpenClaw gateway (GATEWAY_CMD
# backend): promote -> ready, active, one gateway (one marked root); promote
# again changes nothing; demote -> port closed, no process of the group
# left, standby; demote again is OK.  Then the repair of a state that says
# active while the gateway is gone.  (More repairs: t2007, t2008.)

. "$(dirname "$0")/lib.sh"
PORT_BASE=21000
. "$SRCDIR/test/promote.sh"

# --- promote -------------------------------------------------------------

t0=$(now)
test_ok 'promote a standby: exit 0' ocf-promote
t1=$(now)
printf '# ocf-promote took %s s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
test_grep 'promote says it is active' '^OK - active' "$TMP/out"
test_cmp_str 'ROLE=active' active "$(state_get ROLE)"
test_cmp_str 'no transition left recorded' '' "$(state_get TRANSITION)"
test_cmp_str 'one transition counted' 1 "$(state_get TRANSITIONS)"
pid1=$(state_get GATEWAY_PID)
case $pid1 in
''|0|*[!0-9]*)	bail_out "no GATEWAY_PID recorded (got '$pid1')" ;;
esac
track "$pid1"
test_ok 'GATEWAY_PID is a live process group' pgrp_alive "$pid1"
test_cmp_str 'GATEWAY_START is the leader'"'"'s start time' \
	"$(start_time "$pid1")" "$(state_get GATEWAY_START)"
test_cmp_str '/readyz answers 200' 200 "$(http_code /readyz)"
test_cmp_str 'exactly one gateway (one marked root), the recorded group' \
	"$pid1" "$(marked_roots)"
printf '# marked process groups: %s\n' "$(marked_groups | tr '\n' ' ')"
test_grep 'the gateway logs to STATE_DIR/gateway.log' . "$STATE_DIR/gateway.log"
test_ok 'the gateway has OPENCLAW_SUPERVISOR_MODE=external' \
	grep -qzx 'OPENCLAW_SUPERVISOR_MODE=external' "/proc/$pid1/environ"

# --- promote again: idempotent -------------------------------------------

t0=$(now)
test_ok 'promote an active node again: exit 0' ocf-promote
t1=$(now)
test_grep 'it says already active' 'already active' "$TMP/out"
test_ok 'and it returns at once (< 3 s)' \
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 3) }'
test_cmp_str 'same GATEWAY_PID' "$pid1" "$(state_get GATEWAY_PID)"
test_cmp_str 'TRANSITIONS unchanged' 1 "$(state_get TRANSITIONS)"
test_cmp_str 'still exactly one gateway, the same group' "$pid1" "$(marked_roots)"
test_ok 'promote -j reports changed:false' ocf-promote -j
test_grep 'json: OK, unchanged' '"code":0,"changed":false' "$TMP/out"

# --- demote ---------------------------------------------------------------

t0=$(now)
test_ok 'demote: exit 0' ocf-demote
t1=$(now)
printf '# ocf-demote took %s s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
test_cmp_str 'ROLE=standby' standby "$(state_get ROLE)"
test_cmp_str 'GATEWAY_PID cleared' 0 "$(state_get GATEWAY_PID)"
test_ok 'the port is closed' port_free "$P"
test_ok 'no process of the gateway group is left' all_gone "$pid1"
test_cmp_str 'no marked process left' 0 "$(nmarked)"
test_cmp_str 'two transitions counted' 2 "$(state_get TRANSITIONS)"
test_ok 'demote a standby again: exit 0' ocf-demote
test_grep 'it says already standby' 'already standby' "$TMP/out"
test_cmp_str 'TRANSITIONS unchanged by the second demote' 2 "$(state_get TRANSITIONS)"

# --- repair: the state says active, the gateway is gone ---------------------

test_ok 'promote again' ocf-promote
pid2=$(state_get GATEWAY_PID)
track "$pid2"
kill -s KILL -- "-$pid2"
wait_until 10 all_gone "$pid2" || bail_out "group $pid2 survived SIGKILL"
# its helper in the other group exits by itself a moment later
wait_until 10 no_marked || bail_out 'a marked helper outlived the gateway'
test_cmp_str 'the state still says active with a dead gateway' active \
	"$(state_get ROLE)"
test_ok 'promote repairs an active node whose gateway died: exit 0' ocf-promote
pid3=$(state_get GATEWAY_PID)
track "$pid3"
test_ok 'a new GATEWAY_PID' differ "$pid3" "$pid2"
test_cmp_str 'ROLE=active after the repair' active "$(state_get ROLE)"
test_cmp_str '/readyz answers 200 after the repair' 200 "$(http_code /readyz)"
test_cmp_str 'exactly one gateway after the repair' "$pid3" "$(marked_roots)"

test_ok 'demote after the repairs' ocf-demote
test_ok 'no process of the repaired gateways'"'"' groups is left' \
	all_gone "$pid2" "$pid3"
test_cmp_str 'no marked process left after the repairs' 0 "$(nmarked)"
test_ok 'the port is closed after the repairs' port_free "$P"

test_done
