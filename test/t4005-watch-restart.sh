#!/bin/sh
# t4005-watch-restart.sh - ocf-watch is restart-safe: killed with -9 while
# active, while standby, in the middle of a promotion (the gateway started
# but not ready yet) and in the middle of a demotion (the gateway ignoring
# SIGTERM), a new ocf-watch resumes from the state file: it never starts a
# second gateway, never gives up the active role while the primary is down,
# finishes the interrupted transition, and needs nobody.
#
# The gateways are counted by the mark ocf puts in their environment
# (OCF_GATEWAY_OF=<state dir> in /proc/*/environ), so one that never made it
# into the state file is counted too.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 25400) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
SMODE=$TMP/standby.mode
set_mode "$PMODE" ready
set_mode "$SMODE" ready
srv_start primary "$P1" -f "$PMODE"
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -f $SMODE"
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD

# max_gateways SECONDS: sample the gateway count every 0.1 s; print the
# largest (a second gateway living a moment only is still caught)
max_gateways() {
	_mg_max=0 _mg_i=0
	while [ "$_mg_i" -lt $(($1 * 10)) ]; do
		_mg_n=$(gateways)
		[ "$_mg_n" -le "$_mg_max" ] || _mg_max=$_mg_n
		sleep 0.1
		_mg_i=$((_mg_i + 1))
	done
	printf '%s\n' "$_mg_max"
}

# --- kill -9 while active ----------------------------------------------------
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
set_mode "$PMODE" error500
test_ok 'the primary is down: promoted' \
	wait_until 10 state_is ROLE active || show_log
GW=$(state_get GATEWAY_PID)
watch_kill KILL || bail_out 'kill -9 did not end the watcher'
test_ok 'kill -9 of the watcher leaves the gateway running' ready_at "$P2"
LP=$(state_get LAST_PROBE)
watch_start ocf-watch -v
test_cmp_str 'restarted while active: never more than one gateway (2 s)' 1 \
	"$(max_gateways 2)"
test_cmp_str 'one process group carries the mark' 1 "$(marked_pgids | wc -l)"
test_cmp_str 'still active, same gateway, still one transition' \
	"active $GW 1" \
	"$(state_get ROLE) $(state_get GATEWAY_PID) $(state_get TRANSITIONS)"
test_ok 'the restarted watcher checks again' \
	awk -v a="$LP" -v b="$(state_get LAST_PROBE)" 'BEGIN { exit !(b > a) }' 
# a second watcher of the same node would undo the first one's transitions
# (bounded: one that is not refused runs on, and timeout says 124)
test_expect_code 4 'a second ocf-watch of the same STATE_DIR is refused' \
	timeout 10 ocf-watch -v
timeout 10 ocf-watch -v 2>"$TMP/second.err"
test_grep '... naming the one that runs' \
	"another ocf-watch \\(pid $WATCH_PID\\) watches" "$TMP/second.err"
test_ok '... which runs on' pid_alive "$WATCH_PID"
test_cmp_str 'the gateway was started once' 1 \
	"$(grep -c 'started gateway' "$WLOG")"

# --- kill -9 while standby ---------------------------------------------------
set_mode "$PMODE" ready
test_ok 'the primary is back: demoted' \
	wait_until 10 state_is ROLE standby || show_log
watch_kill KILL || bail_out 'kill -9 did not end the watcher'
watch_start ocf-watch -v
test_cmp_str 'restarted while standby: no gateway appears (2 s)' 0 \
	"$(max_gateways 2)"
test_cmp_str 'still standby, two transitions' 'standby 2' \
	"$(state_get ROLE) $(state_get TRANSITIONS)"

# --- kill -9 during a promotion ----------------------------------------------
# the standby's gateway starts but answers "not ready" until told otherwise
set_mode "$SMODE" notready
set_mode "$PMODE" error500
test_ok 'promotion under way (TRANSITION=promote)' \
	wait_until 10 state_is TRANSITION promote || show_log
one_gateway() { [ "$(gateways)" = 1 ]; }
test_ok 'its gateway is running' wait_until 5 one_gateway
GW=$(state_get GATEWAY_PID)
watch_kill KILL || bail_out 'kill -9 did not end the watcher'
test_cmp_str 'the killed promotion is visible in the state' 'promote standby' \
	"$(state_get TRANSITION) $(state_get ROLE)"
watch_start ocf-watch -v
test_cmp_str 'restarted mid-promotion: the same one gateway (2 s)' 1 \
	"$(max_gateways 2)"
watch_kill KILL || bail_out 'kill -9 did not end the watcher'
watch_start ocf-watch -v
test_cmp_str 'killed and restarted again: still one gateway (1 s)' 1 \
	"$(max_gateways 1)"
set_mode "$SMODE" ready
test_ok 'the gateway becomes ready: the promotion completes' \
	wait_until 10 state_is ROLE active || show_log
test_cmp_str 'same gateway, transition cleared, one gateway' "$GW  1" \
	"$(state_get GATEWAY_PID) $(state_get TRANSITION) $(gateways)"
test_grep 'the interrupted promotion was repaired' \
	'repairing an interrupted promote' "$WLOG"
test_cmp_str 'three transitions' 3 "$(state_get TRANSITIONS)"
set_mode "$PMODE" ready
wait_until 10 state_is ROLE standby || bail_out 'no demotion'
watch_kill TERM || bail_out 'the watcher does not stop'

# --- kill -9 during a demotion -----------------------------------------------
# a gateway whose leader ignores SIGTERM (its server exits on it, so the
# port closes; the group lives on until SIGKILL after STOP_TIMEOUT)
cat >"$TMP/stubborn.sh" <<'SH'
trap '' TERM
"$1" -p "$2" -m ready &
i=0
while [ "$i" -lt 600 ]; do
	sleep 0.2
	i=$((i + 1))
done
SH
STATE_DIR=$TMP/state-stubborn
STOP_TIMEOUT=3
GATEWAY_CMD="/bin/sh $TMP/stubborn.sh $TEST_HELPERS/ocf-testsrv $P2"
export STATE_DIR STOP_TIMEOUT GATEWAY_CMD
set_mode "$PMODE" error500
watch_start ocf-watch -v
test_ok 'a stubborn gateway: promoted' \
	wait_until 10 state_is ROLE active || show_log
GW=$(state_get GATEWAY_PID)
set_mode "$PMODE" ready
test_ok 'demotion under way (TRANSITION=demote)' \
	wait_until 10 state_is TRANSITION demote || show_log
sleep 0.5
watch_kill KILL || bail_out 'kill -9 did not end the watcher'
test_ok 'the half-stopped gateway group is still there' pgrp_alive "$GW"
watch_start ocf-watch -v
test_ok 'restarted mid-demotion: the demotion is finished' \
	wait_until 15 state_is ROLE standby || show_log
test_ok 'the whole gateway group is gone' no_gateway
test_cmp_str 'transition cleared, two transitions' ' 2' \
	"$(state_get TRANSITION) $(state_get TRANSITIONS)"
test_grep 'the interrupted demotion was repaired' \
	'repairing an interrupted demote' "$WLOG"

# --- kill -9 at random instants ----------------------------------------------
# a gateway that takes 0.3 s to answer each readiness check, so that many
# kills land inside a promotion; the primary goes down and up in turn
watch_kill TERM || bail_out 'the watcher does not stop'
STATE_DIR=$TMP/state-random
STOP_TIMEOUT=5
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m late -r 300"
export STATE_DIR STOP_TIMEOUT GATEWAY_CMD
L0=$(wc -l <"$WLOG")
at_exit touch "$TMP/sampler.stop"
(
	i=0
	while [ "$i" -lt 400 ] && [ ! -e "$TMP/sampler.stop" ]; do
		gateways >>"$TMP/gateway.counts"
		sleep 0.05
		i=$((i + 1))
	done
) &
SEED=${OCF_TEST_SEED:-$$}
printf '# random kills: seed %s (OCF_TEST_SEED=%s to repeat)\n' "$SEED" "$SEED"
delays=$(awk -v s="$SEED" 'BEGIN { srand(s); for (i = 0; i < 12; i++) printf "%.2f ", 0.1 + rand() * 1.1 }')
i=0
for d in $delays; do
	if [ $((i % 2)) = 0 ]; then set_mode "$PMODE" error500; else set_mode "$PMODE" ready; fi
	watch_start ocf-watch -v
	sleep "$d"
	watch_kill KILL || bail_out 'kill -9 did not end the watcher'
	i=$((i + 1))
done
set_mode "$PMODE" error500
watch_start ocf-watch -v
test_ok 'after 12 kills at random instants: the primary is down, active' \
	wait_until 10 state_is ROLE active || show_log
test_ok 'its gateway answers ready' wait_until 5 ready_at "$P2"
set_mode "$PMODE" ready
test_ok 'the primary is back: standby' \
	wait_until 10 state_is ROLE standby || show_log
: >"$TMP/sampler.stop"
test_ok 'and no gateway' no_gateway
test_cmp_str 'never two gateways at once' '' \
	"$(grep -v '^[01]$' "$TMP/gateway.counts" | sort -u | paste -sd' ' -)"
printf '# %s samples; %s repairs of an interrupted transition\n' \
	"$(wc -l <"$TMP/gateway.counts")" \
	"$(tail -n +$((L0 + 1)) "$WLOG" | grep -c 'repairing an interrupted')"

test_done
