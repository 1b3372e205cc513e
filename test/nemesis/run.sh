#!/bin/sh
# test/nemesis/run.sh - `make nemesis`: a randomized fault test of a primary
# and a standby under ocf-watch, checked against invariants I1-I4.
# The design, the invariants and every exclusion: test/nemesis/README.
#
# Settings (environment; `make nemesis VAR=...` passes them on):
#   SEED=N            the seed (default: random); the fault schedule is
#                     derived from it alone: a failing seed replays with
#                     `make nemesis SEED=N` (and the same DURATION, FAULTS)
#   DURATION=S        seconds of faults (default 1800)
#   FAULTS=k1,k2      only these fault kinds (default: all): pkill pstop
#                     pmode partition watchkill gwkill promote demote full
#                     ro clock lock
#   NEMESIS_KEEP_GOING=1  record every violation and go on to the end
#                     (default: stop at the first)
#   NEMESIS_KEEP=1    keep the run directory even when the run passes
#   NEMESIS_SLACK=S   the slack added to the I1/I2 bounds (default 2.5)
#   FLAP_MAX, FLAP_WINDOW  the flap breaker (default 6 in 60 s)
#   NEMESIS_GATEWAY=openclaw  the standby's gateway is the real OpenClaw
#                     gateway (test/gateway.sh, installed under
#                     /var/cache/ocf-test) instead of ocf-testsrv, with
#                     READY_TIMEOUT=60 and STOP_TIMEOUT=15; a few hundred
#                     seconds make a round of it
#   OCF_BIN           the built tools (default: build/ of this tree)
#
# Needs root (network and mount namespaces, mounts), iproute2, util-linux
# (unshare), curl and libfaketime.  Without them it says why and exits 77.
# Exit status: 0 no violation, 1 violations (or a harness failure), 77
# cannot run here.
set -u

NEM_DIR=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$NEM_DIR/../.." && pwd)
OCF_BIN=${OCF_BIN:-$SRCDIR/build}
HELPERS=$OCF_BIN/test/helpers

DURATION=${DURATION:-1800}
FAULTS=${FAULTS:-}
KEEP_GOING=${NEMESIS_KEEP_GOING:-0}
SLACK=${NEMESIS_SLACK:-2.5}
FLAP_MAX=${FLAP_MAX:-6}
FLAP_WINDOW=${FLAP_WINDOW:-60}

# the standby's timings (fast, so a failover takes seconds)
CHECK_INTERVAL=0.5
FAST_INTERVAL=0.2
FAIL_THRESHOLD=3
RISE_THRESHOLD=3
HOLD_DOWN=2
STOP_TIMEOUT=2
READY_TIMEOUT=5
PROBE_TIMEOUT=0.5
# ocf-watch.service: Restart=always, RestartSec=2, KillMode=process
RESTART_SEC=2
# the standby's gateway: ocf-testsrv (ready at once), or the real one
GATEWAY_KIND=${NEMESIS_GATEWAY:-testsrv}
DISK_SIZE=4m
SAMPLE_TIMEOUT_MS=400
if [ "$GATEWAY_KIND" = openclaw ]; then
	READY_TIMEOUT=60
	STOP_TIMEOUT=15
	DISK_SIZE=64m
	SAMPLE_TIMEOUT_MS=1000
fi
# the gateway's log cap of contract item 1 (an unknown key before it)
GATEWAY_LOG_MAX=65536

# the network: the primary in namespace NSA, the standby (ocf-watch, its
# gateway, this harness) in NSB, a veth pair between them; these addresses
# exist inside the two namespaces only
ADDR_P=10.251.0.1
ADDR_S=10.251.0.2
PORT=18789

KINDS='pkill pstop pmode partition watchkill gwkill promote demote full ro clock lock'

say() {
	printf 'nemesis: %s\n' "$*"
}

# replay: the command that runs this schedule again
replay() {
	printf '%smake nemesis SEED=%s DURATION=%s%s\n' \
	    "$([ "$GATEWAY_KIND" = testsrv ] || echo "NEMESIS_GATEWAY=$GATEWAY_KIND ")" \
	    "$SEED" "$DURATION" "${FAULTS:+ FAULTS=$FAULTS}"
}

now_ms() {
	date +%s%3N
}

# ms2s MS: print MS milliseconds as seconds (1.250)
ms2s() {
	printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
}

# s2ms SECONDS: the other way (decimals allowed)
s2ms() {
	awk -v s="$1" 'BEGIN { printf "%d\n", s * 1000 + 0.5 }'
}

# =====================================================================
# outer: check, print the seed, make the namespaces, run the inner part
# =====================================================================
skip() {
	say "SKIP: $*"
	exit 77
}

find_faketime() {
	for _f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
	    /usr/lib/*/faketime/libfaketime.so.1 \
	    /usr/lib/faketime/libfaketime.so.1 \
	    /usr/local/lib/faketime/libfaketime.so.1; do
		if [ -f "$_f" ]; then
			printf '%s\n' "$_f"
			return 0
		fi
	done
	return 1
}

outer_cleanup() {
	_oc_rc=$1
	trap '' INT TERM
	# everything the run started lives in one of the two namespaces
	for _ns in "$NSB" "$NSA"; do
		# shellcheck disable=SC2046 # a list of pids
		kill -s KILL $(ip netns pids "$_ns" 2>/dev/null) 2>/dev/null
	done
	sleep 0.2
	ip netns del "$NSB" 2>/dev/null
	ip netns del "$NSA" 2>/dev/null
	if [ "$_oc_rc" = 0 ] && [ "${NEMESIS_KEEP:-0}" != 1 ]; then
		rm -rf "$RUN"
	else
		say "run directory kept: $RUN"
	fi
}

outer() {
	[ "$(id -u)" = 0 ] || skip 'needs root (network and mount namespaces, mounts)'
	for _c in ip unshare mount umount curl dd timeout setsid awk sort; do
		command -v "$_c" >/dev/null 2>&1 || skip "'$_c' is missing"
	done
	FAKELIB=$(find_faketime) ||
		skip 'libfaketime.so.1 is missing (Debian package faketime)'
	for _p in ocf-watch ocf-promote ocf-demote test/helpers/ocf-testsrv \
	    test/helpers/ocf-nemesis-sample test/helpers/ocf-holdlock; do
		[ -x "$OCF_BIN/$_p" ] || skip "$OCF_BIN/$_p is missing (make all $(
			)build/test/helpers/... first, or use make nemesis)"
	done
	case $GATEWAY_KIND in
	testsrv|openclaw)	;;
	*)	say "NEMESIS_GATEWAY must be testsrv or openclaw, not '$GATEWAY_KIND'"
		exit 1 ;;
	esac
	case $DURATION in
	''|*[!0-9]*)	say "DURATION must be a number of seconds, not '$DURATION'"
			exit 1 ;;
	esac
	if [ -z "${SEED:-}" ]; then
		SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	fi
	case $SEED in
	''|*[!0-9]*)	say "SEED must be a number, not '$SEED'"
			exit 1 ;;
	esac
	for _k in $(printf '%s' "$FAULTS" | tr ',' ' '); do
		case " $KINDS all " in
		*" $_k "*)	;;
		*)	say "FAULTS: unknown kind '$_k' (kinds: $KINDS)"
			exit 1 ;;
		esac
	done
	say "seed $SEED, $DURATION s, faults: ${FAULTS:-all}, gateway: $GATEWAY_KIND"
	say "replay: $(replay)"

	RUN=$(mktemp -d "${TMPDIR:-/tmp}/ocf-nemesis.XXXXXX") ||
		{ say 'cannot create a run directory'; exit 1; }
	NSA=ocfnem-p-$$
	NSB=ocfnem-s-$$
	VA=ocfnp$$
	VB=ocfns$$
	trap 'outer_cleanup $?' EXIT
	# the inner part handles INT/TERM itself; a trapped signal waits here
	# until it is done, then the exit trap removes the namespaces
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if ! ip netns add "$NSA" 2>"$RUN/netns.err"; then
		skip "cannot create a network namespace: $(head -n 1 "$RUN/netns.err")"
	fi
	if ! { ip netns add "$NSB" &&
	    ip link add "$VA" type veth peer name "$VB" &&
	    ip link set "$VA" netns "$NSA" &&
	    ip link set "$VB" netns "$NSB" &&
	    ip -n "$NSA" addr add "$ADDR_P/30" dev "$VA" &&
	    ip -n "$NSB" addr add "$ADDR_S/30" dev "$VB" &&
	    ip -n "$NSA" link set lo up &&
	    ip -n "$NSB" link set lo up &&
	    ip -n "$NSA" link set "$VA" up &&
	    ip -n "$NSB" link set "$VB" up; } 2>"$RUN/netns.err"; then
		say "cannot set up the namespaces: $(head -n 1 "$RUN/netns.err")"
		exit 1
	fi
	export SEED DURATION FAULTS KEEP_GOING SLACK FLAP_MAX FLAP_WINDOW RUN \
	    NSA NSB VA VB FAKELIB OCF_BIN GATEWAY_KIND
	# the whole standby in NSB and in a mount namespace of its own: the
	# tmpfs and the read-only bind mounts die with it
	ip netns exec "$NSB" unshare -m --propagation private \
	    sh "$0" --inner
	exit $?
}

# =====================================================================
# inner: the standby's side, the primary, the faults and the checks
# =====================================================================

ev() {
	printf '%s %s\n' "$(now_ms)" "$*" >>"$RUN/timeline"
}

# count KIND RESULT: one fault injected (ok) or not possible (noop)
count() {
	printf '%s %s\n' "$1" "$2" >>"$RUN/counts"
}

flag_on() {
	: >"$RUN/flags/$1"
}

flag_off() {
	rm -f "$RUN/flags/$1"
}

# run_standby CMD...: CMD with the standby's environment only: its clock
# (libfaketime, only CLOCK_REALTIME moves), the run's marker, and the
# gateway log cap; the configuration is in $CONF (-c)
run_standby() {
	(standby_exec "$@")
}

# standby_exec CMD...: the same, replacing the shell (so that
# `standby_exec ocf-watch &` gives ocf-watch's own pid in $!)
standby_exec() {
	exec env -i PATH="$OCF_BIN:$HELPERS:/usr/sbin:/usr/bin:/sbin:/bin" \
	    HOME=/root LANG=C.UTF-8 TZ=UTC NEMESIS_RUN="$RUNID" \
	    LD_PRELOAD="$FAKELIB" FAKETIME_TIMESTAMP_FILE="$RUN/faketime" \
	    FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    GATEWAY_LOG_MAX="$GATEWAY_LOG_MAX" "$@"
}

# pid_alive PID: PID exists and is not a zombie
pid_alive() {
	_pa=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	case $_pa in
	''|Z*|X*)	return 1 ;;
	esac
	return 0
}

# pids_with VAR=VALUE: live processes with exactly that in their environment
pids_with() {
	grep -lsxzF "$1" /proc/[0-9]*/environ 2>/dev/null |
	    sed 's|^/proc/||; s|/environ$||' |
	    while IFS= read -r _pw; do
		pid_alive "$_pw" && printf '%s\n' "$_pw"
	    done
}

# gateway_procs: "PID PPID PGID" of every live process of our gateways
# (marked OCF_GATEWAY_OF=$SD)
gateway_procs() {
	for _gg in $(pids_with "OCF_GATEWAY_OF=$SD"); do
		sed "s/.*) /$_gg /" "/proc/$_gg/stat" 2>/dev/null |
		    awk '{ print $1, $3, $4 }'
	done
}

# gateway_groups: their process groups, one a line
gateway_groups() {
	gateway_procs | awk '{ print $3 }' | sort -u
}

# gateway_count: gateway instances: marked processes whose parent is not
# marked (one gateway may span process groups: the real one runs a helper
# in a session of its own)
gateway_count() {
	gateway_procs | awk '{ pp[$1] = $2 }
	    END { for (p in pp) if (!(pp[p] in pp)) n++; print n + 0 }'
}

standby_serving() {
	[ "$(curl -s -o /dev/null -m 1 --noproxy '*' -w '%{http_code}' \
	    "http://127.0.0.1:$PORT/readyz")" = 200 ]
}

state_get() {
	[ -f "$SD/state" ] || return 1
	(
		# shellcheck disable=SC1091 # the file under test
		. "$SD/state" 2>/dev/null || exit 1
		eval "printf '%s\n' \"\${$1-}\""
	)
}

wait_until() {
	_wu_end=$(($(now_ms) + $(s2ms "$1")))
	shift
	while :; do
		"$@" && return 0
		[ "$(now_ms)" -lt "$_wu_end" ] || return 1
		sleep 0.1
	done
}

# --- the primary, in NSA ------------------------------------------------
set_mode() {
	printf '%s\n' "$1" >"$RUN/primary.mode.tmp" &&
		mv -f "$RUN/primary.mode.tmp" "$RUN/primary.mode"
}

primary_start() {
	rm -f "$RUN/primary.pid"
	(
		ip netns exec "$NSA" setsid "$HELPERS/ocf-testsrv" -b "$ADDR_P" \
		    -p "$PORT" -f "$RUN/primary.mode" -P "$RUN/primary.pid" \
		    </dev/null >>"$RUN/primary.log" 2>&1 &
	)
	if ! wait_until 5 test -s "$RUN/primary.pid"; then
		ev 'harness: the primary did not start'
		return 1
	fi
	PRIMARY_PID=$(cat "$RUN/primary.pid")
	PRIMARY_SINCE=$(now_ms)
}

primary_gone() {
	! pid_alive "$PRIMARY_PID"
}

primary_kill() {
	kill -s KILL "$PRIMARY_PID" 2>/dev/null
	wait_until 3 primary_gone || ev "harness: primary $PRIMARY_PID survives SIGKILL"
	rm -f "$RUN/primary.pid"
}

# --- the watcher, supervised as systemd would (Restart=always) -----------
supervise() {
	_n=0
	while [ ! -e "$RUN/stop" ]; do
		_n=$((_n + 1))
		printf '=== %s (real time) watcher #%d starts\n' "$(now_ms)" "$_n" \
		    >>"$RUN/watch.log"
		standby_exec ocf-watch -c "$CONF" >>"$RUN/watch.log" 2>&1 </dev/null &
		_w=$!
		printf '%s\n' "$_w" >"$RUN/watch.pid.tmp"
		mv -f "$RUN/watch.pid.tmp" "$RUN/watch.pid"
		flag_off watch_killed
		ev "watcher #$_n started, pid $_w"
		wait "$_w"
		_rc=$?
		if [ -e "$RUN/flags/watch_killed" ]; then
			ev "watcher pid $_w ended with $_rc (killed by the harness)"
		elif [ ! -e "$RUN/stop" ]; then
			ev "watcher pid $_w exited on its own with status $_rc"
			printf 'self-exit %s\n' "$_rc" >>"$RUN/watch.exits"
		fi
		[ ! -e "$RUN/stop" ] || break
		sleep "$RESTART_SEC"
	done
}

watch_pid() {
	cat "$RUN/watch.pid" 2>/dev/null
}

# --- faults ---------------------------------------------------------------
JOBS=''
RO_DEPTH=0
FULL_DEPTH=0
CLOCK_OFF=0

f_watchkill() {
	_wk=$(watch_pid)
	if [ -n "$_wk" ] && pid_alive "$_wk"; then
		flag_on watch_killed
		kill -s KILL "$_wk"
		ev "fault: kill -9 ocf-watch (pid $_wk); restarted in $RESTART_SEC s"
		count watchkill ok
	else
		ev 'fault: kill -9 ocf-watch: no watcher running (no-op)'
		count watchkill noop
	fi
}

gwkill_job() {
	_end=$(($(now_ms) + 5000))
	while [ "$(now_ms)" -lt "$_end" ]; do
		_gs=$(gateway_groups | tr '\n' ' ')
		if [ -n "$_gs" ]; then
			for _g in $_gs; do
				[ "$_g" -le 1 ] || kill -s KILL -- "-$_g" 2>/dev/null
			done
			ev "fault: kill -9 the standby's gateway (process groups ${_gs% })"
			count gwkill ok
			return 0
		fi
		sleep 0.2
	done
	ev 'fault: kill -9 the standby gateway: none ran for 5 s (no-op)'
	count gwkill noop
}

manual_job() {
	_id=$1 _tool=$2 _force=$3
	flag_on "manual.$_id"
	_args=''
	[ "$_force" != 1 ] || _args=--force
	ev "fault: manual $_tool $_args starts (id $_id)"
	# shellcheck disable=SC2086 # no or one option
	run_standby timeout -k 5 30 "$_tool" -c "$CONF" $_args \
	    >>"$RUN/manual.log" 2>&1 </dev/null
	_rc=$?
	flag_off "manual.$_id"
	ev "fault: manual $_tool $_args (id $_id) exited $_rc"
	if [ "$_rc" -ge 124 ]; then
		ev "harness: manual $_tool hung (timeout killed it)"
		printf '%s\n' "$(now_ms) VIOLATION I4: manual $_tool $_args did not end within 30 s" \
		    >>"$RUN/violations"
	fi
	count "${_tool#ocf-}" ok
}

lock_job() {
	_id=$1 _ms=$2
	flag_on "lock.$_id"
	env NEMESIS_RUN="$RUNID" "$HELPERS/ocf-holdlock" -w 3 "$SD/lock" \
	    "$(ms2s "$_ms")" >"$RUN/lock.out" 2>&1 </dev/null
	_rc=$?
	flag_off "lock.$_id"
	case $_rc in
	0)	ev "fault: state lock held for $(ms2s "$_ms") s (id $_id), released"
		count lock ok ;;
	*)	ev "fault: state lock (id $_id) not taken, exit $_rc: $(head -n 1 "$RUN/lock.out") (no-op)"
		count lock noop ;;
	esac
}

f_ro() {
	if [ "$1" = begin ]; then
		RO_DEPTH=$((RO_DEPTH + 1))
		[ "$RO_DEPTH" = 1 ] || return 0
		flag_on ro
		if ! mount --bind "$SD" "$SD" 2>>"$RUN/mount.err"; then
			ev "fault: STATE_DIR read-only: bind mount failed: $(tail -n 1 "$RUN/mount.err") (no-op)"
			count ro noop
			return 0
		fi
		RO_MOUNTED=1
		# EBUSY while a file is open for writing through the new mount
		# (ocf writing its state that very moment): try again
		_i=0
		until mount -o remount,bind,ro "$SD" 2>>"$RUN/mount.err"; do
			_i=$((_i + 1))
			if [ "$_i" -ge 20 ]; then
				ev "fault: STATE_DIR read-only: remount failed: $(tail -n 1 "$RUN/mount.err") (no-op)"
				count ro noop
				return 0
			fi
			sleep 0.05
		done
		ev "fault: STATE_DIR read-only"
		count ro ok
		return 0
	fi
	RO_DEPTH=$((RO_DEPTH - 1))
	[ "$RO_DEPTH" = 0 ] || return 0
	ro_undo
	flag_off ro
	ev 'fault: STATE_DIR writable again'
}

ro_undo() {
	[ "${RO_MOUNTED:-0}" = 1 ] || return 0
	_i=0
	while ! umount "$SD" 2>/dev/null; do
		_i=$((_i + 1))
		if [ "$_i" -ge 10 ]; then
			umount -l "$SD" 2>/dev/null
			ev 'harness: STATE_DIR bind mount busy, detached lazily'
			break
		fi
		sleep 0.1
	done
	RO_MOUNTED=0
}

f_full() {
	if [ "$1" = begin ]; then
		FULL_DEPTH=$((FULL_DEPTH + 1))
		[ "$FULL_DEPTH" = 1 ] || return 0
		flag_on full
		dd if=/dev/zero of="$DISK/fill" bs=64k 2>/dev/null
		ev "fault: STATE_DIR's file system full ($(df -k "$DISK" |
		    awk 'NR == 2 { print $4 }') KiB free)"
		count full ok
		return 0
	fi
	FULL_DEPTH=$((FULL_DEPTH - 1))
	[ "$FULL_DEPTH" = 0 ] || return 0
	rm -f "$DISK/fill"
	flag_off full
	ev 'fault: STATE_DIR has space again'
}

f_clock() {
	if [ "$CLOCK_OFF" = 0 ]; then
		if [ "$1" = 1 ]; then CLOCK_OFF=3600; else CLOCK_OFF=-3600; fi
	else
		CLOCK_OFF=0
	fi
	_s=$CLOCK_OFF
	[ "$_s" -lt 0 ] || _s=+$_s
	printf '%s\n' "$_s" >"$RUN/faketime.tmp"
	mv -f "$RUN/faketime.tmp" "$RUN/faketime"
	ev "fault: the standby's wall clock now runs at $_s s"
	count clock ok
}

# event WHAT ID KIND PARAM: one line of the schedule
event() {
	_what=$1 _id=$2 _kind=$3 _param=$4
	case $_kind.$_what in
	pkill.begin)
		primary_kill
		ev "fault: kill -9 the primary (pid $PRIMARY_PID)"
		count pkill ok ;;
	pkill.end)
		primary_start
		ev "fault: the primary restarted (pid $PRIMARY_PID)" ;;
	pstop.begin)
		kill -s STOP "$PRIMARY_PID"
		ev "fault: SIGSTOP the primary (pid $PRIMARY_PID)"
		count pstop ok ;;
	pstop.end)
		kill -s CONT "$PRIMARY_PID"
		ev 'fault: SIGCONT the primary' ;;
	pmode.begin)
		set_mode "$_param"
		ev "fault: the primary answers $_param"
		count pmode ok ;;
	pmode.end)
		set_mode ready
		ev 'fault: the primary answers ready' ;;
	partition.begin)
		flag_on partition
		ip link set dev "$VB" down
		ev 'fault: partition (veth down)'
		count partition ok ;;
	partition.end)
		ip link set dev "$VB" up
		flag_off partition
		ev 'fault: partition healed (veth up)' ;;
	watchkill.begin)
		f_watchkill ;;
	gwkill.begin)
		gwkill_job &
		JOBS="$JOBS $!" ;;
	promote.begin)
		manual_job "$_id" ocf-promote "$_param" &
		JOBS="$JOBS $!" ;;
	demote.begin)
		manual_job "$_id" ocf-demote 0 &
		JOBS="$JOBS $!" ;;
	lock.begin)
		lock_job "$_id" "$_param" &
		JOBS="$JOBS $!" ;;
	ro.*)	f_ro "$_what" ;;
	full.*)	f_full "$_what" ;;
	clock.begin)
		f_clock "$_param" ;;
	*)	ev "harness: unknown event $_kind $_what" ;;
	esac
}

# --- violations -----------------------------------------------------------
NVIOL_SEEN=0

# snapshot the evidence of new violations; stop at the first unless
# NEMESIS_KEEP_GOING=1
poll_violations() {
	[ -s "$RUN/violations" ] || return 0
	_nv=$(wc -l <"$RUN/violations")
	[ "$_nv" -gt "$NVIOL_SEEN" ] || return 0
	while [ "$NVIOL_SEEN" -lt "$_nv" ]; do
		NVIOL_SEEN=$((NVIOL_SEEN + 1))
		say "VIOLATION (seed $SEED): $(sed -n "${NVIOL_SEEN}p" "$RUN/violations" | cut -d' ' -f3-)"
		tail -n 40 "$RUN/watch.log" >"$RUN/violation.$NVIOL_SEEN.watch" 2>/dev/null
		cp "$SD/state" "$RUN/violation.$NVIOL_SEEN.state" 2>/dev/null
	done
	[ "$KEEP_GOING" = 1 ] || finish
}

# sleep_until MS: wait for that instant (epoch ms), watching for violations
sleep_until() {
	while :; do
		poll_violations
		_left=$(($1 - $(now_ms)))
		[ "$_left" -gt 0 ] || return 0
		[ "$_left" -le 250 ] || _left=250
		sleep "$(ms2s "$_left")"
	done
}

i4_violation() {
	printf '%s VIOLATION I4: %s\n' "$(now_ms)" "$*" >>"$RUN/violations"
	ev "VIOLATION I4: $*"
}

# --- I3 and I4 after each quiet period --------------------------------------
# i3_consistent: ROLE agrees with the processes; the reason in I3_WHY
i3_consistent() {
	_role=$(state_get ROLE) || _role='(unreadable)'
	_tr=$(state_get TRANSITION)
	_ng=$(gateway_count)
	if standby_serving; then _srv=serving; else _srv=silent; fi
	I3_WHY="ROLE=$_role TRANSITION=$_tr gateways=$_ng local gateway $_srv"
	[ -z "$_tr" ] || return 1
	case $_role in
	active)		[ "$_ng" = 1 ] && [ "$_srv" = serving ] ;;
	standby|failed)	[ "$_ng" = 0 ] && [ "$_srv" = silent ] ;;
	*)		return 1 ;;
	esac
}

fd_count() {
	_fm=999999
	for _i in 1 2 3 4 5; do
		_fc=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
		[ "$_fc" -ge "$_fm" ] || _fm=$_fc
		sleep 0.1
	done
	printf '%s\n' "$_fm"
}

# fd_targets PID: what PID's descriptors point to, most frequent first
fd_targets() {
	for _ft in "/proc/$1/fd"/*; do
		readlink "$_ft" 2>/dev/null
	done | sed 's/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn | head -n 6 |
	    tr -s ' \n' ' '
}

FD_PID=''
FD_BASE=0

check_quiet() {
	# I3: give a transition under way at the end of the quiet period 3 s
	if ! wait_until 3 i3_consistent; then
		printf '%s VIOLATION I3: after the quiet period of cycle %s the state disagrees with the processes: %s\n' \
		    "$(now_ms)" "$CYCLE" "$I3_WHY" >>"$RUN/violations"
		ev "VIOLATION I3: $I3_WHY"
	fi
	_w=$(watch_pid)
	# I4: processes: only the watcher and the gateway carry the marker
	# (and the gateway's log keeper, "ocf-gwlog" in ocf(7): one for each
	# gateway instance, forked before the gateway's environment is set)
	_gw=" $(pids_with "OCF_GATEWAY_OF=$SD" | tr '\n' ' ') "
	_ng=$(gateway_count)
	_extra='' _keepers=0
	for _p in $(pids_with "NEMESIS_RUN=$RUNID"); do
		[ "$_p" != "$_w" ] || continue
		case $_gw in *" $_p "*) continue ;; esac
		if [ "$(cat "/proc/$_p/comm" 2>/dev/null)" = ocf-gwlog ] &&
		    [ "$_keepers" -lt "$_ng" ]; then
			_keepers=$((_keepers + 1))
			continue
		fi
		_extra="$_extra $_p($(cat "/proc/$_p/comm" 2>/dev/null): $(
		    tr '\0' ' ' <"/proc/$_p/cmdline" 2>/dev/null | cut -c1-60))"
	done
	[ -z "$_extra" ] ||
		i4_violation "processes left over after the quiet period:$_extra"
	[ "$_ng" -le 1 ] || i4_violation "$_ng gateway instances after the quiet period"
	# I4: zombies the watcher does not reap
	if [ -n "$_w" ] && pid_alive "$_w"; then
		_z1=$(ps -o pid=,stat= --ppid "$_w" | awk '$2 ~ /^Z/ { print $1 }' | sort)
		if [ -n "$_z1" ]; then
			sleep 1.5
			_z2=$(ps -o pid=,stat= --ppid "$_w" | awk '$2 ~ /^Z/ { print $1 }' | sort)
			_zz=$(printf '%s\n%s\n' "$_z1" "$_z2" | sort | uniq -d | tr '\n' ' ')
			[ -z "${_zz% }" ] ||
				i4_violation "ocf-watch ($_w) does not reap its children: zombies $_zz"
		fi
		# I4: descriptors: the first quiet period of each watcher sets
		# the baseline, later ones must not exceed it
		_fd=$(fd_count "$_w")
		if [ "$FD_PID" != "$_w" ]; then
			FD_PID=$_w FD_BASE=$_fd
			ev "harness: ocf-watch $_w has $_fd open descriptors (baseline)"
		elif [ "$_fd" -gt "$FD_BASE" ]; then
			i4_violation "ocf-watch ($_w) holds $_fd descriptors, $FD_BASE at its first quiet period: $(fd_targets "$_w")"
		fi
	fi
	# I4: files: only what ocf(7) documents
	_stray=''
	for _f in "$SD"/* "$SD"/.[!.]*; do
		[ -e "$_f" ] || [ -L "$_f" ] || continue
		case ${_f##*/} in
		state|lock|watch.pid|gateway.log|gateway.log.1|hooks.log)	;;
		*)	_stray="$_stray ${_f##*/}" ;;
		esac
	done
	[ -z "$_stray" ] || i4_violation "stray files in STATE_DIR:$_stray"
	_log=$(cat "$SD/gateway.log" "$SD/gateway.log.1" 2>/dev/null | wc -c)
	[ "$_log" -le $((3 * GATEWAY_LOG_MAX)) ] ||
		i4_violation "gateway.log (+ .1) holds $_log bytes, over 2 x GATEWAY_LOG_MAX ($GATEWAY_LOG_MAX) + 64 KiB"
}

# --- cycles -----------------------------------------------------------------
wait_jobs() {
	for _j in $JOBS; do
		wait "$_j"
	done
	JOBS=''
}

end_cycle() {
	sleep_until $((TC + W))
	wait_jobs
	ev "cycle $CYCLE: quiet for $(ms2s "$QUIET_MS") s"
	sleep_until $(($(now_ms) + QUIET_MS))
	check_quiet
	poll_violations
	_lat=$(state_get LATCHED)
	_summary="ROLE=$(state_get ROLE) TRANSITIONS=$(state_get TRANSITIONS) LATCHED=$_lat"
	if [ "$_lat" = 1 ]; then
		run_standby ocf-watch -c "$CONF" --reset >>"$RUN/manual.log" 2>&1 </dev/null
		ev "harness: the flap breaker had latched: ocf-watch --reset exited $?"
		count reset ok
	fi
	say "cycle $CYCLE done at $(( ($(now_ms) - T0) / 1000 )) s: $_summary"
	# ocf-testsrv ends itself after an hour: give it a fresh start
	if [ $(($(now_ms) - PRIMARY_SINCE)) -gt 3000000 ]; then
		primary_kill
		primary_start
		ev 'harness: the primary restarted (its one-hour lifetime)'
	fi
	IN_CYCLE=0
}

# --- end --------------------------------------------------------------------
FINISHED=0

watcher_gone() {
	! pid_alive "$WATCH_STOPPING"
}

stop_all() {
	: >"$RUN/stop"
	_w=$(watch_pid)
	if [ -n "$_w" ]; then
		kill -s TERM "$_w" 2>/dev/null
		# a transition under way is finished first
		WATCH_STOPPING=$_w
		wait_until $((READY_TIMEOUT + 2)) watcher_gone
	fi
	for _p in $(pids_with "NEMESIS_RUN=$RUNID"); do
		kill -s KILL "$_p" 2>/dev/null
	done
	for _j in $JOBS; do
		kill -s TERM "$_j" 2>/dev/null
	done
	for _g in $(gateway_groups); do
		[ "$_g" -le 1 ] || kill -s KILL -- "-$_g" 2>/dev/null
	done
	[ -z "${PRIMARY_PID:-}" ] || kill -s KILL "$PRIMARY_PID" 2>/dev/null
	[ -z "${SUP_PID:-}" ] || wait "$SUP_PID"
	[ -z "${CHECKER_PID:-}" ] || wait "$CHECKER_PID"
	ro_undo
	rm -f "$DISK/fill"
}

report() {
	_nv=0
	[ ! -s "$RUN/violations" ] || _nv=$(wc -l <"$RUN/violations")
	say "seed $SEED: $CYCLE cycles in $(( ($(now_ms) - T0) / 1000 )) s"
	say 'faults injected (done / no-op):'
	for _k in $KINDS reset; do
		awk -v k="$_k" '$1 == k { n[$2]++ }
		    END { if (n["ok"] + n["noop"] > 0)
			printf "nemesis:   %-10s %4d / %d\n", k, n["ok"], n["noop"] }' \
		    "$RUN/counts" 2>/dev/null
	done
	say "transitions: TRANSITIONS=${FINAL_TRANSITIONS:-?} (state file), ocf-watch exits on its own: $(
		wc -l <"$RUN/watch.exits")"
	if [ -s "$RUN/checker.stats" ]; then
		awk '{ v[$1] = $2 } END {
		    printf "nemesis: checker: %d samples (longest gap %d ms); primary ready %.0f s, standby serving %.0f s, clocks paused %.0f s\n",
			v["samples"], v["max_gap_ms"], v["primary_ready_ms"] / 1000,
			v["standby_serving_ms"] / 1000, v["excused_ms"] / 1000
		    printf "nemesis: longest I1 streak %.1f s (bound %.1f s), longest I2 streak %.1f s (bound %.1f s + back-off)\n",
			v["i1_max_ms"] / 1000, v["i1_bound_ms"] / 1000,
			v["i2_max_ms"] / 1000, v["i2_bound_ms"] / 1000 }' \
		    "$RUN/checker.stats"
	fi
	say "violations: $_nv"
	[ "$_nv" -gt 0 ] || return 0
	sed 's/^[0-9]* /nemesis:   /' "$RUN/violations" | head -n 20
	# the evidence of the first one
	_t=$(head -n 1 "$RUN/violations" | cut -d' ' -f1)
	say "--- timeline, the last 50 events up to the first violation ---"
	sort -s -n -k1,1 "$RUN/timeline" | awk -v t="$_t" '$1 <= t' | tail -n 50 |
	    awk -v t0="$T0" '{ d = ($1 - t0) / 1000; $1 = ""
		printf "%9.3f%s\n", d, $0 }'
	if [ -s "$RUN/violation.1.watch" ]; then
		say '--- ocf-watch log at the first violation (its clock may be stepped) ---'
		cat "$RUN/violation.1.watch"
	fi
	if [ -s "$RUN/violation.1.state" ]; then
		say '--- state file at the first violation ---'
		cat "$RUN/violation.1.state"
	fi
	say "replay: $(replay)"
}

finish() {
	[ "$FINISHED" = 0 ] || return 0
	FINISHED=1
	trap '' INT TERM
	FINAL_TRANSITIONS=$(state_get TRANSITIONS)
	stop_all
	report
	if [ -s "$RUN/violations" ] || [ "${HARNESS_FAILED:-0}" = 1 ]; then
		exit 1
	fi
	exit 0
}

inner() {
	RUNID=$$.$(now_ms)
	T0=$(now_ms)
	CYCLE=0
	DISK=$RUN/disk
	SD=$DISK/state
	CONF=$RUN/ocf.conf
	mkdir -p "$RUN/flags" "$DISK" || exit 1
	: >"$RUN/timeline"
	: >"$RUN/counts"
	: >"$RUN/watch.exits"
	trap 'HARNESS_FAILED=1; finish' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if ! mount -t tmpfs -o "size=$DISK_SIZE,mode=0755" ocf-nemesis "$DISK"; then
		say 'cannot mount a tmpfs for STATE_DIR'
		exit 1
	fi
	B1=$(awk -v c="$CHECK_INTERVAL" -v r="$RISE_THRESHOLD" -v f="$FAST_INTERVAL" \
	    -v h="$HOLD_DOWN" -v s="$STOP_TIMEOUT" -v k="$SLACK" \
	    'BEGIN { printf "%d\n", (c + r * f + h + s + k) * 1000 }')
	B2=$(awk -v c="$CHECK_INTERVAL" -v n="$FAIL_THRESHOLD" -v f="$FAST_INTERVAL" \
	    -v p="$PROBE_TIMEOUT" -v r="$READY_TIMEOUT" -v k="$SLACK" \
	    'BEGIN { printf "%d\n", (c + n * (f > p ? f : p) + r + k) * 1000 }')
	BASE=$(awk -v h="$HOLD_DOWN" -v c="$CHECK_INTERVAL" \
	    'BEGIN { printf "%d\n", (h > c ? h : c) * 1000 }')
	B4=$(awk -v s="$STOP_TIMEOUT" -v k="$SLACK" 'BEGIN { printf "%d\n", (s + 1 + k) * 1000 }')
	QUIET_MS=$(awk -v w="$RESTART_SEC" -v r="$READY_TIMEOUT" -v h="$HOLD_DOWN" \
	    -v c="$CHECK_INTERVAL" -v n="$RISE_THRESHOLD" -v f="$FAST_INTERVAL" \
	    -v s="$STOP_TIMEOUT" -v k="$SLACK" \
	    'BEGIN { printf "%d\n", (w + r + h + c + n * f + s + k) * 1000 }')
	if [ "$GATEWAY_KIND" = openclaw ]; then
		# gateway.sh's helpers keep the gateway's home under TMP
		# shellcheck disable=SC2034 # read by test/gateway.sh
		TMP=$RUN
		# shellcheck disable=SC1091 # a file of this tree
		. "$SRCDIR/test/gateway.sh"
		GATEWAY_CMD=$(gw_cmdline standby "$PORT") || {
			say 'cannot set up the real OpenClaw gateway (test/gateway.sh)'
			exit 1
		}
	else
		GATEWAY_CMD="$HELPERS/ocf-testsrv -p $PORT -m ready -v"
	fi
	cat >"$CONF" <<-EOF
	# the standby of \`make nemesis\` (test/nemesis/run.sh)
	PRIMARY_URL=http://$ADDR_P:$PORT
	CHECK_INTERVAL=$CHECK_INTERVAL
	FAST_INTERVAL=$FAST_INTERVAL
	FAIL_THRESHOLD=$FAIL_THRESHOLD
	RISE_THRESHOLD=$RISE_THRESHOLD
	HOLD_DOWN=$HOLD_DOWN
	STOP_TIMEOUT=$STOP_TIMEOUT
	READY_TIMEOUT=$READY_TIMEOUT
	PROBE_TIMEOUT=$PROBE_TIMEOUT
	FLAP_MAX=$FLAP_MAX
	FLAP_WINDOW=$FLAP_WINDOW
	STATE_DIR=$SD
	GATEWAY_CMD=$GATEWAY_CMD
	GATEWAY_URL=http://127.0.0.1:$PORT
	OPENCLAW_USER=
	WORKSPACE=$RUN/no-workspace
	HOOKS_DIR=$RUN/no-hooks
	NODE_NAME=nemesis-standby
	EOF
	printf '+0\n' >"$RUN/faketime"
	awk -v seed="$SEED" -v duration="$DURATION" -v faults="$FAULTS" \
	    -f "$NEM_DIR/schedule.awk" | sort -k2,2n -k3,3n -k4,4n >"$RUN/schedule"
	ev "harness: seed $SEED, bounds I1 $B1 ms, I2 $B2 ms (+ back-off, base $BASE ms), two gateways $B4 ms, quiet $QUIET_MS ms"
	say "bounds: I1 $(ms2s "$B1") s, I2 $(ms2s "$B2") s (+ back-off), quiet periods $(ms2s "$QUIET_MS") s; run directory $RUN"

	# mawk reads a pipe a buffer at a time (seconds of samples here)
	# unless told to read line by line; other awks read what has come
	AWK_LINES=''
	if awk -W version 2>/dev/null | grep -q mawk; then
		AWK_LINES='-W interactive'
	fi
	set_mode ready
	primary_start || exit 1
	# shellcheck disable=SC2086 # AWK_LINES: none or two words
	"$HELPERS/ocf-nemesis-sample" -n "/run/netns/$NSA" -p "$ADDR_P:$PORT" \
	    -g "127.0.0.1:$PORT" -s "$SD" -F "$RUN/flags" -x "$RUN/stop" \
	    -t "$SAMPLE_TIMEOUT_MS" -d $((DURATION + 900)) </dev/null 2>>"$RUN/sampler.err" |
	    awk $AWK_LINES -v b1="$B1" -v b2="$B2" -v base="$BASE" -v b4="$B4" \
		-v timeline="$RUN/timeline" -v violations="$RUN/violations" \
		-v stats="$RUN/checker.stats" -f "$NEM_DIR/check.awk" \
		2>>"$RUN/checker.err" &
	CHECKER_PID=$!
	# (dash reports a killed child on stderr: not ours to show)
	supervise 2>>"$RUN/supervise.err" &
	SUP_PID=$!
	primary_seen() {
		[ "$(state_get PRIMARY)" = ok ]
	}
	if ! wait_until 15 primary_seen; then
		say 'setup: the watcher does not see the primary'
		tail -n 20 "$RUN/watch.log"
		exit 1
	fi
	T0=$(now_ms)
	T_END=$((T0 + DURATION * 1000))
	CYCLE=0 IN_CYCLE=0 TC=$T0 W=0
	while read -r _typ _c _t _seq _what _id _kind _param <&3; do
		case $_typ in
		C)
			[ "$IN_CYCLE" = 0 ] || end_cycle
			# the window is in the 5th field of a C line
			if [ $(($(now_ms) + _what + QUIET_MS)) -gt "$T_END" ]; then
				break
			fi
			CYCLE=$_c W=$_what TC=$(now_ms) IN_CYCLE=1
			ev "cycle $CYCLE: a fault window of $W ms" ;;
		E)
			sleep_until $((TC + _t))
			event "$_what" "$_id" "$_kind" "$_param" ;;
		esac
	done 3<"$RUN/schedule"
	[ "$IN_CYCLE" = 0 ] || end_cycle
	trap - EXIT
	finish
}

if [ "${1:-}" = --inner ]; then
	inner
else
	outer
fi
