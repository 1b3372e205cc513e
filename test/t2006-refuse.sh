#!/bin/sh
# Refusals (exit 4) and their overrides, against the real OpenClaw
# gateway: maintenance mode (set and cleared by -M on|off of either tool,
# kept in the state file across transitions) blocks promote and demote
# unless --force; a primary that answers ready blocks a promotion unless
# --force, and nothing is started; a primary that is only live, or
# draining, blocks nothing (readiness decides, not liveness).

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/gateway.sh"

gw_install || bail_out 'the OpenClaw gateway cannot be installed'
# the primary first, so that our port is picked clear of its range
PP=$(pick_port 22640 110) || bail_out 'no free port'
gw_start pri "$PP" || bail_out 'the primary did not start'
PORT_BASE=22500
. "$SRCDIR/test/promote.sh"

# nothing_started DESC: standby, no transition, no gateway of ours
nothing_started() {
	test_cmp_str "$1: still standby" standby "$(state_get ROLE)"
	test_cmp_str "$1: no transition recorded" '' "$(state_get TRANSITION)"
	test_cmp_str "$1: TRANSITIONS unchanged" "$2" "$(state_get TRANSITIONS)"
	test_cmp_str "$1: no gateway started" 0 "$(nmarked)"
	test_ok "$1: our port stays closed" port_free "$P"
}

# --- maintenance mode ----------------------------------------------------------

test_ok 'ocf-promote -M on: exit 0' ocf-promote -j -M on
test_grep 'it reports a change' '"code":0,"changed":true' "$TMP/out"
test_cmp_str 'MAINTENANCE=1 in the state file' 1 "$(state_get MAINTENANCE)"
test_cmp_str 'the role is untouched' standby "$(state_get ROLE)"
test_ok 'ocf-promote -M on again: exit 0' ocf-promote -j -M on
test_grep 'no change the second time' '"changed":false' "$TMP/out"
test_expect_code 3 'ocf-promote -M maybe: exit 3 (usage)' ocf-promote -M maybe

test_expect_code 4 'promote under maintenance: exit 4' ocf-promote
test_grep 'it says maintenance' 'REFUSED - maintenance mode is on' "$TMP/out"
nothing_started 'refused for maintenance' 0
# ocf-demote(1): a node already standby is OK even in maintenance mode
# (already being there is OK); the refusal is for a demotion to do
test_expect_code 0 'demote of a standby under maintenance: already there, exit 0' \
	ocf-demote
test_cmp_str 'MAINTENANCE still 1' 1 "$(state_get MAINTENANCE)"

t0=$(now)
test_ok 'promote --force under maintenance: exit 0' ocf-promote --force
printf '# took %s s\n' "$(elapsed "$t0")"
pg=$(state_get GATEWAY_PID)
track "$pg"
test_cmp_str 'forced: ROLE=active' active "$(state_get ROLE)"
test_cmp_str 'forced: ready' 200 "$(http_code /readyz)"
test_cmp_str 'forced: one gateway' "$pg" "$(marked_roots)"
test_cmp_str 'the flag survives a transition' 1 "$(state_get MAINTENANCE)"

test_expect_code 4 'demote an active node under maintenance: exit 4' ocf-demote
test_grep 'it says maintenance' 'maintenance mode is on' "$TMP/out"
test_cmp_str 'refused: still active' active "$(state_get ROLE)"
test_cmp_str 'refused: the same gateway still runs' "$pg" "$(marked_roots)"
test_cmp_str 'refused: still ready' 200 "$(http_code /readyz)"

test_ok 'demote --force under maintenance: exit 0' ocf-demote -f
test_cmp_str 'forced: ROLE=standby' standby "$(state_get ROLE)"
test_ok 'forced: nothing of the gateway left' all_gone "$pg"
test_cmp_str 'forced: no marked process left' 0 "$(nmarked)"
test_cmp_str 'the flag survives that too' 1 "$(state_get MAINTENANCE)"

test_ok 'ocf-demote -M off: exit 0' ocf-demote -M off
test_cmp_str 'MAINTENANCE=0' 0 "$(state_get MAINTENANCE)"
test_ok 'ocf-demote -M on: exit 0' ocf-demote -M on
test_cmp_str 'set by ocf-demote: MAINTENANCE=1' 1 "$(state_get MAINTENANCE)"
test_ok 'ocf-promote -M off: exit 0' ocf-promote -M off
test_cmp_str 'cleared by ocf-promote: MAINTENANCE=0' 0 "$(state_get MAINTENANCE)"
test_cmp_str 'no transition was counted by -M' 2 "$(state_get TRANSITIONS)"

# --- a primary that answers ready ----------------------------------------------

gw_wait_ready "$PP" 60 || bail_out 'the primary never became ready'
PRIMARY_URL=http://127.0.0.1:$PP
test_expect_code 4 'promote while the primary is ready: exit 4' ocf-promote
test_grep 'it names the ready primary and --force' \
	"primary at 'http://127.0.0.1:$PP' is ready.*--force" "$TMP/out"
nothing_started 'refused for a ready primary' 2
t0=$(now)
test_ok 'promote --force while the primary is ready: exit 0' ocf-promote --force
printf '# took %s s\n' "$(elapsed "$t0")"
test_grep 'the forced promotion is logged as such' \
	'forced promotion while the primary' "$TMP/err"
pg=$(state_get GATEWAY_PID)
track "$pg"
test_cmp_str 'forced over a ready primary: ROLE=active' active "$(state_get ROLE)"
test_cmp_str 'forced over a ready primary: ready' 200 "$(http_code /readyz)"
test_cmp_str 'forced over a ready primary: one gateway' "$pg" "$(marked_roots)"
test_ok 'promote again while the primary is ready: exit 0 (already active)' \
	ocf-promote
test_ok 'demote: exit 0' ocf-demote
test_ok 'nothing of our gateway left' all_gone "$pg"
test_ok 'the primary is untouched' pgrp_alive "$(gw_pgid pri)"

# --- a primary that is live but not ready blocks nothing ------------------------

gw_stop pri >/dev/null
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P -m ready"
STOP_TIMEOUT=5
for mode in notready draining channel; do
	"$TEST_HELPERS/ocf-testsrv" -p "$PP" -m "$mode" -P "$TMP/pri.pid" \
		2>/dev/null &
	srv=$!
	wait_until 5 test -s "$TMP/pri.pid" || bail_out 'ocf-testsrv did not start'
	test_ok "promote while the primary is live but $mode: exit 0" ocf-promote
	test_cmp_str "primary $mode: ROLE=active" active "$(state_get ROLE)"
	track "$(state_get GATEWAY_PID)"
	test_ok "primary $mode: demote" ocf-demote
	kill "$srv"
	wait_until 5 exited "$srv" || kill -s KILL "$srv"
	wait "$srv"
	rm -f "$TMP/pri.pid"
	wait_until 5 port_free "$PP" || bail_out 'ocf-testsrv did not stop'
done
test_cmp_str 'no marked process left' 0 "$(nmarked)"

test_done
