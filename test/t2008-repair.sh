#!/bin/sh
# Repairs against the real OpenClaw gateway: an active node whose gateway
# was killed while the gateway's helper group (its spawn-broker worker, a
# marked process in a session and group of its own) has not exited yet is
# repaired by ocf-promote to a fresh, ready gateway; a leftover gateway on
# a standby that has no state at all is stopped by ocf-demote.

. "$(dirname "$0")/lib.sh"
PORT_BASE=22350
. "$SRCDIR/test/promote.sh"

# --- repair while a helper of the dead gateway lingers ------------------------

test_ok 'promote' ocf-promote
pid3=$(state_get GATEWAY_PID)
track "$pid3"
test_cmp_str 'ready' 200 "$(http_code /readyz)"

# The gateway is killed (kill -9 of its group) and ocf-promote runs while
# the dead gateway's helper group (the spawn-broker, a marked process in a
# group of its own) has not exited yet.  Left alone, that window is ~0.1 s
# after the SIGKILL; the helper is held with SIGSTOP so that the repair
# surely sees it, and let go once the repair has had time to look.
helper=$(marked_procs | awk -v g="$pid3" '$3 != g { print $1; exit }')
if [ -n "$helper" ]; then
	kill -s STOP "$helper"
	track "$(marked_procs | awk -v p="$helper" '$1 == p { print $3 }')"
	kill -s KILL -- "-$pid3"
	wait_until 10 all_gone "$pid3" || bail_out "group $pid3 survived SIGKILL"
	# READY_TIMEOUT as for every real start (test/promote.sh): 20 s was
	# too short for a cold start on a loaded CI machine
	t0=$(date +%s)
	STOP_TIMEOUT=3 ocf-promote >"$TMP/rep.out" 2>"$TMP/rep.err" &
	rep=$!
	sleep 1
	kill -s CONT "$helper" 2>/dev/null
	wait_until $((READY_TIMEOUT + 20)) exited "$rep" ||
		bail_out "ocf-promote did not end within $((READY_TIMEOUT + 20)) s"
	wait "$rep"
	rc=$?
	printf '# the repair took %s s\n' $(($(date +%s) - t0))
	test_cmp_str 'promote repairs while a helper of the dead gateway lingers: exit 0' \
		0 "$rc" || sed 's/^/#   /' "$TMP/rep.out" "$TMP/rep.err"
	test_cmp_str 'ROLE=active after that repair' active "$(state_get ROLE)"
	pid4=$(state_get GATEWAY_PID)
	track "$pid4"
	test_cmp_str '/readyz answers 200 after that repair' 200 "$(http_code /readyz)"
	test_cmp_str 'exactly one gateway after that repair' "$pid4" "$(marked_roots)"
else
	test_skip 'promote repairs while a helper of the dead gateway lingers' \
		'this gateway runs no marked helper in a group of its own'
fi
test_ok 'demote after the repair' ocf-demote
test_ok 'no process of the gateways'"'"' groups is left' \
	all_gone "$pid3" "${pid4:-0}"
test_cmp_str 'no marked process left after the repair' 0 "$(nmarked)"
test_ok 'the port is closed after the repair' port_free "$P"

# --- repair: a leftover gateway on a standby with no state -----------------

STATE_DIR=$TMP/state2
cl=$GATEWAY_CMD
# shellcheck disable=SC2016,SC2086 # $$ is the inner sh's; split on purpose
(
	OCF_GATEWAY_OF=$STATE_DIR setsid sh -c \
		'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
		"$TMP/left.pgid" $cl </dev/null >"$TMP/left.log" 2>&1 &
)
wait_until 5 test -s "$TMP/left.pgid" || bail_out 'the leftover did not start'
left=$(cat "$TMP/left.pgid")
track "$left"
gw_wait_live "$P" 30 || bail_out 'the leftover gateway did not come up'
test_cmp_str 'the leftover carries the mark' "$left" "$(marked_roots)"
test_ok 'no state file yet' test ! -e "$STATE_DIR/state"
test_ok 'demote stops a leftover gateway on a standby: exit 0' ocf-demote
test_ok 'no process of the leftover group is left' all_gone "$left"
test_ok 'its port is closed' port_free "$P"
test_cmp_str 'ROLE=standby' standby "$(state_get ROLE)"
test_cmp_str 'no marked process left' 0 "$(nmarked)"
test_ok 'demote again: exit 0' ocf-demote
test_grep 'and now it is already standby' 'already standby' "$TMP/out"

test_done
