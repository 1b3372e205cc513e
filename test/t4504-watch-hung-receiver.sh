#!/bin/sh
# t4504-watch-hung-receiver.sh - nothing of the monitoring may delay a
# check or a transition: a webhook receiver and a heartbeat receiver that
# read the request and never answer (PROBE_TIMEOUT=3 bounds them), and a
# METRICS_FILE that cannot be written, are warnings in the log; the
# watcher promotes as fast as without them and goes on checking while the
# post waits.  Told by the timelines (the receiver's and the watcher's
# logs), not by a limit on wall time.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 27000) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
RX=$(pick_port $((P2 + 120))) || bail_out 'no free port for the receiver'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
srv_start receiver "$RX" -m hang -g "$TMP/reqs"
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
PROBE_TIMEOUT=3
NOTIFY_URL=http://127.0.0.1:$RX/hook
HEARTBEAT_URL=http://127.0.0.1:$RX/ping
HEARTBEAT_INTERVAL=1
METRICS_FILE=$TMP/no/such/dir/ocf.prom
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD PROBE_TIMEOUT NOTIFY_URL \
	HEARTBEAT_URL HEARTBEAT_INTERVAL METRICS_FILE

watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
set_mode "$PMODE" error500
test_ok 'promoted' wait_until 10 state_is ROLE active
posted() {
	grep -q ' POST /hook ' "$TMP/reqs"
}
test_ok 'the receiver got the post (and holds it)' wait_until 5 posted
warned() {
	grep -q 'warning: notify failed' "$WLOG"
}
test_ok 'the post times out after PROBE_TIMEOUT: a warning' wait_until 10 warned
watch_kill TERM

# the watcher's log, from the promotion on: lines "T message"
awk '/ocf-watch: promoting/ { on = 1 } on' "$WLOG" >"$TMP/after"
tr=$(awk '/ POST \/hook / { print $1; exit }' "$TMP/reqs")
# epoch: the watcher's UTC ISO 8601 stamps as epoch seconds
epoch() {
	date -u -d "$1" +%s.%3N
}
n=0
while IFS= read -r line && [ "$n" -lt 2000 ]; do
	printf '%s %s\n' "$(epoch "${line%% *}")" "$line"
	n=$((n + 1))
done <"$TMP/after" >"$TMP/after.t"
checks=$(awk -v a="$tr" '$1 >= a && /primary critical/ && !/warning: notify/ { n++ }
	/warning: notify failed/ { exit } END { print n + 0 }' "$TMP/after.t")
test_ok "the watcher checked on while the receiver held the post ($checks checks before its timeout)" \
	test "$checks" -ge 3
test_grep 'the warning does not name the URL' \
	'warning: notify failed \(the URL is not logged\)' "$WLOG"
test_grep 'a heartbeat that still waits is skipped, not piled up' \
	'warning: heartbeat skipped: the last one still waits' "$WLOG"
test_grep 'the metrics file: a warning' "warning: metrics not written: " "$WLOG"
test_cmp_str 'no URL in the log' 0 "$(grep -c "127.0.0.1:$RX" "$WLOG")"

# the promotion took as long as without any receiver: the same watcher,
# the same primary, no NOTIFY_URL, HEARTBEAT_URL or METRICS_FILE
took() {
	# shellcheck disable=SC2046 # two words
	set -- $(awk '/ocf-watch: promoting/ { a = $1 }
		/active: gateway ready/ && a { print a, $1; exit }' "$1")
	[ $# -eq 2 ] || { echo 999; return; }
	awk "BEGIN { printf \"%.3f\\n\", $(epoch "$2") - $(epoch "$1") }"
}
with=$(took "$WLOG")
kill_marked
STATE_DIR=$TMP/state2 WLOG=$TMP/watch2.log
export STATE_DIR
unset NOTIFY_URL HEARTBEAT_URL METRICS_FILE
set_mode "$PMODE" ready
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the second watcher does not see the primary'
set_mode "$PMODE" error500
test_ok 'promoted without receivers' wait_until 10 state_is ROLE active
watch_kill TERM
without=$(took "$WLOG")
printf '# promotion: %s s with the hung receivers, %s s without\n' "$with" "$without"
test_ok 'the promotion was not slowed by PROBE_TIMEOUT (3 s)' \
	awk "BEGIN { exit !($with < $without + 1.5) }"
test_done
