#!/bin/sh
# t6002-drill-loopback: whole drills on loopback.  The primary is an
# ocf-testsrv that the stop command kills and the start command starts
# again; the standby is a real ocf-watch whose GATEWAY_CMD is another
# ocf-testsrv.
#   - a drill within budget: exit 0, every row of the timeline measured and
#     in order, one valid JSON record, the node a standby again;
#   - the same drill over a tiny budget: exit 1;
#   - a stop command that stops nothing: no failover, exit 2, and the start
#     command run all the same;
#   - a drill killed (SIGTERM) after it stopped the primary: it starts the
#     primary again before it exits, 143;
#   - --reach-cmd (reachable as a chat client sees it, beside /readyz): a
#     "Reachable again" row dated by the time the command prints (here a
#     promote hook's, standing in for the bot's JOIN), held against the
#     budget; a reach command that never succeeds: exit 2.

. "$(dirname "$0")/lib.sh"

DRILL=$SRCDIR/scripts/ocf-drill

P=$(pick_port 23720) || bail_out 'no free port'
S=$(pick_port $((P + 120))) || bail_out 'no free port'

STATE_DIR=$TMP/state
PRIMARY_URL=http://127.0.0.1:$P
GATEWAY_URL=http://127.0.0.1:$S
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $S -m ready"
CHECK_INTERVAL=0.5
FAST_INTERVAL=0.2
FAIL_THRESHOLD=3
RISE_THRESHOLD=2
HOLD_DOWN=1
PROBE_TIMEOUT=1
READY_TIMEOUT=10
STOP_TIMEOUT=5
FLAP_MAX=32
OPENCLAW_USER=
WORKSPACE=$TMP/no-workspace
HOOKS_DIR=$TMP/hooks
export STATE_DIR PRIMARY_URL GATEWAY_URL GATEWAY_CMD CHECK_INTERVAL \
	FAST_INTERVAL FAIL_THRESHOLD RISE_THRESHOLD HOLD_DOWN PROBE_TIMEOUT \
	READY_TIMEOUT STOP_TIMEOUT FLAP_MAX OPENCLAW_USER WORKSPACE HOOKS_DIR

# A promote hook that writes the time (epoch seconds) to $TMP/joined: the
# reach commands below stand it in for a chat client's log of the bot's
# JOIN (the demo's ocf-ircwatch)
mkdir -p "$HOOKS_DIR" || bail_out "cannot create $HOOKS_DIR"
cat >"$HOOKS_DIR/50-joined" <<HOOK || bail_out 'cannot write the hook'
#!/bin/sh
[ "\$OCF_EVENT" = promote ] || exit 0
date +%s.%N >"$TMP/joined.tmp" && mv "$TMP/joined.tmp" "$TMP/joined"
HOOK
chmod +x "$HOOKS_DIR/50-joined"
REACH="awk -v t0=\"\$OCF_DRILL_T0\" '\$1 >= t0 { print \$1; f = 1 } END { exit !f }' '$TMP/joined'"

# The primary: started by the test and by the drill's start command, so it
# is found through its pid file, whoever started it last.
PIDF=$TMP/primary.pid
START="$TEST_HELPERS/ocf-testsrv -p $P -m ready -P '$PIDF' </dev/null >/dev/null 2>&1 &"
STOP="kill \$(cat '$PIDF')"

kill_primary() {
	[ -s "$PIDF" ] && kill "$(cat "$PIDF")" 2>/dev/null
	return 0
}
at_exit kill_primary

# the standby's gateway, if a failed check left one running
kill_standby_gateway() {
	_ksg=$(state_get GATEWAY_PID 2>/dev/null)
	case $_ksg in
	'' | 0 | *[!0-9]*) ;;
	*)	kill -s KILL -- "-$_ksg" 2>/dev/null ;;
	esac
	return 0
}
at_exit kill_standby_gateway

primary_ready() {
	ocf-probe -q -t 1 "127.0.0.1:$P"
}
sh -c "$START"
wait_until 5 primary_ready || bail_out 'the primary did not start'

# the watcher, in a process group of its own, killed at exit
# shellcheck disable=SC2016 # $$ is the inner sh's
(
	setsid sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
		"$TMP/watch.pgid" ocf-watch </dev/null >"$TMP/watch.log" 2>&1 &
)
wait_until 5 test -s "$TMP/watch.pgid" || bail_out 'ocf-watch did not start'
WATCH=$(cat "$TMP/watch.pgid")
track_pgid "$WATCH"

# settled: a standby that has seen the primary ready
settled() {
	[ "$(state_get ROLE 2>/dev/null)" = standby ] &&
		[ "$(state_get PRIMARY 2>/dev/null)" = ok ] &&
		[ -z "$(state_get TRANSITION 2>/dev/null)" ] &&
		! ocf-probe -q -l -t 1 && primary_ready
}
wait_until 10 settled || bail_out 'the standby did not settle'

# row FILE EVENT: the seconds of EVENT's row in FILE ("-" if none)
row() {
	awk -F'|' -v ev="$2" '
		{ t = $2; e = $3; gsub(/^ +| +$/, "", t); gsub(/^ +| +$/, "", e) }
		index(e, ev) == 1 { sub(/s$/, "", t); print t; exit }' "$1"
}

# --- a drill within budget: 0 ------------------------------------------------

test_ok 'a loopback drill within budget exits 0' \
	"$DRILL" --budget 30 --timeout 30 --json-log "$TMP/drill.jsonl" \
	--stop-cmd "$STOP" --start-cmd "$START"
cp "$TMP/out" "$TMP/drill1.out"
test_grep 'the verdict is OK' '^OK - reachable again after [0-9.]+s, within the 30 s budget$' \
	"$TMP/drill1.out"
test_grep 'the table has the seed'"'"'s header' '^\| Time \| Event \|$' \
	"$TMP/drill1.out"

prev=-1
for ev in 'Primary goes down' 'First health check fails' 'Promote decision' \
	'Gateway ready' 'Primary back' 'Demoted'; do
	t=$(row "$TMP/drill1.out" "$ev")
	case $t in
	'' | - | *[!0-9.]*)
		test_cmp_str "row '$ev' has measured seconds" 'a number' "'$t'"
		continue
		;;
	esac
	if awk -v a="$prev" -v b="$t" 'BEGIN { exit !(b + 0 >= a + 0) }'; then
		test_ok "row '$ev' measured (${t}s), not before the row above" true
	else
		test_cmp_str "row '$ev' comes after the row above" ">= $prev" "$t"
	fi
	prev=$t
done
test_cmp_str 'the sync row says none (no workspace here)' - \
	"$(row "$TMP/drill1.out" 'Git pull, secrets sync')"
test_cmp_str 'primary down is 0.0s' 0.0 "$(row "$TMP/drill1.out" 'Primary goes down')"

test_cmp_str 'one JSON record' 1 "$(wc -l <"$TMP/drill.jsonl" | tr -d ' ')"
if command -v jq >/dev/null 2>&1; then
	test_ok 'the record is valid JSON (jq)' jq -e . "$TMP/drill.jsonl"
elif command -v python3 >/dev/null 2>&1; then
	test_ok 'the record is valid JSON (python3)' \
		python3 -c 'import json, sys; json.loads(open(sys.argv[1]).read())' \
		"$TMP/drill.jsonl"
else
	test_skip 'the record is valid JSON' 'neither jq nor python3'
fi
test_grep 'the record says OK, code 0' '"code":0,"verdict":"OK"' "$TMP/drill.jsonl"
test_grep 'the record has the ready time' '"gateway_ready":[0-9]+\.[0-9]+,' \
	"$TMP/drill.jsonl"
test_grep 'the record has the demotion time' '"demoted":[0-9]+\.[0-9]+,' \
	"$TMP/drill.jsonl"
test_grep 'no sync recorded: null' '"sync_done":null' "$TMP/drill.jsonl"

test_cmp_str 'the node is a standby again' standby "$(state_get ROLE)"
test_ok 'the primary answers ready' primary_ready
test_expect_code 2 'the standby gateway is down' ocf-probe -l -t 1
test_ok 'the watcher still runs' pgrp_alive "$WATCH"
wait_until 10 settled || bail_out 'the standby did not settle after drill 1'

# --- over budget: 1 ------------------------------------------------------------

test_expect_code 1 'the same drill over a 0.1 s budget exits 1' \
	"$DRILL" --budget 0.1 --timeout 30 --json-log "$TMP/drill.jsonl" \
	--stop-cmd "$STOP" --start-cmd "$START"
test_grep 'the verdict is WARNING' '^WARNING - reachable again after [0-9.]+s, over the 0.1 s budget$' \
	"$TMP/out"
test_cmp_str 'two JSON records' 2 "$(wc -l <"$TMP/drill.jsonl" | tr -d ' ')"
test_grep 'the second says WARNING, code 1' '"code":1,"verdict":"WARNING"' \
	"$TMP/drill.jsonl"
wait_until 10 settled || bail_out 'the standby did not settle after drill 2'

# --- --reach-cmd: reachable as a chat client sees it ----------------------------

rm -f "$TMP/joined"
test_ok 'a drill with --reach-cmd within budget exits 0' \
	"$DRILL" --budget 30 --timeout 30 --json-log "$TMP/reach.jsonl" \
	--reach-cmd "$REACH" --stop-cmd "$STOP" --start-cmd "$START"
cp "$TMP/out" "$TMP/reach.out"
test_grep '/readyz has its own row' '^\| [0-9.]+s \| Gateway ready \(/readyz\) \|$' \
	"$TMP/reach.out"
reach=$(row "$TMP/reach.out" 'Reachable again (--reach-cmd)')
decide=$(row "$TMP/reach.out" 'Promote decision')
case $reach in
'' | - | *[!0-9.]*)
	test_cmp_str 'the Reachable again row is measured' 'a number' "'$reach'" ;;
*)
	test_ok "the Reachable again row (${reach}s) is not before the decision (${decide}s)" \
		awk -v a="$decide" -v b="$reach" 'BEGIN { exit !(b + 0 >= a + 0) }'
	;;
esac
test_grep 'the verdict holds the budget against it' \
	"^OK - reachable again after ${reach}s, within the 30 s budget\$" "$TMP/reach.out"
test_grep 'the record has it' '"reachable":[0-9]+\.[0-9]+,' "$TMP/reach.jsonl"
wait_until 10 settled || bail_out 'the standby did not settle after the reach drill'

test_expect_code 2 'a reach command that never succeeds: exit 2' \
	"$DRILL" --budget 30 --timeout 5 --reach-cmd false \
	--stop-cmd "$STOP" --start-cmd "$START"
test_grep '... not reachable, said so' \
	'^CRITICAL - no failover: ready, but not reachable \(--reach-cmd\) within 5 s' \
	"$TMP/out"
test_grep '... a row with no time' '^\| - \| Reachable again \(--reach-cmd\) \|$' \
	"$TMP/out"
test_ok 'the primary is back' wait_until 10 primary_ready
wait_until 20 settled || bail_out 'the standby did not settle after the failed reach drill'

# --- a stop command that stops nothing: 2 -------------------------------------

test_expect_code 2 'a stop command that stops nothing: no failover, exit 2' \
	"$DRILL" --timeout 2 --stop-cmd true --start-cmd "touch '$TMP/started'"
cp "$TMP/out" "$TMP/drill3.out"
test_grep 'the verdict is CRITICAL' '^CRITICAL - no failover' "$TMP/drill3.out"
test_ok 'the start command ran all the same' test -e "$TMP/started"
test_cmp_str 'no promotion row' - "$(row "$TMP/drill3.out" 'Promote decision')"
test_cmp_str 'no demotion row' - "$(row "$TMP/drill3.out" 'Demoted')"
test_cmp_str 'still a standby' standby "$(state_get ROLE)"

test_expect_code 2 'a failing stop command: exit 2' \
	"$DRILL" --timeout 10 --stop-cmd false --start-cmd "touch '$TMP/started2'"
test_grep 'it says the stop command failed' 'the stop command failed \(exit 1\)' \
	"$TMP/err"
test_ok 'the start command ran' test -e "$TMP/started2"

# --- killed mid-drill: the primary is started again -----------------------------

stopped() {
	! primary_ready
}
"$DRILL" --timeout 30 --stop-cmd "$STOP" --start-cmd "$START" \
	>"$TMP/killed.out" 2>"$TMP/killed.err" &
dpid=$!
wait_until 10 stopped || bail_out 'the drill did not stop the primary'
kill -s TERM "$dpid"
wait "$dpid"
test_cmp_str 'a drill killed by SIGTERM exits 143' 143 "$?"
test_grep 'it says it starts the primary again' \
	'interrupted: starting the primary again' "$TMP/killed.err"
test_ok 'the primary answers ready again' wait_until 10 primary_ready
test_ok 'the node settles as a standby' wait_until 20 settled

test_done
