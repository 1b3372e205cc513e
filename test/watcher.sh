# test/watcher.sh - sourced by the ocf-watch tests (t40xx) right after
# lib.sh: the settings they share (a file may override any of them after
# sourcing), and helpers to start, kill and observe a watcher, the gateways
# it marks and its hooks.  (Not named t*.sh: test/run.sh runs those.)

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
# the scenarios flap on purpose: no breaker unless a test sets one
FLAP_MAX=32
FLAP_WINDOW=1
export STATE_DIR OPENCLAW_USER WORKSPACE HOOKS_DIR CHECK_INTERVAL FLAP_WINDOW \
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
