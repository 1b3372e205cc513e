#!/bin/sh
# t4001-watch-kill.sh - ocf-watch with the real OpenClaw gateway on both
# sides: kill -9 of the primary's whole process group promotes the standby
# (its gateway answers /readyz 200); starting the primary again demotes the
# standby and its gateway's process group is gone.

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/gateway.sh"

. "$SRCDIR/test/watcher.sh"

gw_install || bail_out 'cannot install the OpenClaw gateway'
P1=$(pick_port 24000 110) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120)) 110) || bail_out 'no free port for the standby'

# a real gateway stops in about 5 s after SIGTERM; starts in about 7 s
READY_TIMEOUT=90
STOP_TIMEOUT=30
HOLD_DOWN=2
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD=$(gw_cmdline standby "$P2") || bail_out 'no gateway command line'
export READY_TIMEOUT STOP_TIMEOUT HOLD_DOWN PRIMARY_URL GATEWAY_URL GATEWAY_CMD

gw_start primary "$P1" || bail_out 'cannot start the primary gateway'
gw_wait_ready "$P1" 90 || bail_out "the primary is not ready after 90 s (see $TMP/primary.log)"

watch_start ocf-watch -v
test_ok 'the watcher sees the ready primary and stays standby' \
	wait_until 10 state_is PRIMARY ok || show_log
test_cmp_str 'role standby' standby "$(state_get ROLE)"
test_cmp_str 'no gateway runs on the standby' 0 "$(gateways)"

# kill -9 of the primary's whole group: no drain, the port just closes
t0=$(date +%s%3N)
gw_kill primary KILL
test_ok 'kill -9 of the primary: the standby is promoted' \
	wait_until 60 state_is ROLE active || show_log
test_ok 'the promoted standby gateway answers /readyz 200' \
	gw_wait_ready "$P2" 5
t1=$(date +%s%3N)
printf '# primary killed -> standby /readyz 200: %s ms\n' $((t1 - t0))
test_cmp_str 'exactly one gateway instance for the state dir' 1 "$(gateways)"
printf '# its processes (pid ppid pgid): %s\n' "$(marked_procs | paste -sd, -)"
test_cmp_str 'one transition counted' 1 "$(state_get TRANSITIONS)"
test_grep 'the promotion is logged with its reason' \
	'the primary is down: promoting' "$WLOG"
test_cmp_str 'the recorded gateway group is the marked one' \
	"$(gateway_roots)" "$(state_get GATEWAY_PID)"
SGW=$(state_get GATEWAY_PID)

# the primary comes back: after RISE_THRESHOLD good checks and HOLD_DOWN
gw_start primary "$P1" || bail_out 'cannot start the primary gateway again'
gw_wait_ready "$P1" 90 || bail_out 'the restarted primary is not ready after 90 s'
test_ok 'the primary is back: the standby is demoted' \
	wait_until 60 state_is ROLE standby || show_log
test_ok "the standby's gateway group $SGW is gone" \
	wait_until 5 _gw_gone "$SGW"
test_cmp_str 'no process carries the gateway mark any more' 0 "$(gateways)"
test_cmp_str "nothing answers on the standby's gateway port" 000 \
	"$(http_code "$P2" /readyz)"
test_cmp_str 'two transitions counted' 2 "$(state_get TRANSITIONS)"
test_ok 'the primary is still ready' ready_at "$P1"
test_ok 'the watcher is still running' pid_alive "$WATCH_PID"

test_done
