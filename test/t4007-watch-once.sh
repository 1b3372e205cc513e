#!/bin/sh
# t4007-watch-once.sh - `ocf-watch --once` from a bounded shell loop (as
# cron or a drill script calls it) makes the same decisions as the daemon:
# promotion on exactly the FAIL_THRESHOLD-th failing call, demotion on the
# RISE_THRESHOLD-th good call once HOLD_DOWN has passed, a lost check is
# forgotten, maintenance mode holds; its exit code is the primary's verdict
# (0 ready, 1 live but not ready, 2 down, 3 usage, configuration or state
# error). The daemon, fed the same primary, records the same transitions
# (compared through a hook that logs FAILS and RISES at each transition).

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 26100) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
HOLD_DOWN=0
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
export HOLD_DOWN PRIMARY_URL GATEWAY_URL GATEWAY_CMD
hook_install

# run_table: read lines "MODE" from stdin; for each, switch the primary to
# MODE and call ocf-watch --once; print "CODE:ROLE:FAILS:RISES" per call
run_table() {
	_rt_i=0
	while read -r _rt_mode && [ "$_rt_i" -lt 50 ]; do
		set_mode "$PMODE" "$_rt_mode"
		ocf-watch --once >>"$TMP/once.out" 2>>"$TMP/once.err"
		_rt_rc=$?
		printf '%s:%s:%s:%s ' "$_rt_rc" "$(state_get ROLE)" \
			"$(state_get FAILS)" "$(state_get RISES)"
		_rt_i=$((_rt_i + 1))
	done
	echo
}

test_expect_code 0 'a ready primary: exit 0' ocf-watch --once
test_cmp_str 'the one-line report' \
	'OK - primary: ready; fails 0, rises 1; not active' "$(cat "$TMP/out")"

got=$(printf '%s\n' error500 error500 | run_table)
test_cmp_str 'two failing calls: exit 2 each, counted, still standby' \
	'2:standby:1:0 2:standby:2:0 ' "$got"
test_expect_code 2 'the third failing call (FAIL_THRESHOLD) promotes; exit 2' \
	ocf-watch --once
test_cmp_str 'it says so' \
	'CRITICAL - primary: not live: /readyz HTTP 500, /health HTTP 500; fails 3, rises 0; active; transition done' \
	"$(cat "$TMP/out")"
test_cmp_str 'active, one gateway, answering ready' 'active 1 200' \
	"$(state_get ROLE) $(gateways) $(http_code "$P2" /readyz)"
got=$(printf '%s\n' error500 error500 | run_table)
test_cmp_str 'more failing calls: active, no new transition' \
	'2:active:4:0 2:active:5:0 ' "$got"
test_cmp_str 'still one gateway, one transition' '1 1' \
	"$(gateways) $(state_get TRANSITIONS)"

got=$(printf '%s\n' ready ready ready ready | run_table)
test_cmp_str 'good calls: exit 0; the third (RISE_THRESHOLD) demotes' \
	'0:active:0:1 0:active:0:2 0:standby:0:3 0:standby:0:4 ' "$got"
test_cmp_str 'no gateway, two transitions' '0 2' \
	"$(gateways) $(state_get TRANSITIONS)"

# verdicts: live but not ready is WARNING; a hang is a timeout, CRITICAL;
# draining is CRITICAL although /health says 200
got=$(printf '%s\n' notready channel ready hang ready draining ready healthonly | run_table)
test_cmp_str 'exit codes follow the verdict' \
	'1:standby:0:0 1:standby:0:0 0:standby:0:1 2:standby:1:0 0:standby:0:1 2:standby:1:0 0:standby:0:1 0:standby:0:2 ' \
	"$got"

# lost checks: a failure between good ones is forgotten
got=$(printf '%s\n' ready error500 ready error500 error500 ready error500 hang ready | run_table)
test_cmp_str 'single and double failures between good calls never promote' \
	'0:standby:0:3 2:standby:1:0 0:standby:0:1 2:standby:1:0 2:standby:2:0 0:standby:0:1 2:standby:1:0 2:standby:2:0 0:standby:0:1 ' \
	"$got"

# the hold-down applies to --once as to the daemon
HOLD_DOWN=2
export HOLD_DOWN
got=$(printf '%s\n' error500 error500 error500 ready ready ready ready | run_table)
test_cmp_str 'HOLD_DOWN=2: promoted, then no demotion within 2 s' \
	'2:standby:1:0 2:standby:2:0 2:active:3:0 0:active:0:1 0:active:0:2 0:active:0:3 0:active:0:4 ' \
	"$got"
sleep 2
test_expect_code 0 'after HOLD_DOWN, the next good call demotes' ocf-watch --once
test_cmp_str 'standby' standby "$(state_get ROLE)"
HOLD_DOWN=0
export HOLD_DOWN

# maintenance holds --once too
test_ok 'maintenance on' ocf-promote -q -M on
got=$(printf '%s\n' error500 error500 error500 error500 | run_table)
test_cmp_str 'in maintenance, failing calls are counted but nothing is done' \
	'2:standby:1:0 2:standby:2:0 2:standby:3:0 2:standby:4:0 ' "$got"
test_ok 'maintenance off' ocf-promote -q -M off
test_expect_code 2 'the next failing call promotes' ocf-watch --once
test_cmp_str 'active' active "$(state_get ROLE)"
set_mode "$PMODE" ready
got=$(printf '%s\n' ready ready ready | run_table)
test_cmp_str 'and three good calls demote' \
	'0:active:0:1 0:active:0:2 0:standby:0:3 ' "$got"

# the same primary story, told to the daemon and to --once: down, up,
# down, up (HOLD_DOWN=0), against the first promotion and demotion above
once_events=$(awk 'NR <= 2 { print $1, $2, $3, $4, $5 }' "$TMP/events")
STATE_DIR=$TMP/state-daemon
export STATE_DIR
: >"$TMP/events"
set_mode "$PMODE" ready
watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
for m in error500 ready error500 ready; do
	set_mode "$PMODE" "$m"
	case $m in
	ready)	r=standby ;;
	*)	r=active ;;
	esac
	wait_until 10 state_is ROLE "$r" || break
done
watch_kill TERM
daemon_events=$(awk '{ print $1, $2, $3, $4, $5 }' "$TMP/events")
printf '# transitions seen by the hook:\n%s\n' "$daemon_events" | sed '2,$s/^/#   /'
test_cmp_str 'the daemon makes the same transitions at the same counts as --once' \
	"$(printf '%s\n%s\n' "$once_events" "$once_events")" "$daemon_events"

# -q: the exit status is the answer (a cron line must not mail every minute)
set_mode "$PMODE" ready
test_expect_code 0 'ocf-watch --once -q: exit 0' ocf-watch --once -q
test_cmp_str 'and nothing on standard output' '' "$(cat "$TMP/out")"

# -h: the usage, exactly as the man page's SYNOPSIS (one line a .Nm)
MAN=$SRCDIR/man/ocf-watch.1
test_expect_code 0 'ocf-watch -h exits 0' ocf-watch -h
test_cmp_str 'and prints the SYNOPSIS of ocf-watch(1)' \
	"$(awk '/^\.Sh / { syn = ($2 == "SYNOPSIS"); next }
		syn && /^\.Nm / { out = out (out == "" ? "" : "\n       ") $2 }
		syn && /^\.Fl / { out = out " -" $2 }
		syn && /^\.Op / {
			s = ""
			for (i = 2; i <= NF; i++)
				if ($i == "Fl") s = s (s == "" ? "" : " ") "-" $(++i)
				else if ($i == "Ar") s = s " " $(++i)
			out = out " [" s "]"
		}
		END { print "usage: " out }' "$MAN")" "$(cat "$TMP/out")"

# errors: usage, configuration, state
test_expect_code 3 'usage: --once with --reset' ocf-watch --once --reset
test_expect_code 3 'usage: an operand' ocf-watch --once extra
test_grep 'a usage error prints the usage' '^usage: ocf-watch ' "$TMP/err"
test_expect_code 3 'a bad value: exit 3' env FAIL_THRESHOLD=0 ocf-watch --once
test_grep 'naming the key and the range' 'FAIL_THRESHOLD.*0.*1\.\.1000' "$TMP/err"
test_grep 'a bad value: UNKNOWN line on stdout (monitoring)' \
	'^UNKNOWN - .*FAIL_THRESHOLD.*0.*1\.\.1000' "$TMP/out"
test_cmp_str 'a bad value: one line on stdout' 1 "$(wc -l <"$TMP/out")"
test_expect_code 3 'a bad value, -q: exit 3' env FAIL_THRESHOLD=0 ocf-watch --once -q
test_cmp_str 'a bad value, -q: nothing on stdout' '' "$(cat "$TMP/out")"
test_expect_code 3 'no primary configured: exit 3' \
	env -u PRIMARY_URL ocf-watch --once
test_grep 'no primary: UNKNOWN line on stdout' \
	'^UNKNOWN - PRIMARY_IP or PRIMARY_URL is required' "$TMP/out"
test_expect_code 3 'a missing -c file: exit 3' \
	ocf-watch --once -c "$TMP/nope.conf"
test_grep 'a missing file: UNKNOWN line on stdout' \
	"^UNKNOWN - unable to open '.*nope.conf'" "$TMP/out"
printf 'ROLE=garbage\n' >"$STATE_DIR/state"
test_expect_code 3 'an unreadable state file: exit 3' ocf-watch --once
test_grep 'naming the file' "$STATE_DIR/state" "$TMP/err"

test_done
