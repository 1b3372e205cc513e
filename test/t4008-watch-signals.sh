#!/bin/sh
# t4008-watch-signals.sh - signals and systemd. SIGTERM and SIGINT end
# ocf-watch promptly (mid-sleep) with exit 0, leaving the gateway in its
# role for the next start; a transition under way is finished first. SIGHUP
# re-reads the -c file (a bad file is refused, the old configuration kept).
# Without -v, a healthy primary logs nothing per check. With NOTIFY_SOCKET
# (systemd Type=notify) the watcher sends READY=1, STATUS=, STOPPING=1, and
# WATCHDOG=1 at least every WATCHDOG_USEC/2, also while it demotes.

. "$(dirname "$0")/lib.sh"

# --- helpers shared by the t40xx ocf-watch tests ---------------------------
# (copied into each t40xx file: a helper file in test/ named t*.sh would be
# run as a test itself)

# The systemd variables ocf-watch obeys (lib.sh scrubs the ocf keys only):
# a NOTIFY_SOCKET or JOURNAL_STREAM from the caller must not reach it.
for _k in NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID JOURNAL_STREAM; do
	unset "$_k"
done
for _k in ocf-watch ocf-promote ocf-demote test/helpers/ocf-testsrv; do
	[ -x "$OCF_BIN/$_k" ] || bail_out "$OCF_BIN/$_k is missing (build first)"
done
unset _k

STATE_DIR=$TMP/state
OPENCLAW_USER=
WORKSPACE=$TMP/none
HOOKS_DIR=$TMP/hooks
CHECK_INTERVAL=0.3
FAST_INTERVAL=0.1
FAIL_THRESHOLD=3
RISE_THRESHOLD=3
PROBE_TIMEOUT=0.5
HOLD_DOWN=1
READY_TIMEOUT=20
STOP_TIMEOUT=5
FLAP_MAX=1000
export STATE_DIR OPENCLAW_USER WORKSPACE HOOKS_DIR CHECK_INTERVAL \
	FAST_INTERVAL FAIL_THRESHOLD RISE_THRESHOLD PROBE_TIMEOUT HOLD_DOWN \
	READY_TIMEOUT STOP_TIMEOUT FLAP_MAX
WLOG=$TMP/watch.log
WATCH_PID=

# state_is KEY VALUE: the state file says KEY=VALUE
state_is() {
	[ "$(state_get "$1")" = "$2" ]
}

# set_mode FILE MODE: switch an ocf-testsrv -f FILE atomically (a reader
# never sees a half-written file)
set_mode() {
	printf '%s\n' "$2" >"$1.tmp" && mv -f "$1.tmp" "$1"
}

# srv_start NAME PORT [ARG...]: ocf-testsrv in a group of its own, pid in
# $TMP/NAME.pid once it listens, tracked for cleanup
srv_start() {
	_ss_n=$1 _ss_p=$2
	shift 2
	rm -f "$TMP/$_ss_n.pid"
	(
		setsid ocf-testsrv -p "$_ss_p" -P "$TMP/$_ss_n.pid" "$@" \
			</dev/null >>"$TMP/$_ss_n.log" 2>&1 &
	)
	wait_until 5 test -s "$TMP/$_ss_n.pid" ||
		bail_out "ocf-testsrv $_ss_n did not start on port $_ss_p"
	track_pgid "$(cat "$TMP/$_ss_n.pid")"
}

# http_code PORT PATH: the HTTP status of GET 127.0.0.1:PORT/PATH (000: none)
http_code() {
	curl -s -o /dev/null -m 1 --noproxy '*' -w '%{http_code}' \
		"http://127.0.0.1:$1$2"
}

# ready_at PORT: /readyz on 127.0.0.1:PORT answers 200
ready_at() {
	[ "$(http_code "$1" /readyz)" = 200 ]
}

# pid_alive PID: PID exists and is not a zombie
pid_alive() {
	_pa_s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	case $_pa_s in
	''|Z*|X*)	return 1 ;;
	esac
	return 0
}

# marked_procs: "PID PPID PGID" of every live process that carries
# OCF_GATEWAY_OF=$STATE_DIR in its environment: a gateway ocf started for
# this state dir, and its helpers (the real gateway runs a helper in a
# session of its own, so one gateway may span two process groups)
marked_procs() {
	_mp=$(grep -lsxzF "OCF_GATEWAY_OF=$STATE_DIR" /proc/[0-9]*/environ |
		sed 's|^/proc/||; s|/environ$||' | paste -sd, -)
	[ -n "$_mp" ] || return 0
	ps -o pid=,ppid=,pgid=,stat= -p "$_mp" | awk '$4 !~ /^Z/ { print $1, $2, $3 }'
}

# marked_pgids: their process groups, one a line
marked_pgids() {
	marked_procs | awk '{ print $3 }' | sort -u
}

# gateway_roots: the process group of each marked process whose parent is
# not marked: one line per gateway instance
gateway_roots() {
	marked_procs | awk '{ pp[$1] = $2; pg[$1] = $3 }
		END { for (p in pp) if (!(pp[p] in pp)) print pg[p] }' | sort -u
}

# gateways: how many gateway instances run for $STATE_DIR
gateways() {
	gateway_roots | wc -l | tr -d ' '
}

no_gateway() {
	[ -z "$(marked_procs)" ]
}

# kill_marked: stop every gateway group of $STATE_DIR (exit trap)
kill_marked() {
	_km_self=$(ps -o pgid= -p $$ | tr -d ' ')
	for _km in $(marked_pgids); do
		if [ "$_km" -le 1 ] || [ "$_km" = "$_km_self" ]; then
			continue
		fi
		kill -s TERM -- "-$_km" 2>/dev/null
		kill -s CONT -- "-$_km" 2>/dev/null
	done
	wait_until 15 no_gateway && return 0
	for _km in $(marked_pgids); do
		if [ "$_km" -le 1 ] || [ "$_km" = "$_km_self" ]; then
			continue
		fi
		kill -s KILL -- "-$_km" 2>/dev/null
	done
	return 0
}

# watch_start CMD...: run CMD (ocf-watch ...) in the background, logging to
# $WLOG; its pid in WATCH_PID
watch_start() {
	printf '=== %s: %s\n' "$(now)" "$*" >>"$WLOG"
	"$@" >>"$WLOG" 2>&1 </dev/null &
	WATCH_PID=$!
}

watch_gone() {
	! pid_alive "$WATCH_PID"
}

# watch_kill SIGNAL: signal the watcher, wait (bounded) for it to exit and
# reap it; its exit status in WATCH_RC (-1: still running)
watch_kill() {
	WATCH_RC=-1
	[ -n "$WATCH_PID" ] || return 0
	kill -s "$1" "$WATCH_PID" 2>/dev/null
	wait_until "${2:-5}" watch_gone || return 1
	wait "$WATCH_PID"
	# shellcheck disable=SC2034 # for the caller
	WATCH_RC=$?
	WATCH_PID=
}

# watch_stop: the exit trap's: TERM, then KILL
watch_stop() {
	[ -n "$WATCH_PID" ] || return 0
	watch_kill TERM 3 || watch_kill KILL 3
}

# show_log: the watcher's last 40 log lines as TAP comments
show_log() {
	printf '# %s (last 40 lines):\n' "$WLOG"
	tail -n 40 "$WLOG" 2>/dev/null | sed 's/^/#   /'
}

# hook_install: a hook that appends "EVENT OLD NEW fails=N rises=N T" to
# $TMP/events (T: epoch seconds with milliseconds)
hook_install() {
	mkdir -p "$HOOKS_DIR" || bail_out "cannot create $HOOKS_DIR"
	cat >"$HOOKS_DIR/50-record" <<-HOOK || bail_out 'cannot write the hook'
	#!/bin/sh
	PATH=/usr/bin:/bin
	. "\$OCF_STATE_DIR/state"
	printf '%s %s %s fails=%s rises=%s %s\n' "\$OCF_EVENT" "\$OCF_OLD_ROLE" \\
		"\$OCF_NEW_ROLE" "\$FAILS" "\$RISES" "\$(date +%s.%3N)" \\
		>>"$TMP/events"
	HOOK
	chmod +x "$HOOKS_DIR/50-record"
}

at_exit kill_marked
at_exit watch_stop
# --- end of the shared helpers ----------------------------------------------

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
test_ok 'READY=1 after the first check' \
	wait_until 5 grep -q ' READY=1$' "$TMP/notify.log"
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
