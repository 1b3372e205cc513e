#!/bin/sh
# t4013-watch-hot-backoff.sh - STANDBY_MODE=hot: a standby's gateway that
# dies as soon as it starts (a broken config, a full disk) is started again
# with the promotions' back-off (base max(HOLD_DOWN, CHECK_INTERVAL),
# doubling, at most 16 x), not at every check: a cheap VPS is not kept busy
# starting Node.js in a loop.  ocf-watch --reset clears the count; once a
# start outlives READY_TIMEOUT it is reset too (HOT_STARTS=0), and a later
# crash is repaired at the next check again.  Stand-in gateway: a script that counts its starts and dies,
# or, once $TMP/live exists, runs ocf-testsrv.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 25400) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
srv_start primary "$P1" -m ready
cat >"$TMP/gw.sh" <<EOF
echo start >>"$TMP/starts"
[ -e "$TMP/live" ] && exec "$TEST_HELPERS/ocf-testsrv" -p $P2 -m ready
exit 1
EOF
printf '{"channels":{}}\n' >"$TMP/openclaw.json"
STANDBY_MODE=hot
GATEWAY_CONFIG=$TMP/openclaw.json
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="/bin/sh $TMP/gw.sh"
# base 1 s: waits of 1, 2, 4, 8, 16 s after the starts
HOLD_DOWN=1
READY_TIMEOUT=3
export STANDBY_MODE GATEWAY_CONFIG PRIMARY_URL GATEWAY_URL GATEWAY_CMD \
	HOLD_DOWN READY_TIMEOUT

starts() {
	if [ -e "$TMP/starts" ]; then wc -l <"$TMP/starts"; else echo 0; fi
}

# started_since N: more than N starts so far
started_since() {
	[ "$(starts)" -gt "$1" ]
}

watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
sleep 20
n=$(starts)
printf '# a gateway that dies at once: %s starts in 20 s (checks every %s s)\n' \
	"$n" "$CHECK_INTERVAL"
test_ok "it is started again, backing off ($n starts in 20 s, not ~60)" \
	test "$n" -ge 3 -a "$n" -le 8
test_cmp_str 'HOT_STARTS counts them' "$n" "$(state_get HOT_STARTS)"
test_grep 'the log says so' 'died within READY_TIMEOUT .*: start [0-9]+ in a row' \
	"$WLOG"
test_cmp_str 'still a standby, nothing promoted, nothing latched' \
	'standby 0 0' \
	"$(state_get ROLE) $(state_get TRANSITIONS) $(state_get LATCHED)"

# repaired, and the operator says so: the next start comes at once,
# where the back-off would still hold it (its 5th start waits 16 s)
wait_until 20 started_since 4 || bail_out 'no 5th start'
touch "$TMP/live"
n=$(starts)
left=$(awk -v k="$(state_get HOT_STARTS)" -v at="$(state_get HOT_STARTED_UP)" \
	'{ w = 2 ^ (k > 5 ? 4 : k - 1); printf "%d\n", at + w - $1 }' /proc/uptime)
test_ok "the back-off would hold the next start ${left} s more" \
	test "$left" -gt 5
test_ok 'ocf-watch --reset' ocf-watch --reset
test_ok '... and the next check starts the gateway (no back-off)' \
	wait_until 3 started_since "$n"
test_ok 'a start that outlives READY_TIMEOUT: HOT_STARTS back to 0' \
	wait_until 10 state_is HOT_STARTS 0
test_cmp_str 'HOT_GATEWAY=held' held "$(state_get HOT_GATEWAY)"
n=$(starts)
gw=$(state_get GATEWAY_PID)
kill -s KILL -- "-$gw"
test_ok 'killed later, it is started again at once (no back-off)' \
	wait_until 3 started_since "$n"
test_ok '... and runs' wait_until 5 ready_at "$P2"
test_ok '... as a new process group' test "$(state_get GATEWAY_PID)" != "$gw"

test_done
