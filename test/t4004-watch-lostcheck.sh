#!/bin/sh
# t4004-watch-lostcheck.sh - what counts towards a promotion. A single
# failed check between good ones (an HTTP 500, a timeout) never promotes,
# nor do FAIL_THRESHOLD-1 failures in a row; a primary that is live but not
# ready does not count with the default FAIL_ON=down, does with
# FAIL_ON=notready after NOTREADY_GRACE; a draining primary (/health 200,
# /readyz 503 "gateway-draining") counts as down.
#
# The failures are injected one check at a time: the test switches the
# primary (ocf-testsrv -f) to a failing mode, waits until the state file
# shows the failure counted, and switches it back. FAST_INTERVAL is 0.5 s
# here, not 0.1 s, so that the switch back always beats the next check.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 25050) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
FAST_INTERVAL=0.5
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
export FAST_INTERVAL PRIMARY_URL GATEWAY_URL GATEWAY_CMD
hook_install

# inject N MODE: N checks in a row see MODE, then the primary is ready again
# and its next check is counted good
inject() {
	set_mode "$PMODE" "$2"
	wait_until 5 state_is FAILS "$1" || {
		set_mode "$PMODE" ready
		return 1
	}
	set_mode "$PMODE" ready
	wait_until 5 state_is RISES 1
}

watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'

ok=0
i=0
while [ "$i" -lt 5 ]; do
	inject 1 error500 && ok=$((ok + 1))
	i=$((i + 1))
done
test_cmp_str 'five single failed checks (HTTP 500), each between good ones' 5 "$ok"
test_cmp_str 'no promotion' 'standby 0 0' \
	"$(state_get ROLE) $(state_get TRANSITIONS) $(gateways)"
test_cmp_str 'each was counted as "failed check 1/3" and then forgotten' \
	'5 0' "$(grep -c 'failed check 1/3' "$WLOG") $(grep -c 'failed check 2/3' "$WLOG")"

test_ok 'a single check that times out (the primary hangs)' inject 1 hang
test_grep 'it was a timeout' 'primary critical: .*(timed out|[Tt]imeout)' "$WLOG"
test_ok 'two failed checks in a row (FAIL_THRESHOLD - 1)' inject 2 error500
test_cmp_str 'still no promotion' 'standby 0 0' \
	"$(state_get ROLE) $(state_get TRANSITIONS) $(gateways)"

# live but not ready: /health 200, /readyz 503 (startup-sidecars, channels)
set_mode "$PMODE" notready
sleep 2
set_mode "$PMODE" channel
sleep 2
test_cmp_str 'a primary live but not ready for 4 s does not count (FAIL_ON=down)' \
	'warning 0 standby 0' \
	"$(state_get PRIMARY) $(state_get FAILS) $(state_get ROLE) $(gateways)"
test_grep 'the verdict names what fails' \
	'primary warning: live but not ready \(failing: .*telegram' "$WLOG"
set_mode "$PMODE" ready
wait_until 5 state_is PRIMARY ok || bail_out 'the primary is not seen ready again'

# draining: /health still 200, but the gateway is going away
set_mode "$PMODE" draining
test_ok 'a draining primary counts as down: promotion' \
	wait_until 10 state_is ROLE active || show_log
test_cmp_str "the primary's /health still answers 200" 200 \
	"$(http_code "$P1" /health)"
test_grep 'the verdict says draining' 'primary critical: draining' "$WLOG"
test_ok 'promoted after exactly FAIL_THRESHOLD failed checks' \
	wait_until 5 grep -q '^promote standby active fails=3 ' "$TMP/events"
test_ok 'the standby gateway answers ready' ready_at "$P2"
set_mode "$PMODE" ready
test_ok 'the primary is ready again: demotion' \
	wait_until 10 state_is ROLE standby || show_log
test_cmp_str 'two transitions, no gateway' '2 0' \
	"$(state_get TRANSITIONS) $(gateways)"

# FAIL_ON=notready: a primary not ready for NOTREADY_GRACE counts as down
watch_kill TERM || bail_out 'the watcher does not stop'
FAIL_ON=notready
NOTREADY_GRACE=1.5
export FAIL_ON NOTREADY_GRACE
: >"$TMP/events"
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
t0=$(date +%s%3N)
set_mode "$PMODE" notready
test_ok 'FAIL_ON=notready: a primary not ready past the grace is promoted over' \
	wait_until 10 state_is ROLE active || show_log
# the hooks run just after the state is saved: wait for the line
wait_until 5 grep -q '^promote ' "$TMP/events"
t1=$(awk '$1 == "promote" { printf "%.0f\n", $6 * 1000 }' "$TMP/events")
printf '# not ready -> promoted: %s ms (NOTREADY_GRACE=%s s)\n' \
	$((t1 - t0)) "$NOTREADY_GRACE"
test_ok 'but not before NOTREADY_GRACE' test $((t1 - t0)) -ge 1500

test_done
