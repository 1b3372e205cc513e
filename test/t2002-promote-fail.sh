#!/bin/sh
# ocf-promote when the gateway cannot be made ready: a command that exits
# at once, one that never answers, one that answers "not ready", one that
# does not exist, one whose helpers outlive it or ignore SIGTERM, one that
# cannot bind because a foreign process already serves GATEWAY_URL, a
# GATEWAY_CMD that cannot be parsed (a bad configuration: exit 3).  Every
# other failure is exit 2 (CRITICAL), ROLE=failed with LAST_ERROR, within a
# bounded time, and leaves nothing running.  Then a failed node is demoted,
# and promoted for real (the real OpenClaw gateway) from the failed role.

. "$(dirname "$0")/lib.sh"
PORT_BASE=21300
. "$SRCDIR/test/promote.sh"
[ -x "$TEST_HELPERS/ocf-testsrv" ] || bail_out "no $TEST_HELPERS/ocf-testsrv"

# the gateways that fail come first; the real one (gw_cmdline) last
GATEWAY_CMD=/bin/false
READY_TIMEOUT=20
STOP_TIMEOUT=3

# bg_wait SECONDS: wait (bounded) for the background command; its exit
# status in BG_RC, its run time since bg in BG_SECS
bg_wait() {
	wait_until "$1" exited "$BG" || bail_out "'$BG' still runs after $1 s"
	wait "$BG"
	BG_RC=$?
}

# failed_cleanly DESC: ROLE=failed, LAST_ERROR set, no transition or
# gateway recorded, nothing marked running
failed_cleanly() {
	test_cmp_str "$1: ROLE=failed" failed "$(state_get ROLE)"
	test_ok "$1: LAST_ERROR set" test -n "$(state_get LAST_ERROR)"
	test_cmp_str "$1: no transition left recorded" '' "$(state_get TRANSITION)"
	test_cmp_str "$1: GATEWAY_PID cleared" 0 "$(state_get GATEWAY_PID)"
	test_cmp_str "$1: no marked process left" 0 "$(nmarked)"
}

# promote_bg DESC LIMIT: run ocf-promote in the background; once the state
# records GATEWAY_PID, keep it in PG; expect exit 2 within LIMIT seconds
promote_bg() {
	PG=0
	t0=$(now)
	bg ocf-promote
	if wait_until 10 has_pid; then
		PG=$(state_get GATEWAY_PID)
		track "$PG"
	fi
	bg_wait 60
	secs=$(elapsed "$t0")
	test_cmp_str "$1: exit 2" 2 "$BG_RC" || sed 's/^/#   /' "$TMP/bg.out" "$TMP/bg.err"
	test_ok "$1: within $2 s (took $secs s)" less "$secs" "$2"
	test_ok "$1: the gateway was recorded while it ran" test "$PG" != 0
	test_ok "$1: no process of its group is left" all_gone "$PG"
}

# --- a command that exits at once -------------------------------------------

t0=$(now)
test_expect_code 2 'GATEWAY_CMD=/bin/false: exit 2' ocf-promote
secs=$(elapsed "$t0")
test_grep 'it says the gateway exited' 'exited' "$TMP/out"
test_ok "its death is seen at once, not after READY_TIMEOUT (took $secs s)" \
	less "$secs" 5
failed_cleanly /bin/false
test_grep 'LAST_ERROR says the gateway exited' 'exited' "$STATE_DIR/state"
test_cmp_str 'the failure is counted as a transition' 1 "$(state_get TRANSITIONS)"
test_expect_code 2 'promote a failed node with /bin/false again: exit 2' ocf-promote
test_cmp_str 'still failed' failed "$(state_get ROLE)"

# --- a failed node can be demoted -------------------------------------------

test_ok 'demote a failed node: exit 0' ocf-demote
test_cmp_str 'failed -> standby' standby "$(state_get ROLE)"

# --- a command that never becomes ready ---------------------------------------

READY_TIMEOUT=2 GATEWAY_CMD='/bin/sleep 600' \
	promote_bg 'a gateway that never answers (READY_TIMEOUT=2)' 9
failed_cleanly '/bin/sleep 600'
test_grep 'LAST_ERROR says it was not ready after 2s' \
	"^LAST_ERROR='.*not ready after 2" "$STATE_DIR/state"

# --- one that ignores SIGTERM: SIGKILL after STOP_TIMEOUT ---------------------

READY_TIMEOUT=1 STOP_TIMEOUT=1 \
	GATEWAY_CMD="/bin/sh -c \"trap '' TERM; exec /bin/sleep 600\"" \
	promote_bg 'a gateway that ignores SIGTERM (STOP_TIMEOUT=1)' 8
failed_cleanly 'SIGTERM ignored'
test_grep 'SIGKILL is logged' 'ignored SIGTERM|killed' "$TMP/bg.err"

# --- one whose leader exits and leaves a helper behind -----------------------

# The leader's death is the gateway's death, seen at once; whatever it left
# (it carries the mark) is stopped with it.
leader_exits() {	# DESC GATEWAY_CMD
	t0=$(now)
	test_expect_code 2 "$1: exit 2" env READY_TIMEOUT=20 GATEWAY_CMD="$2" \
		ocf-promote
	secs=$(elapsed "$t0")
	test_grep "$1: it says the gateway exited" 'exited' "$TMP/out"
	test_ok "$1: seen at once, not after READY_TIMEOUT (took $secs s)" \
		less "$secs" 5
}
leader_exits 'the leader exits, a helper in its group lives on' \
	'/bin/sh -c "/bin/sleep 600 & exit 0"'
failed_cleanly 'helper in the group'

# and one whose helper moved to a group of its own (as the real gateway's
# spawn-broker does): found by the mark, stopped too
leader_exits 'the leader exits, a helper in a group of its own lives on' \
	'/bin/sh -c "/usr/bin/setsid /bin/sleep 600 & exit 0"'
failed_cleanly 'helper in its own group'

# --- one that answers, but never ready ---------------------------------------

READY_TIMEOUT=2 GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P -m notready" \
	promote_bg 'a gateway that stays "not ready"' 9
failed_cleanly 'not ready'
test_grep 'LAST_ERROR names what is failing (startup-sidecars)' \
	"^LAST_ERROR='.*startup-sidecars" "$STATE_DIR/state"
test_ok 'its port is closed' port_free "$P"

# --- GATEWAY_URL already served by a process that is not ours ------------------

# A foreign gateway (another supervisor's, a manual one) holds the port: the
# gateway ocf starts dies at once (address in use), yet GATEWAY_URL answers
# ready.  "Promoted" must mean that *our* gateway serves: not exit 0.
"$TEST_HELPERS/ocf-testsrv" -p "$P" -m ready -P "$TMP/foreign.pid" 2>/dev/null &
foreign=$!
wait_until 5 test -s "$TMP/foreign.pid" || bail_out 'ocf-testsrv did not start'
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P -m ready" ocf-promote \
	>"$TMP/fg.out" 2>"$TMP/fg.err"
rc=$?
sleep 0.5
test_cmp_str 'a foreign gateway on GATEWAY_URL: not promoted (exit 2 or 4)' \
	'2 or 4' "$(case $rc in 2|4) echo '2 or 4' ;; *) echo "$rc" ;; esac)" ||
	sed 's/^/#   /' "$TMP/fg.out" "$TMP/fg.err" "$STATE_DIR/gateway.log"
test_cmp_str 'and the role is not active' 'not active' \
	"$(if [ "$(state_get ROLE)" = active ]; then echo active; else echo 'not active'; fi)"
kill "$foreign"
wait_until 5 exited "$foreign" || kill -s KILL "$foreign"
wait "$foreign"
wait_until 5 port_free "$P" || bail_out 'ocf-testsrv did not stop'
test_ok 'demote' ocf-demote
test_cmp_str 'nothing marked left' 0 "$(nmarked)"

# --- a command that does not exist ------------------------------------------

GATEWAY_CMD=/nonexistent/openclaw-gw test_expect_code 2 \
	'a GATEWAY_CMD that does not exist: exit 2' ocf-promote
test_grep 'a clear message: unable to run it, no such file' \
	"unable to run '/nonexistent/openclaw-gw': No such file or directory" \
	"$TMP/out"
failed_cleanly 'no such file'
GATEWAY_CMD='ocf-no-such-gateway --port 1' test_expect_code 2 \
	'a GATEWAY_CMD not in PATH: exit 2' ocf-promote
test_grep 'a clear message for it too' \
	"unable to run 'ocf-no-such-gateway': No such file or directory" "$TMP/out"
printf '#!/bin/sh\nexit 0\n' >"$TMP/notexec"
chmod 644 "$TMP/notexec"
GATEWAY_CMD=$TMP/notexec test_expect_code 2 \
	'a GATEWAY_CMD that is not executable: exit 2' ocf-promote
test_grep 'permission denied is said' 'Permission denied' "$TMP/out"

# --- a GATEWAY_CMD that cannot be parsed is a configuration error -------------

test_ok 'demote to standby first' ocf-demote
GATEWAY_CMD='"unterminated' test_expect_code 3 \
	'an unterminated quote in GATEWAY_CMD: exit 3 (bad configuration)' ocf-promote
test_grep 'the message names GATEWAY_CMD' 'GATEWAY_CMD' "$TMP/err"
test_grep 'and the status line says it on stdout' '^UNKNOWN - GATEWAY_CMD' \
	"$TMP/out"
GATEWAY_CMD='"unterminated' test_expect_code 3 \
	'the same with -j: exit 3' ocf-promote -j
test_grep 'the JSON object says it' \
	'^\{"status":"UNKNOWN","code":3,"changed":false,"detail":"GATEWAY_CMD' \
	"$TMP/out"
GATEWAY_CMD='"unterminated' test_expect_code 3 \
	'ocf-demote too: exit 3' ocf-demote
test_grep 'ocf-demote says it on stdout' '^UNKNOWN - GATEWAY_CMD' "$TMP/out"
test_cmp_str 'a configuration error leaves the role alone' standby \
	"$(state_get ROLE)"

# --- from failed to active with the real gateway -----------------------------

test_expect_code 2 'fail once more with /bin/false' ocf-promote
test_cmp_str 'failed before the real promotion' failed "$(state_get ROLE)"
GATEWAY_CMD=$(gw_cmdline sb "$P") || bail_out 'no gateway command line'
READY_TIMEOUT=40
STOP_TIMEOUT=15
test_ok 'promote a failed node with the real gateway: exit 0' ocf-promote
pg=$(state_get GATEWAY_PID)
track "$pg"
test_cmp_str 'failed -> active' active "$(state_get ROLE)"
test_cmp_str 'LAST_ERROR cleared by the successful promotion' '' \
	"$(state_get LAST_ERROR)"
test_cmp_str '/readyz answers 200' 200 "$(http_code /readyz)"
test_cmp_str 'exactly one gateway' "$pg" "$(marked_roots)"
test_ok 'demote: exit 0' ocf-demote
test_ok 'nothing of it is left' all_gone "$pg"
test_cmp_str 'no marked process left' 0 "$(nmarked)"
test_ok 'the port is closed' port_free "$P"

test_done
