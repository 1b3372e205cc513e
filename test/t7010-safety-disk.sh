#!/bin/sh
# t7010-safety-disk.sh - issue 10, item 1: a STATE_DIR that is read-only
# or full never keeps the wrong gateway running.
#   - ocf-demote on an active node always stops the gateway; when the
#     state cannot be written it exits 2 naming the disk problem (the
#     strerror text), and once the directory is writable again the next
#     ocf-demote (or ocf-watch --once) repairs the state: ROLE='standby';
#   - ocf-promote with the primary down still starts the gateway, exits 2
#     naming the disk problem; the next run with a writable directory
#     records ROLE='active' from the running gateway;
#   - a running ocf-watch whose STATE_DIR becomes read-only keeps counting
#     in memory and demotes when the primary comes back (RISE_THRESHOLD
#     good checks + HOLD_DOWN), logging the disk problem; ocf-watch --once
#     there does not call an active node "not active";
#   - STATE_DIR/gateway.log is capped: GATEWAY_LOG_MAX (65536..1073741824)
#     bytes, then it becomes gateway.log.1 (replacing an older one) and a
#     fresh gateway.log begins: the two never exceed 2 x GATEWAY_LOG_MAX
#     (+ 64 KiB of slack), also when the gateway writes 50 MB, and also
#     for output written after ocf-promote has returned.
#
# The read-only file system is a read-only bind mount, made after the
# gateway started (its open gateway.log then belongs to the mount below,
# which would otherwise refuse to become read-only); the full one is a
# small tmpfs, as in t7001.  Both are skipped where mount is not permitted.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

PP=$(pick_port 27100) || bail_out 'no free port for the primary'
PG1=$(pick_port $((PP + 1))) || bail_out 'no free port for the gateway'

PMODE=$TMP/primary.mode
set_mode "$PMODE" error500
srv_start primary "$PP" -f "$PMODE"
PRIMARY_URL=http://127.0.0.1:$PP
READY_TIMEOUT=20
STOP_TIMEOUT=3
HOLD_DOWN=1
export PRIMARY_URL READY_TIMEOUT STOP_TIMEOUT HOLD_DOWN

SRV=$TEST_HELPERS/ocf-testsrv

# gw PORT: the stand-in gateway on PORT
gw() {
	GATEWAY_URL=http://127.0.0.1:$1
	GATEWAY_CMD="$SRV -p $1 -m ready"
	export GATEWAY_URL GATEWAY_CMD
}
gw "$PG1"

# use DIR: the state directory of the next commands
use() {
	STATE_DIR=$1
	export STATE_DIR
}

# marked: how many live processes carry OCF_GATEWAY_OF=$STATE_DIR
marked() {
	grep -lzxF "OCF_GATEWAY_OF=$STATE_DIR" /proc/[0-9]*/environ \
		2>/dev/null | awk 'END { print NR }'
}

# roots: the process groups of the marked processes of $STATE_DIR whose
# parent is not marked (one per gateway), sorted, on one line
roots() {
	gateway_roots | paste -sd' ' -
}

stopped() {
	[ "$(marked)" = 0 ] && port_free "$PG1"
}

# kill every gateway this test started (all state dirs are under $TMP)
kill_all_marked() {
	grep -lzF "OCF_GATEWAY_OF=$TMP/" /proc/[0-9]*/environ 2>/dev/null |
	while IFS= read -r _km_f; do
		_km_p=${_km_f#/proc/}
		_km_p=${_km_p%/environ}
		_km_g=$(ps -o pgid= -p "$_km_p" 2>/dev/null | tr -d ' ')
		if [ -n "$_km_g" ] && [ "$_km_g" -gt 1 ]; then
			kill -s KILL -- "-$_km_g" 2>/dev/null
		fi
	done
	return 0
}

MOUNTS=''
# cleanup: the watcher, then the gateways (their logs keep a mount busy),
# then the mounts
cleanup() {
	watch_stop
	kill_all_marked
	for _cm in $MOUNTS; do
		umount "$_cm" 2>/dev/null || umount -l "$_cm" 2>/dev/null ||
			printf '# cleanup: cannot unmount %s\n' "$_cm"
	done
	return 0
}
at_exit cleanup

# bind DIR: DIR becomes a bind mount of itself (false if not permitted)
bind() {
	mkdir -p "$1" || return 1
	mount --bind "$1" "$1" 2>/dev/null || return 1
	MOUNTS="$1 $MOUNTS"
}

# ro DIR / rw DIR: remount the bind mount DIR read-only / writable.  A
# tool that holds a file open for writing there (the watcher's lock, for
# milliseconds) makes the read-only remount fail (EBUSY): try again.
ro() {
	wait_until 5 mount -o remount,bind,ro "$1" 2>/dev/null
}
rw() {
	mount -o remount,bind,rw "$1" || bail_out "cannot remount $1 writable"
}

# tmpfs DIR SIZE: mount a small tmpfs on DIR (false if not permitted)
tmpfs() {
	mkdir -p "$1" || return 1
	mount -t tmpfs -o "size=$2,mode=0755" ocf-t7010 "$1" 2>/dev/null ||
		return 1
	MOUNTS="$1 $MOUNTS"
}

# fill DIR: no space left on DIR's file system
fill() {
	dd if=/dev/zero of="$1/fill" bs=4096 2>/dev/null
	[ "$(df -k "$1" | awk 'NR == 2 { print $4 }')" = 0 ] ||
		bail_out "cannot fill $1"
}

# stderr_names DESC PATTERN: stderr ($TMP/err) names the disk problem
stderr_names() {
	test_grep "$1: stderr names the disk problem ($2)" "$2" "$TMP/err"
}

# the same gateway: one gateway, and it is the one started before (GW0)
same_gateway() {
	test_cmp_str "$1: one gateway runs, the one started before" \
		"${GW0:-none}" "$(roots)"
	test_cmp_str "$1: the state records it" "${GW0:-none}" \
		"$(state_get GATEWAY_PID)"
}

FULL=$TMP/full
if ! tmpfs "$FULL" 256k; then
	test_skip 'full STATE_DIR' 'mount -t tmpfs not permitted'
	FULL=
fi

# =====================================================================
# 1. ocf-demote: read-only, then full
# =====================================================================
# the bind mount is made once the gateway runs (see above)
RO=$TMP/ro
use "$RO/state"
test_expect_code 0 'read-only: (set up) promoted while writable' ocf-promote
if ! bind "$RO"; then
	test_skip 'read-only STATE_DIR' 'mount --bind not permitted'
	RO=
	ocf-demote >/dev/null 2>&1
	wait_until 1 stopped || kill_all_marked
fi
if [ -n "$RO" ]; then
	test_ok 'read-only: (set up) remounted read-only' ro "$RO" ||
		bail_out "cannot remount $RO read-only"
	test_expect_code 1 'read-only: (set up) even root cannot write now' \
		touch "$STATE_DIR/x"
	test_expect_code 2 'read-only, active: ocf-demote exits 2' ocf-demote
	stderr_names 'read-only, ocf-demote' 'Read-only file system'
	test_cmp_str 'read-only, ocf-demote: every marked process is gone' 0 \
		"$(marked)"
	test_ok 'read-only, ocf-demote: the port is closed' port_free "$PG1"
	# the next part needs the port
	wait_until 1 stopped || kill_all_marked
	rw "$RO"
	test_expect_code 0 'read-only, then writable: ocf-demote exits 0' \
		ocf-demote
	test_cmp_str 'read-only, then writable: it repairs the state: standby' \
		standby "$(state_get ROLE)"
	test_cmp_str 'read-only, then writable: nothing runs' 0 "$(marked)"
fi

if [ -n "$FULL" ]; then
	use "$FULL/st-a"
	test_expect_code 0 'full: (set up) promoted while there was space' \
		ocf-promote
	fill "$FULL"
	test_expect_code 2 'full, active: ocf-demote exits 2' ocf-demote
	stderr_names 'full, ocf-demote' 'No space left on device'
	test_cmp_str 'full, ocf-demote: every marked process is gone' 0 \
		"$(marked)"
	test_ok 'full, ocf-demote: the port is closed' port_free "$PG1"
	wait_until 1 stopped || kill_all_marked
	rm -f "$FULL/fill"
	test_expect_code 0 'full, then space: ocf-demote exits 0' ocf-demote
	test_cmp_str 'full, then space: it repairs the state: standby' \
		standby "$(state_get ROLE)"
fi

# =====================================================================
# 2. ocf-promote: read-only, then full (the primary is down)
# =====================================================================
if [ -n "$RO" ]; then
	use "$RO/state"
	test_cmp_str 'read-only: (set up) a standby state' standby \
		"$(state_get ROLE)"
	test_ok 'read-only: (set up) remounted read-only again' ro "$RO" ||
		bail_out "cannot remount $RO read-only"
	test_expect_code 2 'read-only, primary down: ocf-promote exits 2' \
		ocf-promote
	stderr_names 'read-only, ocf-promote' 'Read-only file system'
	test_ok 'read-only, ocf-promote: the gateway was started and answers ready' \
		ready_at "$PG1"
	GW0=$(roots)
	rw "$RO"
	test_expect_code 0 'read-only, then writable: ocf-promote exits 0' \
		ocf-promote
	test_cmp_str 'read-only, then writable: ROLE=active' active \
		"$(state_get ROLE)"
	same_gateway 'read-only, then writable'
	test_expect_code 0 'read-only: (set up) ocf-demote' ocf-demote
	wait_until 1 stopped || kill_all_marked
fi

if [ -n "$FULL" ]; then
	use "$FULL/st-p"
	test_expect_code 0 'full: (set up) a standby state' ocf-demote
	fill "$FULL"
	test_expect_code 2 'full, primary down: ocf-promote exits 2' ocf-promote
	stderr_names 'full, ocf-promote' 'No space left on device'
	test_ok 'full, ocf-promote: the gateway was started and answers ready' \
		ready_at "$PG1"
	GW0=$(roots)
	rm -f "$FULL/fill"
	test_expect_code 0 'full, then space: ocf-promote exits 0' ocf-promote
	test_cmp_str 'full, then space: ROLE=active' active "$(state_get ROLE)"
	same_gateway 'full, then space'
	test_expect_code 0 'full: (set up) ocf-demote' ocf-demote
	wait_until 1 stopped || kill_all_marked
fi

# =====================================================================
# 3. a running ocf-watch whose STATE_DIR becomes read-only
# =====================================================================
RO2=$TMP/ro2
if [ -n "$RO" ] && mkdir -p "$RO2"; then
	use "$RO2/state"
	set_mode "$PMODE" error500
	watch_start ocf-watch -v
	test_ok 'watch, read-only: (set up) the primary is down: promoted' \
		wait_until 10 state_is ROLE active || show_log
	bind "$RO2" || bail_out "cannot bind-mount $RO2"
	test_ok 'watch, read-only: (set up) remounted read-only under the watcher' \
		ro "$RO2" || bail_out "cannot remount $RO2 read-only"
	test_expect_code 1 'watch, read-only: (set up) even root cannot write now' \
		touch "$STATE_DIR/x"
	sleep 1
	test_ok 'watch, read-only: the watcher keeps running' pid_alive "$WATCH_PID"
	test_ok 'watch, read-only: the gateway keeps running while the primary is down' \
		ready_at "$PG1"
	ocf-watch --once >"$TMP/once.out" 2>"$TMP/once.err"
	printf '# ocf-watch --once on the read-only dir: exit %s\n' "$?"
	sed 's/^/#   /' "$TMP/once.out" "$TMP/once.err"
	test_grep 'watch, read-only: ocf-watch --once reports the node active' \
		'; active' "$TMP/once.out"
	test_cmp_str 'watch, read-only: ocf-watch --once does not say "not active"' \
		0 "$(grep -c 'not active' "$TMP/once.out")"
	set_mode "$PMODE" ready
	T0=$(now)
	if test_ok 'watch, read-only: the primary is back: the watcher stops the gateway' \
		wait_until 10 stopped; then
		printf '# stopped %s s after the primary came back\n' \
			"$(awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
	else
		show_log
	fi
	test_grep 'watch, read-only: its log names the disk problem' \
		'Read-only file system' "$WLOG"
	test_ok 'watch, read-only: the watcher still runs' pid_alive "$WATCH_PID"
	watch_kill TERM || bail_out 'the watcher does not stop'
	wait_until 1 stopped || kill_all_marked
	rw "$RO2"
	test_expect_code 0 'watch, then writable: ocf-watch --once exits 0 (primary ready)' \
		ocf-watch --once
	test_cmp_str 'watch, then writable: ocf-watch --once repairs the state: standby' \
		standby "$(state_get ROLE)"
fi

# =====================================================================
# 4. gateway.log is capped: GATEWAY_LOG_MAX, gateway.log.1
# =====================================================================
use "$TMP/logcap/state"
set_mode "$PMODE" error500
gw "$PG1"
for v in 65535 1073741825; do
	test_expect_code 3 "GATEWAY_LOG_MAX=$v: a configuration error (exit 3)" \
		env GATEWAY_LOG_MAX="$v" ocf-promote
	test_grep "GATEWAY_LOG_MAX=$v: the error names GATEWAY_LOG_MAX" \
		'GATEWAY_LOG_MAX' "$TMP/err"
done
test_cmp_str 'GATEWAY_LOG_MAX out of range: no gateway was started' 0 \
	"$(marked)"

GATEWAY_LOG_MAX=65536
BOUND=$((2 * GATEWAY_LOG_MAX + 65536))
export GATEWAY_LOG_MAX
test_expect_code 0 'log cap: (set up) a standby state' ocf-demote
printf 'OLD-LOG-1 an older rotated log\n' >"$STATE_DIR/gateway.log.1"

# logsize: bytes in gateway.log + gateway.log.1
logsize() {
	cat "$STATE_DIR/gateway.log" "$STATE_DIR/gateway.log.1" 2>/dev/null |
		wc -c | tr -d ' '
}
# capped DESC: the cap holds; gateway.log.1 is the newer one
capped() {
	_cp=$(logsize)
	test_ok "$1: gateway.log + gateway.log.1 = $_cp bytes <= $BOUND" \
		test "$_cp" -le "$BOUND"
	test_ok "$1: gateway.log.1 is a rotated log (not empty)" \
		test -s "$STATE_DIR/gateway.log.1"
	test_cmp_str "$1: the older gateway.log.1 was replaced" 0 \
		"$(grep -c OLD-LOG-1 "$STATE_DIR/gateway.log.1")"
	test_ok "$1: nothing else is kept (no gateway.log.2)" \
		test ! -e "$STATE_DIR/gateway.log.2"
}

# a gateway that writes 50 MB before it serves; the quotes are for ocf's
# own word splitter (no shell reads them)
# shellcheck disable=SC2089
GATEWAY_CMD="/bin/sh -c 'yes 0123456789abcdef | head -c 50000000; exec $SRV -p $PG1 -m ready'"
# shellcheck disable=SC2090
export GATEWAY_CMD
test_expect_code 0 'log cap: ocf-promote of a gateway that writes 50 MB first' \
	ocf-promote
capped 'log cap, 50 MB before ready'
test_expect_code 0 'log cap: (set up) ocf-demote' ocf-demote
capped 'log cap, after ocf-demote'
wait_until 1 stopped || kill_all_marked

# a gateway that writes 20 MB after ocf-promote has returned
rm -f "$STATE_DIR/gateway.log" "$TMP/wrote"
printf 'OLD-LOG-1 an older rotated log\n' >"$STATE_DIR/gateway.log.1"
# shellcheck disable=SC2089
GATEWAY_CMD="/bin/sh -c '$SRV -p $PG1 -m ready & sleep 1; yes 0123456789abcdef | head -c 20000000; : >$TMP/wrote; wait'"
# shellcheck disable=SC2090
export GATEWAY_CMD
test_expect_code 0 'log cap: ocf-promote of a gateway that writes 20 MB later' \
	ocf-promote
test_ok 'log cap: (set up) the gateway wrote its 20 MB' \
	wait_until 20 test -e "$TMP/wrote"
sleep 0.5
capped 'log cap, 20 MB after ocf-promote returned'
test_expect_code 0 'log cap: (set up) ocf-demote' ocf-demote
wait_until 1 stopped || kill_all_marked

test_cmp_str 'no gateway left running' 0 \
	"$(grep -lzF "OCF_GATEWAY_OF=$TMP/" /proc/[0-9]*/environ 2>/dev/null |
	awk 'END { print NR }')"
test_done
