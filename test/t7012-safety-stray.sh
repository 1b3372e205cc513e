#!/bin/sh
# t7012-safety-stray.sh - issue 10, item 3: a gateway running on a standby
# (openclaw.service left enabled, a gateway started by hand) is reconciled
# on EVERY check of a running ocf-watch, not only on its first: role
# standby + our gateway present (a root process carrying
# OCF_GATEWAY_OF=<STATE_DIR>) + primary not CRITICAL -> it is stopped
# within a few checks.  While the primary is CRITICAL it is left alone (a
# promotion, once FAIL_THRESHOLD is reached, adopts it).
#
# The stray gateway is ocf-testsrv started by the test itself with the
# mark in its environment, after the watcher's first check.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 27200) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
set_mode "$PMODE" error500
srv_start primary "$P1" -f "$PMODE"
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
# the watcher must not promote while this test wants a standby
FAIL_THRESHOLD=1000
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD FAIL_THRESHOLD

# stray NAME: a gateway started by hand on this node: marked, root's, in a
# session of its own, listening on GATEWAY_URL; its pid in STRAY.  The pid
# is written before the exec, not by ocf-testsrv -P: a watcher may stop the
# stray at once, and ocf-testsrv removes its pid file as it exits.
stray() {
	rm -f "$TMP/$1.pid"
	# shellcheck disable=SC2016 # $$ and $@ are the inner shell's
	env "OCF_GATEWAY_OF=$STATE_DIR" setsid /bin/sh -c \
		'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
		"$TMP/$1.pid" ocf-testsrv -p "$P2" -m ready \
		</dev/null >>"$TMP/$1.log" 2>&1 &
	wait_until 5 test -s "$TMP/$1.pid" ||
		bail_out "the stray gateway $1 did not start"
	STRAY=$(cat "$TMP/$1.pid")
	track_pgid "$STRAY"
	# it listens, or it is gone already (stopped by the watcher)
	wait_until 5 listens_or_gone "$STRAY" ||
		bail_out "the stray gateway $1 neither listens nor exits"
	! grep -q 'unable to bind' "$TMP/$1.log" ||
		bail_out "the stray gateway $1 cannot bind port $P2"
}
listens_or_gone() {
	! port_free "$P2" || ! pgrp_alive "$1"
}

# checks_since N: the watcher has made N more checks since LAST_PROBE was
# sampled into LP (it counts them in FAILS or RISES; LAST_PROBE moves)
LP=
probes_seen=0
probe_moved() {
	_pm=$(state_get LAST_PROBE) || return 1
	[ "$_pm" != "$LP" ] || return 1
	LP=$_pm
	probes_seen=$((probes_seen + 1))
	return 0
}
# wait_checks N SECONDS: wait (bounded) until N more checks were recorded
wait_checks() {
	probes_seen=0
	LP=$(state_get LAST_PROBE)
	_wc_end=$(($(date +%s) + $2))
	while [ "$probes_seen" -lt "$1" ] && [ "$(date +%s)" -le "$_wc_end" ]; do
		probe_moved
		sleep 0.05
	done
	[ "$probes_seen" -ge "$1" ]
}

stray_gone() {
	! pgrp_alive "$1" && port_free "$P2"
}

# unstray PGID: the test stops a stray the watcher left running (the
# assertion has failed already), so the next part can use the port
unstray() {
	kill -s KILL -- "-$1" 2>/dev/null
	wait_until 5 stray_gone "$1" || bail_out "cannot stop the stray group $1"
}

# stopped DESC PGID: the watcher stops the stray group PGID within 5 s
stopped() {
	_st_t0=$(now)
	if test_ok "$1" wait_until 5 stray_gone "$2"; then
		printf '# stopped after %s s\n' "$(elapsed "$_st_t0")"
	else
		show_log
		unstray "$2"
	fi
}

# elapsed T0: seconds since T0, 1 decimal
elapsed() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f\n", b - a }'
}

test_ok '(set up) a standby state' ocf-demote
watch_start ocf-watch -v
test_ok '(set up) the watcher sees the primary down' \
	wait_until 5 state_is PRIMARY critical || show_log

# --- primary CRITICAL: a stray gateway is left alone -----------------------------

stray s1
S1=$STRAY
test_ok '(set up) the stray gateway answers ready' ready_at "$P2"
test_ok '(set up) the watcher made 6 more checks' wait_checks 6 10 || show_log
test_cmp_str 'primary CRITICAL: the stray gateway is left alone' 'yes standby' \
	"$(pgrp_alive "$S1" && echo yes) $(state_get ROLE)"

# --- the primary comes back: the stray is stopped within a few checks -------------

set_mode "$PMODE" ready
stopped 'primary ready: the running watcher stops the stray gateway (5 s)' "$S1"
test_cmp_str 'primary ready: still standby' standby "$(state_get ROLE)"

# --- primary ready all along: a stray started later is stopped too ----------------

test_ok '(set up) the watcher made 3 more checks' wait_checks 3 5 || show_log
stray s2
S2=$STRAY
stopped 'primary ready: a stray started later is stopped (5 s)' "$S2"

# --- primary live but not ready (WARNING): not CRITICAL, so stopped ------------------

set_mode "$PMODE" notready
test_ok '(set up) the watcher sees the primary not ready' \
	wait_until 5 state_is PRIMARY warning || show_log
stray s3
S3=$STRAY
stopped 'primary WARNING: the stray gateway is stopped (5 s)' "$S3"
test_cmp_str 'primary WARNING: still standby' standby "$(state_get ROLE)"

# --- primary CRITICAL again: left alone again ----------------------------------------

set_mode "$PMODE" error500
test_ok '(set up) the watcher sees the primary down again' \
	wait_until 5 state_is PRIMARY critical || show_log
stray s4
S4=$STRAY
test_ok '(set up) the watcher made 6 more checks' wait_checks 6 10 || show_log
test_cmp_str 'primary CRITICAL again: the stray gateway is left alone' \
	'yes standby' "$(pgrp_alive "$S4" && echo yes) $(state_get ROLE)"

# --- FAIL_THRESHOLD reached: the promotion adopts the stray --------------------------

watch_kill TERM || bail_out 'the watcher does not stop'
FAIL_THRESHOLD=3
export FAIL_THRESHOLD
watch_start ocf-watch -v
test_ok 'FAIL_THRESHOLD=3: the watcher promotes' \
	wait_until 10 state_is ROLE active || show_log
test_cmp_str 'promoted: one gateway, ready' '1 200' \
	"$(gateways) $(http_code "$P2" /readyz)"
test_cmp_str 'promoted: the stray gateway was adopted (same process group)' \
	"$S4" "$(state_get GATEWAY_PID)"

watch_kill TERM || bail_out 'the watcher does not stop'
test_ok '(set up) ocf-demote' ocf-demote
test_ok 'nothing marked is left' no_gateway
test_done
