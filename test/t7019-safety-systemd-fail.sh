#!/bin/sh
# t7019-safety-systemd-fail.sh - issue 10, item 8: the systemd backend
# (GATEWAY_CMD empty) notices a gateway unit that failed.  `systemctl
# start` returns 0 for a unit whose process dies right after the fork; the
# promotion then polls `systemctl is-active UNIT` and gives up at once when
# it says "failed" or "inactive": exit 2, a message naming the unit, well
# before READY_TIMEOUT (60 s here), ROLE='failed', the unit not left active.
# systemd is not PID 1 here: test/helpers/systemctl-standin stands in for
# systemctl (first on PATH), keeping the unit's state in a file.  A unit
# that runs (ocf-testsrv) shows that the stand-in drives a good promotion
# and demotion too.

. "$(dirname "$0")/lib.sh"

for _t in ocf-promote ocf-demote test/helpers/ocf-testsrv; do
	[ -x "$OCF_BIN/$_t" ] || bail_out "$OCF_BIN/$_t is missing (build first)"
done
STANDIN=$SRCDIR/test/helpers/systemctl-standin
[ -f "$STANDIN" ] || bail_out "no $STANDIN"

# the stand-in, first on PATH, keeping the units in $TMP/bin/systemctl.d
# (set by the wrapper itself: ocf may run systemctl with a clean
# environment)
UNITS=$TMP/bin/systemctl.d
mkdir -p "$TMP/bin" || bail_out "cannot create $TMP/bin"
cat >"$TMP/bin/systemctl" <<EOF || bail_out 'cannot write the stand-in'
#!/bin/sh
SYSTEMCTL_STANDIN_DIR='$UNITS'
export SYSTEMCTL_STANDIN_DIR
exec /bin/sh '$STANDIN' "\$@"
EOF
chmod +x "$TMP/bin/systemctl" || bail_out 'cannot make the stand-in executable'
PATH=$TMP/bin:$PATH
export PATH
[ "$(command -v systemctl)" = "$TMP/bin/systemctl" ] ||
	bail_out 'the stand-in systemctl is not first on PATH'

P=$(pick_port 27900) || bail_out 'no free port'
UNIT=ocf-t7019-gw
STATE_DIR=$TMP/state
OPENCLAW_USER=
GATEWAY_CMD=
GATEWAY_SERVICE=$UNIT
GATEWAY_URL=http://127.0.0.1:$P
PRIMARY_URL=http://127.0.0.1:1
WORKSPACE=$TMP/none
HOOKS_DIR=$TMP/hooks
READY_TIMEOUT=60
STOP_TIMEOUT=5
PROBE_TIMEOUT=1
export STATE_DIR OPENCLAW_USER GATEWAY_CMD GATEWAY_SERVICE GATEWAY_URL \
	PRIMARY_URL WORKSPACE HOOKS_DIR READY_TIMEOUT STOP_TIMEOUT PROBE_TIMEOUT

# whatever the unit runs ends with the test
at_exit "$TMP/bin/systemctl" stop "$UNIT"

# unit_mode MODE...: what the next `systemctl start UNIT` does
unit_mode() {
	if ! mkdir -p "$UNITS" || ! printf '%s\n' "$*" >"$UNITS/$UNIT.mode"; then
		bail_out 'cannot write the unit mode'
	fi
}

# unit_state: the stand-in's word for the unit (what is-active prints)
unit_state() {
	_us=$(cat "$UNITS/$UNIT.state" 2>/dev/null)
	printf '%s\n' "${_us:-inactive}"
}

elapsed() {
	awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.2f\n", b - a }'
}

less() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'
}

exited() {
	! kill -0 "$1" 2>/dev/null
}

# promote_bounded LIMIT: ocf-promote in the background, output in
# $TMP/bg.out; waited for at most LIMIT seconds, then stopped (TERM, KILL).
# Sets RC (the exit status, or "still running after LIMIT s") and SECS.
promote_bounded() {
	_t0=$(now)
	ocf-promote >"$TMP/bg.out" 2>&1 &
	_pid=$!
	if wait_until "$1" exited "$_pid"; then
		wait "$_pid"
		RC=$?
	else
		RC="still running after $1 s"
		kill -s TERM "$_pid" 2>/dev/null
		wait_until 5 exited "$_pid" || kill -s KILL "$_pid" 2>/dev/null
		wait "$_pid"
	fi
	SECS=$(elapsed "$_t0")
}

show_calls() {
	printf '# ocf-promote said:\n'
	sed 's/^/#   /' "$TMP/bg.out"
	printf '# systemctl calls (last 10):\n'
	tail -n 10 "$UNITS/calls" 2>/dev/null | sed 's/^/#   /'
}

# --- set-up: a unit that runs -------------------------------------------------

unit_mode active "$TEST_HELPERS/ocf-testsrv" -p "$P" -m ready
promote_bounded 30
test_cmp_str 'a unit that runs: ocf-promote exits 0' 0 "$RC" || show_calls
[ -s "$UNITS/$UNIT.pid" ] && track_pgid "$(cat "$UNITS/$UNIT.pid")"
test_cmp_str 'ROLE=active' active "$(state_get ROLE)"
test_cmp_str 'the stand-in says the unit is active' active "$(unit_state)"
test_grep 'ocf started it through the stand-in' "start.* $UNIT" "$UNITS/calls"
test_ok 'ocf-demote exits 0' ocf-demote
test_cmp_str 'ROLE=standby' standby "$(state_get ROLE)"
test_cmp_str 'the unit is stopped' inactive "$(unit_state)"
test_ok 'its gateway is gone (port closed)' wait_until 5 port_free "$P"

# --- the unit fails at once ------------------------------------------------------

# failed_unit MODE: start exits 0, the unit is MODE at once
failed_unit() {
	unit_mode "$1"
	promote_bounded 10
	test_cmp_str "unit $1 at once: ocf-promote exits 2" 2 "$RC" || show_calls
	test_ok "unit $1 at once: seen within 5 s, not after READY_TIMEOUT=60 (took $SECS s)" \
		less "$SECS" 5
	test_grep "unit $1 at once: the message names the unit and says failed" \
		"$UNIT.*failed|failed.*$UNIT" "$TMP/bg.out"
	test_cmp_str "unit $1 at once: ROLE=failed" failed "$(state_get ROLE)"
	state_get LAST_ERROR >"$TMP/last_error"
	test_grep "unit $1 at once: LAST_ERROR names the unit" "$UNIT" \
		"$TMP/last_error"
	test_ok "unit $1 at once: the unit is not left active" \
		test "$(unit_state)" != active
}

failed_unit failed
test_ok 'demote the failed node: exit 0' ocf-demote
failed_unit inactive

test_done
