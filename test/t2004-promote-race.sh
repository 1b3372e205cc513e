#!/bin/sh
# Two transitions at the same instant: two ocf-promote (one does the work,
# the other exits 4 or 0, never two gateways), two ocf-demote (standby,
# nothing left), an ocf-promote against an ocf-demote (whatever wins, the
# state and the processes agree).  Once with the real OpenClaw gateway,
# then repeated with the cheap ocf-testsrv as the gateway.

. "$(dirname "$0")/lib.sh"
PORT_BASE=22050
. "$SRCDIR/test/promote.sh"

# race NAME CMD...: CMD, started as soon as $TMP/go exists (a bounded spin
# on a shell builtin, so that both racers leave within microseconds);
# output in $TMP/NAME.out, .err, exit status in $TMP/NAME.rc
racer() {
	_rn=$1
	shift
	_ri=0
	while [ ! -e "$TMP/go" ] && [ "$_ri" -lt 2000000 ]; do
		_ri=$((_ri + 1))
	done
	"$@" >"$TMP/$_rn.out" 2>"$TMP/$_rn.err"
	echo "$?" >"$TMP/$_rn.rc"
}

# race CMD1 CMD2: run both at the same instant; RCS: "rc1 rc2" sorted
race() {
	rm -f "$TMP/go" "$TMP/a.rc" "$TMP/b.rc"
	racer a "$1" &
	_ra=$!
	racer b "$2" &
	_rb=$!
	sleep 0.3
	: >"$TMP/go"
	wait_until 90 exited "$_ra" || bail_out 'a racer hangs'
	wait_until 90 exited "$_rb" || bail_out 'a racer hangs'
	wait "$_ra" "$_rb"
	RCS=$(sort -n "$TMP/a.rc" "$TMP/b.rc" | tr '\n' ' ')
	RCS=${RCS% }
}

# one_won DESC: the codes are "0 0" or "0 4"; a 4 says why
one_won() {
	case $RCS in
	'0 0'|'0 4')	test_ok "$1: exit codes 0 and 0 or 4 (got $RCS)" true ;;
	*)	test_ok "$1: exit codes 0 and 0 or 4 (got $RCS)" false
		sed 's/^/#   /' "$TMP/a.out" "$TMP/a.err" "$TMP/b.out" "$TMP/b.err" ;;
	esac
	if [ "$RCS" = '0 4' ]; then
		test_ok "$1: the refused one says another transition runs" \
			grep -q 'another transition' "$TMP/a.out" "$TMP/b.out"
	fi
}

# --- the real gateway --------------------------------------------------------

race ocf-promote ocf-promote
one_won 'two promotes'
pg=$(state_get GATEWAY_PID)
track "$pg"
test_cmp_str 'two promotes: ROLE=active' active "$(state_get ROLE)"
test_cmp_str 'two promotes: exactly one gateway, the recorded group' "$pg" \
	"$(marked_roots)"
test_cmp_str 'two promotes: one transition counted' 1 "$(state_get TRANSITIONS)"
test_cmp_str 'two promotes: ready' 200 "$(http_code /readyz)"
race ocf-demote ocf-demote
one_won 'two demotes'
test_cmp_str 'two demotes: ROLE=standby' standby "$(state_get ROLE)"
test_ok 'two demotes: nothing of the gateway left' all_gone "$pg"
test_cmp_str 'two demotes: no marked process left' 0 "$(nmarked)"
test_ok 'two demotes: the port is closed' port_free "$P"

# --- ocf-testsrv as the gateway, many rounds -----------------------------------

STATE_DIR=$TMP/cheap
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P -m ready"
STOP_TIMEOUT=5
READY_TIMEOUT=10
bad=''
for round in 1 2 3 4 5 6 7 8; do
	race ocf-promote ocf-promote
	n=$(marked_roots | awk 'END { print NR }')
	case $RCS in '0 0'|'0 4') ;; *) bad="$bad promote-rc($round):$RCS" ;; esac
	[ "$n" = 1 ] || bad="$bad promote-gateways($round):$n"
	[ "$(state_get ROLE)" = active ] || bad="$bad promote-role($round)"
	track "$(state_get GATEWAY_PID)"
	race ocf-demote ocf-demote
	case $RCS in '0 0'|'0 4') ;; *) bad="$bad demote-rc($round):$RCS" ;; esac
	[ "$(nmarked)" = 0 ] || bad="$bad demote-left($round)"
	[ "$(state_get ROLE)" = standby ] || bad="$bad demote-role($round)"
done
test_cmp_str '8 rounds of two promotes, then two demotes: always one winner' \
	'' "$bad"

# promote against demote, from standby and from active: whoever wins, the
# role and the processes agree
bad=''
for round in 1 2 3 4 5 6; do
	[ $((round % 2)) = 0 ] && ocf-promote -q >/dev/null 2>&1
	race ocf-promote ocf-demote
	case $RCS in '0 0'|'0 4') ;; *) bad="$bad rc($round):$RCS" ;; esac
	n=$(marked_roots | awk 'END { print NR }')
	role=$(state_get ROLE)
	track "$(state_get GATEWAY_PID)"
	case $role:$n in
	active:1)
		[ "$(http_code /readyz)" = 200 ] || bad="$bad notready($round)" ;;
	standby:0)
		port_free "$P" || bad="$bad port($round)" ;;
	*)	bad="$bad $role:$n($round)" ;;
	esac
	ocf-demote -q >/dev/null 2>&1
done
test_cmp_str '6 rounds of promote against demote: role and processes agree' \
	'' "$bad"
test_ok 'in the end: demote' ocf-demote
test_cmp_str 'no marked process left' 0 "$(nmarked)"

test_done
