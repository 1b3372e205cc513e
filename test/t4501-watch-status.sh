#!/bin/sh
# t4501-watch-status.sh - `ocf-watch --status` is a monitoring plugin:
# exit 0 while the watcher runs and its last check is recent, 1 when the
# node is degraded (maintenance, a sync warning, a latched flap breaker),
# 2 when the watcher is not running, dead (pid file left behind) or stale
# (stopped: no check for 3 x CHECK_INTERVAL + PROBE_TIMEOUT); one
# "STATUS - text | perfdata" line first; --json says the same as one
# object.  (A failed role: t4502, with the heartbeat's /fail.)

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 26700) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
# a directory that is no git checkout: the pull of a promotion fails
mkdir "$TMP/notgit" || bail_out 'cannot create a directory'
WORKSPACE=$TMP/notgit
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
# one automatic transition within the hour latches the next one
FLAP_MAX=1
FLAP_WINDOW=3600
export WORKSPACE PRIMARY_URL GATEWAY_URL GATEWAY_CMD FLAP_MAX FLAP_WINDOW

# status_is CODE: --status exits CODE (its output in $TMP/st)
status_is() {
	ocf-watch --status >"$TMP/st" 2>&1
	[ $? -eq "$1" ]
}

test_expect_code 2 'no state, no watcher: CRITICAL' ocf-watch --status
test_grep 'one plugin line first' \
	'^CRITICAL - watcher not running, no check recorded: standby, primary unknown \| check_age=' \
	"$TMP/out"

watch_start ocf-watch
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
test_ok 'a watcher, a recent check: OK' wait_until 3 status_is 0
test_grep 'it says so' '^OK - watcher alive: standby, primary ok \| check_age=[0-9.]+s;;1.4;0 fails=0;;3;0 rises=[0-9]+;;3;0 transitions=0;;;0$' "$TMP/st"
test_grep 'the screen names the watcher' '^watcher: +alive, pid [0-9]+, started ' "$TMP/st"
test_expect_code 0 '--status --json: OK' ocf-watch --status --json
test_grep 'one JSON object' '^\{"status":"OK","text":"watcher alive","role":"standby",.*"watcher":\{"alive":true,"pid":[0-9]+,"started":[0-9.]+\}\}$' "$TMP/out"
test_cmp_str 'one line' 1 "$(wc -l <"$TMP/out" | tr -d ' ')"

test_ok 'maintenance on' ocf-promote -q -M on
test_expect_code 1 'maintenance: WARNING' ocf-watch --status
test_grep 'it says so' '^WARNING - maintenance mode: ' "$TMP/out"
test_grep 'and on the screen' '^maintenance: +on$' "$TMP/out"
test_ok 'maintenance off' ocf-promote -q -M off
test_expect_code 0 'OK again' ocf-watch --status

# stopped (SIGSTOP): alive, but its last check gets old
kill -s STOP "$WATCH_PID"
test_ok 'a stopped watcher goes stale: CRITICAL' wait_until 5 status_is 2
test_grep 'it says how old' '^CRITICAL - last check [0-9.]+ s ago \(limit 1.4 s\)' "$TMP/st"
kill -s CONT "$WATCH_PID"
test_ok 'continued: OK again' wait_until 5 status_is 0

# the primary dies: promoted, but the pull failed (no git checkout)
set_mode "$PMODE" error500
test_ok 'promoted' wait_until 10 state_is ROLE active
test_expect_code 1 'a sync warning: WARNING' ocf-watch --status
test_grep 'it says so' '^WARNING - sync warning: active, primary critical' "$TMP/out"
test_grep 'the screen shows the pull' '^pull +(warning|critical|unknown), 20' "$TMP/out"
test_grep 'and the last transition, its reason' \
	'^last transition: promote #1 at 20.*: the primary is down$' "$TMP/out"
test_grep 'and how long the primary is down' '^primary down: +for [0-9.]+ s$' "$TMP/out"

# the primary is back: the demotion is one transition too many
set_mode "$PMODE" ready
test_ok 'the flap breaker latches' wait_until 10 state_is LATCHED 1
test_expect_code 1 'latched: WARNING' ocf-watch --status
test_grep 'it says so' '^WARNING - flap breaker latched, sync warning: active, primary ok' "$TMP/out"
test_grep 'the screen too' '^flap breaker: +latched' "$TMP/out"
test_ok 'reset' ocf-watch --reset
test_ok 'demoted after the reset' wait_until 10 state_is ROLE standby

# killed without a word: its pid file stays, its process is gone
kill -s KILL "$WATCH_PID"
wait "$WATCH_PID"
WATCH_PID=
test_ok 'the pid file is left behind' test -s "$STATE_DIR/watch.pid"
test_expect_code 2 'a dead watcher: CRITICAL' ocf-watch --status
test_grep 'it says so' '^CRITICAL - watcher dead \(pid file left behind\)' "$TMP/out"
test_expect_code 2 'and --json too' ocf-watch --status --json
test_grep 'alive false' '"status":"CRITICAL",.*"watcher":\{"alive":false' "$TMP/out"

# stopped by TERM: the pid file goes
watch_start ocf-watch
test_ok 'restarted: alive, the last pull still failed: WARNING' \
	wait_until 5 status_is 1
test_grep 'it says so' '^WARNING - sync warning: standby, primary ok' "$TMP/st"
watch_kill TERM
test_ok 'stopped: no pid file' test ! -e "$STATE_DIR/watch.pid"
test_expect_code 2 'not running: CRITICAL' ocf-watch --status
test_grep 'it says so' '^CRITICAL - watcher not running' "$TMP/out"

mkdir -p "$TMP/bad" || bail_out 'cannot create a directory'
echo junk >"$TMP/bad/state" || bail_out 'cannot write a mangled state'
test_expect_code 3 'a mangled state: UNKNOWN' env STATE_DIR="$TMP/bad" ocf-watch --status
test_grep 'it says so' '^UNKNOWN - unable to read the state' "$TMP/out"
test_expect_code 3 '--json alone is a usage error' ocf-watch --json
test_expect_code 3 '--status with --once is one' ocf-watch --status --once
test_done
