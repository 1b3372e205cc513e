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
