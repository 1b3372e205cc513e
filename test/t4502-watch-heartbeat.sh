#!/bin/sh
# t4502-watch-heartbeat.sh - HEARTBEAT_URL: a loopback receiver counts the
# GETs of a watcher that checks normally over a minute (HEARTBEAT_INTERVAL
# = 2: 30, within one); the URL (a secret) is never logged; a failed
# promotion sends HEARTBEAT_URL/fail once, and no plain heartbeat follows
# while the role is failed (that would clear the alert); --status says
# WARNING, role failed.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 26800) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
HB=$(pick_port $((P2 + 120))) || bail_out 'no free port for the receiver'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
srv_start receiver "$HB" -m ready -g "$TMP/reqs"
SECRET=6f1d0c3e-secret-uuid
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
# a gateway that never gets ready: the promotion fails
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m notready"
READY_TIMEOUT=1
HEARTBEAT_URL=http://127.0.0.1:$HB/ping/$SECRET
HEARTBEAT_INTERVAL=2
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD READY_TIMEOUT HEARTBEAT_URL \
	HEARTBEAT_INTERVAL

# beats FROM TO: plain heartbeats received in [FROM, TO)
beats() {
	awk -v a="$1" -v b="$2" -v p="/ping/$SECRET" \
		'$2 == "GET" && $3 == p && $1 >= a && $1 < b { n++ } END { print n + 0 }' \
		"$TMP/reqs"
}
first_beat() {
	[ -s "$TMP/reqs" ]
}

watch_start ocf-watch
wait_until 5 first_beat || bail_out 'no heartbeat at all'
t0=$(awk 'NR == 1 { print $1 }' "$TMP/reqs")
sleep 61
n=$(beats "$t0" "$(awk "BEGIN { printf \"%.3f\", $t0 + 60 }")")
test_ok "one minute, every 2 s: 30 heartbeats within one (got $n)" \
	awk "BEGIN { exit !($n >= 29 && $n <= 31) }"
test_grep 'each a GET of the URL itself' "^[0-9.]+ GET /ping/$SECRET -\$" "$TMP/reqs"
test_expect_code 0 'the watcher checks normally' ocf-watch --status

set_mode "$PMODE" error500
test_ok 'the promotion fails' wait_until 15 state_is ROLE failed
failed_get() {
	grep -q " GET /ping/$SECRET/fail " "$TMP/reqs"
}
test_ok 'the receiver sees /fail' wait_until 5 failed_get
tf=$(awk '$3 ~ /\/fail$/ { print $1; exit }' "$TMP/reqs")
sleep 5
test_cmp_str 'one /fail, though the promotion is retried' 1 "$(grep -c '/fail ' "$TMP/reqs")"
test_cmp_str 'no plain heartbeat while failed (5 s, interval 2 s)' 0 \
	"$(beats "$(awk "BEGIN { printf \"%.3f\", $tf + 0.5 }")" 9999999999)"
test_expect_code 1 '--status: WARNING' ocf-watch --status
test_grep 'role failed' '^WARNING - role failed.*: failed, primary critical' "$TMP/out"

set_mode "$PMODE" ready
test_ok 'the primary is back: standby again' wait_until 15 state_is ROLE standby
n0=$(beats 0 9999999999)
more_beats() {
	[ "$(beats 0 9999999999)" -gt "$n0" ]
}
test_ok 'heartbeats again' wait_until 5 more_beats
watch_kill TERM
test_cmp_str 'the URL is never logged' 0 "$(grep -c "$SECRET" "$WLOG")"
test_done
