#!/bin/sh
# t7003-bounds.sh - one long-running ocf-watch holds its resident memory
# and its open file descriptors constant.
#
#   1. a ready primary (ocf-testsrv), the smallest CHECK_INTERVAL ocf
#      accepts (0.001 if it can, else 0.01): as many iterations as fit in
#      RUN_SECS (default 120, at most 100,000). VmRSS and the fd count are
#      taken after ~1,000 iterations and at the end: the fds must be
#      equal, RSS may grow by at most RSS_SLACK KiB (default 512).
#   2. the error paths: the primary cycles through misbehaving modes
#      (reset, garbage, 10 MB body, bad chunk, close, 500, not ready,
#      flaky) for ERR_SECS (default 15) under maintenance mode (counted,
#      never acted on); the same two measures.
#
# Iterations are counted from the watcher's -v log: one "primary ..."
# line per check.

. "$(dirname "$0")/lib.sh"

for _k in ocf-watch ocf-promote test/helpers/ocf-testsrv; do
	[ -x "$OCF_BIN/$_k" ] || bail_out "$OCF_BIN/$_k is missing (build first)"
done
unset _k

RUN_SECS=${RUN_SECS:-120}
ERR_SECS=${ERR_SECS:-15}
RSS_SLACK=${RSS_SLACK:-512}
MAX_ITER=100000
WARM_ITER=1000

PP=$(pick_port 27400) || bail_out 'no free port for the primary'
PG=$(pick_port 27410) || bail_out 'no free port for the gateway'

# the state dir on a tmpfs where we may: two fsyncs per check on a busy
# disk would make the checks few and their pace erratic
SD=$TMP/sd
mkdir -p "$SD"
SD_MOUNTED=0
if mount -t tmpfs -o size=2m,mode=0700 ocf-t7003 "$SD" 2>/dev/null; then
	SD_MOUNTED=1
fi
unmount_sd() {
	[ "$SD_MOUNTED" = 1 ] || return 0
	umount "$SD" 2>/dev/null || umount -l "$SD"
}
at_exit unmount_sd
printf '# state dir on %s\n' "$([ "$SD_MOUNTED" = 1 ] && echo tmpfs || echo "$TMP")"

OPENCLAW_USER=
WORKSPACE=$TMP/none
HOOKS_DIR=$TMP/hooks
STATE_DIR=$SD/state
PROBE_TIMEOUT=0.5
FAIL_THRESHOLD=3
RISE_THRESHOLD=3
HOLD_DOWN=0
PRIMARY_URL=http://127.0.0.1:$PP
# never started (the primary stays ready, or maintenance is on), but set:
# without it the first check asks systemctl about the gateway
GATEWAY_URL=http://127.0.0.1:$PG
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $PG -m ready"
export OPENCLAW_USER WORKSPACE HOOKS_DIR STATE_DIR PROBE_TIMEOUT \
	FAIL_THRESHOLD RISE_THRESHOLD HOLD_DOWN PRIMARY_URL GATEWAY_URL \
	GATEWAY_CMD

PMODE=$TMP/primary.mode
printf 'ready\n' >"$PMODE"
rm -f "$TMP/primary.pid"
(
	setsid ocf-testsrv -p "$PP" -f "$PMODE" -P "$TMP/primary.pid" \
		</dev/null >>"$TMP/primary.log" 2>&1 &
)
wait_until 5 test -s "$TMP/primary.pid" || bail_out 'ocf-testsrv did not start'
track_pgid "$(cat "$TMP/primary.pid")"

set_mode() {
	printf '%s\n' "$1" >"$PMODE.tmp" && mv -f "$PMODE.tmp" "$PMODE"
}

WPID=
WLOG=$TMP/watch.log
stop_watch() {
	[ -n "$WPID" ] || return 0
	kill "$WPID" 2>/dev/null
	wait_until 5 watch_gone || kill -s KILL "$WPID" 2>/dev/null
	return 0
}
at_exit stop_watch

watch_gone() {
	! kill -0 "$WPID" 2>/dev/null
}

# iterations: checks logged so far
iterations() {
	grep -c ' ocf-watch: \(debug: \)\{0,1\}primary ' "$WLOG" 2>/dev/null ||
		true
}

at_least() {
	[ "$(iterations)" -ge "$1" ]
}

rss() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$WPID/status"
}

# fds [FLOOR]: the open fds between two checks. A check holds sockets,
# the lock and the state file for a moment, and on a loaded machine most
# samples land inside a check: take the smallest of up to 400 samples
# (about 4 s), stopping early at FLOOR (default 3: stdin, stdout, stderr).
# A leaked fd never closes, so it shows in every sample.
fds() {
	_fd_min='' _fd_i=0
	while [ "$_fd_i" -lt 400 ]; do
		_fd_n=0
		for _fd in "/proc/$WPID/fd/"*; do
			[ -e "$_fd" ] || [ -L "$_fd" ] || continue
			_fd_n=$((_fd_n + 1))
		done
		if [ -z "$_fd_min" ] || [ "$_fd_n" -lt "$_fd_min" ]; then
			_fd_min=$_fd_n
			ls -l "/proc/$WPID/fd" >"$TMP/fds.last" 2>/dev/null
		fi
		[ "$_fd_min" -gt "${1:-3}" ] || break
		_fd_i=$((_fd_i + 1))
		sleep 0.01
	done
	printf '%s\n' "$_fd_min"
}

# fds_kept DESC: no more fds at the end than at the start
fds_kept() {
	test_ok "$1: open fds did not grow ($fds0 -> $fds1)" \
		test "$fds1" -le "$fds0" ||
		diff "$TMP/fds.start" "$TMP/fds.end" | sed 's/^/#   /'
}

# ms: milliseconds since the epoch
ms() {
	date +%s%3N
}

# =====================================================================
# the interval: the issue asks for 100,000 fast iterations
# =====================================================================
if test_expect_code 0 'CHECK_INTERVAL=0.001 is accepted (100,000 iterations must fit in a CI run)' \
	env CHECK_INTERVAL=0.001 FAST_INTERVAL=0.001 STATE_DIR="$TMP/probe-interval" \
	ocf-watch --once; then
	CHECK_INTERVAL=0.001
else
	CHECK_INTERVAL=0.01
	printf '# falling back to CHECK_INTERVAL=0.01, the smallest accepted\n'
fi
FAST_INTERVAL=$CHECK_INTERVAL
export CHECK_INTERVAL FAST_INTERVAL

# =====================================================================
# 1. a ready primary, as many iterations as fit
# =====================================================================
ocf-watch -v >"$WLOG" 2>&1 </dev/null &
WPID=$!
t_start=$(ms)
wait_until 60 at_least "$WARM_ITER" ||
	bail_out "the watcher did not reach $WARM_ITER iterations in 60 s"
rss0=$(rss) fds0=$(fds) n0=$(iterations) t0=$(ms)
mv "$TMP/fds.last" "$TMP/fds.start"
printf '# after %s iterations (%s ms): rss=%s KiB fds=%s\n' \
	"$n0" $((t0 - t_start)) "$rss0" "$fds0"
peak=$rss0
deadline=$((t_start + RUN_SECS * 1000))
next_note=$((t0 + 15000))
# one pass a second, bounded by the deadline and MAX_ITER
while [ "$(ms)" -lt "$deadline" ] && ! at_least "$MAX_ITER"; do
	kill -0 "$WPID" 2>/dev/null || break
	r=$(rss)
	[ "$r" -le "$peak" ] || peak=$r
	if [ "$(ms)" -ge "$next_note" ]; then
		printf '# ... %s iterations: rss=%s KiB\n' "$(iterations)" "$r"
		next_note=$((next_note + 15000))
	fi
	sleep 1
done
test_ok 'the watcher is still running' kill -0 "$WPID"
rss1=$(rss) fds1=$(fds "$fds0") n1=$(iterations) t1=$(ms)
mv "$TMP/fds.last" "$TMP/fds.end"
secs=$(awk -v a="$t_start" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
rate=$(awk -v n="$n1" -v a="$t_start" -v b="$t1" \
	'BEGIN { printf "%.0f", n * 1000 / (b - a) }')
printf '# rss start=%s end=%s peak=%s KiB fds start=%s end=%s\n' \
	"$rss0" "$rss1" "$peak" "$fds0" "$fds1"
printf '# %s iterations in %s s (%s/s) at CHECK_INTERVAL=%s\n' \
	"$n1" "$secs" "$rate" "$CHECK_INTERVAL"
stop_watch
wait "$WPID"
rc=$?
WPID=
test_cmp_str 'the watcher exits 0 on SIGTERM' 0 "$rc"
# at least 20,000 when the interval allows it; with 0.01 s, 90 s give
# some 7,000 (check 1 already fails for that)
if [ "$CHECK_INTERVAL" = 0.001 ]; then
	min_iter=$((RUN_SECS >= 90 ? 20000 : RUN_SECS * 200))
else
	min_iter=$((RUN_SECS * 15))
fi
if [ "$n1" -ge "$MAX_ITER" ]; then
	test_ok "ready primary: $n1 iterations (the 100,000 of the issue)" true
else
	test_ok "ready primary: $n1 iterations in $secs s, at least $min_iter (not 100,000: CHECK_INTERVAL=$CHECK_INTERVAL, a $RUN_SECS s budget)" \
		test "$n1" -ge "$min_iter"
fi
fds_kept 'ready primary'
test_ok "ready primary: RSS grew by at most $RSS_SLACK KiB ($rss0 -> $rss1 KiB, peak $peak)" \
	test $((rss1 - rss0)) -le "$RSS_SLACK"
test_ok 'ready primary: no failed check in the run' \
	test "$(grep -c 'primary critical\|primary unknown\|primary warning' "$WLOG")" -eq 0
test_cmp_str 'ready primary: still standby, nothing happened' 'standby 0' \
	"$(state_get ROLE) $(state_get TRANSITIONS)"

# =====================================================================
# 2. the error paths, under maintenance mode
# =====================================================================
STATE_DIR=$SD/state-err
export STATE_DIR
test_expect_code 0 '(set up) maintenance mode on' ocf-promote -M on
: >"$WLOG"
ocf-watch -v >"$WLOG" 2>&1 </dev/null &
WPID=$!
MODES='rst garbage huge badchunk closeafteraccept error500 notready flaky badjson redirect'
# cycle MODES once, 0.5 s each
cycle() {
	for _m in $MODES; do
		set_mode "$_m"
		sleep 0.5
	done
}
cycle	# warm up: every path taken once
rss0=$(rss) fds0=$(fds) n0=$(iterations)
mv "$TMP/fds.last" "$TMP/fds.start"
printf '# error paths, after %s iterations: rss=%s KiB fds=%s\n' \
	"$n0" "$rss0" "$fds0"
peak=$rss0
t_end=$(($(ms) + ERR_SECS * 1000))
while [ "$(ms)" -lt "$t_end" ]; do
	kill -0 "$WPID" 2>/dev/null || break
	cycle
	r=$(rss)
	[ "$r" -le "$peak" ] || peak=$r
done
test_ok 'error paths: the watcher is still running' kill -0 "$WPID"
rss1=$(rss) fds1=$(fds "$fds0") n1=$(iterations)
mv "$TMP/fds.last" "$TMP/fds.end"
printf '# error paths: rss start=%s end=%s peak=%s KiB fds start=%s end=%s, %s iterations\n' \
	"$rss0" "$rss1" "$peak" "$fds0" "$fds1" "$n1"
stop_watch
WPID=
test_ok "error paths: $n1 checks were made" test "$n1" -gt "$n0"
fds_kept 'error paths'
test_ok "error paths: RSS grew by at most $RSS_SLACK KiB ($rss0 -> $rss1 KiB, peak $peak)" \
	test $((rss1 - rss0)) -le "$RSS_SLACK"
test_cmp_str 'error paths: maintenance held: standby, no transition' 'standby 0 1' \
	"$(state_get ROLE) $(state_get TRANSITIONS) $(state_get MAINTENANCE)"

test_done
