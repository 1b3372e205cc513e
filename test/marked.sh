# test/marked.sh - sourced by the transition tests after lib.sh (by
# promote.sh for those against the real gateway), once STATE_DIR and P (the
# local gateway's port) are set: helpers that find the gateway processes
# ocf marks, and small predicates and timers those tests share.
# (Not named t*.sh: test/run.sh runs those as tests.)

# The gateway marks its processes with OCF_GATEWAY_OF=$STATE_DIR.  The real
# gateway runs a helper (its spawn-broker worker) in a session and process
# group of its own, which inherits the mark: one gateway is one marked
# "root" (a marked process whose parent is not marked) and two marked
# process groups.
#
# marked_procs: "pid ppid pgid" of every live marked process
marked_procs() {
	grep -lzxF "OCF_GATEWAY_OF=$STATE_DIR" /proc/[0-9]*/environ 2>/dev/null |
	while IFS= read -r _mp_f; do
		_mp_p=${_mp_f#/proc/}
		_mp_p=${_mp_p%/environ}
		sed -n "s/.*) \([A-Za-z]\) \([0-9-]*\) \([0-9]*\) .*/$_mp_p \1 \2 \3/p" \
			"/proc/$_mp_p/stat" 2>/dev/null
	done | awk '$2 != "Z" && $2 != "X" && $2 != "x" { print $1, $3, $4 }'
}

# marked_groups: their process groups, sorted, one a line
marked_groups() {
	marked_procs | awk '{ print $3 }' | sort -u
}

# marked_roots: the process groups of the marked processes whose parent is
# not marked: one per gateway instance (or stray leftover)
marked_roots() {
	marked_procs | awk '{ pid[NR] = $1; pp[NR] = $2; pg[NR] = $3; m[$1] = 1 }
		END { for (i = 1; i <= NR; i++) if (!(pp[i] in m)) print pg[i] }' |
		sort -u
}

nmarked() {
	marked_procs | awk 'END { print NR }'
}

kill_marked() {
	for _km in $(marked_groups); do
		kill -s KILL -- "-$_km" 2>/dev/null
	done
	return 0
}
at_exit kill_marked

# http_code PATH: the status of GET PATH on the local gateway ("000": none)
http_code() {
	curl -s -o /dev/null -m 2 --noproxy '*' -w '%{http_code}' \
		"http://127.0.0.1:$P$1"
}

no_marked() {
	[ "$(nmarked)" = 0 ]
}

# all_gone PGID...: no live process in any of these groups (0 is skipped:
# the kernel's threads are in group 0)
all_gone() {
	for _ag in "$@"; do
		[ "$_ag" = 0 ] || ! pgrp_alive "$_ag" || return 1
	done
}

exited() {
	! kill -0 "$1" 2>/dev/null
}

# track PGID: track_pgid, unless there is nothing to track
track() {
	case ${1:-0} in
	0|*[!0-9]*)	;;
	*)	track_pgid "$1" ;;
	esac
}

differ() {
	[ "$1" != "$2" ] && [ "$1" != 0 ]
}

# start_time PID: field 22 of /proc/PID/stat (20 after the comm)
start_time() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20
}

# has_pid: the state records a gateway (GATEWAY_PID)
has_pid() {
	_hp=$(state_get GATEWAY_PID) && [ "${_hp:-0}" != 0 ]
}

# live: the local gateway answers /health
live() {
	[ "$(http_code /health)" = 200 ]
}

# bg CMD...: start CMD in the background, stdout and stderr in $TMP/bg.out
# and $TMP/bg.err; its pid in BG
bg() {
	"$@" >"$TMP/bg.out" 2>"$TMP/bg.err" &
	# shellcheck disable=SC2034 # for the test that sources this file
	BG=$!
}

# elapsed T0 [T1]: seconds from T0 to T1 (default now), 2 decimals
elapsed() {
	awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.2f\n", b - a }'
}

# less SECS LIMIT: true if SECS < LIMIT
less() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'
}
