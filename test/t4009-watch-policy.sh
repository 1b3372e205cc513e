#!/bin/sh
# t4009-watch-policy.sh - the failback policy and the operator's hand.
# FAILBACK=manual: the node stays active after the primary returns, until
# someone runs ocf-demote; FAILBACK=delayed: the primary must stay ready for
# FAILBACK_DELAY first. Maintenance mode (ocf-promote -M on) pauses the
# watcher: no promotion while the primary is down, no demotion while it is
# back; -M off resumes. The tools share the lock with the watcher: a manual
# command is never refused just because a routine check is being counted.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 26800) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD
hook_install

# tool CMD...: run an ocf tool; a refusal because the watcher holds the lock
# for a check (exit 4, "another transition is running") is retried, up to
# 20 times: that race is tested on its own at the end
tool() {
	_tl_i=0
	while :; do
		"$@" >"$TMP/tool.out" 2>"$TMP/tool.err"
		_tl_rc=$?
		[ "$_tl_rc" = 4 ] && [ "$_tl_i" -lt 20 ] &&
			grep -q 'another transition is running' "$TMP/tool.err" ||
			return "$_tl_rc"
		_tl_i=$((_tl_i + 1))
		sleep 0.05
	done
}

# --- FAILBACK=manual ---------------------------------------------------------
FAILBACK=manual
export FAILBACK
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
set_mode "$PMODE" error500
test_ok 'FAILBACK=manual: promoted when the primary is down' \
	wait_until 10 state_is ROLE active || show_log
set_mode "$PMODE" ready
sleep 3
test_cmp_str 'the primary ready for 3 s (> HOLD_DOWN): still active' \
	'active ok 1' "$(state_get ROLE) $(state_get PRIMARY) $(gateways)"
test_ok 'the good checks are counted all the same' \
	test "$(state_get RISES)" -ge 3
test_expect_code 0 'the operator fails back: ocf-demote exits 0' tool ocf-demote -q
test_cmp_str 'standby, no gateway' 'standby 0' "$(state_get ROLE) $(gateways)"
sleep 1
test_cmp_str 'the watcher leaves it so' 'standby 2' \
	"$(state_get ROLE) $(state_get TRANSITIONS)"
watch_kill TERM || bail_out 'the watcher does not stop'

# --- FAILBACK=delayed --------------------------------------------------------
FAILBACK=delayed
FAILBACK_DELAY=2
export FAILBACK FAILBACK_DELAY
: >"$TMP/events"
watch_start ocf-watch -v
set_mode "$PMODE" error500
test_ok 'FAILBACK=delayed: promoted' \
	wait_until 10 state_is ROLE active || show_log
sleep 1.2	# past HOLD_DOWN: only the delay holds now
t0=$(date +%s%3N)
set_mode "$PMODE" ready
test_ok 'demoted once the primary has been ready for FAILBACK_DELAY' \
	wait_until 10 state_is ROLE standby || show_log
# the hooks run just after the state is saved: wait for the line
wait_until 5 grep -q '^demote ' "$TMP/events"
t1=$(awk '$1 == "demote" { printf "%.0f\n", $6 * 1000 }' "$TMP/events")
printf '# primary ready -> demoted: %s ms (FAILBACK_DELAY=%s s)\n' \
	$((t1 - t0)) "$FAILBACK_DELAY"
test_ok 'not before FAILBACK_DELAY' test $((t1 - t0)) -ge 2000
test_ok 'nor much later' test $((t1 - t0)) -le 3500
watch_kill TERM || bail_out 'the watcher does not stop'
FAILBACK=auto
export FAILBACK

# --- maintenance -------------------------------------------------------------
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
test_expect_code 0 'ocf-promote -M on while the watcher runs' \
	tool ocf-promote -q -M on
test_cmp_str 'MAINTENANCE=1' 1 "$(state_get MAINTENANCE)"
set_mode "$PMODE" error500
sleep 2
test_cmp_str 'the primary down for 2 s in maintenance: no promotion' \
	'critical standby 0' "$(state_get PRIMARY) $(state_get ROLE) $(gateways)"
test_ok 'the failures are still counted' test "$(state_get FAILS)" -ge 5
test_expect_code 0 'ocf-promote -M off' tool ocf-promote -q -M off
test_ok 'out of maintenance: promoted' \
	wait_until 5 state_is ROLE active || show_log
test_expect_code 0 'maintenance on again, while active' \
	tool ocf-demote -q -M on
set_mode "$PMODE" ready
sleep 2.5
test_cmp_str 'the primary back for 2.5 s in maintenance: no demotion' \
	'ok active 1' "$(state_get PRIMARY) $(state_get ROLE) $(gateways)"
test_expect_code 0 'ocf-demote -M off' tool ocf-demote -q -M off
test_ok 'out of maintenance: demoted' \
	wait_until 5 state_is ROLE standby || show_log

# --- a manual, forced promotion while the watcher runs (a drill) -------------
test_expect_code 0 'ocf-promote --force while the primary is ready' \
	tool ocf-promote -q --force
test_cmp_str 'active, one gateway' 'active 1' "$(state_get ROLE) $(gateways)"
test_ok 'the watcher hands back to the ready primary after HOLD_DOWN' \
	wait_until 10 state_is ROLE standby || show_log
test_ok 'no gateway' no_gateway

# --- the lock: a routine check is no transition ------------------------------
# The watcher holds the state lock for a moment at every check; a manual
# command that arrives then must wait for it, not be refused (exit 4 is
# for a real transition in progress). Checks every 0.05 s, 50 commands.
watch_kill TERM || bail_out 'the watcher does not stop'
CHECK_INTERVAL=0.05
export CHECK_INTERVAL
watch_start ocf-watch
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
refused=0
i=0
while [ "$i" -lt 50 ]; do
	ocf-promote -q -M off 2>>"$TMP/race.err"
	[ $? = 4 ] && refused=$((refused + 1))
	i=$((i + 1))
done
test_cmp_str 'ocf-promote -M off x50 during routine checks: never refused' \
	0 "$refused" || sed -n '1,3s/^/# /p' "$TMP/race.err"

test_done
