#!/bin/sh
# t9001-nemesis-slice.sh - a fixed-seed slice of `make nemesis`: three
# minutes of faults (kill -9 of the watcher, the primary and the gateway,
# SIGSTOP, partitions, manual transitions racing the watcher, a full and a
# read-only STATE_DIR, wall-clock steps, the state lock held) on a primary
# and a standby under ocf-watch, checked against the invariants I1-I4 of
# test/nemesis/README.  Each invariant is one TAP line: a violation names
# the seed to replay (`make nemesis SEED=... DURATION=...`).
#
# Needs root (namespaces, mounts) and libfaketime; without them: a skip.

. "$(dirname "$0")/lib.sh"

# every fault kind comes up within the first 180 s of this seed
NEMESIS_SEED=${NEMESIS_SEED:-20261201}
NEMESIS_DURATION=${NEMESIS_DURATION:-180}

SEED=$NEMESIS_SEED DURATION=$NEMESIS_DURATION FAULTS='' NEMESIS_KEEP_GOING=1 \
	sh "$SRCDIR/test/nemesis/run.sh" >"$TMP/nemesis.out" 2>&1
rc=$?
if [ "$rc" = 77 ]; then
	test_skip "nemesis slice (seed $NEMESIS_SEED)" \
		"$(sed -n 's/^nemesis: SKIP: //p' "$TMP/nemesis.out" | head -n 1)"
	test_done
fi

# show: the report (everything but the per-cycle progress) as comments
show() {
	grep -v '^nemesis: cycle [0-9]* done' "$TMP/nemesis.out" |
		sed -n '1,150s/^/# /p'
}

test_grep "the slice ran to its end (seed $NEMESIS_SEED, $NEMESIS_DURATION s)" \
	"^nemesis: seed $NEMESIS_SEED: [0-9]+ cycles in" "$TMP/nemesis.out" || show
for inv in I1 I2 I3 I4; do
	case $inv in
	I1)	what='the standby never serves long beside a ready primary' ;;
	I2)	what='something serves soon after the primary goes down' ;;
	I3)	what='after each quiet period ROLE agrees with the processes' ;;
	I4)	what='no leaked process, descriptor or file' ;;
	esac
	n=$(grep -c "VIOLATION $inv:" "$TMP/nemesis.out")
	test_cmp_str "$inv: $what (violations)" 0 "$n" ||
		grep "VIOLATION $inv:" "$TMP/nemesis.out" | sort -u | head -n 5 |
		sed 's/^/# /'
done
missing=''
for k in pkill pstop pmode partition watchkill gwkill promote demote full ro \
    clock lock; do
	grep -Eq "^nemesis:   $k +[0-9]+ / [0-9]+" "$TMP/nemesis.out" ||
		missing="$missing $k"
done
test_cmp_str 'every fault kind was injected' '' "$missing"
test_cmp_str 'the harness exited 0' 0 "$rc" || show
test_done
