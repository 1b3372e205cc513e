#!/bin/sh
# t6001-drill-dry-run: scripts/ocf-drill's usage errors (3), its dry run
# (0 with the preconditions met, and nothing changed: the state file byte
# for byte, the primary still up, no record written, neither command run),
# and each refused precondition (4) with nothing stopped.
#
# The primary is ocf-testsrv; the standby runs a real ocf-watch whose
# checks are an hour apart, so that after its first check nobody writes the
# state file while the dry run looks at it.

. "$(dirname "$0")/lib.sh"

DRILL=$SRCDIR/scripts/ocf-drill

# start_group NAME CMD...: run CMD in a process group of its own, output in
# $TMP/NAME.log, the group id in $TMP/NAME.pgid, killed at exit
start_group() {
	_sg_name=$1
	shift
	rm -f "$TMP/$_sg_name.pgid"
	# shellcheck disable=SC2016 # $$ is the inner sh's
	(
		setsid sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
			"$TMP/$_sg_name.pgid" "$@" </dev/null >"$TMP/$_sg_name.log" 2>&1 &
	)
	wait_until 5 test -s "$TMP/$_sg_name.pgid" ||
		bail_out "$_sg_name did not start"
	track_pgid "$(cat "$TMP/$_sg_name.pgid")"
}

# stop_group NAME: SIGTERM to the group of NAME, wait for it to go
group_gone() {
	! pgrp_alive "$1"
}
stop_group() {
	_stg=$(cat "$TMP/$1.pgid")
	kill -s TERM -- "-$_stg" 2>/dev/null
	wait_until 5 group_gone "$_stg"
}

P=$(pick_port 23600) || bail_out 'no free port'
S=$(pick_port $((P + 120))) || bail_out 'no free port'

STATE_DIR=$TMP/state
PRIMARY_URL=http://127.0.0.1:$P
GATEWAY_URL=http://127.0.0.1:$S
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $S -m ready"
CHECK_INTERVAL=3600
FAST_INTERVAL=3600
PROBE_TIMEOUT=1
OPENCLAW_USER=
WORKSPACE=$TMP/no-workspace
HOOKS_DIR=$TMP/no-hooks
export STATE_DIR PRIMARY_URL GATEWAY_URL GATEWAY_CMD CHECK_INTERVAL \
	FAST_INTERVAL PROBE_TIMEOUT OPENCLAW_USER WORKSPACE HOOKS_DIR

start_group primary ocf-testsrv -p "$P" -m ready
wait_until 5 ocf-probe -q "127.0.0.1:$P" || bail_out 'the primary is not ready'
start_group watch ocf-watch
rises_one() {
	[ "$(state_get RISES 2>/dev/null)" = 1 ]
}
wait_until 10 rises_one || bail_out 'ocf-watch made no first check'

STOP="touch '$TMP/stop-ran'; kill -s TERM -- -$(cat "$TMP/primary.pgid")"
START="touch '$TMP/start-ran'"

# --- usage errors: 3 ----------------------------------------------------------

test_expect_code 3 'an unknown option exits 3' \
	"$DRILL" --bogus --stop-cmd true --start-cmd true
test_grep 'it names the option' "unknown option '--bogus'" "$TMP/err"
test_grep 'and prints the usage' '^usage: ocf-drill ' "$TMP/err"
test_cmp_str 'nothing on stdout' '' "$(cat "$TMP/out")"
test_expect_code 3 'no --stop-cmd exits 3' "$DRILL" --start-cmd true
test_expect_code 3 'no --start-cmd exits 3' "$DRILL" --stop-cmd true
test_expect_code 3 'an argument without its value exits 3' \
	"$DRILL" --stop-cmd true --start-cmd
test_expect_code 3 'a budget that is not a number exits 3' \
	"$DRILL" --budget soon --stop-cmd true --start-cmd true
test_grep 'it names the option and the value' "--budget: 'soon'" "$TMP/err"
test_expect_code 3 'a zero timeout exits 3' \
	"$DRILL" --timeout 0 --stop-cmd true --start-cmd true
test_expect_code 3 'an operand exits 3' \
	"$DRILL" --stop-cmd true --start-cmd true extra
test_expect_code 3 'no state file exits 3' \
	"$DRILL" -n --state-dir "$TMP/nowhere" --stop-cmd true --start-cmd true
test_grep 'it names the state file' "$TMP/nowhere/state" "$TMP/err"
test_expect_code 3 'an unreadable -c file exits 3' \
	"$DRILL" -n -c "$TMP/no.conf" --stop-cmd true --start-cmd true

# --- dry run: 0, nothing changed -------------------------------------------------

cp "$STATE_DIR/state" "$TMP/state.before" || bail_out 'cannot copy the state'
test_ok '--dry-run with the preconditions met exits 0' \
	"$DRILL" --dry-run --json-log "$TMP/drill.jsonl" \
	--stop-cmd "$STOP" --start-cmd "$START"
cp "$TMP/out" "$TMP/dry.out"
test_grep 'it says the preconditions hold' \
	'^OK - preconditions hold; dry run, nothing changed$' "$TMP/dry.out"
test_grep 'it checked the watcher' '^  ok    ocf-watch is running \(pid [0-9]+' \
	"$TMP/dry.out"
test_grep 'it checked the primary' '^  ok    the primary answers ready' \
	"$TMP/dry.out"
test_grep 'it shows the stop command it would run' \
	"stop the primary: +sh -c 'touch" "$TMP/dry.out"
test_grep 'it shows the start command it would run' \
	"start the primary: +sh -c 'touch" "$TMP/dry.out"
test_ok 'the state file is byte for byte the same' \
	cmp "$TMP/state.before" "$STATE_DIR/state"
test_ok 'the primary still answers ready' ocf-probe -q "127.0.0.1:$P"
test_ok 'the stop command did not run' test ! -e "$TMP/stop-ran"
test_ok 'the start command did not run' test ! -e "$TMP/start-ran"
test_ok 'no JSON record was written' test ! -e "$TMP/drill.jsonl"
test_ok '-n is --dry-run' "$DRILL" -n --stop-cmd "$STOP" --start-cmd "$START"
# shellcheck disable=SC2016 # expanded by the inner sh
test_ok 'STATE_DIR may come from a -c file' env -u STATE_DIR \
	sh -c 'printf "STATE_DIR='\''%s'\''\n" "$1" >"$2" &&
	    "$3" -n -c "$2" --stop-cmd true --start-cmd true' \
	sh "$STATE_DIR" "$TMP/ocf.conf" "$DRILL"
test_ok 'and the state is still the same' \
	cmp "$TMP/state.before" "$STATE_DIR/state"

# --- refused preconditions: 4, nothing stopped -----------------------------------

test_ok 'maintenance on' ocf-promote -M on
test_expect_code 4 'maintenance on: the dry run exits 4' \
	"$DRILL" -n --stop-cmd "$STOP" --start-cmd "$START"
test_grep 'it says why' '^REFUSED - maintenance mode is on' "$TMP/out"
test_expect_code 4 'maintenance on: the drill exits 4' \
	"$DRILL" --json-log "$TMP/drill.jsonl" \
	--stop-cmd "$STOP" --start-cmd "$START"
test_ok 'the stop command did not run' test ! -e "$TMP/stop-ran"
test_ok 'the start command did not run either' test ! -e "$TMP/start-ran"
test_ok 'no JSON record was written' test ! -e "$TMP/drill.jsonl"
test_ok 'the primary still answers ready' ocf-probe -q "127.0.0.1:$P"
test_ok 'maintenance off' ocf-promote -M off
test_ok 'the dry run passes again' \
	"$DRILL" -n --stop-cmd "$STOP" --start-cmd "$START"

# a drill against another node's state directory: its watcher is not ours
if ! mkdir -p "$TMP/other" || ! cp "$STATE_DIR/state" "$TMP/other/state"; then
	bail_out 'cannot make a second state directory'
fi
test_expect_code 4 'no watcher for this STATE_DIR: exits 4' \
	"$DRILL" -n --state-dir "$TMP/other" --stop-cmd "$STOP" --start-cmd "$START"
test_grep 'it says why' "^REFUSED - no ocf-watch is running for '$TMP/other'" \
	"$TMP/out"

stop_group primary || bail_out 'the primary did not stop'
test_expect_code 4 'the primary down already: exits 4' \
	"$DRILL" -n --stop-cmd "$STOP" --start-cmd "$START"
test_grep 'it says why' '^REFUSED - the primary is down already' "$TMP/out"
test_expect_code 4 'and the drill refuses too' \
	"$DRILL" --stop-cmd "$STOP" --start-cmd "$START"
test_ok 'without running the stop command' test ! -e "$TMP/stop-ran"

test_done
