#!/bin/sh
# t7015-safety-manual.sh - issue 10, items 7 and 6.
#   7. Transitions made by hand (ocf-promote --force, ocf-demote) count in
#      TRANSITIONS but never toward the flap breaker: five drills with
#      FLAP_MAX=4 leave LATCHED='0', and the next outage is promoted by
#      ocf-watch (today the watcher finds 10 recent transitions and
#      latches instead).
#   6. FLAP_MAX is 1..32 (the state keeps the last 32 transition times):
#      FLAP_MAX=33 is a configuration error, exit 3, naming FLAP_MAX and
#      the range; FLAP_MAX=32 is accepted.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 29000) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
FLAP_MAX=4
FLAP_WINDOW=3600
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD FLAP_MAX FLAP_WINDOW

# --- 6. the range of FLAP_MAX --------------------------------------------------------

test_expect_code 3 'FLAP_MAX=33: ocf-watch --once exits 3 (bad configuration)' \
	env FLAP_MAX=33 ocf-watch --once
test_grep 'and the message names FLAP_MAX and the limit 32' \
	'FLAP_MAX.*[^0-9]32([^0-9]|$)' "$TMP/err"
test_expect_code 3 'FLAP_MAX=33: ocf-probe exits 3 too' env FLAP_MAX=33 ocf-probe
test_expect_code 0 'FLAP_MAX=32 is accepted (ocf-watch --once, primary ready: 0)' \
	env FLAP_MAX=32 ocf-watch --once

# --- 7. five drills with FLAP_MAX=4 ---------------------------------------------------

rm -rf "$STATE_DIR"
rcs=
i=0
while [ "$i" -lt 5 ]; do
	ocf-promote --force >>"$TMP/drills.log" 2>&1
	rcs="$rcs $?"
	ocf-demote >>"$TMP/drills.log" 2>&1
	rcs="$rcs $?"
	i=$((i + 1))
done
test_cmp_str 'five drills (promote --force, demote): every step exits 0' \
	' 0 0 0 0 0 0 0 0 0 0' "$rcs" || sed 's/^/#   /' "$TMP/drills.log"
test_cmp_str 'TRANSITIONS=10, LATCHED=0, standby, no gateway' '10 0 standby 0' \
	"$(state_get TRANSITIONS) $(state_get LATCHED) $(state_get ROLE) $(gateways)"

watch_start ocf-watch -v
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
set_mode "$PMODE" error500
test_ok 'the primary goes down: ocf-watch promotes (the drills do not latch it)' \
	wait_until 10 state_is ROLE active || show_log
test_cmp_str 'not latched, 11 transitions, one gateway answering ready' \
	'0 11 1 200' "$(state_get LATCHED) $(state_get TRANSITIONS) $(gateways) $(http_code "$P2" /readyz)"
test_ok 'no flap breaker in the log' eval "! grep -q 'flap breaker' '$WLOG'" ||
	show_log

test_done
