#!/bin/sh
# t5004-arbiter-partitions.sh - never two (issue 15): randomized fault
# rounds against a real three-member etcd cluster and three ocf nodes with
# ARBITER=etcd (test/etcd.sh, test/arbiter.sh), LEASE_TTL 2.  Each round
# takes the node that serves and, at a random moment of its renewal cycle:
#   cut     cuts it off from everything (it stays alive);
#   split   partitions it together with one etcd member (a minority
#           member that hangs its requests for ~7 s), the leader or not;
#   leader  kills the etcd leader (restarted after the hold);
#   member  kills an etcd member that does not lead (restarted after);
#   clock   steps the holder's wall clock by an hour (libfaketime).
# After cut and split another node must serve within the bound; after the
# others service must go on (a fence on a slow election is allowed, a
# node left without service is not).  At no 50 ms sample, in any round,
# may two gateways answer.  After a random hold the fault ends and service
# settles (the preferred node a takes it back by a handover).
#
#   ARB_ROUNDS [30]  rounds, two in three of them partitions
#   SEED [random]    the schedule's seed (printed: `SEED=N sh
#                    test/t5004-arbiter-partitions.sh` replays the faults)

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/etcd.sh"

ARB_TTL=2
. "$SRCDIR/test/arbiter.sh"
ARB_FAKETIME=$(arb_faketime_lib) || ARB_FAKETIME=''

ROUNDS=${ARB_ROUNDS:-30}
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
awk -v seed="$SEED" -v n="$ROUNDS" -v clock="${ARB_FAKETIME:+1}" 'BEGIN {
	srand(seed)
	split("leader member", other, " ")
	other[0] = clock ? "clock" : "member"
	# two partitions, then one other fault, over and over
	for (i = 1; i <= n; i++) {
		if (i % 3)
			k = rand() < 0.5 ? "cut" : "split"
		else
			k = other[int(rand() * 3)]
		printf "%s %d %d %d\n", k, int(rand() * 700),
		    int(rand() * 2000), 1 + int(rand() * 3)
	}
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
	case $kind in
	cut)	etcd_cut "$h" ;;
	split)	etcd_split "$h" "m$member" ;;
	leader)	member=$(etcd_leader) || member=1
		etcd_member_kill "$member" ;;
	member)	l=$(etcd_leader) || l=0
		[ "$member" != "$l" ] || member=$((member % 3 + 1))
		etcd_member_kill "$member" ;;
	clock)	arb_clock "$h" $(((member % 2) * 7200 - 3600)) ;;
	esac
	case $kind in
	cut|split)
		# the bound: a lease that etcd restarted at its full TTL on
		# a leader change (the holder's member led), an election on
		# a loaded machine, a check interval and a start
		if wait_until $((ARB_TTL * 3 + 15)) arb_serves_one "$h"; then
			took=$(($(ms) - t0))
			[ "$took" -le "$worst" ] || worst=$took
		else
			took=never
			failed=$((failed + 1))
		fi ;;
	*)	took=-
		sleep "$ARB_TTL" ;;
	esac
	printf '# round %s: %s %s (m%s), +%s ms: %s serves after %s ms\n' \
		"$round" "$kind" "$h" "$member" "$delay" "$(arb_serving)" "$took"
	sleep "$(awk -v d="$hold" 'BEGIN { printf "%.3f", d / 1000 }')"
	case $kind in
	cut)	etcd_heal "$h" ;;
	split)	etcd_unsplit ;;
	leader|member)	etcd_member_start "$member" ;;
	clock)	arb_clock "$h" 0 ;;
	esac
	case $kind in
	leader|member|clock)
		wait_until $((ARB_TTL * 3 + 15)) arb_serves_one || {
			printf '# round %s: nobody serves after %s\n' "$round" \
				"$kind"
			failed=$((failed + 1))
		} ;;
	esac
done <"$TMP/schedule"

test_cmp_str "the schedule has $ROUNDS rounds, and they all ran" \
	"$ROUNDS $ROUNDS" "$(wc -l <"$TMP/schedule") $round"
test_cmp_str "$ROUNDS rounds: a cut-off holder was replaced, service went on" \
	0 "$failed"
test_ok 'service settles after the last round' wait_until 30 arb_serves_one
overlap_sampler_stop
test_cmp_str 'never two gateways at one sample, over all rounds' 0 \
	"$(overlap_count "$TMP/samples" "$T_BEGIN")"
printf '# worst failover %s ms (bound LEASE_TTL*3+15 s); %s samples in %s s\n' \
	"$worst" "$(wc -l <"$TMP/samples")" $((($(ms) - T_BEGIN) / 1000))
for n in a b c; do
	test_ok "node $n's watcher still runs" arb_alive "$n"
	printf '# %s: %s acquisitions, %s fences\n' "$n" \
		"$(grep -c 'acquired the leader key (token' "$TMP/$n.log")" \
		"$(grep -c 'fencing:' "$TMP/$n.log")"
done
for n in a b c; do
	arb_stop "$n"
done
test_done
