#!/bin/sh
# Crash safety of ocf-promote against the real OpenClaw gateway: kill -9 it
# right after the state records the transition, once the gateway's pid is
# recorded, and while it waits for readiness; the next ocf-promote repairs
# to active with exactly one gateway (the one already started, adopted),
# the next ocf-demote to standby with nothing left.  And a promotion killed
# mid-way followed directly by ocf-demote.

. "$(dirname "$0")/lib.sh"
PORT_BASE=21600
. "$SRCDIR/test/promote.sh"

# transition_recorded: poll the state file as fast as sh can (the window
# between the record and the gateway's start is a few milliseconds),
# bounded
transition_recorded() {
	_tr=0
	while [ "$_tr" -lt 20000 ]; do
		grep -q "^TRANSITION='promote'$" "$STATE_DIR/state" 2>/dev/null &&
			return 0
		_tr=$((_tr + 1))
	done
	return 1
}

# crash DESC: kill -9 the background ocf-promote, which must still run;
# KILLED_PID: the GATEWAY_PID the state holds afterwards (0: none)
crash() {
	if exited "$BG"; then
		test_ok "$1: ocf-promote still ran when killed" false
	else
		kill -s KILL "$BG"
		test_ok "$1: ocf-promote still ran when killed" true
	fi
	{ wait "$BG"; } 2>/dev/null
	KILLED_PID=$(state_get GATEWAY_PID)
	track "$KILLED_PID"
	test_cmp_str "$1: the interrupted transition is visible in the state" \
		promote "$(state_get TRANSITION)"
}

# repaired DESC: the next ocf-promote repairs to active with one gateway
repaired() {
	test_ok "$1: the next promote: exit 0" ocf-promote
	test_grep "$1: it says it repairs" 'repairing an interrupted promote' \
		"$TMP/err"
	_rp=$(state_get GATEWAY_PID)
	track "$_rp"
	test_cmp_str "$1: ROLE=active" active "$(state_get ROLE)"
	test_cmp_str "$1: no transition left recorded" '' "$(state_get TRANSITION)"
	test_cmp_str "$1: ready" 200 "$(http_code /readyz)"
	test_cmp_str "$1: exactly one gateway, the recorded group" "$_rp" \
		"$(marked_roots)"
	if [ "${KILLED_PID:-0}" != 0 ]; then
		test_cmp_str "$1: the gateway already started was adopted" \
			"$KILLED_PID" "$_rp"
	fi
	test_ok "$1: the next demote: exit 0" ocf-demote
	test_cmp_str "$1: ROLE=standby" standby "$(state_get ROLE)"
	test_ok "$1: no process of the gateway group is left" all_gone "$_rp"
	test_cmp_str "$1: no marked process left" 0 "$(nmarked)"
	test_ok "$1: the port is closed" port_free "$P"
}

# --- 1: killed right after the state records TRANSITION='promote' ----------

bg ocf-promote
transition_recorded || bail_out 'ocf-promote never recorded the transition'
crash 'after the record'
printf '# killed with GATEWAY_PID=%s in the state, %s gateway(s) running\n' \
	"$KILLED_PID" "$(marked_roots | awk 'END { print NR }')"
repaired 'after the record'

# --- 2 and 3: killed once GATEWAY_PID is recorded, then the repairing
# promote killed while it waits for readiness ----------------------------------

bg ocf-promote
wait_until 30 has_pid || bail_out 'ocf-promote never recorded GATEWAY_PID'
crash 'after GATEWAY_PID'
first=$KILLED_PID
test_ok 'after GATEWAY_PID: the gateway lives on' pgrp_alive "$first"
bg ocf-promote
wait_until 40 live || bail_out 'the gateway never answered /health'
crash 'during the readiness wait'
test_cmp_str 'during the readiness wait: still the same gateway' "$first" \
	"$KILLED_PID"
test_cmp_str 'during the readiness wait: still one gateway' "$first" \
	"$(marked_roots)"
repaired 'after two kills'

# --- 4: a promotion killed, then ocf-demote directly ------------------------

bg ocf-promote
wait_until 30 has_pid || bail_out 'ocf-promote never recorded GATEWAY_PID'
sleep 1
crash 'then demote'
test_ok 'demote after a killed promotion: exit 0' ocf-demote
test_grep 'demote says it repairs' 'repairing an interrupted promote' "$TMP/err"
test_cmp_str 'ROLE=standby' standby "$(state_get ROLE)"
test_cmp_str 'no transition left recorded' '' "$(state_get TRANSITION)"
test_ok 'no process of the gateway group is left' all_gone "$KILLED_PID"
test_cmp_str 'no marked process left' 0 "$(nmarked)"
test_ok 'the port is closed' port_free "$P"
test_ok 'demote again: exit 0' ocf-demote
test_grep 'already standby' 'already standby' "$TMP/out"

test_done
