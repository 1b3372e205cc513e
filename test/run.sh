#!/bin/sh
# Run the unit tests (cmocka drivers) and the scenario tests (test/t*.sh),
# keep each one's output under $OCF_BIN/test/out/, and end with the line
# "N passed, N failed, N skipped" counted over every assertion.
#   --unit       unit tests only
#   --valgrind   run the tools under valgrind memcheck (exit 99 on an error)
#   T=PATTERNS   only scenario tests whose file name matches one of these
#                space-separated globs (e.g. T='t1* t2100*')
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${OCF_BIN:=$here/../build}"
export OCF_BIN
out=$OCF_BIN/test/out
mkdir -p "$out"
pass=0 fail=0 skip=0 failed_files=

mode=${1:-all}
if [ "$mode" = --valgrind ]; then
	OCF_WRAP_DIR=$OCF_BIN/test/valgrind
	mkdir -p "$OCF_WRAP_DIR"
	for p in "$OCF_BIN"/ocf-*; do
		w=$OCF_WRAP_DIR/$(basename "$p")
		printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=%s --trace-children=no %s "$@"\n' \
			"$here/valgrind.supp" "$p" >"$w"
		chmod +x "$w"
	done
	export OCF_WRAP_DIR
fi

tally () {	# file label
	p=$(awk '/^\[  PASSED  \] [0-9]+ test/ { n += $4 } /^ok [0-9]/ && !/# SKIP/ { n++ } END { print n + 0 }' "$1")
	f=$(awk '/^\[  FAILED  \] [0-9]+ test/ { n += $4 } /^not ok [0-9]/ { n++ } END { print n + 0 }' "$1")
	s=$(awk '/^ok [0-9].*# SKIP/ { n++ } END { print n + 0 }' "$1")
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

run_one () {	# label command...
	label=$1; shift
	log=$out/$(basename "$label").out
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	tally "$log"
	if [ "$rc" -ne 0 ]; then
		# a crash or a bad exit with no failed assertion still fails
		grep -Eq '^not ok|^\[  FAILED  \]' "$log" || fail=$((fail + 1))
		failed_files="$failed_files $label"
		printf 'FAIL %s (exit %d, %ss)\n' "$label" "$rc" "$secs"
		# each failed check with the diagnostics under it first (the
		# tail alone can miss them), then how the test ended
		awk '/^not ok|^\[ +(ERROR|FAILED|LINE) +\]/ {
				n = 12; print; next }
			n > 0 && /^#/ { n--; print; next } { n = 0 }' "$log" |
			head -n 60 | sed 's/^/    /'
		printf '    [...]\n'
		sed 's/^/    /' "$log" | tail -n 15
	else
		printf 'ok   %s (%ss)\n' "$label" "$secs"
	fi
}

[ "$mode" = --valgrind ] ||
for t in "$OCF_BIN"/test/unit/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done
if [ "$mode" != --unit ]; then
	for t in "$here"/t[0-9]*.sh; do
		[ -f "$t" ] || continue
		wanted=no
		set -f	# the patterns are for case, not for the shell
		for pat in ${T:-*}; do
			# shellcheck disable=SC2254 # a glob on purpose
			case $(basename "$t") in $pat) wanted=yes ;; esac
		done
		set +f
		[ $wanted = yes ] || continue
		run_one "$(basename "$t")" sh "$t"
	done
fi
[ -z "$failed_files" ] || printf 'failed:%s\n' "$failed_files"
printf '%d passed, %d failed, %d skipped\n' "$pass" "$fail" "$skip"
[ "$fail" -eq 0 ] && [ -z "$failed_files" ]
