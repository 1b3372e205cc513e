#!/bin/sh
# bench/join.sh - the "reachable again" row of `make bench` (bench/run.sh
# runs it; it also runs alone): kill -9 of the primary -> the standby's bot
# JOIN in its chat channel, with the seed's defaults (CHECK_INTERVAL=10,
# FAIL_THRESHOLD=3, FAST_INTERVAL=2), STANDBY_MODE=cold against hot, in
# the same run.  Real gateways (the primary and the standby's), each with
# OpenClaw's IRC channel on a loopback ngircd, and a client in both
# channels (ocf-ircwatch) that logs the bots' JOINs: that JOIN is
# "reachable again" as a user sees it; /readyz is measured beside it.
#
# Both modes kill the primary at the same point of the check cycle (5 s
# after a check), so the decision comes at about the same time; what
# differs is the rest.  Prints Markdown table rows on standard output
# (the cold/hot row, the hot standby's RSS), progress on standard error;
# without the real gateway, ngircd or jq, one row saying it was skipped.
# Fails only on errors, never on timing.
#   OCF_BIN          the built tools [../build]
#   OCF_TEST_CACHE   where the gateway is installed [/var/cache/ocf-test]

set -u
prog=bench-join
root=$(cd "$(dirname "$0")/.." && pwd -P) || exit 3
OCF_BIN=${OCF_BIN:-$root/build}
PATH=$OCF_BIN:$OCF_BIN/test/helpers:$PATH
export PATH
cache=${OCF_TEST_CACHE:-/var/cache/ocf-test}
# a gateway with a channel takes up to 150 s to start on a loaded machine
LONG=300
ROW='| 6. kill -9 primary -> standby bot JOIN (IRC), seed defaults: CHECK_INTERVAL 10, FAIL_THRESHOLD 3, FAST_INTERVAL 2'

die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 2
}
say() {
	printf '%s\n' "$*" >&2
}
# skip WHY: the row says the measure did not run, and why
skip() {
	say "   skipped: $*"
	printf '%s | skipped: %s | - | - |\n' "$ROW" "$*"
	exit 0
}

for t in ocf-watch ocf-demote ocf-probe ocf-ircwatch; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found in $OCF_BIN: run 'make bench'"
done
# shellcheck source=scripts/common.sh
. "$root/scripts/common.sh"
# shellcheck disable=SC2119 # no names of its own to add
ocf_scrub_env || die "'ocf-probe --print-config' does not list the keys"
for k in $(env | sed -n 's/^\(OPENCLAW_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$k"
done

for t in ngircd jq flock; do
	command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (sh test/install-deps.sh)"
done
gw_path=$(OCF_TEST_CACHE=$cache sh "$root/test/install-gateway.sh" 2>/dev/null) ||
	skip "the real gateway is not installed (sh test/install-gateway.sh)"
template=$(OCF_TEST_CACHE=$cache sh "$root/test/install-irc.sh") ||
	skip 'the IRC plugin could not be installed (npm)'

tmp=$(mktemp -d /tmp/ocf-bench-join.XXXXXX) || die 'unable to create a temporary directory'
mark=OCF_BENCH_OF=$tmp

# groups: the process groups of what this bench started (its mark) or the
# watchers' gateways (ocf's mark), one a line
groups() {
	grep -lzx -e "$mark" -e "OCF_GATEWAY_OF=$tmp/cold/state" \
	    -e "OCF_GATEWAY_OF=$tmp/hot/state" /proc/[0-9]*/environ 2>/dev/null |
	while IFS= read -r f; do
		p=${f#/proc/}
		sed -n 's/.*) \([A-Za-z]\) [0-9-]* \([0-9]*\) .*/\1 \2/p' \
		    "/proc/${p%/environ}/stat" 2>/dev/null
	done | awk '$1 != "Z" && $1 != "X" && $1 != "x" { print $2 }' | sort -u
}
gone() {
	! groups | grep -qvx "$self"
}
self=$(sed -n 's/.*) [A-Za-z] [0-9-]* \([0-9]*\) .*/\1/p' /proc/$$/stat)
cleanup() {
	trap '' INT TERM
	for _c in 1 2; do
		for g in $(groups | grep -vx "$self"); do
			kill -s TERM -- "-$g" 2>/dev/null
			kill -s CONT -- "-$g" 2>/dev/null
		done
		wait_until 15 gone && break
		for g in $(groups | grep -vx "$self"); do
			kill -s KILL -- "-$g" 2>/dev/null
		done
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# detached NAME CMD...: CMD in a session of its own, marked, its group id
# in $tmp/NAME.pgid, its output in $tmp/NAME.log; returns at once
detached() {
	_dt_n=$1
	shift
	rm -f "$tmp/$_dt_n.pgid"
	# shellcheck disable=SC2016 # $$ is the inner sh's
	(
		cd / && exec setsid /usr/bin/env "$mark" sh -c \
		    'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
		    "$tmp/$_dt_n.pgid" "$@" </dev/null >>"$tmp/$_dt_n.log" 2>&1 &
	)
	wait_until 5 test -s "$tmp/$_dt_n.pgid"
}

# ms_now, ms_of ISO8601: milliseconds since the epoch
ms_now() {
	date +%s%3N
}
ms_of() {
	date -d "$1" +%s%3N
}
# secs MS: "12.3"
secs() {
	awk -v v="$1" 'BEGIN { printf "%.1f", v / 1000 }'
}

I=$(pick_port 17119) || die 'no free port for the IRC server'
P=$(pick_port 29789 110) || die 'no free port for the primary'
S=$(pick_port $((P + 120)) 110) || die 'no free port for the standby'
irclog=$tmp/irc.log

say "6. reachable again: kill -9 primary -> standby bot JOIN, cold vs hot (real gateways, IRC on 127.0.0.1:$I)"
irc_ngircd_conf "$tmp/ircd" "$I" || die 'unable to set up ngircd'
irc_up() {
	listening | grep -qx "$I"
}
{ detached ircd ngircd -n -f "$tmp/ircd/ngircd.conf" && wait_until 10 irc_up; } ||
	die "ngircd did not start (see $tmp/ircd.log)"
: >"$irclog"
detached ircwatch ocf-ircwatch -n benchwat -l "$irclog" -p "$I" -t 7200 \
    '#primary' '#standby' || die 'ocf-ircwatch did not start'
wait_until 10 irc_join_time "$irclog" benchwat >/dev/null ||
	die 'the IRC client did not join'

{ irc_gateway_home "$template" "$tmp/primary-home" "$I" primbot '#primary' &&
    irc_gateway_home "$template" "$tmp/standby-home" "$I" stbybot '#standby'; } ||
	die 'unable to set up the gateway homes'
gw_cmd() {	# NAME PORT
	printf '/usr/bin/env PATH=%s:/usr/local/bin:/usr/bin:/bin HOME=%s OPENCLAW_NO_AUTO_UPDATE=1 OPENCLAW_DISABLE_BONJOUR=1 openclaw gateway run --port %s --bind loopback\n' \
	    "$gw_path" "$tmp/$1-home" "$2"
}

primary_ready() {
	ocf-probe -q -t 2 "127.0.0.1:$P"
}
# primary_up: start the primary, wait for it to be ready and its bot in
primary_up() {
	_pu_t=$(ms_now)
	# shellcheck disable=SC2046 # the command line's words
	detached primary $(gw_cmd primary "$P") || die 'the primary did not start'
	wait_until "$LONG" primary_ready ||
		die "the primary was not ready within $LONG s (see $tmp/primary.log)"
	wait_until "$LONG" irc_join_time "$irclog" primbot "$(secs "$_pu_t")" >/dev/null ||
		die "the primary's bot did not join within $LONG s"
	say "   primary up: $(secs $(($(ms_now) - _pu_t))) s to ready and its bot in #primary"
}

# standby_ready: the standby's /readyz answers 200
standby_ready() {
	ocf-probe -q -t 1 "127.0.0.1:$S"
}
state_is() {	# MODE KEY VALUE
	grep -q "^$2='$3'" "$tmp/$1/state/state" 2>/dev/null
}

# run MODE: a watcher in MODE, the primary killed 5 s into a check cycle;
# sets DEC READY JOIN (ms after the kill), RSS (KiB, hot: the held gateway)
run() {
	_m=$1
	mkdir -p "$tmp/$_m"
	RSS=''
	detached "$_m/watch" env STATE_DIR="$tmp/$_m/state" \
	    PRIMARY_URL="http://127.0.0.1:$P" GATEWAY_URL="http://127.0.0.1:$S" \
	    GATEWAY_CMD="$(gw_cmd standby "$S")" OPENCLAW_USER= \
	    WORKSPACE="$tmp/none" HOOKS_DIR="$tmp/none" READY_TIMEOUT="$LONG" \
	    STOP_TIMEOUT=30 STANDBY_MODE="$_m" \
	    GATEWAY_CONFIG="$tmp/standby-home/.openclaw/openclaw.json" \
	    ocf-watch || die "ocf-watch ($_m) did not start"
	wait_until 60 state_is "$_m" PRIMARY ok || die "ocf-watch ($_m) does not see the primary"
	if [ "$_m" = hot ]; then
		wait_until "$LONG" state_is hot HOT_GATEWAY held ||
			die "the hot gateway was not held within $LONG s (see $tmp/hot/watch.log)"
		grep -lzx "OCF_GATEWAY_OF=$tmp/hot/state" /proc/[0-9]*/environ 2>/dev/null |
		while IFS= read -r _f; do
			awk '/^VmRSS:/ { print $2 }' "${_f%/environ}/status" 2>/dev/null
		done >"$tmp/rss"
		RSS=$(awk '{ s += $1 } END { print s + 0 }' "$tmp/rss")
		_n=$(wc -l <"$tmp/rss" | tr -d ' ')
		say "   hot standby held: its gateway's VmRSS $(awk -v k="$RSS" 'BEGIN { printf "%.0f", k / 1024 }') MB over $_n processes"
	fi
	# 5 s after a check: LAST_PROBE moves at each one
	_lp=$(sed -n "s/^LAST_PROBE='\(.*\)'/\1/p" "$tmp/$_m/state/state")
	moved() {
		[ "$(sed -n "s/^LAST_PROBE='\(.*\)'/\1/p" "$tmp/$_m/state/state")" != "$_lp" ]
	}
	wait_until 30 moved || die "ocf-watch ($_m) makes no checks"
	sleep 5
	_t0=$(ms_now)
	kill -s KILL -- "-$(cat "$tmp/primary.pgid")"
	READY='' JOIN=''
	_end=$((_t0 + LONG * 1000))
	while [ "$(ms_now)" -lt "$_end" ]; do
		[ -n "$READY" ] || ! standby_ready || READY=$(($(ms_now) - _t0))
		if [ -z "$JOIN" ] && _j=$(irc_join_time "$irclog" stbybot "$(secs "$_t0")"); then
			JOIN=$(awk -v j="$_j" -v t="$_t0" 'BEGIN { printf "%d", j * 1000 - t }')
		fi
		[ -z "$READY" ] || [ -z "$JOIN" ] || break
		sleep 0.1
	done
	_d=$(awk '/the primary is down: promoting/ { print $1; exit }' "$tmp/$_m/watch.log")
	DEC=''
	[ -z "$_d" ] || DEC=$(($(ms_of "$_d") - _t0))
	say "   $_m: decision ${DEC:-?} ms, /readyz ${READY:-?} ms, bot JOIN ${JOIN:-?} ms after the kill"
	# stand down: the watcher first, then the standby's gateway
	_wg=$(cat "$tmp/$_m/watch.pgid")
	kill -s TERM -- "-$_wg" 2>/dev/null
	wait_until 10 eval "! kill -s 0 -- -$_wg 2>/dev/null"
	env STATE_DIR="$tmp/$_m/state" GATEWAY_URL="http://127.0.0.1:$S" \
	    GATEWAY_CMD="$(gw_cmd standby "$S")" OPENCLAW_USER= WORKSPACE="$tmp/none" \
	    HOOKS_DIR="$tmp/none" STOP_TIMEOUT=30 STANDBY_MODE=cold \
	    ocf-demote -f >>"$tmp/$_m/watch.log" 2>&1
}

started=$(date +%s)
primary_up
run cold
c_dec=$DEC c_ready=$READY c_join=$JOIN
primary_up
run hot
h_dec=$DEC h_ready=$READY h_join=$JOIN h_rss=$RSS

# cell DEC READY JOIN: "JOIN 38.2 s (decision 9.1 s, /readyz 37.9 s)"
cell() {
	printf 'JOIN %s s (decision %s s, /readyz %s s)' "$([ -n "$3" ] && secs "$3" || echo '?')" \
	    "$([ -n "$1" ] && secs "$1" || echo '?')" "$([ -n "$2" ] && secs "$2" || echo '?')"
}
ratio=$(awk -v a="$c_join" -v b="$h_join" 'BEGIN {
	if (a == "" || b == "" || b + 0 <= 0) { print "-"; exit }
	printf "%.0fx (JOIN)", a / b }')
after=$(awk -v a="$h_join" -v d="$h_dec" 'BEGIN {
	if (a == "" || d == "") print "?"; else printf "%.2f", (a - d) / 1000 }')
printf '%s: cold vs hot | cold: %s | hot: %s; decision -> JOIN %s s | %s |\n' "$ROW" \
    "$(cell "$c_dec" "$c_ready" "$c_join")" "$(cell "$h_dec" "$h_ready" "$h_join")" \
    "$after" "$ratio"
printf '| 6. what the standby holds: RAM of its idle gateway (VmRSS summed) | cold: none (the gateway is stopped) | hot: %s MB | - |\n' \
    "$(awk -v k="${h_rss:-0}" 'BEGIN { printf "%.0f", k / 1024 }')"
say "   ($(($(date +%s) - started)) s)"
