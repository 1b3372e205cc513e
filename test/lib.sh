# test/lib.sh - shared library for the ocf scenario tests (POSIX sh)
#
# Every scenario test test/tNNNN-<tool>-<what>.sh starts with
#
#	. "$(dirname "$0")/lib.sh"
#
# and ends with test_done. Results are printed as TAP ("ok N - desc").
#
# On source this file:
#   - sets -u, TEST_NAME (from $0), SRCDIR (repo root), OCF_BIN (default
#     $SRCDIR/build; overridable from the environment) and TEST_HELPERS
#     ($OCF_BIN/test/helpers), and puts both in front of PATH so that
#     ocf-probe, ocf-testsrv, ... are the binaries just built;
#   - creates the per-test directory TMP, removed at exit unless OCF_TEST_KEEP=1;
#   - sources scripts/common.sh (wait_until, port_free, pick_port, listening,
#     ocf_keys: shared with scripts/ocf-demo and bench/run.sh);
#   - unsets every ocf configuration key (OCF_KEYS, as the built tools list
#     them) and the proxy, systemd and ssh-agent variables
#     (OCF_TEST_ENV_SCRUB), so nothing from the caller's environment reaches
#     the tools under test;
#   - installs one EXIT/INT/TERM trap that runs the at_exit commands, kills
#     the process groups given to track_pgid and removes TMP.
#
# A test that never reaches test_done fails: the exit trap turns a 0 exit
# status into 1 so that a script cut short cannot pass by accident.
#
# Functions (each documented where it is defined):
#   at_exit, track_pgid
#   test_expect_code, test_ok, test_cmp_str, test_grep, test_skip, test_done,
#   bail_out
#   state_get, now, pgrp_alive
# and from scripts/common.sh: wait_until, port_free, pick_port, listening

set -u

# bail_out MSG...
# Stop the whole test at once (setup failure, not an assertion): prints a
# TAP "Bail out!" line and exits 1 through the exit trap.
bail_out() {
	printf 'Bail out! %s\n' "$*"
	exit 1
}

TEST_NAME=${0##*/}
TEST_NAME=${TEST_NAME%.sh}

# A sourced file cannot know its own path in POSIX sh. Tests live in test/,
# so the repo root is the parent of $0's directory. Only a script elsewhere
# (a throwaway experiment) uses SRCDIR from the environment: a stray SRCDIR
# must not make a test run another tree's binaries.
_ocf_root=$(cd "$(dirname "$0")/.." 2>/dev/null && pwd)
if [ -n "$_ocf_root" ] && [ -f "$_ocf_root/test/lib.sh" ]; then
	SRCDIR=$_ocf_root
fi
unset _ocf_root
if [ -z "${SRCDIR:-}" ] || [ ! -f "$SRCDIR/test/lib.sh" ]; then
	bail_out "cannot find test/lib.sh from '$0'; set SRCDIR to the repository root"
fi
OCF_BIN=${OCF_BIN:-$SRCDIR/build}
TEST_HELPERS=$OCF_BIN/test/helpers
PATH=$OCF_BIN:$TEST_HELPERS:$PATH
# test/run.sh --valgrind puts wrappers that run each tool under memcheck
# in front (a memory error or a definite leak turns into exit code 99)
[ -z "${OCF_WRAP_DIR:-}" ] || PATH=$OCF_WRAP_DIR:$PATH
export SRCDIR OCF_BIN TEST_HELPERS PATH

# shellcheck source=scripts/common.sh
. "$SRCDIR/scripts/common.sh"

# Every configuration key ocf reads from the environment, as the tools just
# built list them (--print-config): the test environment must never
# inherit one.  With no tool built yet, no tool can read one either.
OCF_KEYS=$(ocf_keys)
case $? in
0)	;;
2)	OCF_KEYS='' ;;
*)	bail_out "cannot list the configuration keys:" \
		"'$OCF_BIN/ocf-* --print-config' fails" ;;
esac

# Not ocf keys, but they change what the tools do:
#   - libcurl and curl obey the proxy variables (OCF_PROXY_VARS): a proxy
#     from the caller's environment would turn every loopback probe into a
#     request to it;
#   - under systemd, NOTIFY_SOCKET and WATCHDOG_* would make a tool under
#     test notify the caller's service manager, and JOURNAL_STREAM would
#     change the log format the tests grep;
#   - SSH_AUTH_SOCK would let a sync test use the caller's ssh keys;
#   - OCF_WAIT_POLL would change how often wait_until looks.
OCF_TEST_ENV_SCRUB="$OCF_PROXY_VARS
NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID JOURNAL_STREAM SSH_AUTH_SOCK
OCF_WAIT_POLL"

for _ocf_k in $OCF_KEYS $OCF_TEST_ENV_SCRUB; do
	unset "$_ocf_k"
done
unset _ocf_k

_ocf_n=0 _ocf_pass=0 _ocf_fail=0 _ocf_skip=0
_ocf_done=0 _ocf_cleaned=0
_ocf_atexit_n=0 _ocf_pgids=''

# _ocf_sq STRING: print STRING single-quoted, safe to pass through eval.
_ocf_sq() {
	_ocf_sq_s=$1 _ocf_sq_r=''
	# Each pass consumes one quote, so this ends.
	while :; do
		case $_ocf_sq_s in
		*\'*)
			_ocf_sq_r="$_ocf_sq_r${_ocf_sq_s%%\'*}'\\''"
			_ocf_sq_s=${_ocf_sq_s#*\'}
			;;
		*)	break ;;
		esac
	done
	printf "'%s%s'" "$_ocf_sq_r" "$_ocf_sq_s"
}

# at_exit CMD [ARG...]
# Register a command for the exit trap. Commands run in reverse order of
# registration (last registered, first run), each with its arguments exactly
# as given here; a failing command does not stop the others.
at_exit() {
	[ $# -gt 0 ] || bail_out 'at_exit: no command'
	_ocf_ae_line=''
	for _ocf_ae_a in "$@"; do
		_ocf_ae_line="$_ocf_ae_line $(_ocf_sq "$_ocf_ae_a")"
	done
	_ocf_atexit_n=$((_ocf_atexit_n + 1))
	eval "_ocf_atexit_$_ocf_atexit_n=\$_ocf_ae_line"
}

# track_pgid PGID
# Kill process group PGID at exit: SIGTERM (plus SIGCONT, so that a group a
# test left stopped can act on it), up to 5 s for it to vanish, then SIGKILL.
# Refuses groups 0 and 1 and the test's own group: "kill -- -0" would hit us.
track_pgid() {
	_ocf_is_uint "${1:-}" || bail_out "track_pgid: bad process group '${1:-}'"
	_ocf_stat "$$" || bail_out "track_pgid: cannot read /proc/$$/stat"
	if [ "$1" -le 1 ] || [ "$1" = "$_ocf_st_pgid" ]; then
		bail_out "track_pgid: refusing to track process group $1"
	fi
	case " $_ocf_pgids " in
	*" $1 "*)	;;
	*)	_ocf_pgids="$_ocf_pgids $1" ;;
	esac
}

# _ocf_stat PID: set _ocf_st_state and _ocf_st_pgid from /proc/PID/stat, or
# fail if PID is gone. The comm field (2) may contain spaces, parentheses and
# even newlines, so everything up to the last ')' is cut off first. No
# subshell: pgrp_alive calls this for every process on the machine.
_ocf_stat() {
	_ocf_st_all=''
	{
		# /proc/PID/stat is one line unless comm holds a newline; the
		# loop ends at end of file either way.
		while IFS= read -r _ocf_st_l || [ -n "$_ocf_st_l" ]; do
			_ocf_st_all="$_ocf_st_all $_ocf_st_l"
		done <"/proc/$1/stat"
	} 2>/dev/null
	case $_ocf_st_all in
	*')'*)	;;
	*)	return 1 ;;
	esac
	# After the last ')': state ppid pgrp ...
	# shellcheck disable=SC2086 # split on purpose
	set -- ${_ocf_st_all##*)}
	[ $# -ge 3 ] || return 1
	_ocf_st_state=$1 _ocf_st_pgid=$3
}

# pgrp_alive PGID
# True if some live process belongs to process group PGID. Zombies do not
# count: a dead child the shell has not reaped yet is not a running gateway.
pgrp_alive() {
	_ocf_is_uint "${1:-}" || return 1
	for _ocf_pa_d in /proc/[0-9]*; do
		_ocf_stat "${_ocf_pa_d#/proc/}" || continue
		[ "$_ocf_st_pgid" = "$1" ] || continue
		case $_ocf_st_state in
		Z|X|x)	;;
		*)	return 0 ;;
		esac
	done
	return 1
}

# _ocf_groups_gone: true once no tracked process group has a live process.
_ocf_groups_gone() {
	for _ocf_gg in $_ocf_pgids; do
		pgrp_alive "$_ocf_gg" && return 1
	done
	return 0
}

# _ocf_kill_groups: stop every tracked process group: SIGTERM, up to 5 s,
# then SIGKILL for the survivors and up to 2 s more for them to go.
_ocf_kill_groups() {
	[ -n "$_ocf_pgids" ] || return 0
	for _ocf_kg in $_ocf_pgids; do
		kill -s TERM -- "-$_ocf_kg" 2>/dev/null
		kill -s CONT -- "-$_ocf_kg" 2>/dev/null
	done
	wait_until 5 _ocf_groups_gone && return 0
	for _ocf_kg in $_ocf_pgids; do
		pgrp_alive "$_ocf_kg" || continue
		printf '# cleanup: process group %s ignored SIGTERM, sending SIGKILL\n' \
			"$_ocf_kg"
		kill -s KILL -- "-$_ocf_kg" 2>/dev/null
	done
	# SIGKILL is not instant either; let the ports go before the next test.
	wait_until 2 _ocf_groups_gone ||
		printf '# cleanup: process groups survived SIGKILL:%s\n' "$_ocf_pgids"
	return 0
}

# _ocf_cleanup: the exit trap. Runs once, even if a signal arrives during
# the EXIT trap itself.
_ocf_cleanup() {
	_ocf_rc=$1
	[ "$_ocf_cleaned" = 0 ] || return 0
	_ocf_cleaned=1
	trap '' INT TERM
	while [ "$_ocf_atexit_n" -gt 0 ]; do
		eval "_ocf_cl_cmd=\$_ocf_atexit_$_ocf_atexit_n"
		_ocf_atexit_n=$((_ocf_atexit_n - 1))
		# shellcheck disable=SC2154 # set by the eval above
		eval "$_ocf_cl_cmd" || printf '# cleanup: failed:%s\n' "$_ocf_cl_cmd"
	done
	_ocf_kill_groups
	if [ "${OCF_TEST_KEEP:-0}" = 1 ]; then
		printf '# kept %s\n' "$TMP"
	else
		rm -rf "$TMP"
	fi
	if [ "$_ocf_rc" = 0 ] && [ "$_ocf_done" = 0 ]; then
		printf '# error: %s exited without calling test_done\n' "$TEST_NAME"
		_ocf_rc=1
	fi
	return 0
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ocf-$TEST_NAME.XXXXXX") ||
	bail_out 'cannot create a temporary directory'
export TMP

trap '_ocf_cleanup $?; exit "$_ocf_rc"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# _ocf_result ok|fail DESC [DIRECTIVE]: print one TAP line and count it.
_ocf_result() {
	_ocf_n=$((_ocf_n + 1))
	if [ "$1" = ok ]; then
		_ocf_pass=$((_ocf_pass + 1))
		printf 'ok %d - %s\n' "$_ocf_n" "$2"
	else
		_ocf_fail=$((_ocf_fail + 1))
		printf 'not ok %d - %s\n' "$_ocf_n" "$2"
	fi
}

# _ocf_show LABEL FILE: print FILE (at most 50 lines) as TAP comments.
_ocf_show() {
	[ -s "$2" ] || return 0
	printf '# %s:\n' "$1"
	sed -n '1,50s/^/#   /p' "$2"
	[ "$(wc -l <"$2")" -le 50 ] || printf '#   [...]\n'
}

# test_expect_code CODE DESC CMD [ARG...]
# Run CMD with stdout in $TMP/out and stderr in $TMP/err; pass iff its exit
# status is exactly CODE. A failure shows both and the captured output.
test_expect_code() {
	[ $# -ge 3 ] || bail_out 'usage: test_expect_code CODE DESC CMD...'
	_ocf_is_uint "$1" || bail_out "test_expect_code: bad code '$1'"
	_ocf_tec_want=$1 _ocf_tec_desc=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	_ocf_tec_got=$?
	if [ "$_ocf_tec_got" -eq "$_ocf_tec_want" ]; then
		_ocf_result ok "$_ocf_tec_desc"
		return 0
	fi
	_ocf_result fail "$_ocf_tec_desc"
	printf '# command: %s\n' "$*"
	printf '# expected exit code %s, got %s\n' "$_ocf_tec_want" "$_ocf_tec_got"
	_ocf_show stdout "$TMP/out"
	_ocf_show stderr "$TMP/err"
	return 1
}

# test_ok DESC CMD [ARG...]: test_expect_code 0.
test_ok() {
	[ $# -ge 2 ] || bail_out 'usage: test_ok DESC CMD...'
	test_expect_code 0 "$@"
}

# test_cmp_str DESC EXPECTED ACTUAL: pass iff the two strings are equal.
test_cmp_str() {
	[ $# -eq 3 ] || bail_out 'usage: test_cmp_str DESC EXPECTED ACTUAL'
	if [ "$2" = "$3" ]; then
		_ocf_result ok "$1"
		return 0
	fi
	_ocf_result fail "$1"
	printf '# expected: %s\n#   actual: %s\n' "$2" "$3"
	return 1
}

# test_grep DESC PATTERN FILE: pass iff a line of FILE matches the
# extended regular expression PATTERN.
test_grep() {
	[ $# -eq 3 ] || bail_out 'usage: test_grep DESC PATTERN FILE'
	if grep -E -q -e "$2" "$3" 2>/dev/null; then
		_ocf_result ok "$1"
		return 0
	fi
	_ocf_result fail "$1"
	if [ -r "$3" ]; then
		printf '# no line of %s matches: %s\n' "$3" "$2"
		_ocf_show "$3" "$3"
	else
		printf '# cannot read %s\n' "$3"
	fi
	return 1
}

# test_skip DESC REASON: record a skipped check (never counted as passed).
test_skip() {
	[ $# -eq 2 ] || bail_out 'usage: test_skip DESC REASON'
	_ocf_n=$((_ocf_n + 1))
	_ocf_skip=$((_ocf_skip + 1))
	printf 'ok %d - %s # SKIP %s\n' "$_ocf_n" "$1" "$2"
}

# test_done: print the plan and the counts, then exit: 1 if any check
# failed or if no check ran at all, 0 otherwise.
test_done() {
	_ocf_done=1
	printf '1..%d\n' "$_ocf_n"
	printf '# passed=%d failed=%d skipped=%d\n' \
		"$_ocf_pass" "$_ocf_fail" "$_ocf_skip"
	if [ "$_ocf_n" -eq 0 ]; then
		printf '# error: %s ran no check\n' "$TEST_NAME"
		exit 1
	fi
	[ "$_ocf_fail" -eq 0 ] || exit 1
	exit 0
}

# state_get KEY [FILE]
# Print the value of KEY from an ocf state file (default $STATE_DIR/state)
# by sourcing it in a subshell, exactly as an operator's script would.
# Fails, printing nothing, if the file is unreadable or KEY is not set.
state_get() {
	case ${1:-} in
	''|[0-9]*|*[!A-Za-z0-9_]*)
		printf 'state_get: bad key %s\n' "'${1:-}'" >&2
		return 2
		;;
	esac
	_ocf_sg_file=${2:-${STATE_DIR:-}/state}
	# "." searches PATH for a name without a slash.
	case $_ocf_sg_file in
	*/*)	;;
	*)	_ocf_sg_file=./$_ocf_sg_file ;;
	esac
	[ -f "$_ocf_sg_file" ] && [ -r "$_ocf_sg_file" ] || return 1
	(
		# shellcheck disable=SC1090 # the file is the thing under test
		. "$_ocf_sg_file" || exit 1
		eval "[ \"\${$1+set}\" = set ]" || exit 1
		eval "printf '%s\n' \"\${$1}\""
	)
}

# now: print the time as epoch seconds with milliseconds (1700000000.123).
now() {
	date +%s.%3N
}
