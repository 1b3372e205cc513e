#!/bin/sh
# t4003-watch-flap.sh - a flapping primary (ocf-testsrv switching between
# down and ready faster than HOLD_DOWN) gets no more transitions than the
# policy allows: every demotion needs RISE_THRESHOLD good checks and
# HOLD_DOWN seconds in the active role. Then the flap breaker: the
# transition after FLAP_MAX within FLAP_WINDOW is refused, the node is
# latched in its role (LATCHED='1', loud log, a "latch" hook) and stays so,
# whatever the primary does, until `ocf-watch --reset`.

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
