#!/bin/sh
# t7018-safety-sigkill.sh - issue 10, item 11: an ocf-demote that had to
# SIGKILL the gateway (it ignored SIGTERM for STOP_TIMEOUT) is a degraded
# result: exit 1 (WARNING), and the result line says "killed".  The same
# when only a helper of the gateway (in a process group of its own, as the
# real gateway's spawn-broker) ignores SIGTERM.  A gateway that stops on
# SIGTERM is still a plain exit 0 with no "killed".
#
# The stubborn gateway is ocf-testsrv -T (SIGTERM ignored; a shell's
# "trap '' TERM; exec ..." cannot do it, the server installs its handler).

. "$(dirname "$0")/lib.sh"

for _k in ocf-promote ocf-demote test/helpers/ocf-testsrv; do
	[ -x "$OCF_BIN/$_k" ] || bail_out "$OCF_BIN/$_k is missing (build first)"
done
unset _k

PDOWN=$(pick_port 27600) || bail_out 'no free port for the (down) primary'
P=$(pick_port $((PDOWN + 1))) || bail_out 'no free port for the gateway'
PH=$(pick_port $((P + 1))) || bail_out 'no free port for the helper'

STATE_DIR=$TMP/state
OPENCLAW_USER=
WORKSPACE=$TMP/none
HOOKS_DIR=$TMP/hooks
PRIMARY_URL=http://127.0.0.1:$PDOWN
GATEWAY_URL=http://127.0.0.1:$P
PROBE_TIMEOUT=0.5
READY_TIMEOUT=10
STOP_TIMEOUT=1
export STATE_DIR OPENCLAW_USER WORKSPACE HOOKS_DIR PRIMARY_URL GATEWAY_URL \
	PROBE_TIMEOUT READY_TIMEOUT STOP_TIMEOUT

. "$SRCDIR/test/marked.sh"

SRV=$TEST_HELPERS/ocf-testsrv

# elapsed T0: seconds since T0 (from now), 2 decimals
elapsed() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f\n", b - a }'
}

# between SECS LO HI: LO <= SECS < HI
between() {
	awk -v s="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(s >= lo && s < hi) }'
}

# promoted DESC: ocf-promote exits 0 and every marked group is tracked
promoted() {
	test_ok "$1: (set up) ocf-promote" ocf-promote ||
		bail_out 'cannot promote'
	for _pg in $(marked_groups); do
		track "$_pg"
	done
}

ready() {
	[ "$(http_code /readyz)" = 200 ]
}

# demote_check DESC CODE [ARG...]: ocf-demote [ARG...] exits CODE; it took
# at least STOP_TIMEOUT when CODE is 1 (it waited before SIGKILL) and less
# than STOP_TIMEOUT + 6 s in any case; then nothing is left
demote_check() {
	_dc_d=$1 _dc_c=$2
	shift 2
	_dc_t0=$(now)
	test_expect_code "$_dc_c" "$_dc_d: ocf-demote${*:+ $*} exits $_dc_c" \
		ocf-demote "$@"
	_dc_s=$(elapsed "$_dc_t0")
	cp "$TMP/out" "$TMP/demote.out"
	cp "$TMP/err" "$TMP/demote.err"
	if [ "$_dc_c" = 1 ]; then
		test_ok "$_dc_d: it waited STOP_TIMEOUT before SIGKILL (took $_dc_s s)" \
			between "$_dc_s" 1 7
	else
		test_ok "$_dc_d: quick (took $_dc_s s)" between "$_dc_s" 0 5
	fi
	test_cmp_str "$_dc_d: ROLE=standby" standby "$(state_get ROLE)"
	test_cmp_str "$_dc_d: no marked process left" 0 "$(nmarked)"
	test_ok "$_dc_d: the gateway's port is closed" port_free "$P"
}

# --- a gateway that ignores SIGTERM ------------------------------------------

GATEWAY_CMD="$SRV -T -p $P -m ready"
export GATEWAY_CMD
promoted 'SIGTERM ignored'
GW=$(state_get GATEWAY_PID)
kill -s TERM -- "-$GW"
sleep 0.5
test_ok 'SIGTERM ignored: (set up) the gateway survives SIGTERM and still serves' \
	ready
demote_check 'SIGTERM ignored' 1
test_grep 'SIGTERM ignored: the result line is a WARNING that says "killed"' \
	'^WARNING - .*killed' "$TMP/demote.out"
test_grep 'SIGTERM ignored: stderr says "killed" too' 'killed' "$TMP/demote.err"
test_ok 'SIGTERM ignored: the gateway group is gone' all_gone "$GW"

# the same with --json: code 1, and the detail says "killed"
promoted 'SIGTERM ignored, --json'
demote_check 'SIGTERM ignored, --json' 1 -j
test_grep 'SIGTERM ignored, --json: "code":1 and "killed" in the detail' \
	'"code":1,.*"detail":".*killed' "$TMP/demote.out"

# --- a helper in a group of its own ignores SIGTERM, the leader does not -----

# the quotes are for ocf's own word splitter (no shell reads them)
# shellcheck disable=SC2089
GATEWAY_CMD="/bin/sh -c '/usr/bin/setsid $SRV -T -p $PH -m ready & exec $SRV -p $P -m ready'"
# shellcheck disable=SC2090
export GATEWAY_CMD
promoted 'a stubborn helper'
helper_up() {
	[ "$(nmarked)" = 2 ] && ! port_free "$PH"
}
test_ok 'a stubborn helper: (set up) the helper runs in a second group' \
	wait_until 5 helper_up
test_cmp_str 'a stubborn helper: (set up) two marked groups' 2 \
	"$(marked_groups | wc -l | tr -d ' ')"
demote_check 'a stubborn helper' 1
test_grep 'a stubborn helper: the result line is a WARNING that says "killed"' \
	'^WARNING - .*killed' "$TMP/demote.out"
test_ok 'a stubborn helper: its port is closed' port_free "$PH"

# --- the contrary: a gateway that stops on SIGTERM -----------------------------

GATEWAY_CMD="$SRV -p $P -m ready"
export GATEWAY_CMD
promoted 'a well-behaved gateway'
demote_check 'a well-behaved gateway' 0
test_grep 'a well-behaved gateway: OK - standby' '^OK - standby' \
	"$TMP/demote.out"
test_ok 'a well-behaved gateway: nothing says "killed"' \
	test "$(cat "$TMP/demote.out" "$TMP/demote.err" | grep -c killed)" = 0

test_done
