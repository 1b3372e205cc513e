#!/bin/sh
# t7001-fs-faults.sh - ocf-promote, ocf-demote and `ocf-watch --once` when
# the state directory or the state file is broken: STATE_DIR missing
# (created 0700), on a read-only file system, on a full file system, the
# state file truncated / binary / huge / a symbolic link / owned by another
# user, leftover temporary files, symbolic links planted in place of the
# lock and the log files.  Every failure is one "ocf-TOOL: error: ..." line
# on stderr and an exact exit code; the old state stays intact and
# parseable; nothing is ever written through a symbolic link.
#
# The read-only file system is a read-only bind mount, the full one a small
# tmpfs (we run as root, so chmod would not stop us); both are skipped
# where mount is not permitted.

. "$(dirname "$0")/lib.sh"

for _k in ocf-watch ocf-promote ocf-demote test/helpers/ocf-testsrv; do
	[ -x "$OCF_BIN/$_k" ] || bail_out "$OCF_BIN/$_k is missing (build first)"
done
unset _k

PDOWN=$(pick_port 27000) || bail_out 'no free port for the (down) primary'
PG1=$(pick_port 27010) || bail_out 'no free port for the gateway'
PG2=$(pick_port 27020) || bail_out 'no free port for a second gateway'

OPENCLAW_USER=
WORKSPACE=$TMP/none
HOOKS_DIR=$TMP/hooks
PROBE_TIMEOUT=0.5
READY_TIMEOUT=10
STOP_TIMEOUT=3
HOOK_TIMEOUT=5
HOLD_DOWN=0
FAIL_THRESHOLD=3
RISE_THRESHOLD=3
CHECK_INTERVAL=0.2
FAST_INTERVAL=0.1
# the primary is down: nothing listens there
PRIMARY_URL=http://127.0.0.1:$PDOWN
export OPENCLAW_USER WORKSPACE HOOKS_DIR PROBE_TIMEOUT READY_TIMEOUT \
	STOP_TIMEOUT HOOK_TIMEOUT HOLD_DOWN FAIL_THRESHOLD RISE_THRESHOLD \
	CHECK_INTERVAL FAST_INTERVAL PRIMARY_URL

# gw PORT [ARG...]: the stand-in gateway on PORT
gw() {
	_gw_p=$1
	shift
	GATEWAY_URL=http://127.0.0.1:$_gw_p
	GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $_gw_p -m ready${1:+ $*}"
	export GATEWAY_URL GATEWAY_CMD
}
gw "$PG1"

# use DIR: the state directory of the next commands
use() {
	STATE_DIR=$1
	export STATE_DIR
}

# marked DIR: how many live processes carry OCF_GATEWAY_OF=DIR (a gateway
# ocf started for that state directory)
marked() {
	grep -lzxF "OCF_GATEWAY_OF=$1" /proc/[0-9]*/environ 2>/dev/null |
		awk 'END { print NR }'
}

# kill every gateway this test started (all state dirs are under $TMP)
kill_marked() {
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
# cleanup: gateways first (their logs keep a tmpfs busy), then the mounts
cleanup() {
	kill_marked
	for _cm in $MOUNTS; do
		umount "$_cm" 2>/dev/null || umount -l "$_cm" 2>/dev/null ||
			printf '# cleanup: cannot unmount %s\n' "$_cm"
	done
	return 0
}
at_exit cleanup

# tmpfs DIR SIZE: mount a small tmpfs on DIR (false if not permitted)
tmpfs() {
	mkdir -p "$1" || return 1
	mount -t tmpfs -o "size=$2,mode=0755" ocf-t7001 "$1" 2>/dev/null ||
		return 1
	MOUNTS="$1 $MOUNTS"
}

# err_check TOOL PATTERN DESC: $TMP/err holds exactly one error line, of the
# form "TOOL: error: ..." (ocf-watch puts a time stamp in front) and
# matching PATTERN (the cause)
err_check() {
	_ec_n=$(grep -c 'error:' "$TMP/err")
	if [ "$_ec_n" = 1 ]; then
		test_grep "$3: one line '$1: error: ...' naming the cause" \
			"^([0-9T:.Z-]+ )?$1: error: .*$2" "$TMP/err"
	else
		test_cmp_str "$3: exactly one error line on stderr" 1 "$_ec_n"
		sed -n '1,20s/^/#   /p' "$TMP/err"
	fi
}

# same FILE COPY: FILE is byte for byte COPY (and still a regular file)
same() {
	[ -f "$1" ] && [ ! -L "$1" ] && cmp -s "$1" "$2"
}

# no_tmp DIR: no state.tmp.* left behind in DIR
no_tmp() {
	for _nt in "$1"/state.tmp.*; do
		[ -e "$_nt" ] || [ -L "$_nt" ] || continue
		printf '# left behind: %s\n' "$_nt"
		return 1
	done
	return 0
}

# fresh DIR: a state dir whose state file records one failed check
fresh() {
	rm -rf "$1"
	use "$1"
	ocf-watch --once >/dev/null 2>&1
	[ -f "$1/state" ] || bail_out "cannot create a state in $1"
}

# =====================================================================
# 1. STATE_DIR missing: created with mode 0700, parents 0755
# =====================================================================
use "$TMP/m1/a/state"
test_expect_code 2 'missing STATE_DIR: ocf-watch --once creates it, counts a failed check' \
	ocf-watch --once
test_cmp_str 'missing STATE_DIR: created 0700, parents 0755 (ocf-watch)' \
	'700 755 755' "$(stat -c %a "$TMP/m1/a/state" "$TMP/m1/a" "$TMP/m1" |
	paste -sd' ' -)"
test_cmp_str 'and the state records the failed check' 'standby 1' \
	"$(state_get ROLE) $(state_get FAILS)"
use "$TMP/m2/state"
test_expect_code 0 'missing STATE_DIR: ocf-promote creates it and promotes' \
	ocf-promote
test_cmp_str 'missing STATE_DIR: created 0700 (ocf-promote)' 700 \
	"$(stat -c %a "$STATE_DIR")"
test_expect_code 0 'and ocf-demote stands down again' ocf-demote
use "$TMP/m3/state"
test_expect_code 0 'missing STATE_DIR: ocf-demote creates it (already standby)' \
	ocf-demote
test_cmp_str 'missing STATE_DIR: created 0700 (ocf-demote)' 700 \
	"$(stat -c %a "$STATE_DIR")"
use relative/state
for t in 'ocf-watch --once' ocf-promote ocf-demote; do
	# shellcheck disable=SC2086 # "ocf-watch --once" is two words
	test_expect_code 3 "a relative STATE_DIR: $t exits 3" $t
	err_check "${t%% *}" 'not an absolute path' "relative STATE_DIR, $t"
done
: >"$TMP/plainfile"
use "$TMP/plainfile"
for t in 'ocf-watch --once' ocf-promote ocf-demote; do
	# shellcheck disable=SC2086
	test_expect_code 3 "STATE_DIR is a regular file: $t exits 3" $t
	err_check "${t%% *}" 'not a directory' "STATE_DIR a file, $t"
done

# =====================================================================
# 2. a read-only file system
# =====================================================================
# A bind mount of a directory on itself, remounted read-only. It is made
# after the promotion: the gateway's log, open for writing, then belongs
# to the mount below, which would otherwise refuse to become read-only.
RO=$TMP/ro
mkdir -p "$RO"
use "$RO/state"
test_expect_code 0 'read-only: (set up) promoted while writable' ocf-promote
cp "$STATE_DIR/state" "$TMP/ro.before"
if mount --bind "$RO" "$RO" 2>/dev/null; then
	MOUNTS="$RO $MOUNTS"
	if mount -o remount,bind,ro "$RO" 2>/dev/null; then
		test_expect_code 1 'read-only: (set up) even root cannot write now' \
			touch "$RO/x"
		# a check cannot be counted: UNKNOWN, and nothing to do
		test_expect_code 3 "read-only STATE_DIR: ocf-watch --once exits 3" \
			ocf-watch --once
		err_check ocf-watch "Read-only file system" \
			"read-only, ocf-watch --once"
		test_grep 'read-only: --once reports the role it found (active)' \
			'; active$' "$TMP/out"
		# already there needs no writing
		test_expect_code 0 "read-only STATE_DIR: ocf-promote (already active) exits 0" \
			ocf-promote
		test_cmp_str 'read-only: the gateway still runs' 1 \
			"$(marked "$STATE_DIR")"
		# stopping is always allowed, recorded or not (issue 10)
		test_expect_code 2 "read-only STATE_DIR: ocf-demote stops and exits 2" \
			ocf-demote
		err_check ocf-demote "could not be recorded.*Read-only file system" \
			"read-only, ocf-demote"
		test_cmp_str 'read-only: the gateway is stopped all the same' \
			0 "$(marked "$STATE_DIR")"
		test_ok 'read-only: the state is intact' \
			same "$STATE_DIR/state" "$TMP/ro.before"
		test_cmp_str 'read-only: it still parses: active' active \
			"$(state_get ROLE)"
		use "$RO/new/state"
		for t in 'ocf-watch --once' ocf-promote ocf-demote; do
			# shellcheck disable=SC2086
			test_expect_code 3 "a missing STATE_DIR on a read-only fs: $t exits 3" $t
			err_check "${t%% *}" "unable to create '$RO/new'.*Read-only" \
				"missing on read-only, $t"
		done
		mount -o remount,bind,rw "$RO" || bail_out "cannot remount $RO rw"
	else
		test_skip 'read-only STATE_DIR' 'mount -o remount,bind,ro not permitted'
	fi
else
	test_skip 'read-only STATE_DIR' 'mount --bind not permitted'
fi
use "$RO/state"
test_expect_code 0 'read-only: writable again, ocf-demote works' ocf-demote
test_cmp_str 'read-only: and repairs the state: standby' standby \
	"$(state_get ROLE)"

# =====================================================================
# 3. a full file system
# =====================================================================
FULL=$TMP/full
if tmpfs "$FULL" 128k; then
	# st-a: active with a gateway; st-s: standby with one failed check
	use "$FULL/st-a"
	gw "$PG2"
	test_expect_code 0 'full fs: (set up) st-a promoted' ocf-promote
	gw "$PG1"
	fresh "$FULL/st-s"
	cp "$FULL/st-a/state" "$TMP/st-a.before"
	cp "$FULL/st-s/state" "$TMP/st-s.before"
	dd if=/dev/zero of="$FULL/fill" bs=4096 2>/dev/null
	printf '# full fs: %s\n' "$(df -k "$FULL" | awk 'NR == 2 {
		print $2 " KiB, " $4 " KiB free" }')"

	use "$FULL/st-s"
	test_expect_code 3 'full fs: ocf-watch --once exits 3' ocf-watch --once
	err_check ocf-watch 'No space left on device' 'full fs, ocf-watch --once'
	test_grep 'full fs: ocf-watch --once still prints the verdict line' \
		'^UNKNOWN - primary: no answer' "$TMP/out"
	# the primary is down: serving matters more than the record
	test_expect_code 2 'full fs: ocf-promote from standby starts and exits 2' \
		ocf-promote
	err_check ocf-promote 'No space left on device' 'full fs, ocf-promote'
	test_grep 'full fs: the result line (and -j detail) names the cause' \
		'could not be recorded.*No space left on device' "$TMP/out"
	test_cmp_str 'full fs: the gateway of st-s serves all the same' 200 \
		"$(curl -s -o /dev/null -w '%{http_code}' "$GATEWAY_URL/readyz")"
	test_ok 'full fs: st-s state intact' same "$STATE_DIR/state" \
		"$TMP/st-s.before"
	test_cmp_str 'full fs: st-s still parses: standby, 1 fail' 'standby 1' \
		"$(state_get ROLE) $(state_get FAILS)"
	test_ok 'full fs: no temporary file left in st-s' no_tmp "$STATE_DIR"
	test_expect_code 3 'full fs: ocf-promote -M on exits 3' ocf-promote -M on
	err_check ocf-promote 'No space left on device' 'full fs, -M on'

	use "$FULL/st-a"
	gw "$PG2"
	test_expect_code 3 'full fs: ocf-watch --once (active) exits 3' \
		ocf-watch --once
	err_check ocf-watch 'No space left on device' 'full fs, active, ocf-watch'
	test_expect_code 2 'full fs: ocf-demote from active stops and exits 2' \
		ocf-demote
	err_check ocf-demote 'No space left on device' 'full fs, ocf-demote'
	test_grep 'full fs: the demote result line names the cause' \
		'could not be recorded.*No space left on device' "$TMP/out"
	test_ok 'full fs: st-a state intact' same "$STATE_DIR/state" \
		"$TMP/st-a.before"
	test_cmp_str 'full fs: st-a still says active, its gateway is stopped' \
		'active 0' "$(state_get ROLE) $(marked "$STATE_DIR")"
	test_ok 'full fs: no temporary file left in st-a' no_tmp "$STATE_DIR"

	rm -f "$FULL/fill"
	test_expect_code 0 'full fs: space again, ocf-demote works' ocf-demote
	test_cmp_str 'full fs: and the state is repaired: standby' standby \
		"$(state_get ROLE)"
	use "$FULL/st-s"
	gw "$PG1"
	test_expect_code 0 'full fs: space again, st-s repaired by ocf-demote' \
		ocf-demote
	test_cmp_str 'full fs: st-s: standby, its gateway gone' 'standby 0' \
		"$(state_get ROLE) $(marked "$STATE_DIR")"

	# the disk fills up during the promotion: the gateway fills it as it
	# starts, so the transition is recorded but its end cannot be
	fresh "$FULL/st-mid"
	GATEWAY_URL=http://127.0.0.1:$PG1
	# the quotes are for ocf's own word splitter (no shell reads them)
	# shellcheck disable=SC2089
	GATEWAY_CMD="/bin/sh -c 'dd if=/dev/zero of=$FULL/fill bs=4096 2>/dev/null; exec $TEST_HELPERS/ocf-testsrv -p $PG1 -m ready'"
	# shellcheck disable=SC2090
	export GATEWAY_URL GATEWAY_CMD
	test_expect_code 2 'disk full mid-promotion: ocf-promote exits 2 (ready, state not saved)' \
		ocf-promote
	test_grep 'mid-promotion: the result says the state could not be saved' \
		'could not be recorded' "$TMP/out"
	test_grep 'mid-promotion: stderr names the cause' \
		'^ocf-promote: error: .*No space left on device' "$TMP/err"
	test_cmp_str 'mid-promotion: the state on disk parses: standby, promote in flight' \
		'standby promote' "$(state_get ROLE) $(state_get TRANSITION)"
	test_ok 'mid-promotion: no temporary file left' no_tmp "$STATE_DIR"
	rm -f "$FULL/fill"
	gw "$PG1"
	test_expect_code 0 'mid-promotion: space again, ocf-promote repairs: active' \
		ocf-promote
	test_grep 'mid-promotion: and says it repairs the interrupted promote' \
		'repairing an interrupted promote' "$TMP/err"
	test_cmp_str 'mid-promotion: one gateway, recorded, no transition in flight' \
		"active $(marked "$STATE_DIR") " \
		"$(state_get ROLE) $(state_get GATEWAY_PID | grep -c '^[1-9]') $(state_get TRANSITION)"
	test_expect_code 0 'mid-promotion: ocf-demote' ocf-demote
else
	test_skip 'full STATE_DIR' 'mount -t tmpfs not permitted'
fi

# =====================================================================
# 4. a broken state file: refused (3), never rewritten
# =====================================================================
# plant KIND DIR: replace DIR/state by a broken one
plant() {
	case $1 in
	truncated)
		head -c 200 "$TMP/good.state" >"$2/state" ;;
	binary)
		{ printf 'VERSION=1\n\000\001\002\377'
		  head -c 2000 /dev/urandom; } >"$2/state" ;;
	huge)
		{ cat "$TMP/good.state"
		  awk 'BEGIN { for (i = 0; i < 32768; i++)
			printf "# padding padding padding padding padding pad\n" }'
		} >"$2/state" ;;
	empty)
		: >"$2/state" ;;
	esac
}
fresh "$TMP/good"
cp "$TMP/good/state" "$TMP/good.state"

for kind in truncated binary huge empty; do
	fresh "$TMP/sf-$kind"
	plant "$kind" "$STATE_DIR"
	cp "$STATE_DIR/state" "$TMP/sf-$kind.before"
	case $kind in
	truncated)	why='torn' ;;
	binary)		why='binary' ;;
	huge)		why='65536 bytes' ;;
	empty)		why='torn' ;;
	esac
	[ "$kind" != huge ] ||
		printf '# huge: %s bytes\n' "$(wc -c <"$STATE_DIR/state")"
	for t in 'ocf-watch --once' ocf-promote ocf-demote; do
		t0=$(date +%s%3N)
		# shellcheck disable=SC2086
		test_expect_code 3 "$kind state: $t exits 3" $t
		t1=$(date +%s%3N)
		err_check "${t%% *}" "$STATE_DIR/state.*$why" "$kind state, $t"
		test_ok "$kind state: $t is quick ($((t1 - t0)) ms)" \
			test $((t1 - t0)) -lt 3000
	done
	test_ok "$kind state: left as it was" same "$STATE_DIR/state" \
		"$TMP/sf-$kind.before"
	test_cmp_str "$kind state: no gateway started" 0 "$(marked "$STATE_DIR")"
done

# a symbolic link in place of the state: refused even when it points to a
# valid state; the target is never written
fresh "$TMP/sf-link"
cp "$TMP/good.state" "$TMP/elsewhere"
cp "$TMP/elsewhere" "$TMP/elsewhere.before"
rm -f "$STATE_DIR/state"
ln -s "$TMP/elsewhere" "$STATE_DIR/state"
for t in 'ocf-watch --once' ocf-promote ocf-demote 'ocf-promote -M on'; do
	# shellcheck disable=SC2086
	test_expect_code 3 "state is a symlink: $t exits 3" $t
	err_check "${t%% *}" 'symbolic link' "symlink state, $t"
done
test_ok 'symlink state: the target is untouched' \
	same "$TMP/elsewhere" "$TMP/elsewhere.before"
test_cmp_str 'symlink state: the link is left in place' "$TMP/elsewhere" \
	"$(readlink "$STATE_DIR/state")"
test_cmp_str 'symlink state: no gateway started' 0 "$(marked "$STATE_DIR")"
# a dangling link: nothing may be created at its target
rm -f "$STATE_DIR/state"
ln -s "$TMP/nowhere" "$STATE_DIR/state"
for t in 'ocf-watch --once' ocf-promote; do
	# shellcheck disable=SC2086
	test_expect_code 3 "state is a dangling symlink: $t exits 3" $t
	err_check "${t%% *}" 'symbolic link' "dangling symlink state, $t"
done
test_ok 'dangling symlink: its target was not created' test ! -e "$TMP/nowhere"

# a symbolic link in place of the lock
fresh "$TMP/sf-lock"
rm -f "$STATE_DIR/lock"
ln -s "$TMP/lock-target" "$STATE_DIR/lock"
for t in 'ocf-watch --once' ocf-promote ocf-demote; do
	# shellcheck disable=SC2086
	test_expect_code 3 "lock is a symlink: $t exits 3" $t
	err_check "${t%% *}" "$STATE_DIR/lock" "symlink lock, $t"
done
test_ok 'symlink lock: its target was not created' test ! -e "$TMP/lock-target"

# =====================================================================
# 5. odd but usable: owned by another user, leftover temporary files
# =====================================================================
fresh "$TMP/sf-nobody"
chown 65534:65534 "$STATE_DIR/state" && chmod 600 "$STATE_DIR/state"
test_expect_code 2 'state owned by nobody (0600): ocf-watch --once reads it (root), counts' \
	ocf-watch --once
test_cmp_str 'owned by nobody: the count went on' 2 "$(state_get FAILS)"
chown 65534:65534 "$STATE_DIR/state"
test_expect_code 0 'owned by nobody: ocf-promote works' ocf-promote
test_expect_code 0 'owned by nobody: ocf-demote works' ocf-demote
test_cmp_str 'owned by nobody: the state parses: standby, 2 transitions' \
	'standby 2' "$(state_get ROLE) $(state_get TRANSITIONS)"

fresh "$TMP/sf-tmp"
printf 'ROLE=active\ngarbage\n' >"$STATE_DIR/state.tmp.123"
cp "$STATE_DIR/state.tmp.123" "$TMP/tmp123.before"
printf 'precious\n' >"$TMP/victim"
cp "$TMP/victim" "$TMP/victim.before"
ln -s "$TMP/victim" "$STATE_DIR/state.tmp.999999"
test_expect_code 2 'leftover state.tmp.123: ocf-watch --once is not confused' \
	ocf-watch --once
test_cmp_str 'leftover: the real state is read (2 fails, standby)' \
	'standby 2' "$(state_get ROLE) $(state_get FAILS)"
test_expect_code 0 'leftover: ocf-promote works' ocf-promote
test_expect_code 0 'leftover: ocf-demote works' ocf-demote
test_ok 'leftover: state.tmp.123 untouched' \
	same "$STATE_DIR/state.tmp.123" "$TMP/tmp123.before"
test_ok 'leftover: a state.tmp.* symlink was not written through' \
	same "$TMP/victim" "$TMP/victim.before"

# =====================================================================
# 6. symbolic links planted in place of the log files
# =====================================================================
# gateway.log: the gateway (ocf-testsrv -v logs each request) appends to it
fresh "$TMP/sf-gwlog"
printf 'precious\n' >"$TMP/victim-gw"
cp "$TMP/victim-gw" "$TMP/victim-gw.before"
ln -s "$TMP/victim-gw" "$STATE_DIR/gateway.log"
gw "$PG1" -v
ocf-promote >"$TMP/gwlog.out" 2>&1
rc=$?
printf '# ocf-promote with gateway.log a symlink: exit %s\n' "$rc"
ocf-demote >/dev/null 2>&1
test_ok 'gateway.log a symlink: its target is not written' \
	same "$TMP/victim-gw" "$TMP/victim-gw.before" ||
	sed -n '1,5s/^/#   victim: /p' "$TMP/victim-gw"
gw "$PG1"

# hooks.log: a hook's output goes there
mkdir -p "$HOOKS_DIR"
# shellcheck disable=SC2016 # the hook expands $1, not us
printf '#!/bin/sh\necho "hook ran: $1"\n' >"$HOOKS_DIR/10-echo"
chmod 755 "$HOOKS_DIR/10-echo"
fresh "$TMP/sf-hooklog"
printf 'precious\n' >"$TMP/victim-hook"
cp "$TMP/victim-hook" "$TMP/victim-hook.before"
ln -s "$TMP/victim-hook" "$STATE_DIR/hooks.log"
ocf-promote >"$TMP/hooklog.out" 2>&1
rc=$?
printf '# ocf-promote with hooks.log a symlink: exit %s\n' "$rc"
ocf-demote >/dev/null 2>&1
test_ok 'hooks.log a symlink: its target is not written' \
	same "$TMP/victim-hook" "$TMP/victim-hook.before" ||
	sed -n '1,5s/^/#   victim: /p' "$TMP/victim-hook"
rm -rf "$HOOKS_DIR"

test_cmp_str 'no gateway left running' 0 \
	"$(grep -lzF "OCF_GATEWAY_OF=$TMP/" /proc/[0-9]*/environ 2>/dev/null |
	awk 'END { print NR }')"
test_done
