#!/bin/sh
# t7100-fuzz-regress: the fuzz targets of test/fuzz, replayed and run.
#
#   - Each target (config, state, health, split, knownhosts) is built
#     without libFuzzer, with test/fuzz/replay.c as main(), under
#     ASan+UBSan: clang when present, else gcc.  Every seed
#     (test/fuzz/corpus/TARGET) and every saved finding
#     (test/fuzz/regress/TARGET) is replayed through it and must exit 0:
#     a finding that was fixed stays fixed.
#   - test/fuzz/run.sh refuses to pretend: without a compiler it exits 3.
#   - Then each target runs under libFuzzer for FUZZ_SECONDS (default 10
#     here; `make fuzz` runs 300) with no finding; skipped, not passed,
#     without clang and libFuzzer.

# shellcheck source=test/lib.sh
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/fuzz/targets.sh"
TARGETS=$FUZZ_TARGETS

FUZZ=$SRCDIR/test/fuzz
: "${FUZZ_SECONDS:=10}"


if command -v clang >/dev/null 2>&1; then
	REPLAY_CC=clang
elif command -v gcc >/dev/null 2>&1; then
	REPLAY_CC=gcc
else
	REPLAY_CC=cc
fi
SAN='-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer'
# A compiler without the sanitizer runtimes still replays, unguarded.
printf 'int main(void) { return 0; }\n' >"$TMP/san.c"
# shellcheck disable=SC2086 # SAN is a list of words
if ! "$REPLAY_CC" $SAN -o "$TMP/san" "$TMP/san.c" >/dev/null 2>&1; then
	test_skip "replay under ASan+UBSan" \
	    "$REPLAY_CC cannot link -fsanitize=address,undefined"
	SAN=''
fi
printf '# replay compiler: %s %s\n' "$REPLAY_CC" "$SAN"

# build_replay TARGET: $TMP/replay_TARGET from replay.c, the target and
# the library files it needs
build_replay() {
	_br_src=''
	for _br_s in $(sources "$1"); do
		_br_src="$_br_src $SRCDIR/lib/$_br_s.c"
	done
	# shellcheck disable=SC2046,SC2086 # SAN and _br_src are lists of words
	"$REPLAY_CC" -g -O1 $SAN -std=c11 -D_GNU_SOURCE -I"$SRCDIR/lib" \
	    -o "$TMP/replay_$1" "$FUZZ/replay.c" "$FUZZ/fuzz_$1.c" \
	    $_br_src $(libs "$1") -lm
}

# nfiles DIR: how many files DIR holds (0 when it does not exist)
nfiles() {
	if [ -d "$1" ]; then
		find "$1" -type f | wc -l | tr -d ' '
	else
		echo 0
	fi
}

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1

for t in $TARGETS; do
	test_ok "$t: replay driver builds" build_replay "$t" || continue
	n=$(nfiles "$FUZZ/corpus/$t")
	if [ "$n" -ge 10 ]; then
		test_ok "$t: $n seeds replay clean" \
		    find "$FUZZ/corpus/$t" -type f -exec "$TMP/replay_$t" {} +
	else
		test_cmp_str "$t: the seed corpus holds at least 10 files" \
		    '10 or more' "$n"
	fi
	n=$(nfiles "$FUZZ/regress/$t")
	if [ "$n" -gt 0 ]; then
		test_ok "$t: $n saved findings replay clean" \
		    find "$FUZZ/regress/$t" -type f -exec "$TMP/replay_$t" {} +
	else
		printf '# %s: no saved finding in test/fuzz/regress/%s\n' "$t" "$t"
	fi
done

test_expect_code 3 'run.sh without a compiler exits 3, not 0' \
	env FUZZ_CC=/nonexistent/clang FUZZ_SECONDS=1 sh "$FUZZ/run.sh"
test_grep 'run.sh says what to install' 'libclang-rt-14-dev' "$TMP/err"
test_expect_code 3 'run.sh refuses FUZZ_SECONDS=0 (libFuzzer: no limit)' \
	env FUZZ_SECONDS=0 sh "$FUZZ/run.sh"

# In TMP, not the shared build directory: a test run starts from the seeds
# and cannot race a `make fuzz` running there.  A finding is copied out
# of TMP before it is removed.
OCF_BIN=$TMP FUZZ_SECONDS=$FUZZ_SECONDS sh "$FUZZ/run.sh" >"$TMP/fuzz.out" 2>&1
rc=$?
sed 's/^/# /' "$TMP/fuzz.out"
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ] && [ -d "$TMP/fuzz/findings" ]; then
	mkdir -p "$OCF_BIN/test/out/$TEST_NAME-findings" &&
	    cp -R "$TMP/fuzz/findings/." "$OCF_BIN/test/out/$TEST_NAME-findings/" &&
	    printf '# findings kept in %s\n' "$OCF_BIN/test/out/$TEST_NAME-findings"
fi
if [ "$rc" -eq 3 ]; then
	test_skip "libFuzzer: each target ${FUZZ_SECONDS}s without a finding" \
	    'no clang or libFuzzer (apt-get install clang libclang-rt-14-dev)'
else
	test_cmp_str "libFuzzer: each target ${FUZZ_SECONDS}s without a finding" \
	    'exit 0' "exit $rc"
	# shellcheck disable=SC2086 # a list of words, counted
	test_cmp_str 'libFuzzer: every target reported its executions' \
	    "$(set -- $TARGETS; echo $#)" \
	    "$(grep -c '^[a-z]* *executions [0-9][0-9]*,' "$TMP/fuzz.out")"
fi

test_done
