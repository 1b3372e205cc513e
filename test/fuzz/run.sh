#!/bin/sh
# test/fuzz/run.sh - build the libFuzzer targets and run each one for a
# bounded time.
#
#	sh test/fuzz/run.sh [config | state | health | split | knownhosts ...]
#
# Without arguments every target runs.  Environment:
#	FUZZ_SECONDS	seconds each target runs (default 60; `make fuzz`: 300)
#	FUZZ_CC		the compiler (default clang: libFuzzer is clang's)
#	OCF_BIN		build directory; the fuzzers go to $OCF_BIN/fuzz
#			(default build/fuzz)
#
# Each target starts from a working corpus, $OCF_BIN/fuzz/corpus/TARGET,
# into which the seeds (test/fuzz/corpus/TARGET) and the regression inputs
# (test/fuzz/regress/TARGET) are copied first.  libFuzzer adds what it
# finds there, so a longer run goes on where the last one stopped; the
# repository's corpora are only read.
#
# One line per target: executions (libFuzzer's
# stat::number_of_executed_units), coverage (cov: edges, ft: features),
# working corpus size, peak RSS and the result.  A crash, leak, timeout or
# out-of-memory input is saved under $OCF_BIN/fuzz/findings/TARGET/ and its
# path printed; add it to test/fuzz/regress/TARGET/ once fixed.
#
# Exit status: 0 no finding; 1 a target found something or died; 2 a build
# failed; 3 usage error, or clang or libFuzzer is missing (never a pass).
set -u

prog=run.sh
here=$(cd "$(dirname "$0")" && pwd) || exit 3
top=$(cd "$here/../.." && pwd) || exit 3
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_CC:=clang}"
: "${OCF_BIN:=$top/build}"
bd=$OCF_BIN/fuzz
. "$top/test/fuzz/targets.sh"
all=$FUZZ_TARGETS

usage() {
	echo "usage: sh test/fuzz/run.sh [config | state | health | split |" \
	    "knownhosts ...]" >&2
	exit 3
}

err() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
}

case $FUZZ_SECONDS in
''|*[!0-9]*|0)
	# libFuzzer reads -max_total_time=0 as "no limit"
	err "FUZZ_SECONDS '$FUZZ_SECONDS' is not a number of seconds (1 or more)"
	usage
	;;
esac
targets=${*:-$all}
for t in $targets; do
	case " $all " in
	*" $t "*)	;;
	*)	err "unknown target '$t'"; usage ;;
	esac
done

if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	err "'$FUZZ_CC' not found: fuzzing needs clang and libFuzzer" \
	    "(Debian 12: apt-get install clang libclang-rt-14-dev)"
	exit 3
fi

CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
-fno-omit-frame-pointer -std=c11 -D_GNU_SOURCE -Wall -Wextra -I$top/lib"

mkdir -p "$bd/obj" "$bd/log" || exit 2

# libFuzzer is a separate package from clang on Debian: say which.
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' \
	>"$bd/obj/probe.c" || exit 2
# shellcheck disable=SC2086 # CFLAGS is a list of words
if ! "$FUZZ_CC" $CFLAGS -o "$bd/obj/probe" "$bd/obj/probe.c" \
    >"$bd/log/probe.log" 2>&1; then
	sed 's/^/    /' "$bd/log/probe.log" >&2
	err "'$FUZZ_CC' cannot link with -fsanitize=fuzzer: libFuzzer is" \
	    "missing (Debian 12: apt-get install libclang-rt-14-dev)"
	exit 3
fi


# maxlen TARGET: longest input; room for each parser's limits (a 4 KiB
# GATEWAY_CMD, 1025 words, the largest state file the format writes, a
# known_hosts key longer than the 8 KiB we decode: 11 KB of base64)
maxlen() {
	case $1 in
	config|state|knownhosts)	echo 16384 ;;
	health|split)	echo 4096 ;;
	esac
}

# compile OUT SRC: compile one file with the fuzzing flags
compile() {
	# shellcheck disable=SC2086 # CFLAGS is a list of words
	"$FUZZ_CC" $CFLAGS -c -o "$1" "$2" >>"$bd/log/build.log" 2>&1 || {
		sed 's/^/    /' "$bd/log/build.log" >&2
		err "unable to compile '$2'"
		exit 2
	}
}

# Built afresh every run: a handful of files, and never a stale fuzzer.
: >"$bd/log/build.log"
built=''
for t in $targets; do
	objs=''
	for s in $(sources "$t"); do
		case " $built " in
		*" $s "*)	;;
		*)	compile "$bd/obj/$s.o" "$top/lib/$s.c"; built="$built $s" ;;
		esac
		objs="$objs $bd/obj/$s.o"
	done
	compile "$bd/obj/fuzz_$t.o" "$here/fuzz_$t.c"
	# shellcheck disable=SC2046,SC2086 # lists of words
	"$FUZZ_CC" $CFLAGS -o "$bd/fuzz_$t" "$bd/obj/fuzz_$t.o" $objs \
	    $(libs "$t") -lm >>"$bd/log/build.log" 2>&1 || {
		sed 's/^/    /' "$bd/log/build.log" >&2
		err "unable to link '$bd/fuzz_$t'"
		exit 2
	}
done

# Past the time given, libFuzzer stops by itself; this outer bound only
# catches a fuzzer that cannot stop (loading a huge corpus, a hung report).
hard=$((FUZZ_SECONDS * 2 + 120))
if command -v timeout >/dev/null 2>&1; then
	bound="timeout -k 10 $hard"
else
	bound=''
fi

# seed DIR WORK: copy the files of DIR (if any) into WORK
seed() {
	[ -d "$1" ] || return 0
	for f in "$1"/*; do
		[ -f "$f" ] || continue
		cp "$f" "$2/" || exit 2
	done
}

# final_stat NAME LOG: the value of libFuzzer's final "stat::NAME:"
final_stat() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

found=0
for t in $targets; do
	work=$bd/corpus/$t
	findings=$bd/findings/$t
	log=$bd/log/$t.log
	mkdir -p "$work" "$findings" || exit 2
	seed "$here/corpus/$t" "$work"
	seed "$here/regress/$t" "$work"
	dict=''
	[ -f "$here/fuzz_$t.dict" ] && dict="-dict=$here/fuzz_$t.dict"
	before=$(find "$findings" -type f | wc -l)
	# shellcheck disable=SC2086 # bound and dict are lists of words
	$bound "$bd/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=5 \
	    -rss_limit_mb=1024 -max_len="$(maxlen "$t")" \
	    -print_final_stats=1 -artifact_prefix="$findings/" $dict \
	    "$work" >"$log" 2>&1
	rc=$?
	execs=$(final_stat number_of_executed_units "$log")
	rss=$(final_stat peak_rss_mb "$log")
	# "#1234 DONE cov: 345 ft: 1234 corp: 100/5Kb ...": the last report
	cov=$(sed -n 's/^#[0-9][0-9]*[^c]*\(cov: [0-9]* ft: [0-9]*\).*/\1/p' \
	    "$log" | tail -n 1)
	corp=$(sed -n 's/^#[0-9].* corp: \([0-9]*\)\/.*/\1/p' "$log" | tail -n 1)
	after=$(find "$findings" -type f | wc -l)
	if [ "$rc" -eq 0 ] && [ "$after" -eq "$before" ]; then
		result=ok
	else
		result="FINDING (exit $rc)"
		found=1
	fi
	printf '%-7s executions %s, %s, corpus %s, peak rss %s MB: %s\n' \
	    "$t" "${execs:-?}" "${cov:-cov: ?}" "${corp:-?}" "${rss:-?}" \
	    "$result"
	if [ "$result" != ok ]; then
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error:)' "$log" |
		    head -n 5 | sed 's/^/    /'
		sed -n 's/.*Test unit written to /    input: /p' "$log"
		printf '    log: %s\n    replay: %s INPUT\n' "$log" \
		    "$bd/fuzz_$t"
	fi
done
exit "$found"
