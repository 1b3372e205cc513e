#!/bin/sh
# t7011-safety-clock.sh - issue 10, item 2: a step of the wall clock moves
# no decision.  HOLD_DOWN elapses in real seconds (the state keeps
# CLOCK_BOOTTIME copies of the decision times, with BOOT_ID), so
#   (a) an ocf-watch restarted with the clock stepped back 1 h still
#       demotes once the primary is back (LAST_TRANSITION lies in its
#       future: today it never does);
#   (b) one restarted with the clock stepped forward 1 h does not cut
#       HOLD_DOWN (15 s) short;
#   (c) a running ocf-watch whose clock steps back 1 h still demotes.
# The clock is stepped for ocf-watch alone with libfaketime (Debian package
# faketime): LD_PRELOAD, FAKETIME=-1h/+1h, FAKETIME_DONT_FAKE_MONOTONIC=1
# so that only CLOCK_REALTIME moves; FAKETIME_TIMESTAMP_FILE with
# FAKETIME_NO_CACHE=1 steps a running process.  The test checks first that
# libfaketime does exactly that here.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"
# FLAP_MAX is 1..32 (issue 10, item 6): watcher.sh's 1000 would be a
# configuration error once that is enforced
FLAP_MAX=32
export FLAP_MAX

FT_LIB=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketime\.so\.1$' | head -n 1)
if [ -z "$FT_LIB" ] || [ ! -f "$FT_LIB" ]; then
	bail_out 'libfaketime is not installed (Debian: apt-get install faketime; sh test/install-deps.sh does it)'
fi

P1=$(pick_port 28100) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD

# --- libfaketime moves the wall clock and nothing else --------------------------

# env "$FT" FAKETIME=-1h FAKETIME_DONT_FAKE_MONOTONIC=1 CMD...: CMD with
# its wall clock an hour back (env execs CMD: a watcher's pid stays its own)
FT=LD_PRELOAD=$FT_LIB

# faked STEP CMD...: CMD with the wall clock stepped by STEP (e.g. -1h)
faked() {
	_fk=$1
	shift
	env "$FT" FAKETIME="$_fk" FAKETIME_DONT_FAKE_MONOTONIC=1 "$@"
}

# near A B TOL: |A - B| <= TOL
near() {
	awk -v a="$1" -v b="$2" -v t="$3" \
		'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}

real_s=$(date +%s)
fake_s=$(faked -1h date +%s)
case $fake_s in
''|*[!0-9]*)	fake_s=0 ;;
esac
test_ok "libfaketime: FAKETIME=-1h puts date 3600 s back ($real_s, $fake_s)" \
	near $((real_s - fake_s)) 3600 5
cat >"$TMP/clocks.c" <<'EOF'
#include <stdio.h>
#include <time.h>
int
main(void)
{
	struct timespec r, m, b;

	if (clock_gettime(CLOCK_REALTIME, &r) || clock_gettime(CLOCK_MONOTONIC,
	    &m) || clock_gettime(CLOCK_BOOTTIME, &b))
		return 1;
	printf("%ld %ld %ld\n", (long)r.tv_sec, (long)m.tv_sec, (long)b.tv_sec);
	return 0;
}
EOF
if "${CC:-cc}" -o "$TMP/clocks" "$TMP/clocks.c" 2>"$TMP/cc.err"; then
	# real, monotonic, boottime: right, then an hour back
	clocks="$("$TMP/clocks") $(faked -1h "$TMP/clocks")"
	seen=$clocks
	printf '%s\n' "$clocks" | grep -Eqx '[0-9]+( [0-9]+){5}' ||
		clocks='0 0 0 0 -1000 -1000'	# fails both checks
	# shellcheck disable=SC2086 # six numbers
	set -- $clocks
	test_ok "libfaketime with FAKETIME_DONT_FAKE_MONOTONIC=1: REALTIME moves ($seen)" \
		near $(($1 - $4)) 3600 5
	test_ok 'and CLOCK_MONOTONIC and CLOCK_BOOTTIME do not' \
		eval "near $2 $5 5 && near $3 $6 5"
else
	test_skip 'libfaketime leaves CLOCK_MONOTONIC and CLOCK_BOOTTIME alone' \
		"no C compiler: $(head -n 1 "$TMP/cc.err")"
fi

# --- helpers ---------------------------------------------------------------------

# log_skew: real time minus the time stamp of the watcher's last log line,
# in whole seconds (3600: the watcher's clock is an hour behind)
log_skew() {
	_lt=$(grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$WLOG" | tail -n 1 |
		cut -d' ' -f1)
	[ -n "$_lt" ] || return 1
	_le=$(date -d "$_lt" +%s 2>/dev/null) || return 1
	echo $(($(date +%s) - _le))
}

# skew_is SECONDS: the watcher logs with its clock SECONDS behind (+/- 60)
skew_is() {
	_sk=$(log_skew) && near "$_sk" "$1" 60
}

# left T0 SECS: seconds from now until T0 + SECS (at least 0.1)
left() {
	awk -v t="$1" -v s="$2" -v n="$(now)" \
		'BEGIN { l = t + s - n; printf "%.2f\n", l < 0.1 ? 0.1 : l }'
}

# since T0: seconds from T0 until now
since() {
	awk -v t="$1" -v n="$(now)" 'BEGIN { printf "%.2f\n", n - t }'
}

# ge A B: A >= B
ge() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'
}

is_standby() {
	state_is ROLE standby
}

# promote_for_real DESC: the primary goes down, an ocf-watch with the real
# clock promotes this node; T_PROMO is LAST_TRANSITION (real time); the
# watcher is stopped again
promote_for_real() {
	set_mode "$PMODE" error500
	watch_start ocf-watch -v
	test_ok "$1 primary down: ocf-watch promotes" \
		wait_until 10 state_is ROLE active || show_log
	T_PROMO=$(state_get LAST_TRANSITION)
	watch_kill TERM || bail_out 'the watcher does not stop'
}

# case_end: stop the watcher and whatever gateway it left
case_end() {
	watch_stop
	kill_marked
	wait_until 5 port_free "$P2" || bail_out "port $P2 stays busy"
}

# --- (a) ocf-watch restarted with the clock 1 h back ------------------------------

STATE_DIR=$TMP/state-a
HOLD_DOWN=4
export STATE_DIR HOLD_DOWN
promote_for_real '(a)'
set_mode "$PMODE" ready
watch_start env "$FT" FAKETIME=-1h FAKETIME_DONT_FAKE_MONOTONIC=1 \
	ocf-watch -v
test_ok '(a) the restarted watcher runs with its clock 1 h back' \
	wait_until 5 skew_is 3600 || show_log
test_ok "(a) primary back: demoted within HOLD_DOWN=$HOLD_DOWN + 6 s of the promotion" \
	wait_until "$(left "$T_PROMO" $((HOLD_DOWN + 6)))" is_standby || show_log
gap=$(since "$T_PROMO")
test_ok "(a) and not before HOLD_DOWN ($gap s after the promotion)" \
	ge "$gap" "$HOLD_DOWN"
test_cmp_str '(a) 2 transitions, no gateway left' '2 0' \
	"$(state_get TRANSITIONS) $(gateways)"
case_end

# --- (b) ocf-watch restarted with the clock 1 h ahead -----------------------------

STATE_DIR=$TMP/state-b
HOLD_DOWN=15
export STATE_DIR HOLD_DOWN
promote_for_real '(b)'
set_mode "$PMODE" ready
watch_start env "$FT" FAKETIME=+1h FAKETIME_DONT_FAKE_MONOTONIC=1 \
	ocf-watch -v
test_ok '(b) the restarted watcher runs with its clock 1 h ahead' \
	wait_until 5 skew_is -3600 || show_log
wait_until "$(left "$T_PROMO" 8)" is_standby
test_cmp_str "(b) primary back, HOLD_DOWN=$HOLD_DOWN: still active 8 s after the promotion" \
	active "$(state_get ROLE)" || show_log
test_ok "(b) demoted within HOLD_DOWN + 6 s of the promotion" \
	wait_until "$(left "$T_PROMO" $((HOLD_DOWN + 6)))" is_standby || show_log
gap=$(since "$T_PROMO")
test_ok "(b) and not before HOLD_DOWN=$HOLD_DOWN ($gap s after the promotion)" \
	ge "$gap" "$HOLD_DOWN"
test_cmp_str '(b) 2 transitions, no gateway left' '2 0' \
	"$(state_get TRANSITIONS) $(gateways)"
case_end

# --- (c) a running ocf-watch whose clock steps back 1 h ----------------------------

STATE_DIR=$TMP/state-c
HOLD_DOWN=4
export STATE_DIR HOLD_DOWN
TSFILE=$TMP/faketime
set_mode "$TSFILE" +0
set_mode "$PMODE" error500
watch_start env "$FT" FAKETIME_TIMESTAMP_FILE="$TSFILE" \
	FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1 ocf-watch -v
test_ok '(c) primary down, ocf-watch (clock from a file: +0) promotes' \
	wait_until 10 state_is ROLE active || show_log
T_PROMO=$(state_get LAST_TRANSITION)
test_ok '(c) so far its clock is right' skew_is 0 || show_log
set_mode "$TSFILE" -1h
set_mode "$PMODE" ready
test_ok '(c) its clock is stepped 1 h back while it runs' \
	wait_until 5 skew_is 3600 || show_log
test_ok "(c) primary back: demoted within HOLD_DOWN=$HOLD_DOWN + 6 s of the promotion" \
	wait_until "$(left "$T_PROMO" $((HOLD_DOWN + 6)))" is_standby || show_log
gap=$(since "$T_PROMO")
test_ok "(c) and not before HOLD_DOWN ($gap s after the promotion)" \
	ge "$gap" "$HOLD_DOWN"
test_cmp_str '(c) 2 transitions, no gateway left' '2 0' \
	"$(state_get TRANSITIONS) $(gateways)"
test_ok '(c) the watcher is still running' pid_alive "$WATCH_PID"
case_end

test_done
