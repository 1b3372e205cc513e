#!/bin/sh
# t7014-safety-latch.sh - issue 10, item 5: a latched flap breaker freezes
# the ROLE, not the gateway.
#   1. latched in the active role, the primary down, the local gateway
#      killed (SIGKILL to its process group): ocf-watch starts it again;
#      LATCHED stays '1', ROLE 'active' (no transition: TRANSITIONS stays).
#   2. latched in the standby role, a stray gateway of ours (a process
#      carrying OCF_GATEWAY_OF=<STATE_DIR>, owned by root), the primary
#      ready: ocf-watch stops it; LATCHED stays '1', ROLE 'standby'.  The
#      watcher is started after the stray appears, so its first check (the
#      one that reconciles today) sees it: only the latch is under test.
# The latch is produced for real, by a flapping primary (as t4003).

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 28700) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
HOLD_DOWN=0.5
FLAP_WINDOW=600
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD HOLD_DOWN FLAP_WINDOW

# flap DESC MODE ROLE: the primary turns MODE, the watcher reaches ROLE
flap() {
	set_mode "$PMODE" "$2"
	wait_until 10 state_is ROLE "$3" || {
		show_log
		bail_out "$1: the watcher did not reach ROLE=$3"
	}
}

# --- 1. latched active: a dead gateway is started again ----------------------------

STATE_DIR=$TMP/state-active
FLAP_MAX=3
export STATE_DIR FLAP_MAX
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
flap 'flap 1' error500 active
flap 'flap 2' ready standby
flap 'flap 3' error500 active
set_mode "$PMODE" ready
test_ok 'latched: the 4th transition within FLAP_WINDOW is refused' \
	wait_until 10 state_is LATCHED 1 || show_log
test_cmp_str 'latched active, 3 transitions, one gateway' 'active 3 1' \
	"$(state_get ROLE) $(state_get TRANSITIONS) $(gateways)"

set_mode "$PMODE" error500
test_ok 'the primary goes down again; the watcher sees it' \
	wait_until 5 state_is PRIMARY critical || show_log
pg=$(state_get GATEWAY_PID)
case $pg in
''|0|1|*[!0-9]*)	bail_out "no gateway process group in the state: '$pg'" ;;
esac
kill -s KILL -- "-$pg" || bail_out "cannot kill process group $pg"
test_ok 'the local gateway is dead (SIGKILL to its group)' \
	wait_until 5 eval "! pgrp_alive $pg"
test_ok 'ocf-watch starts it again: GATEWAY_URL answers ready within 10 s' \
	wait_until 10 ready_at "$P2" || show_log
test_cmp_str 'still latched and active' '1 active' \
	"$(state_get LATCHED) $(state_get ROLE)"
test_cmp_str 'a restart is no transition: TRANSITIONS stays 3' 3 \
	"$(state_get TRANSITIONS)"
test_ok 'one gateway, a new process group recorded' \
	eval "[ \"\$(gateways)\" = 1 ] && [ \"\$(state_get GATEWAY_PID)\" != $pg ]"
watch_kill TERM || bail_out 'the watcher does not stop'
kill_marked
wait_until 5 port_free "$P2" || bail_out "port $P2 stays busy"

# --- 2. latched standby: a stray gateway of ours is stopped --------------------------

STATE_DIR=$TMP/state-standby
FLAP_MAX=2
export STATE_DIR FLAP_MAX
set_mode "$PMODE" ready
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
flap 'flap 1' error500 active
flap 'flap 2' ready standby
set_mode "$PMODE" error500
test_ok 'latched: the 3rd transition within FLAP_WINDOW is refused' \
	wait_until 10 state_is LATCHED 1 || show_log
test_cmp_str 'latched standby, 2 transitions, no gateway' 'standby 2 0' \
	"$(state_get ROLE) $(state_get TRANSITIONS) $(gateways)"
watch_kill TERM || bail_out 'the watcher does not stop'

# the stray: ocf-testsrv marked as this node's gateway, in a session of its
# own (as ocf starts one), owned by us (root in CI)
rm -f "$TMP/stray.pid"
(
	env OCF_GATEWAY_OF="$STATE_DIR" setsid "$TEST_HELPERS/ocf-testsrv" \
		-p "$P2" -m ready -P "$TMP/stray.pid" </dev/null \
		>>"$TMP/stray.log" 2>&1 &
)
wait_until 5 test -s "$TMP/stray.pid" || bail_out 'the stray gateway did not start'
track_pgid "$(cat "$TMP/stray.pid")"
test_cmp_str 'a stray gateway of ours runs and answers ready' '1 200' \
	"$(gateways) $(http_code "$P2" /readyz)"

set_mode "$PMODE" ready
watch_start ocf-watch -v
test_ok 'the primary is ready: ocf-watch stops the stray within 10 s' \
	wait_until 10 no_gateway || show_log
test_ok 'its port is closed' wait_until 5 port_free "$P2"
test_cmp_str 'still latched standby, 2 transitions' '1 standby 2' \
	"$(state_get LATCHED) $(state_get ROLE) $(state_get TRANSITIONS)"
test_ok 'the watcher is still running' pid_alive "$WATCH_PID"

test_done
