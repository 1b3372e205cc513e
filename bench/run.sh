#!/bin/sh
# bench/run.sh - `make bench`: ocf-watch against the bash loop it replaces
# (bench/seed-monitor.sh), side by side in one run, on 127.0.0.1, with
# ocf-testsrv as the primary.  Prints a table of figures and ratios:
#
#   1. detection: primary killed -> promotion decision, same CHECK_INTERVAL
#      and FAIL_THRESHOLD (ocf also has FAST_INTERVAL), median of RUNS runs;
#      the primary dies at the same spread of offsets into the check cycle
#      for both;
#   2. cost of watching a ready primary: CPU (user+sys, children included)
#      per 1,000 checks, instructions per 1,000 checks (callgrind, where
#      valgrind is installed; `perf stat -e instructions` where it works),
#      peak RSS (VmHWM); and ocf-watch's CPU per check with METRICS_FILE
#      set against the same run without it (the file is written by a child
#      per check: its fork, the state read and the atomic write, fsyncs
#      included);
#   3. one check from a shell: ocf-probe vs curl -sf, wall time, median of 50;
#   4. false promotions under a flaky primary (ocf-testsrv -m flaky, 20 %
#      of the requests dropped, seed 42: both see the same sequence) over
#      >= 1,000 checks.  Then WITNESS_URLS (two witnesses, ocf-testsrv),
#      in two cases that a standby cannot tell apart without them:
#      a. a cut-off standby: the primary is fine, the standby's own link
#         loses 20 % of its checks, the same checks as above.  The model:
#         each check either gets through or is lost as a whole, so a
#         witness asked after a lost check of the primary is lost too.
#         The primary (flaky, seed 42) writes each of its draws to a
#         shared link file (ocf-testsrv -l), and the witnesses drop every
#         request that comes while it says the link is down.  Every
#         promotion is false; the goal is 0.  Without witnesses this is
#         the input of the measure above (the same sequence of lost
#         checks), so its figure is the one to compare with;
#      b. the primary at fault, the standby's link healthy: the same
#         flaky primary, witnesses that always answer.  The witnesses
#         must hide nothing here: as many promotions as without them.
#   5. workspace sync (bench/sync.sh): merge + push of a 10,000-file
#      workspace with 100 changed files on each side, ocf-sync push against
#      git pull --no-rebase && git push, median of BENCH_SYNC_RUNS [3].
#   6. reachable again (bench/join.sh): kill -9 of a real primary -> the
#      standby's bot JOIN in its IRC channel, seed defaults, STANDBY_MODE
#      cold against hot in the same run, with the decision and /readyz
#      beside it; and what a hot standby's idle gateway holds in RAM.
#      Real gateways: several minutes.  BENCH_JOIN=0 skips it.
#   7. the etcd arbiter (bench/arbiter.sh): failover time against
#      LEASE_TTL when the holder dies or is cut off, and the failback
#      handover's gap, on a real 3-member etcd in network namespaces.
#
# Benchmarks print numbers: this fails only on errors, never on timing.
#   OCF_BIN      the built tools [../build]
#   BENCH_RUNS   runs of the detection measure [5]
#   BENCH_N      checks of the cost and flaky measures [1000]
#   BENCH_JOIN   0: skip measure 6 [1]

set -u
prog=bench
root=$(cd "$(dirname "$0")/.." && pwd -P) || exit 3
OCF_BIN=${OCF_BIN:-$root/build}
PATH=$OCF_BIN:$OCF_BIN/test/helpers:$PATH
export PATH
SEEDMON=$root/bench/seed-monitor.sh
RUNS=${BENCH_RUNS:-5}
N=${BENCH_N:-1000}
NCG_OCF=200		# checks under callgrind: ocf-watch is cheap, curl is not
NCG_BASH=20

die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 2
}
say() {
	printf '%s\n' "$*" >&2
}

for t in ocf-watch ocf-probe ocf-testsrv; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found in $OCF_BIN: run 'make bench'"
done
command -v bash >/dev/null 2>&1 || die 'bash is needed for the baseline'
command -v curl >/dev/null 2>&1 || die 'curl is needed for the baseline (apt-get install curl)'
case $(date +%N) in
[0-9]*) ;;
*) die 'date +%N is needed (GNU coreutils)' ;;
esac
[ -r /proc/self/stat ] || die '/proc is needed'

# shellcheck source=scripts/common.sh
. "$root/scripts/common.sh"

# Nothing from the caller's environment may change what runs: no ocf key
# (as the tools list them), no proxy, no MARKER (the bash loop's).
ocf_scrub_env MARKER || die "'ocf-probe --print-config' does not list the keys"
# wait_until looks every 10 ms: the detection is timed by its looks
# shellcheck disable=SC2034 # read by wait_until (scripts/common.sh)
OCF_WAIT_POLL=0.01

tmp=$(mktemp -d /tmp/ocf-bench.XXXXXX) || die 'unable to create a temporary directory'
pids=''
cleanup() {
	trap '' INT TERM
	for p in $pids; do
		kill -s TERM "$p" 2>/dev/null
	done
	kill_gateways
	rm -rf "$tmp"
}
trap 'cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers ---------------------------------------------------------------

now_ns() {
	date +%s%N
}

# untrack PID: forget PID, reaped
untrack() {
	_ut=''
	for _ut_p in $pids; do
		[ "$_ut_p" = "$1" ] || _ut="$_ut $_ut_p"
	done
	pids=$_ut
}

# stop PID: SIGTERM, up to 30 s, then SIGKILL; reap it
stop() {
	kill -s TERM "$1" 2>/dev/null
	_st_i=0
	while kill -s 0 "$1" 2>/dev/null && [ "$_st_i" -lt 300 ]; do
		# a reaped child answers no more; an unreaped one is a zombie
		case $(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) in
		Z | '') break ;;
		esac
		sleep 0.1
		_st_i=$((_st_i + 1))
	done
	kill -s KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	untrack "$1"
}

# srv NAME PORT ARGS...: start ocf-testsrv, log in $tmp/NAME.log; sets SRV
srv() {
	_sv_n=$1 _sv_p=$2
	shift 2
	rm -f "$tmp/$_sv_n.pid"
	ocf-testsrv -p "$_sv_p" -P "$tmp/$_sv_n.pid" "$@" 2>"$tmp/$_sv_n.log" &
	SRV=$!
	pids="$pids $SRV"
	wait_until 5 test -s "$tmp/$_sv_n.pid" || die "ocf-testsrv $* did not start"
}

# reqs NAME: requests server NAME has answered or dropped (with -v)
reqs() {
	grep -c ' -> ' "$tmp/$1.log" 2>/dev/null || true
}
reqs_at_least() {
	[ "$(reqs "$1")" -ge "$2" ]
}

# the standby gateway a promotion started (GATEWAY_PID), every one
kill_gateways() {
	for _kg in "$tmp"/*/state; do
		[ -f "$_kg" ] || continue
		_kg_p=$(sed -n "s/^GATEWAY_PID='\([0-9]*\)'/\1/p" "$_kg")
		case $_kg_p in
		'' | 0) continue ;;
		esac
		kill -s TERM -- "-$_kg_p" 2>/dev/null
	done
	return 0
}

# ocf_watch DIR VAR=VALUE...: start ocf-watch with its state in DIR, the
# primary on port $P, a stand-in gateway on $S, under $WRAP (a measuring
# tool's words, or nothing); sets MON
WRAP=''
# shellcheck disable=SC2086 # WRAP is a list of words
ocf_watch() {
	_ow_d=$1
	shift
	mkdir -p "$_ow_d"
	env STATE_DIR="$_ow_d" PRIMARY_URL="http://127.0.0.1:$P" \
	    GATEWAY_CMD="$OCF_BIN/test/helpers/ocf-testsrv -p $S -m ready" \
	    GATEWAY_URL="http://127.0.0.1:$S" OPENCLAW_USER= \
	    WORKSPACE="$tmp/none" HOOKS_DIR="$tmp/none" READY_TIMEOUT=10 \
	    STOP_TIMEOUT=5 PROBE_TIMEOUT=5 "$@" $WRAP ocf-watch \
	    2>"$_ow_d/watch.log" &
	MON=$!
	pids="$pids $MON"
}

# seed_watch MARKER VAR=VALUE...: start the bash loop against port $P;
# sets MON.  The harness's TERM trap lets bash exit normally (callgrind
# writes its counts only then); the loop itself is seed-monitor.sh's.
seed_watch() {
	_sw_m=$1
	shift
	# shellcheck disable=SC2016,SC2086 # for the inner bash; WRAP is words
	env PRIMARY_IP=127.0.0.1 PRIMARY_PORT="$P" MARKER="$_sw_m" "$@" \
	    $WRAP bash -c 'trap "exit 0" TERM; . "$0"' "$SEEDMON" \
	    >"$_sw_m.log" 2>&1 &
	MON=$!
	pids="$pids $MON"
}

# median FILE: the median of the numbers in FILE, one a line
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# cpu_ticks PID: utime+stime+cutime+cstime of a live PID
cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 + $14 + $15 }'
}
# hwm_kb PID: peak resident set size in KiB
hwm_kb() {
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"
}

# ratio A B: "A/B" as "12.3x"
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b + 0 <= 0 || a == "nan" || b == "nan") { print "-"; exit }
		r = a / b; printf (r >= 10 ? "%.0fx\n" : "%.1fx\n"), r }'
}

CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
P=$(pick_port 29400) || die 'no free port'
S=$(pick_port $((P + 1))) || die 'no free port'
HP=$(pick_port $((S + 1))) || die 'no free port'
W1=$(pick_port $((HP + 1))) || die 'no free port'
W2=$(pick_port $((W1 + 1))) || die 'no free port'

started=$(date +%s)
lap=$started
# took: how long the last section took, for the log
took() {
	_tk=$(date +%s)
	say "   ($((_tk - lap)) s)"
	lap=$_tk
}
say "bench: ocf-watch vs bench/seed-monitor.sh on 127.0.0.1 (ports $P, $S, $HP)"

# --- 1. detection ---------------------------------------------------------------

say "1. detection: $RUNS runs each (CHECK_INTERVAL=1, FAST_INTERVAL=0.2 for ocf, FAIL_THRESHOLD=3)"
: >"$tmp/det-bash" && : >"$tmp/det-ocf"
i=1
while [ "$i" -le "$RUNS" ]; do
	# the primary dies at the same offsets into the check cycle for both
	off=$(awk -v i="$i" -v n="$RUNS" 'BEGIN { printf "%.3f", (2 * i - 1) / (2 * n) }')
	for mon in bash ocf; do
		srv "det" "$P" -v -m ready
		primary=$SRV
		d=$tmp/det-$mon-$i
		if [ "$mon" = ocf ]; then
			ocf_watch "$d" CHECK_INTERVAL=1 FAST_INTERVAL=0.2 \
			    FAIL_THRESHOLD=3 HOLD_DOWN=60
			decided() {
				grep -q -e "^TRANSITION='promote'" -e "^ROLE='active'" \
				    "$d/state" 2>/dev/null
			}
		else
			mkdir -p "$d"
			seed_watch "$d/marker" CHECK_INTERVAL=1 FAIL_THRESHOLD=3
			decided() {
				[ -s "$d/marker" ]
			}
		fi
		# the second check has just been answered: the cycle's phase 0
		wait_until 10 reqs_at_least det 2 || die "$mon made no checks"
		sleep "$off"
		t0=$(now_ns)
		kill -s KILL "$primary"
		if wait_until 20 decided; then
			t1=$(now_ns)
			awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }' \
			    >>"$tmp/det-$mon"
		else
			say "   $mon did not decide within 20 s"
		fi
		wait "$primary" 2>/dev/null
		untrack "$primary"
		if [ "$mon" = ocf ]; then
			wait_until 10 grep -q "^ROLE='active'" "$d/state"
		fi
		stop "$MON"
		kill_gateways
	done
	say "   run $i (dies $off s into the cycle): bash $(tail -n 1 "$tmp/det-bash") s, ocf $(tail -n 1 "$tmp/det-ocf") s"
	i=$((i + 1))
done
took
det_bash=$(median "$tmp/det-bash")
det_ocf=$(median "$tmp/det-ocf")

# --- 2. cost of watching ----------------------------------------------------------

say "2. cost of watching a ready primary: $N checks each, 10 ms apart"
# watch_cost MON: run MON until the primary has answered N checks; sets
# CPU_S (seconds per 1,000 checks), HWM (KiB), CHECKS
watch_cost() {
	srv "cost-$1" "$P" -v -m ready
	_wc_srv=$SRV
	if [ "$1" = ocf ]; then
		ocf_watch "$tmp/cost-ocf" CHECK_INTERVAL=0.01 FAST_INTERVAL=0.01
	elif [ "$1" = ocfm ]; then
		ocf_watch "$tmp/cost-ocfm" CHECK_INTERVAL=0.01 FAST_INTERVAL=0.01 \
		    METRICS_FILE="$tmp/cost-ocfm.prom"
	else
		seed_watch "$tmp/cost-bash.marker" CHECK_INTERVAL=0.01
	fi
	wait_until 300 reqs_at_least "cost-$1" "$N" || die "$1: fewer than $N checks in 300 s"
	_wc_ticks=$(cpu_ticks "$MON")
	HWM=$(hwm_kb "$MON")
	CHECKS=$(reqs "cost-$1")
	stop "$MON"
	stop "$_wc_srv"
	CPU_S=$(awk -v t="$_wc_ticks" -v hz="$CLK_TCK" -v n="$CHECKS" \
	    'BEGIN { printf "%.3f", t / hz * 1000 / n }')
}
watch_cost ocf
cpu_ocf=$CPU_S hwm_ocf=$HWM n_ocf=$CHECKS
watch_cost bash
cpu_bash=$CPU_S hwm_bash=$HWM n_bash=$CHECKS
say "   CPU per 1,000 checks: bash $cpu_bash s ($n_bash checks), ocf $cpu_ocf s ($n_ocf checks)"
watch_cost ocfm
cpu_ocfm=$CPU_S n_ocfm=$CHECKS
# a write still running at the next check (10 ms later) is skipped
skip_ocfm=$(grep -c 'metrics not written' "$tmp/cost-ocfm/watch.log")
[ -s "$tmp/cost-ocfm.prom" ] || die 'METRICS_FILE was never written'
say "   with METRICS_FILE: ocf $cpu_ocfm s ($n_ocfm checks, $skip_ocfm writes skipped)"
took

# one curl's peak RSS: caught while it waits on a server that never answers
srv hang "$HP" -m hang
hang=$SRV
curl -sf --connect-timeout 5 -m 10 "http://127.0.0.1:$HP/health" >/dev/null 2>&1 &
cpid=$!
sleep 0.5
hwm_curl=$(hwm_kb "$cpid")
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
stop "$hang"

# instructions: perf where the CPU counters work, else callgrind
ins_tool=''
if perf stat -x, -e instructions true 2>&1 >/dev/null | grep -q '^[0-9]'; then
	ins_tool=perf
elif command -v valgrind >/dev/null 2>&1; then
	ins_tool=callgrind
fi
ins_ocf=nan ins_bash=nan
# ins_run MON NCHECKS: instructions per 1,000 checks of MON
ins_run() {
	srv "ins-$1" "$P" -v -m ready
	_ir_srv=$SRV
	rm -rf "$tmp/ins-$1"
	mkdir -p "$tmp/ins-$1"
	if [ "$ins_tool" = perf ]; then
		_ir_wrap="perf stat -x, -o $tmp/ins-$1/perf.csv -e instructions --"
	else
		_ir_wrap="valgrind -q --tool=callgrind --trace-children=yes --callgrind-out-file=$tmp/ins-$1/cg.%p"
	fi
	WRAP=$_ir_wrap
	if [ "$1" = ocf ]; then
		ocf_watch "$tmp/ins-ocf" CHECK_INTERVAL=0.01 FAST_INTERVAL=0.01
	else
		seed_watch "$tmp/ins-bash.marker" CHECK_INTERVAL=0.01
	fi
	WRAP=
	if ! wait_until 300 reqs_at_least "ins-$1" "$2"; then
		say "   $1 under $ins_tool: fewer than $2 checks in 300 s"
		stop "$MON"
		stop "$_ir_srv"
		return 1
	fi
	stop "$MON"
	sleep 1		# traced children still finishing their check
	_ir_n=$(reqs "ins-$1")
	stop "$_ir_srv"
	if [ "$ins_tool" = perf ]; then
		awk -F, -v n="$_ir_n" '$3 ~ /instructions/ { s += $1 }
		    END { printf "%.0f\n", s * 1000 / n }' "$tmp/ins-$1/perf.csv"
	else
		# each process's file: its "summary:" or "totals:" line
		awk -v n="$_ir_n" '
			FNR == 1 { if (v) s += v; v = 0 }
			/^(summary|totals):/ { v = $2 }
			END { if (v) s += v; printf "%.0f\n", s * 1000 / n }' \
		    "$tmp/ins-$1"/cg.*
	fi
}
if [ -n "$ins_tool" ]; then
	say "   instructions with $ins_tool: $NCG_OCF checks of ocf-watch, $NCG_BASH of bash"
	ins_ocf=$(ins_run ocf "$NCG_OCF") || ins_ocf=nan
	took
	ins_bash=$(ins_run bash "$NCG_BASH") || ins_bash=nan
	took
else
	say '   instructions: neither perf counters nor valgrind; skipped'
fi

# --- 3. one check from a shell ----------------------------------------------------

say '3. one check from a shell: ocf-probe vs curl -sf, 50 each, interleaved'
srv oneshot "$P" -m ready
oneshot=$SRV
: >"$tmp/os-ocf" && : >"$tmp/os-curl" && : >"$tmp/os-true"
i=0
while [ "$i" -lt 50 ]; do
	a=$(now_ns); ocf-probe -q "127.0.0.1:$P"; b=$(now_ns)
	echo $(((b - a) / 1000)) >>"$tmp/os-ocf"
	a=$(now_ns); curl -sf "http://127.0.0.1:$P/health" >/dev/null; b=$(now_ns)
	echo $(((b - a) / 1000)) >>"$tmp/os-curl"
	a=$(now_ns); /bin/true; b=$(now_ns)
	echo $(((b - a) / 1000)) >>"$tmp/os-true"
	i=$((i + 1))
done
stop "$oneshot"
took
os_ocf=$(median "$tmp/os-ocf")
os_curl=$(median "$tmp/os-curl")
os_true=$(median "$tmp/os-true")

# --- 4. false promotions under a flaky primary ---------------------------------------

say "4. a flaky primary (20 % of requests dropped, seed 42): $N checks each"
# ocf's other times scaled like the check interval (10 s -> 0.01 s):
# HOLD_DOWN 60 s -> 0.06 s, FLAP_WINDOW 3600 s -> 3.6 s
srv flaky-bash "$P" -v -m flaky -r 20 -s 42
fsrv=$SRV
seed_watch "$tmp/flaky-bash.marker" CHECK_INTERVAL=0.01 FAIL_THRESHOLD=3
wait_until 300 reqs_at_least flaky-bash "$N" || die "bash: fewer than $N checks in 300 s"
stop "$MON"
fl_bash_n=$(reqs flaky-bash)
stop "$fsrv"
fl_bash_p=$(grep -c '^promote' "$tmp/flaky-bash.marker" 2>/dev/null || true)
fl_bash_d=$(grep -c '^demote' "$tmp/flaky-bash.marker" 2>/dev/null || true)
took

srv flaky-ocf "$P" -v -m flaky -r 20 -s 42
fsrv=$SRV
ocf_watch "$tmp/flaky-ocf" CHECK_INTERVAL=0.01 FAST_INTERVAL=0.01 \
    FAIL_THRESHOLD=3 RISE_THRESHOLD=3 HOLD_DOWN=0.06 FLAP_WINDOW=3.6 FLAP_MAX=4
wait_until 300 reqs_at_least flaky-ocf "$N" || die "ocf: fewer than $N checks in 300 s"
stop "$MON"
fl_ocf_n=$(reqs flaky-ocf)
stop "$fsrv"
kill_gateways
fl_ocf_p=$(grep -c ': promoting$' "$tmp/flaky-ocf/watch.log" || true)
fl_ocf_d=$(grep -c ': demoting$' "$tmp/flaky-ocf/watch.log" || true)
took
fl_ocf_latched=no
grep -q "^LATCHED='1'" "$tmp/flaky-ocf/state" && fl_ocf_latched=yes
# the input both saw: runs of >= 3 dropped requests
fl_runs=$(grep ' -> ' "$tmp/flaky-bash.log" | awk '
	/dropped/ { if (++r == 3) n++; next } { r = 0 } END { print n + 0 }')

# witness_run NAME LINK: the flaky primary and two witnesses, sharing the
# link file LINK (a cut-off standby) or not (LINK empty); ocf-watch with
# WITNESS_URLS over N checks; sets WP (promotions), WN (checks), WA
# (witness requests), WR (of them answered), WC (cut-off streaks logged),
# WL (the flap breaker latched: yes/no)
witness_run() {
	_wr_l=''
	if [ -n "$2" ]; then
		rm -f "$2"
		_wr_l="-l $2"
	fi
	# shellcheck disable=SC2086 # _wr_l is words
	srv "$1" "$P" -v -m flaky -r 20 -s 42 $_wr_l
	_wr_p=$SRV
	# shellcheck disable=SC2086
	srv "$1-w1" "$W1" -v -m ready $_wr_l
	_wr_w1=$SRV
	# shellcheck disable=SC2086
	srv "$1-w2" "$W2" -v -m ready $_wr_l
	_wr_w2=$SRV
	ocf_watch "$tmp/$1" CHECK_INTERVAL=0.01 FAST_INTERVAL=0.01 \
	    FAIL_THRESHOLD=3 RISE_THRESHOLD=3 HOLD_DOWN=0.06 FLAP_WINDOW=3.6 \
	    FLAP_MAX=4 WITNESS_URLS="http://127.0.0.1:$W1/,http://127.0.0.1:$W2/"
	wait_until 300 reqs_at_least "$1" "$N" || die "ocf ($1): fewer than $N checks in 300 s"
	stop "$MON"
	WN=$(reqs "$1")
	stop "$_wr_p"
	stop "$_wr_w1"
	stop "$_wr_w2"
	kill_gateways
	WP=$(grep -c ': promoting$' "$tmp/$1/watch.log" || true)
	WA=$(($(reqs "$1-w1") + $(reqs "$1-w2")))
	WR=$(cat "$tmp/$1-w1.log" "$tmp/$1-w2.log" | grep -c ' -> [0-9]' || true)
	WC=$(grep -c 'this node is cut off' "$tmp/$1/watch.log" || true)
	WL=no
	grep -q "^LATCHED='1'" "$tmp/$1/state" && WL=yes
}
say "4a. a cut-off standby (its link loses the checks above), WITNESS_URLS: $N checks"
witness_run flaky-cut "$tmp/link"
wc_p=$WP wc_n=$WN wc_a=$WA wc_r=$WR wc_c=$WC wc_l=$WL
took
say "4b. the flaky primary, witnesses healthy, WITNESS_URLS: $N checks"
witness_run flaky-wit ''
wh_p=$WP wh_n=$WN wh_a=$WA wh_r=$WR wh_c=$WC wh_l=$WL
took

# --- 5. sync: merge + push against git (bench/sync.sh) ---------------------------

sync_row=$(OCF_BIN=$OCF_BIN sh "$root/bench/sync.sh") || die 'the sync bench failed'
took

# --- 6. reachable again: the bot's JOIN, cold vs hot (bench/join.sh) -------------

if [ "${BENCH_JOIN:-1}" = 0 ]; then
	join_rows='| 6. kill -9 primary -> standby bot JOIN (IRC), cold vs hot | skipped: BENCH_JOIN=0 | - | - |'
else
	join_rows=$(OCF_BIN=$OCF_BIN sh "$root/bench/join.sh") || die 'the join bench failed'
fi
took

# --- 7. the etcd arbiter (bench/arbiter.sh; root, etcd) -----------------------------

if [ "$(id -u)" = 0 ] && command -v etcd >/dev/null 2>&1; then
	arb_rows=$(OCF_BIN=$OCF_BIN sh "$root/bench/arbiter.sh") ||
		die 'the arbiter bench failed'
else
	arb_rows="| 7. ARBITER=etcd | - | not measured: needs root and etcd | - |"
fi
took

# --- the table ---------------------------------------------------------------------

mb() {
	awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.1f MB\n", k / 1024 }'
}
gi() {
	awk -v v="$1" 'BEGIN { if (v == "nan") print "n/a"; else printf "%.1f M\n", v / 1e6 }'
}
ms() {
	awk -v v="$1" 'BEGIN { printf "%.2f ms\n", v / 1000 }'
}
hwm_seed=$(awk -v a="${hwm_bash:-0}" -v b="${hwm_curl:-0}" 'BEGIN { print a + b }')

cat <<EOF

ocf bench: ocf-watch vs a bash health-monitor.sh loop (bench/seed-monitor.sh), one run, 127.0.0.1

| measure | bash loop | ocf-watch | ratio (bash/ocf) |
|---|---|---|---|
| 1. detection, primary killed -> promote decision, median of $RUNS | $det_bash s | $det_ocf s | $(ratio "$det_bash" "$det_ocf") |
| 2. CPU user+sys per 1,000 checks (children included) | $(awk -v v="$cpu_bash" 'BEGIN { printf "%.0f ms", v * 1000 }') | $(awk -v v="$cpu_ocf" 'BEGIN { printf "%.0f ms", v * 1000 }') | $(ratio "$cpu_bash" "$cpu_ocf") |
| 2. instructions per 1,000 checks ($ins_tool) | $(gi "$ins_bash") | $(gi "$ins_ocf") | $(ratio "$ins_bash" "$ins_ocf") |
| 2. ocf-watch CPU per 1,000 checks with METRICS_FILE (vs without) | - | $(awk -v v="$cpu_ocfm" 'BEGIN { printf "%.0f ms", v * 1000 }') ($skip_ocfm of $n_ocfm writes skipped) | $(ratio "$cpu_ocfm" "$cpu_ocf") (with/without) |
| 2. peak RSS while checking | $(mb "$hwm_seed") (bash $(mb "$hwm_bash") + curl $(mb "$hwm_curl")) | $(mb "$hwm_ocf") | $(ratio "$hwm_seed" "$hwm_ocf") |
| 3. one check from a shell, wall, median of 50 | $(ms "$os_curl") (curl -sf) | $(ms "$os_ocf") (ocf-probe) | $(ratio "$os_curl" "$os_ocf") |
| 4. promotions, flaky primary, 20 % dropped, seed 42 | $fl_bash_p in $fl_bash_n checks ($fl_bash_d demotions) | $fl_ocf_p in $fl_ocf_n checks ($fl_ocf_d demotions, latched: $fl_ocf_latched) | $(ratio "$fl_bash_p" "$fl_ocf_p") |
| 4a. false promotions, cut-off standby: its link loses those checks, witnesses with them | ocf-watch without WITNESS_URLS: $fl_ocf_p (row 4: the same input) | ocf-watch with WITNESS_URLS: $wc_p in $wc_n checks ($wc_a witness requests, $wc_r answered; $wc_c cut-off streaks; latched: $wc_l) | - |
| 4b. promotions, the same flaky primary, witnesses healthy | ocf-watch without WITNESS_URLS: $fl_ocf_p (row 4) | ocf-watch with WITNESS_URLS: $wh_p in $wh_n checks ($wh_a witness requests, $wh_r answered; $wh_c cut-off streaks; latched: $wh_l) | - |
$sync_row
$join_rows
$arb_rows

Settings: 1. CHECK_INTERVAL=1 FAIL_THRESHOLD=3 for both, ocf FAST_INTERVAL=0.2; the
primary (ocf-testsrv) is SIGKILLed at $RUNS offsets spread over the check cycle, the
same for both; the decision is the first look (every 10 ms) at the bash loop's
marker or at ocf's state file with TRANSITION=promote or ROLE=active.
2. CHECK_INTERVAL=0.01 (ocf's minimum) against a ready ocf-testsrv; CPU from
/proc/PID/stat over >= $N checks; instructions over $NCG_OCF (ocf) and $NCG_BASH (bash)
checks, every process counted (bash, curl, sleep); RSS is VmHWM, curl's taken
while it waits on a server that never answers.
3. $(ms "$os_true") is the floor of the measure (/bin/true timed the same way).
4. both loops see the same answers in the same order (one request per check);
the sequence holds $fl_runs runs of >= 3 dropped checks.  ocf with HOLD_DOWN=0.06
and FLAP_WINDOW=3.6 (its defaults scaled as the interval, 10 s -> 0.01 s),
FLAP_MAX=4, RISE_THRESHOLD=3; the bash loop demotes on the first good answer.
4a/4b: ocf-watch as in 4, with WITNESS_URLS naming two ocf-testsrv witnesses,
asked only after a check the primary did not answer.  4a: the witnesses follow
the primary's draws (a lost check loses them too: the standby is cut off);
4b: they always answer (the primary is at fault, not the standby's link): with
no cut-off streak every failed check counts, as in 4; the promotions may still
differ from 4's by the flap breaker, whose window is in seconds while a failed
check that asks the witnesses takes a little longer (a child process and a GET).
5. the baseline column is git here, not the bash loop: a bare origin on a local
path that moved on by 100 changed files while the workspace changed 100 others;
ocf-sync push (commit, refused push, fetch, merge, push) against git add -A, git
commit, git pull --no-rebase, git push; the same histories, alternating order.
6. the columns are STANDBY_MODE=cold and =hot here, one run each: the real
gateway (openclaw 2026.9.6) as primary and standby, each with its IRC channel on
a loopback ngircd; a client in both channels (ocf-ircwatch) logs the standby's
bot JOIN, the time users can reach the assistant again.  ocf-watch with the
seed's defaults (CHECK_INTERVAL=10, FAIL_THRESHOLD=3, FAST_INTERVAL=2,
PROBE_TIMEOUT=5); the primary's whole process group SIGKILLed 5 s after a
check, in both runs; times after the kill.  The load of the machine: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the end.
Total time: $(($(date +%s) - started)) s.
EOF
