#!/bin/sh
# t5005-arbiter-real.sh - one round of the etcd arbiter (issue 15) with the
# real OpenClaw gateway: a real three-member etcd in network namespaces
# (test/etcd.sh), two nodes with ocf-watch and the real gateway through
# GATEWAY_CMD, LEASE_TTL 10 (the default).  The holder is cut off from
# etcd, alive: it must stop its real gateway (which drains slowly after
# SIGTERM: the fence kills it by 0.9 x LEASE_TTL) before the other node
# even acquires, and the other node's gateway then serves.  Overlap is
# checked twice: by the 50 ms sampler, and by the logs' order (the
# holder's gateway stopped before the other acquired the key).
#
# Real gateways start slowly on a loaded machine: waits are generous and
# bounded, times are printed, not asserted.

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/etcd.sh"
. "$SRCDIR/test/gateway.sh"

ARB_TTL=10
. "$SRCDIR/test/arbiter.sh"

ms() {
	date +%s%3N
}

if ! etcd_usable; then
	test_skip 'the etcd arbiter with the real gateway' "$ETCD_WHY"
	test_done
fi
gw_install || bail_out 'cannot install the gateway'
etcd_cluster_start 3 || bail_out 'the etcd cluster did not form'
for n in a b; do
	case $n in a) p=100 ;; *) p=50 ;; esac
	arb_node "$n" "$p" || bail_out "no node $n"
	cmd=$(gw_cmdline "$n" "$ARB_PORT") || bail_out 'no gateway command'
	# the real gateway instead of the stand-in, and its pace
	sed -i -e "s|^GATEWAY_CMD=.*|GATEWAY_CMD=$cmd|" \
		-e 's/^READY_TIMEOUT=.*/READY_TIMEOUT=240/' \
		-e 's/^STOP_TIMEOUT=.*/STOP_TIMEOUT=30/' "$TMP/$n.conf"
done
# the real gateway answers slower than a stand-in: 4 samples a second
# shellcheck disable=SC2034 # read by overlap_sampler_start (etcd.sh)
OVERLAP_INTERVAL_MS=250 OVERLAP_TIMEOUT_MS=200
# shellcheck disable=SC2046 # one argument per node
overlap_sampler_start "$TMP/samples" $(arb_urls) ||
	bail_out 'the overlap sampler did not start'

t0=$(ms)
arb_start a
test_ok 'a acquires the key and its real gateway serves' \
	wait_until 240 arb_serves a
printf '# a: start -> /readyz 200 in %s ms\n' $(($(ms) - t0))
arb_start b
sleep 5
test_cmp_str 'b started: a alone serves' a "$(arb_serving)"

t0=$(ms)
etcd_cut a
test_ok 'a cut off from etcd: b serves' wait_until 300 arb_serves b
t1=$(ms)
printf '# holder cut off -> b /readyz 200: %s ms (LEASE_TTL %s s)\n' \
	$((t1 - t0)) "$ARB_TTL"
test_cmp_str 'the sampler saw no two gateways at once' 0 \
	"$(overlap_count "$TMP/samples" "$t0")"
# the first stop after the cut: the keeper's fence, or the watcher's
stopped=$(sed -n 's/^\([^ ]*\) ocf-watch: \(fenced: the gateway is stopped\|standby: gateway stopped\).*/\1/p' \
	"$TMP/a.log" | head -n 1)
acquired=$(sed -n 's/^\([^ ]*\) ocf-watch: acquired the leader key (token.*/\1/p' \
	"$TMP/b.log" | tail -n 1)
printf "# a's gateway stopped at %s, b acquired at %s\n" "$stopped" "$acquired"
test_ok "a's real gateway was gone before b acquired the key" \
	test -n "$stopped" -a -n "$acquired" -a "$stopped" \< "$acquired"
test_grep 'a fenced itself' 'fencing: no lease renewal|lost the leader key' \
	"$TMP/a.log"
overlap_sampler_stop
etcd_heal a
for n in a b; do
	arb_stop "$n"
done
test_done
