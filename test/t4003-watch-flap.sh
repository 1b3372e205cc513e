#!/bin/sh
# t4003-watch-flap.sh - a flapping primary (ocf-testsrv switching between
# down and ready faster than HOLD_DOWN) gets no more transitions than the
# policy allows: every demotion needs RISE_THRESHOLD good checks and
# HOLD_DOWN seconds in the active role. Then the flap breaker: the
# transition after FLAP_MAX within FLAP_WINDOW is refused, the node is
# latched in its role (LATCHED='1', loud log, a "latch" hook) and stays so,
# whatever the primary does, until `ocf-watch --reset`.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 24700) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD
hook_install

# --- 1. hold-down ------------------------------------------------------------
HOLD_DOWN=2.5
export HOLD_DOWN
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'

# 10 periods of 0.5 s down, 0.8 s up: without a hold-down, each would be
# a promotion and a demotion (3 checks in a row take 0.2 s at
# FAST_INTERVAL, after up to CHECK_INTERVAL for the first)
t0=$(date +%s%3N)
i=0
while [ "$i" -lt 10 ]; do
	set_mode "$PMODE" error500
	sleep 0.5
	set_mode "$PMODE" ready
	sleep 0.8
	i=$((i + 1))
done
test_ok 'after the flapping, the primary is ready: the standby is demoted' \
	wait_until 10 state_is ROLE standby || show_log
t1=$(date +%s%3N)
n=$(state_get TRANSITIONS)
# the hooks run just after the state is saved: wait for the last line
hooked() {
	[ "$(grep -c -E '^(promote|demote) ' "$TMP/events")" -ge "$n" ]
}
wait_until 5 hooked
np=$(grep -c '^promote ' "$TMP/events")
nd=$(grep -c '^demote ' "$TMP/events")
printf '# %s transitions (%s promotions, %s demotions) in %s ms of flapping\n' \
	"$n" "$np" "$nd" $((t1 - t0))
test_ok 'the flapping was noticed (at least one promotion)' test "$np" -ge 1
test_cmp_str 'TRANSITIONS counts every promotion and demotion' \
	"$n" $((np + nd))
# each demotion needs HOLD_DOWN after its promotion: at most one
# promotion-demotion pair per HOLD_DOWN, plus the one still open
max=$(awk -v d=$((t1 - t0)) -v h="$HOLD_DOWN" \
	'BEGIN { printf "%d\n", 2 * int(d / 1000 / h + 1) + 1 }')
test_ok "no more transitions than the hold-down allows ($n <= $max)" \
	test "$n" -le "$max"
# from the hooks' clock: promotion to the next demotion >= HOLD_DOWN (the
# promotion hook runs a moment after LAST_TRANSITION: 0.1 s of slack)
gaps=$(awk -v h="$HOLD_DOWN" '
	$1 == "promote" { p = $6 }
	$1 == "demote" && p != "" { g = $6 - p; printf "%.2f%s ", g, g < h - 0.1 ? "(!)" : "" }
	' "$TMP/events")
printf '# promotion -> demotion gaps (s): %s\n' "$gaps"
case $gaps in
*'(!)'*)	test_cmp_str "every demotion at least HOLD_DOWN=$HOLD_DOWN s after its promotion" \
			'no gap marked (!)' "$gaps" ;;
*)		test_ok "every demotion at least HOLD_DOWN=$HOLD_DOWN s after its promotion" true ;;
esac
# (good checks go on counting during the hold-down: a demotion may come
# after more than RISE_THRESHOLD of them, never after fewer)
test_cmp_str 'every promotion after 3 failed checks, every demotion after 3 good ones or more' \
	'' "$(awk '($1 == "promote" && $4 != "fails=3") ||
		($1 == "demote" && substr($5, 7) + 0 < 3)' "$TMP/events")"
test_ok 'no gateway left on the standby' no_gateway
watch_kill TERM || bail_out 'the watcher does not stop'

# --- 2. the flap breaker -------------------------------------------------------
STATE_DIR=$TMP/state-breaker
HOLD_DOWN=0.5
FLAP_MAX=3
FLAP_WINDOW=600
export STATE_DIR HOLD_DOWN FLAP_MAX FLAP_WINDOW
: >"$TMP/events"
set_mode "$PMODE" ready
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'

set_mode "$PMODE" error500
test_ok 'flap 1: promoted' wait_until 10 state_is ROLE active || show_log
set_mode "$PMODE" ready
test_ok 'flap 2: demoted' wait_until 10 state_is ROLE standby || show_log
set_mode "$PMODE" error500
test_ok 'flap 3: promoted' wait_until 10 state_is ROLE active || show_log
set_mode "$PMODE" ready
test_ok 'a 4th transition within FLAP_WINDOW latches the node' \
	wait_until 10 state_is LATCHED 1 || show_log
test_cmp_str 'latched in the active role, 3 transitions, one gateway' \
	'active 3 1' "$(state_get ROLE) $(state_get TRANSITIONS) $(gateways)"
test_ok 'the gateway still answers ready' ready_at "$P2"
test_grep 'LAST_ERROR names the flap breaker and the way out' \
	'flap breaker.*ocf-watch --reset' "$STATE_DIR/state"
test_grep 'the latch is logged as an error' 'error: flap breaker' "$WLOG"
test_ok 'the hooks hear of the latch' \
	wait_until 5 grep -q '^latch active active ' "$TMP/events"

# whatever the primary does now, nothing moves
for m in ready error500 ready; do
	set_mode "$PMODE" "$m"
	sleep 1.5
done
test_cmp_str 'still latched and active after 4.5 s of changes, 3 transitions' \
	'1 active 3 1' "$(state_get LATCHED) $(state_get ROLE) $(state_get TRANSITIONS) $(gateways)"

test_expect_code 0 'ocf-watch --reset exits 0' ocf-watch --reset
test_grep 'and says so' 'flap breaker reset; role active' "$TMP/err"
test_cmp_str 'the latch is cleared' 0 "$(state_get LATCHED)"
test_ok 'the primary is ready: the watcher demotes again' \
	wait_until 10 state_is ROLE standby || show_log
test_cmp_str '4 transitions, no gateway' '4 0' \
	"$(state_get TRANSITIONS) $(gateways)"
test_ok 'the watcher is still running' pid_alive "$WATCH_PID"

test_done
