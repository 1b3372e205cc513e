#!/bin/sh
# t5004-arbiter-partitions.sh - never two (issue 15): randomized partition
# rounds against a real three-member etcd cluster and three ocf nodes with
# ARBITER=etcd (test/etcd.sh, test/arbiter.sh), LEASE_TTL 2.  Each round
# takes the node that serves and, at a random moment of its renewal cycle,
# either cuts it off from everything, or partitions it together with one
# etcd member (a minority member that hangs its requests for ~7 s), the
# etcd leader or not; the node stays alive.  Another node must serve
# within the bound, and at no 50 ms sample may two gateways answer.  After
# a random while the partition heals and service settles (the preferred
# node a takes it back by a handover).
#
#   ARB_ROUNDS [20]  rounds;  SEED [random]  the schedule's seed (printed:
#   `SEED=N sh test/t5004-arbiter-partitions.sh` replays the same faults)

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/etcd.sh"

ARB_TTL=2
. "$SRCDIR/test/arbiter.sh"

ROUNDS=${ARB_ROUNDS:-20}
SEED=${SEED:-$(($(date +%s) % 100000))}

ms() {
	date +%s%3N
}

if ! etcd_usable; then
	test_skip 'partition rounds with the etcd arbiter' "$ETCD_WHY"
	test_done
fi
printf '# SEED=%s rounds=%s LEASE_TTL=%s\n' "$SEED" "$ROUNDS" "$ARB_TTL"
etcd_cluster_start 3 || bail_out 'the etcd cluster did not form'
for n in a b c; do
	case $n in a) p=100 ;; *) p=50 ;; esac
	arb_node "$n" "$p" FAST_INTERVAL=0.2 HOLD_DOWN=1 RISE_THRESHOLD=2 ||
		bail_out "no node $n"
done
# shellcheck disable=SC2046 # one argument per node
overlap_sampler_start "$TMP/samples" $(arb_urls) ||
	bail_out 'the overlap sampler did not start'
T_BEGIN=$(ms)
for n in a b c; do
	arb_start "$n"
done
wait_until 20 arb_serves_one || bail_out 'nobody serves at the start'

# the schedule, from the seed alone: per round a fault kind, a delay into
# the renewal cycle and a hold before the heal (ms)
awk -v seed="$SEED" -v n="$ROUNDS" 'BEGIN {
	srand(seed)
	for (i = 1; i <= n; i++)
		printf "%s %d %d %d\n", (rand() < 0.4 ? "cut" : "split"),
		    int(rand() * 700), int(rand() * 2000), 1 + int(rand() * 3)
}' >"$TMP/schedule"

round=0 failed=0 worst=0
while read -r kind delay hold member; do
	round=$((round + 1))
	wait_until 30 arb_serves_one || {
		printf '# round %s: service did not settle\n' "$round"
		failed=$((failed + 1))
		break
	}
	h=$(arb_serving)
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	t0=$(ms)
	if [ "$kind" = cut ]; then
		etcd_cut "$h"
	else
		etcd_split "$h" "m$member"
	fi
	# the bound: a lease that etcd restarted at its full TTL on a leader
	# change (the holder's member led), an election on a loaded machine,
	# a check interval and a start
	if wait_until $((ARB_TTL * 3 + 15)) arb_serves_one "$h"; then
		took=$(($(ms) - t0))
		[ "$took" -le "$worst" ] || worst=$took
	else
		took=never
		failed=$((failed + 1))
	fi
	printf '# round %s: %s %s (m%s), +%s ms: %s serves after %s ms\n' \
		"$round" "$kind" "$h" "$member" "$delay" "$(arb_serving)" "$took"
	sleep "$(awk -v d="$hold" 'BEGIN { printf "%.3f", d / 1000 }')"
	if [ "$kind" = cut ]; then
		etcd_heal "$h"
	else
		etcd_unsplit
	fi
done <"$TMP/schedule"

test_cmp_str "every one of $ROUNDS rounds: another node took over" 0 "$failed"
test_ok 'service settles after the last round' wait_until 30 arb_serves_one
overlap_sampler_stop
test_cmp_str 'never two gateways at one sample, over all rounds' 0 \
	"$(overlap_count "$TMP/samples" "$T_BEGIN")"
printf '# worst failover %s ms (bound LEASE_TTL*3+15 s); %s samples in %s s\n' \
	"$worst" "$(wc -l <"$TMP/samples")" $((($(ms) - T_BEGIN) / 1000))
for n in a b c; do
	grep -c 'fencing:' "$TMP/$n.log" |
		sed "s/^/# fences by $n: /"
done
for n in a b c; do
	arb_stop "$n"
done
test_done
