#!/bin/sh
# t7013-safety-backoff.sh - issue 10, item 4: repeated failed promotions
# back off.  With the primary down and a gateway that exits at once,
# ocf-watch does not retry on every check: after the n-th consecutive
# failure the next attempt waits at least base x 2^(n-1) s (at most
# 16 x base), base = max(HOLD_DOWN, CHECK_INTERVAL) = 1 s here.  The state
# counts the attempts in PROMOTE_FAILS (0 again after a success and after a
# demotion); the hooks hear `fail` once, when the role becomes failed, not
# once per attempt; every attempt is logged ("promoting (was failed)").

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"
# FLAP_MAX is 1..32 (issue 10, item 6): watcher.sh's 1000 would be a
# configuration error once that is enforced
FLAP_MAX=32
export FLAP_MAX

P1=$(pick_port 28400) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
# nothing listens on P1: the primary is down from the start
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
# a gateway that exits at once (status 1), until $TMP/gw-ok exists
cat >"$TMP/gw" <<EOF || bail_out 'cannot write the gateway script'
#!/bin/sh
[ -e '$TMP/gw-ok' ] && exec '$TEST_HELPERS/ocf-testsrv' -p $P2 -m ready
exit 1
EOF
chmod +x "$TMP/gw"
GATEWAY_CMD=$TMP/gw
HOLD_DOWN=1
CHECK_INTERVAL=0.2
FAST_INTERVAL=0.1
HOOK_TIMEOUT=5
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD HOLD_DOWN CHECK_INTERVAL \
	FAST_INTERVAL HOOK_TIMEOUT
BASE=1	# max(HOLD_DOWN, CHECK_INTERVAL)
RUN=13	# seconds of watching: attempts due at about 0, 1, 3, 7 (15 is next)
hook_install
: >"$TMP/events"

# --- 13 s of a primary down and a gateway that cannot start -----------------------

t0=$(date +%s%3N)
watch_start ocf-watch -v
test_ok 'the first promotion fails: ROLE=failed' \
	wait_until 10 state_is ROLE failed || show_log
sleep "$(awk -v t0="$t0" -v n="$(date +%s%3N)" -v r="$RUN" \
	'BEGIN { s = r - (n - t0) / 1000; printf "%.2f\n", s < 0 ? 0 : s }')"
watch_kill TERM || bail_out 'the watcher does not stop'
test_cmp_str 'the watcher stops on SIGTERM with exit 0' 0 "$WATCH_RC"

# attempt times (seconds of the day, from the log's time stamps)
grep 'promoting (was ' "$WLOG" |
	awk '{ t = $1; sub(/.*T/, "", t); sub(/Z$/, "", t); split(t, a, ":")
		printf "%.3f\n", a[1] * 3600 + a[2] * 60 + a[3] }' >"$TMP/attempts"
n=$(wc -l <"$TMP/attempts" | tr -d ' ')
gaps=$(awk -v b="$BASE" '
	NR > 1 {
		g = $1 - prev
		if (g < 0) g += 86400	# midnight
		w = b * 2 ^ (NR - 2); if (w > 16 * b) w = 16 * b
		printf "%.2f%s ", g, g < w - 0.05 ? "(!<" w ")" : ""
	}
	{ prev = $1 }' "$TMP/attempts")
printf '# %s attempts in %s s; gaps between them (s): %s\n' "$n" "$RUN" "$gaps"

test_cmp_str 'the first attempt is logged as "promoting (was standby)"' 1 \
	"$(grep -c 'promoting (was standby)' "$WLOG")"
test_ok "the watcher keeps retrying: at least 3 attempts in $RUN s ($n)" \
	test "$n" -ge 3
test_ok "but backs off: at most 5 attempts in $RUN s ($n)" test "$n" -le 5 ||
	show_log
case $gaps in
*'(!'*)	test_cmp_str "each wait at least $BASE x 2^(n-1) s" 'no gap marked (!<...)' \
		"$gaps" ;;
*)	test_ok "each wait at least $BASE x 2^(n-1) s" true ;;
esac
test_cmp_str 'every retry is logged as "promoting (was failed)"' $((n - 1)) \
	"$(grep -c 'promoting (was failed)' "$WLOG")"
test_cmp_str 'PROMOTE_FAILS counts the attempts' "$n" "$(state_get PROMOTE_FAILS)"
test_cmp_str 'ROLE=failed' failed "$(state_get ROLE)"
# "COUNT: FIRST": how many fail events, the first one's "EVENT OLD NEW"
fails_heard=$(grep -c '^fail ' "$TMP/events")
first_fail=$(grep -m 1 '^fail ' "$TMP/events" | cut -d' ' -f1-3)
test_cmp_str 'the hooks heard "fail" once (standby -> failed), not per attempt' \
	'1: fail standby failed' "$fails_heard: $first_fail"
test_ok 'no gateway left' no_gateway

# --- a success, then a demotion, set PROMOTE_FAILS back to 0 -----------------------

: >"$TMP/gw-ok"
test_expect_code 0 'the gateway can start now: ocf-promote exits 0' ocf-promote
test_cmp_str 'active, PROMOTE_FAILS=0 after the success' 'active 0' \
	"$(state_get ROLE) $(state_get PROMOTE_FAILS)"
test_expect_code 0 'ocf-demote exits 0' ocf-demote
test_cmp_str 'standby, PROMOTE_FAILS=0 after the demotion' 'standby 0' \
	"$(state_get ROLE) $(state_get PROMOTE_FAILS)"
test_ok 'no gateway left' wait_until 5 no_gateway

test_done
