#!/bin/sh
# bench/arbiter.sh - the arbiter rows of `make bench` (bench/run.sh runs it;
# it also runs alone, as root): ARBITER=etcd with the defaults that matter
# (LEASE_TTL 10, CHECK_INTERVAL 10 capped at LEASE_TTL/3, FAST_INTERVAL 2),
# three ocf nodes and a real three-member etcd cluster in network
# namespaces (test/etcd.sh, test/arbiter.sh), stand-in gateways, a sampler
# asking every gateway 20 times a second.  Measures, median of RUNS each:
#   - the holder killed (every process of the node) -> another serves,
#     against LEASE_TTL;
#   - the holder cut off from etcd, alive -> another serves;
#   - failback: the preferred node back -> the handover's gap (no gateway
#     answering), and the overlap (samples with two answering) over all.
# Prints Markdown table rows on standard output, progress on standard
# error.  Fails only on errors, never on timing.
#   OCF_BIN             the built tools [../build]
#   BENCH_ARB_RUNS      runs of each measure [3]
#   BENCH_ARB_TTL       LEASE_TTL [10]

root=$(cd "$(dirname "$0")/.." && pwd -P) || exit 3
OCF_BIN=${OCF_BIN:-$root/build}
export OCF_BIN
RUNS=${BENCH_ARB_RUNS:-3}
ARB_TTL=${BENCH_ARB_TTL:-10}
case $RUNS$ARB_TTL in
*[!0-9]*) echo 'bench-arbiter: error: runs and TTL are numbers' >&2; exit 3 ;;
esac

# the tests' library: TMP, at_exit cleanup, wait_until; its TAP output
# goes to standard error, the rows to fd 3
exec 3>&1 1>&2
. "$root/test/lib.sh"
. "$root/test/etcd.sh"
. "$root/test/arbiter.sh"

ms() {
	date +%s%3N
}
median() {
	tr ' ' '\n' | sed '/^$/d' | sort -n |
		awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
}
etcd_usable || bail_out "cannot run the etcd cluster: $ETCD_WHY"
etcd_cluster_start 3 || bail_out 'the etcd cluster did not form'
for n in a b c; do
	case $n in a) p=100 ;; *) p=50 ;; esac
	arb_node "$n" "$p" || bail_out "no node $n"
done
# the arbiter's own defaults: CHECK_INTERVAL and FAST_INTERVAL as shipped
for n in a b c; do
	sed -i '/^CHECK_INTERVAL=/d' "$TMP/$n.conf"
done
# shellcheck disable=SC2046 # one argument per node
overlap_sampler_start "$TMP/samples" $(arb_urls) || bail_out 'no sampler'
T_BEGIN=$(ms)
for n in a b c; do
	arb_start "$n"
done
settle() {
	wait_until $((ARB_TTL * 6 + 30)) arb_serves a ||
		bail_out 'service did not return to a'
}
settle

kill_ms='' cut_ms='' gap='' i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	t0=$(ms)
	arb_kill a || bail_out 'a did not die'
	wait_until $((ARB_TTL * 4)) arb_serves_one a || bail_out 'no failover'
	kill_ms="$kill_ms $(($(ms) - t0))"
	t0=$(ms)
	arb_start a
	settle
	gap="$gap $(gap_ms "$TMP/samples" "$t0")"
	echo "# run $i: killed -> served in ${kill_ms##* } ms, handover gap ${gap##* } ms"

	t0=$(ms)
	etcd_cut a
	wait_until $((ARB_TTL * 4)) arb_serves_one a || bail_out 'no failover'
	cut_ms="$cut_ms $(($(ms) - t0))"
	t0=$(ms)
	etcd_heal a
	settle
	gap="$gap $(gap_ms "$TMP/samples" "$t0")"
	echo "# run $i: cut off -> served in ${cut_ms##* } ms, handover gap ${gap##* } ms"
done
overlap_sampler_stop
overlap=$(overlap_count "$TMP/samples" "$T_BEGIN")
samples=$(wc -l <"$TMP/samples")
# the one thing here that is not a figure: two gateways at once is a bug
test_cmp_str 'never two gateways at one sample' 0 "$overlap"
for n in a b c; do
	arb_stop "$n"
done

k=$(echo "$kill_ms" | median)
c=$(echo "$cut_ms" | median)
g=$(echo "$gap" | median)
ratio() {
	awk -v a="$1" -v t="$ARB_TTL" 'BEGIN { printf "%.2f x LEASE_TTL", a / 1000 / t }'
}
cat >&3 <<EOF
| 7a. ARBITER=etcd: holder killed -> another node serves, median of $RUNS | LEASE_TTL $ARB_TTL s | $k ms | $(ratio "$k") |
| 7b. ARBITER=etcd: holder cut off from etcd -> another serves, median of $RUNS | LEASE_TTL $ARB_TTL s | $c ms | $(ratio "$c") |
| 7c. ARBITER=etcd: failback handover gap (no gateway answers), median of $((RUNS * 2)) | - | $g ms | overlap: $overlap of $samples samples at 50 ms |
EOF
test_done >/dev/null
