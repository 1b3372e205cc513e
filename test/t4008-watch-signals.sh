#!/bin/sh
# t4008-watch-signals.sh - signals and systemd. SIGTERM and SIGINT end
# ocf-watch promptly (mid-sleep) with exit 0, leaving the gateway in its
# role for the next start; a transition under way is finished first. SIGHUP
# re-reads the -c file (a bad file is refused, the old configuration kept).
# Without -v, a healthy primary logs nothing per check. With NOTIFY_SOCKET
# (systemd Type=notify) the watcher sends READY=1, STATUS=, STOPPING=1, and
# WATCHDOG=1 at least every WATCHDOG_USEC/2, also while it demotes.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 26450) || bail_out 'no free port for the primary'
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

# stop_timed SIGNAL: signal the watcher; r="RC MS": its exit code and how
# many ms it took to exit (RC -1: still running after 5 s). Not in $(...):
# only this shell can reap the watcher.
stop_timed() {
	_st_t0=$(date +%s%3N)
	watch_kill "$1" 5
	r="$WATCH_RC $(($(date +%s%3N) - _st_t0))"
}

# prompt "RC MS": exit 0 within a second
prompt() {
	[ "${1%% *}" = 0 ] && [ "${1#* }" -lt 1000 ]
}

# fails_at_least N: the state counts N failed checks or more
fails_at_least() {
	[ "$(state_get FAILS)" -ge "$1" ]
}

# --- SIGTERM and SIGINT ------------------------------------------------------
# a long CHECK_INTERVAL: the signal must cut the sleep short
CHECK_INTERVAL=5
export CHECK_INTERVAL
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
sleep 0.5
stop_timed TERM
printf '# SIGTERM while standby: exit code and ms: %s\n' "$r"
test_ok 'SIGTERM while standby, mid-sleep: exit 0 within 1 s' prompt "$r"
test_grep 'it says the gateway stays as it is' \
	'stopping; the gateway stays as it is' "$WLOG"
test_cmp_str 'standby, no gateway' 'standby 0' "$(state_get ROLE) $(gateways)"

CHECK_INTERVAL=0.3
export CHECK_INTERVAL
set_mode "$PMODE" error500
watch_start ocf-watch -v
wait_until 10 state_is ROLE active || bail_out 'no promotion'
GW=$(state_get GATEWAY_PID)
stop_timed TERM
test_ok "SIGTERM while active: exit 0 within 1 s ($r)" prompt "$r"
test_cmp_str 'the gateway keeps running, the role stays active' \
	"active 1 200" "$(state_get ROLE) $(gateways) $(http_code "$P2" /readyz)"
watch_start ocf-watch -v
sleep 1
stop_timed INT
test_ok "restarted, then SIGINT: exit 0 within 1 s ($r)" prompt "$r"
test_cmp_str 'same gateway, still active, still one transition' \
	"active $GW 1 1" \
	"$(state_get ROLE) $(state_get GATEWAY_PID) $(gateways) $(state_get TRANSITIONS)"

# SIGTERM in the middle of a demotion and of a promotion: finished first
set_mode "$PMODE" ready
set_mode "$SMODE" notready
watch_start ocf-watch -v
test_ok 'the primary is back: demoted' \
	wait_until 10 state_is ROLE standby || show_log
set_mode "$PMODE" error500
test_ok 'promotion under way, its gateway not ready yet' \
	wait_until 10 state_is TRANSITION promote || show_log
kill -s TERM "$WATCH_PID"
sleep 1
test_ok 'SIGTERM during the promotion: the watcher finishes it first' \
	pid_alive "$WATCH_PID"
set_mode "$SMODE" ready
test_ok 'the gateway gets ready: the watcher exits' wait_until 10 watch_gone
stop_timed TERM
test_cmp_str 'with exit 0, the promotion complete' '0 active  1' \
	"${r%% *} $(state_get ROLE) $(state_get TRANSITION) $(gateways)"

# --- SIGHUP ------------------------------------------------------------------
unset FAIL_THRESHOLD
CONF=$TMP/ocf.conf
printf '# test\nFAIL_THRESHOLD=1000\n' >"$CONF"
set_mode "$PMODE" ready
watch_start ocf-watch -v -c "$CONF"
test_ok 'FAIL_THRESHOLD=1000 from the file: the primary is back, demoted' \
	wait_until 10 state_is ROLE standby || show_log
set_mode "$PMODE" error500
test_ok 'the primary is down: failures pile up' \
	wait_until 10 fails_at_least 6
test_cmp_str 'no promotion (FAIL_THRESHOLD=1000)' standby "$(state_get ROLE)"
printf '# test\nFAIL_THRESHOLD=2\n' >"$CONF"
kill -s HUP "$WATCH_PID"
test_ok 'SIGHUP with FAIL_THRESHOLD=2: promoted' \
	wait_until 10 state_is ROLE active || show_log
test_grep 'the reload is logged' 'configuration reloaded' "$WLOG"
printf '# test\nFAIL_THRESHOLD=0\n' >"$CONF"
kill -s HUP "$WATCH_PID"
test_ok 'SIGHUP with a bad file: refused' \
	wait_until 5 grep -q 'configuration not reloaded; keeping the old one' "$WLOG"
test_grep 'the error names the file, the line, the key and the range' \
	"$CONF:2: FAIL_THRESHOLD: .*1\\.\\.1000" "$WLOG"
test_ok 'the watcher carries on' pid_alive "$WATCH_PID"
set_mode "$PMODE" ready
test_ok 'with the old configuration: demoted when the primary is back' \
	wait_until 10 state_is ROLE standby || show_log
watch_kill TERM
FAIL_THRESHOLD=3
export FAIL_THRESHOLD

# --- quiet when healthy ------------------------------------------------------
: >"$WLOG"
watch_start ocf-watch
sleep 2
watch_kill TERM
printf '# the log of 2 s of healthy checks without -v:\n'
sed 's/^/#   /' "$WLOG"
test_cmp_str 'without -v: no line per healthy check' 1 \
	"$(grep -c 'primary ok' "$WLOG")"
test_cmp_str 'and no debug line' 0 "$(grep -c 'debug:' "$WLOG")"

# --- systemd notify and the watchdog -----------------------------------------
if ! command -v python3 >/dev/null 2>&1 ||
   ! python3 -c 'import socket; socket.AF_UNIX' >/dev/null 2>&1; then
	test_skip 'sd_notify: READY, STATUS, WATCHDOG, STOPPING' \
		'python3 (the datagram receiver) is missing'
	test_done
fi
# a receiver for the datagrams: "EPOCH_MS MESSAGE" lines, bounded to 60 s
cat >"$TMP/recv.py" <<'PY'
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
end = time.time() + 60
with open(sys.argv[2], "a") as f:
    while time.time() < end and not os.path.exists(sys.argv[3]):
        try:
            d = s.recv(4096)
        except socket.timeout:
            continue
        f.write("%d %s\n" % (time.time() * 1000,
                d.decode("utf-8", "replace").replace("\n", "|")))
        f.flush()
PY
python3 "$TMP/recv.py" "$TMP/notify.sock" "$TMP/notify.log" "$TMP/recv.stop" &
RECV=$!
recv_stop() {
	: >"$TMP/recv.stop"
	kill "$RECV" 2>/dev/null
	return 0
}
at_exit recv_stop
wait_until 5 test -S "$TMP/notify.sock" || bail_out 'the receiver did not start'

# a gateway that ignores SIGTERM (its server exits, the group lives on) so
# that the demotion waits STOP_TIMEOUT for it, then kills it
cat >"$TMP/stubborn.sh" <<'SH'
trap '' TERM
"$1" -p "$2" -m ready &
i=0
while [ "$i" -lt 600 ]; do
	sleep 0.2
	i=$((i + 1))
done
SH
STATE_DIR=$TMP/state-notify
STOP_TIMEOUT=2.5
GATEWAY_CMD="/bin/sh $TMP/stubborn.sh $TEST_HELPERS/ocf-testsrv $P2"
export STATE_DIR STOP_TIMEOUT GATEWAY_CMD
set_mode "$PMODE" ready
NOTIFY_SOCKET=$TMP/notify.sock WATCHDOG_USEC=1000000 \
	watch_start ocf-watch -v
# (before the first check, which may be a long promotion: t8001)
test_ok 'READY=1' wait_until 5 grep -q ' READY=1$' "$TMP/notify.log"
test_grep 'STATUS= tells the role and the verdict' \
	' STATUS=standby; primary ok$' "$TMP/notify.log"
set_mode "$PMODE" error500
wait_until 10 state_is ROLE active || bail_out 'no promotion'
test_ok 'the gateway runs' pid_alive "$(state_get GATEWAY_PID)"
test_cmp_str 'the gateway does not inherit NOTIFY_SOCKET' '' \
	"$(tr '\0' '\n' <"/proc/$(state_get GATEWAY_PID)/environ" 2>/dev/null |
		grep -E '^(NOTIFY_SOCKET|WATCHDOG_USEC)=')"
test_grep 'STATUS= follows the promotion' ' STATUS=active; primary critical$' \
	"$TMP/notify.log"
set_mode "$PMODE" ready
test_ok 'demoted, the stubborn gateway killed after STOP_TIMEOUT' \
	wait_until 15 state_is ROLE standby || show_log
sleep 1
stop_timed TERM
test_ok 'STOPPING=1 on SIGTERM' \
	wait_until 2 grep -q ' STOPPING=1$' "$TMP/notify.log"
# the largest gap between two WATCHDOG=1, from READY=1 to STOPPING=1
gap=$(awk '/ READY=1$/ { on = 1; last = $1 }
	on && / WATCHDOG=1$/ { if ($1 - last > max) max = $1 - last; last = $1 }
	/ STOPPING=1$/ { if (on && $1 - last > max) max = $1 - last; on = 0 }
	END { print max + 0 }' "$TMP/notify.log")
printf '# WATCHDOG=1 messages: %s; largest gap %s ms (WATCHDOG_USEC=1 s)\n' \
	"$(grep -c ' WATCHDOG=1$' "$TMP/notify.log")" "$gap"
test_ok 'WATCHDOG=1 never more than WATCHDOG_USEC apart, demotion included' \
	test "$gap" -le 1000 || {
	printf '# notify messages around the gap:\n'
	awk '!/WATCHDOG/ || NR % 5 == 0' "$TMP/notify.log" | sed 's/^/#   /'
	show_log
}

test_done
