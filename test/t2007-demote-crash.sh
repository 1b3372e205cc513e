#!/bin/sh
# Crash safety, the other half, against the real OpenClaw gateway: a
# promotion killed between the gateway's start and the record of its pid
# (a state that says TRANSITION='promote' with no GATEWAY_PID while a
# marked gateway runs) is repaired by adopting that gateway, never by
# starting a second one; an ocf-demote killed while the gateway drains is
# repaired by the next ocf-promote (active, one gateway) or ocf-demote
# (standby, nothing left).

. "$(dirname "$0")/lib.sh"
PORT_BASE=22900
. "$SRCDIR/test/promote.sh"

not_ready() {
	[ "$(http_code /readyz)" != 200 ]
}

# crash_demote DESC: start ocf-demote, kill -9 it once the gateway has
# stopped being ready (it drains or is gone); KILLED_PID: the GATEWAY_PID
# the state holds afterwards
crash_demote() {
	bg ocf-demote
	wait_until 30 not_ready || bail_out 'the gateway stayed ready'
	if exited "$BG"; then
		test_ok "$1: ocf-demote still ran when killed" false
	else
		kill -s KILL "$BG"
		test_ok "$1: ocf-demote still ran when killed" true
	fi
	{ wait "$BG"; } 2>/dev/null
	KILLED_PID=$(state_get GATEWAY_PID)
	_cd=gone
	all_gone "$KILLED_PID" || _cd=alive
	printf '# %s: killed with GATEWAY_PID=%s, its group %s\n' "$1" \
		"$KILLED_PID" "$_cd"
	test_cmp_str "$1: the interrupted demotion is visible in the state" \
		demote "$(state_get TRANSITION)"
}

# --- a gateway started, its pid never recorded --------------------------------

# what a kill between ocf_spawn() and the save of GATEWAY_PID leaves: the
# state of a promotion in flight by a dead process, and a marked gateway
test_ok 'write an initial state' ocf-promote -M off
sh -c 'exit 0' &
dead=$!
wait "$dead"
if ! sed -e "s/^TRANSITION=''\$/TRANSITION='promote'/" \
	-e "s/^TRANSITION_PID='0'\$/TRANSITION_PID='$dead'/" \
	"$STATE_DIR/state" >"$TMP/state.new" ||
	! mv "$TMP/state.new" "$STATE_DIR/state"; then
	bail_out 'cannot edit the state'
fi
test_cmp_str 'the state says a promotion is in flight' promote \
	"$(state_get TRANSITION)"
cl=$GATEWAY_CMD
# shellcheck disable=SC2016,SC2086 # $$ is the inner sh's; split on purpose
(
	OCF_GATEWAY_OF=$STATE_DIR OPENCLAW_SUPERVISOR_MODE=external setsid sh -c \
		'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
		"$TMP/orphan.pgid" $cl </dev/null >"$TMP/orphan.log" 2>&1 &
)
wait_until 5 test -s "$TMP/orphan.pgid" || bail_out 'the gateway did not start'
orphan=$(cat "$TMP/orphan.pgid")
track "$orphan"
test_ok 'promote with an unrecorded gateway running: exit 0' ocf-promote
test_grep 'it says it repairs' 'repairing an interrupted promote' "$TMP/err"
test_cmp_str 'ROLE=active' active "$(state_get ROLE)"
# an unrecorded gateway is not adopted (it could be one draining away): it
# is stopped and a fresh one started, so there is still exactly one
new=$(state_get GATEWAY_PID)
test_ok 'the unrecorded gateway was replaced, not adopted' \
	test "$new" != "$orphan" -a "$new" != 0
test_ok 'the unrecorded gateway is gone' all_gone "$orphan"
test_cmp_str 'exactly one gateway, the recorded one' "$new" "$(marked_roots)"
test_cmp_str 'ready' 200 "$(http_code /readyz)"

# --- demote killed while the gateway drains, then promote ----------------------

crash_demote 'demote killed, then promote'
t0=$(now)
test_ok 'promote after a killed demotion: exit 0' ocf-promote
printf '# took %s s\n' "$(elapsed "$t0")"
pg=$(state_get GATEWAY_PID)
track "$pg"
test_cmp_str 'ROLE=active' active "$(state_get ROLE)"
test_cmp_str 'no transition left recorded' '' "$(state_get TRANSITION)"
test_cmp_str 'ready' 200 "$(http_code /readyz)"
test_cmp_str 'exactly one gateway, the recorded group' "$pg" "$(marked_roots)"
test_ok 'the old gateway is gone' all_gone "$orphan"

# --- demote killed, then demote ----------------------------------------------

test_ok 'promote (again, if the last one failed)' ocf-promote
pg=$(state_get GATEWAY_PID)
track "$pg"
crash_demote 'demote killed, then demote'
test_ok 'demote after a killed demotion: exit 0' ocf-demote
test_cmp_str 'ROLE=standby' standby "$(state_get ROLE)"
test_cmp_str 'no transition left recorded' '' "$(state_get TRANSITION)"
test_ok 'no process of the gateway group is left' all_gone "$pg"
test_cmp_str 'no marked process left' 0 "$(nmarked)"
test_ok 'the port is closed' port_free "$P"

test_done
