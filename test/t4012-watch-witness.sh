#!/bin/sh
# t4012-watch-witness.sh - WITNESS_URLS, on 127.0.0.1 with ocf-testsrv as
# the primary and as the witness (its -g log counts the requests it gets):
#   1. the primary healthy: the witnesses are never asked;
#   2. the primary killed, a witness up: promotion as before, and the
#      witness was asked;
#   3. the primary and every witness unreachable (one killed, one a
#      closed port): no promotion in 4x the time it took in 2 (at least
#      5 s), FAILS stays 0, WITNESS=none in the state, --status and the
#      metrics (promtool) say so, the log says "cut off" exactly once;
#      the witness back (the primary still down): promotion;
#   4. a witness that hangs costs at most PROBE_TIMEOUT per failed check
#      (ocf-watch --once --json's duration), and one that answers beside
#      it ends the wait at once.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 26300) || bail_out 'no free port for the primary'
P2=$(pick_port 26310) || bail_out 'no free port for the standby'
PW=$(pick_port 26320) || bail_out 'no free port for the witness'
PC=$(pick_port 26330) || bail_out 'no free port for the closed witness'
PH=$(pick_port 26340) || bail_out 'no free port for the hung witness'
srv_start primary "$P1" -m ready
srv_start witness "$PW" -g "$TMP/witness.req" -m ready
mkdir "$TMP/textfile" || bail_out 'cannot create a directory'
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
# nothing ever listens on $PC: a witness that is never reached
WITNESS_URLS="http://127.0.0.1:$PC/, http://127.0.0.1:$PW/witness"
METRICS_FILE=$TMP/textfile/ocf.prom
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD WITNESS_URLS METRICS_FILE

# asked: how many requests the witness got
asked() {
	if [ -f "$TMP/witness.req" ]; then
		wc -l <"$TMP/witness.req" | tr -d ' '
	else
		echo 0
	fi
}
# checks_after T: the state records a check later than T
checks_after() {
	awk -v a="$(state_get LAST_PROBE)" -v b="$1" 'BEGIN { exit !(a > b) }'
}
metric() {
	awk -v k="$1" '$1 == k { print $2 }' "$METRICS_FILE"
}
srv_kill() {	# NAME: SIGKILL an ocf-testsrv, wait until its port is closed
	kill -s KILL "$(cat "$TMP/$1.pid")" 2>/dev/null
	rm -f "$TMP/$1.pid"
}
cut_off_lines() {
	grep -c 'no witness reachable: this node is cut off; failed checks do not count' \
		"$WLOG"
}

# --- 1. a healthy primary: no witness asked --------------------------------
watch_start ocf-watch -v
test_ok 'the watcher sees the ready primary' wait_until 10 state_is PRIMARY ok ||
	show_log
t=$(now)
sleep 2
test_ok 'it goes on checking (every CHECK_INTERVAL)' checks_after "$t"
test_cmp_str 'the witness was not asked while the primary is healthy' 0 "$(asked)"
test_cmp_str 'WITNESS=ok in the state' ok "$(state_get WITNESS)"
test_ok 'the metric ocf_witness_reachable is 1' \
	wait_until 5 test "$(metric ocf_witness_reachable)" = 1

# --- 2. the primary killed, a witness up: promotion as before --------------
t0=$(date +%s%3N)
srv_kill primary
test_ok 'the primary killed: promoted' wait_until 20 state_is ROLE active ||
	show_log
t1=$(date +%s%3N)
took=$((t1 - t0))
printf '# primary killed -> active: %s ms\n' "$took"
test_ok 'the witness was asked' test "$(asked)" -ge 1
test_cmp_str 'WITNESS=ok' ok "$(state_get WITNESS)"
test_cmp_str 'no cut-off in the log' 0 "$(cut_off_lines)"

srv_start primary "$P1" -m ready
test_ok 'the primary back: demoted' wait_until 20 state_is ROLE standby ||
	show_log
test_ok 'the primary is ok again' wait_until 5 state_is PRIMARY ok

# --- 3. cut off: the primary and every witness unreachable -----------------
srv_kill witness
n0=$(asked)
trans=$(state_get TRANSITIONS)
srv_kill primary
# at least 4x what the promotion took above, and 5 s
hold=$(awk -v ms="$took" 'BEGIN { s = 4 * ms / 1000; printf "%.1f\n", s < 5 ? 5 : s }')
test_ok 'the state records the witnesses unreachable' \
	wait_until 5 state_is WITNESS none || show_log
printf '# holding %s s\n' "$hold"
sleep "$hold"
test_cmp_str 'no promotion while cut off' "standby $trans" \
	"$(state_get ROLE) $(state_get TRANSITIONS)"
test_cmp_str 'the failed checks were not counted' '0 critical 0.000' \
	"$(state_get FAILS) $(state_get PRIMARY) $(state_get DOWN_SINCE)"
test_ok 'checks go on' checks_after "$(awk -v t="$(now)" 'BEGIN { printf "%.3f\n", t - 1 }')"
test_cmp_str 'WITNESS=none' none "$(state_get WITNESS)"
test_cmp_str "the log says 'cut off' exactly once" 1 "$(cut_off_lines)"
test_expect_code 1 '--status: WARNING' ocf-watch --status
test_grep 'it says cut off' '^WARNING - cut off \(no witness reachable\)' "$TMP/out"
test_grep 'the screen too' '^witness: +none reachable' "$TMP/out"
test_expect_code 1 '--status --json' ocf-watch --status --json
test_grep 'the JSON says witness none' '"witness":"none"' "$TMP/out"
test_ok 'the metric ocf_witness_reachable is 0' \
	wait_until 5 test "$(metric ocf_witness_reachable)" = 0
if command -v promtool >/dev/null 2>&1; then
	test_ok 'the metrics file passes promtool' promtool check metrics <"$METRICS_FILE"
else
	test_skip 'the metrics file passes promtool' 'promtool is missing (test/install-deps.sh)'
fi

srv_start witness "$PW" -g "$TMP/witness.req" -m ready
test_ok 'a witness back, the primary still down: promoted' \
	wait_until 20 state_is ROLE active || show_log
test_grep 'the log says so' 'a witness is reachable again: failed checks count again' \
	"$WLOG"
test_cmp_str "'cut off' still once" 1 "$(cut_off_lines)"
test_ok 'the witness was asked again' test "$(asked)" -gt "$n0"
watch_kill TERM
test_cmp_str 'the watcher stops cleanly' 0 "$WATCH_RC"
kill_marked

# --- 4. a hung witness: PROBE_TIMEOUT at most -------------------------------
# a state of its own: one --once check each, the primary still down
srv_start hung "$PH" -m hang
STATE_DIR=$TMP/once
PROBE_TIMEOUT=2
WITNESS_URLS=http://127.0.0.1:$PH/
export STATE_DIR PROBE_TIMEOUT WITNESS_URLS
# duration: of ocf-watch --once --json's output in $TMP/out
duration() {
	sed -n 's/.*"duration":\([0-9.]*\).*/\1/p' "$TMP/out"
}
test_expect_code 2 'a hung witness: --once says the primary is down' \
	ocf-watch --once --json
test_grep 'cut off: witness none' '"witness":"none"' "$TMP/out"
d=$(duration)
printf '# one failed check with a hung witness: %s s (PROBE_TIMEOUT 2)\n' "$d"
test_ok 'it took PROBE_TIMEOUT, not more (2 s <= d < 2.8 s)' \
	awk -v d="$d" 'BEGIN { exit !(d >= 1.9 && d < 2.8) }'
test_cmp_str 'not counted' 0 "$(state_get FAILS)"

WITNESS_URLS="http://127.0.0.1:$PH/,http://127.0.0.1:$PW/witness"
test_expect_code 2 'a hung witness beside one that answers' \
	ocf-watch --once --json
test_grep 'reached: witness ok' '"witness":"ok"' "$TMP/out"
d=$(duration)
printf '# the same with an answering witness beside it: %s s\n' "$d"
test_ok 'the answer ends the wait, long before the hung one (d < 1.5 s)' \
	awk -v d="$d" 'BEGIN { exit !(d < 1.5) }'
test_cmp_str 'counted' 1 "$(state_get FAILS)"

test_done
