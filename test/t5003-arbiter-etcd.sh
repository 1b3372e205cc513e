#!/bin/sh
# t5003-arbiter-etcd.sh - ARBITER=etcd (issue 15) against a real
# three-member etcd 3.4 cluster, each member and each ocf node in a network
# namespace of its own (test/etcd.sh), three nodes with real ocf-watch and
# stand-in gateways (test/arbiter.sh): a (NODE_PRIORITY 100), b and c (50).
# A sampler asks every node's gateway 20 times a second who serves.
#
#   - one node serves, the preferred one, holding the key (TOKEN, LEADER);
#   - an etcd member killed, then the etcd leader killed: service goes on,
#     same holder, same token, no gap;
#   - a standby cut off: it never serves;
#   - the holder cut off from etcd, alive: it stops its gateway before any
#     other starts (overlap 0), another serves; healed, the preferred node
#     gets it back by a handover (overlap 0, the gap measured);
#   - the holder killed (every process of the node, a dead VPS): another
#     serves within LEASE_TTL + start + slack;
#   - the holder's watcher and lease keeper killed together (an OOM or
#     cgroup kill), its gateway left: the kernel kills the gateway
#     (PR_SET_PDEATHSIG), another node serves once the lease ran out;
#   - etcd's majority lost: the holder fences, nobody serves; back, one
#     serves again;
#   - the holder's watcher stopped: its gateway stops, the key is released,
#     another serves at once (no TTL wait);
#   - by hand: ocf-promote and ocf-demote refuse (4), --once refuses (3);
#     -M on on the holder moves service away, -M off lets it come back.
# Overlap is asserted over the whole run; times are printed, not asserted.

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/etcd.sh"

ARB_TTL=6
. "$SRCDIR/test/arbiter.sh"

ms() {
	date +%s%3N
}

if ! etcd_usable; then
	test_skip 'the etcd arbiter' "$ETCD_WHY"
	test_done
fi
for _h in ocf-testsrv ocf-overlap-sample; do
	[ -x "$TEST_HELPERS/$_h" ] || bail_out "$TEST_HELPERS/$_h is missing"
done
etcd_cluster_start 3 || bail_out 'the etcd cluster did not form'
for n in a b c; do
	case $n in a) p=100 ;; *) p=50 ;; esac
	arb_node "$n" "$p" || bail_out "no node $n"
done
# shellcheck disable=SC2046 # one argument per node
overlap_sampler_start "$TMP/samples" $(arb_urls) ||
	bail_out 'the overlap sampler did not start'
T_BEGIN=$(ms)

# ---------------------------------------------------------------- start
arb_start a
test_ok 'a starts alone: it acquires the key and serves' \
	wait_until 20 arb_serves a
arb_start b
arb_start c
sleep 3
test_cmp_str 'b and c started: still a alone serves' a "$(arb_serving)"
test_cmp_str 'the leader key names a' a "$(arb_leader)"
TOKEN=$(state_get TOKEN "$TMP/st-a/state")
test_cmp_str "a's state: active, LEADER=a" 'active a' \
	"$(state_get ROLE "$TMP/st-a/state") $(state_get LEADER "$TMP/st-a/state")"
test_ok "a's TOKEN is the key's create revision ($TOKEN)" \
	test "$TOKEN" -gt 0
test_cmp_str "b's state: standby, LEADER=a, TOKEN=0" 'standby a 0' \
	"$(state_get ROLE "$TMP/st-b/state") $(state_get LEADER "$TMP/st-b/state") $(state_get TOKEN "$TMP/st-b/state")"
test_ok "a's keeper process runs (ocf-lease)" \
	etcd_in a pgrep -x ocf-lease
"$OCF_BIN/ocf-watch" --status -c "$TMP/a.conf" >"$TMP/status" 2>&1
test_grep "a's --status names the leader, itself" \
	'^arbiter: *etcd, leader a [(]this node[)]$' "$TMP/status"
test_grep "and its fencing token" "^fencing token: *$TOKEN\$" "$TMP/status"
"$OCF_BIN/ocf-watch" --status --json -c "$TMP/b.conf" >"$TMP/status" 2>&1
test_grep "b's --status --json: leader a, no token of its own" \
	'"arbiter":{"leader":"a","token":0}' "$TMP/status"

# ------------------------------------------------- etcd members die
lead=$(etcd_leader) || bail_out 'no etcd leader'
other=$((lead % 3 + 1))
GW=$(arb_gateway a)
t0=$(ms)
etcd_member_kill "$other"
sleep "$ARB_TTL"
test_cmp_str "etcd member m$other killed: a still serves alone" a \
	"$(arb_serving)"
etcd_member_start "$other" || bail_out "member m$other did not come back"
# the leader is killed only once m$other is back and caught up: killed
# sooner (a slow machine restarts a member in seconds), one member of three
# would be left, no majority, and a would rightly fence
etcd_healthy 30 || bail_out "m$other is not healthy again"
lead=$(etcd_leader) || bail_out 'no etcd leader after the restart'
etcd_member_kill "$lead"
sleep "$ARB_TTL"
test_cmp_str "the etcd leader m$lead killed: a still serves alone" a \
	"$(arb_serving)"
test_cmp_str 'with the same token' "$TOKEN" \
	"$(state_get TOKEN "$TMP/st-a/state")"
test_cmp_str 'and the same gateway process' "$GW" "$(arb_gateway a)"
gap=$(gap_ms "$TMP/samples" "$t0")
printf '# longest sampled gap meanwhile: %s ms (one sample: %s ms)\n' "$gap" \
	"$OVERLAP_INTERVAL_MS"
test_ok 'no gap in service (under 1 s of samples: a loaded machine)' \
	test "$gap" -lt 1000
etcd_member_start "$lead" || bail_out "member m$lead did not come back"
etcd_healthy 30 || bail_out 'the cluster is not healthy again'

# ------------------------------------------------ a standby cut off
t0=$(ms)
etcd_cut b
sleep $((ARB_TTL * 2))
test_cmp_str 'b cut off for 2 x LEASE_TTL: b never served' 0 \
	"$(awk -v from="$t0" '$1 >= from && $3 == 1' "$TMP/samples" | wc -l)"
test_cmp_str 'a still serves alone' a "$(arb_serving)"
test_grep "b says once that it is cut off" 'not serving while cut off' \
	"$TMP/b.log"
etcd_heal b

# ----------------------------------------- the holder cut off, alive
t0=$(ms)
etcd_cut a
test_ok 'a cut off from etcd: another node serves' \
	wait_until $((ARB_TTL * 3)) arb_serves_one a
t1=$(ms)
new=$(arb_serving)
test_ok "it is b or c ($new)" test "$new" = b -o "$new" = c
test_cmp_str 'a stopped before it started: overlap 0' 0 \
	"$(overlap_count "$TMP/samples" "$t0")"
printf '# holder cut off -> %s serves: %s ms (LEASE_TTL %s s)\n' \
	"$new" $((t1 - t0)) "$ARB_TTL"
test_grep 'a fenced itself' 'fencing: no lease renewal' "$TMP/a.log"
t0=$(ms)
etcd_heal a
test_ok 'a healed: it gets service back by a handover' \
	wait_until $((ARB_TTL * 4 + 10)) arb_serves a
t1=$(ms)
test_cmp_str 'the handover overlapped nothing' 0 \
	"$(overlap_count "$TMP/samples" "$t0")"
test_grep "$new handed over to a" "handing over to 'a'" "$TMP/$new.log"
printf '# handover %s -> a: gap %s ms (heal -> a serves %s ms)\n' "$new" \
	"$(gap_ms "$TMP/samples" "$t0" "$t1")" $((t1 - t0))

# --------------------------------------------------- the holder dies
t0=$(ms)
arb_kill a || bail_out 'node a did not die'
test_ok 'a killed (every process): another node serves' \
	wait_until $((ARB_TTL * 3)) arb_serves_one a
t1=$(ms)
printf '# holder killed -> %s serves: %s ms (LEASE_TTL %s s)\n' \
	"$(arb_serving)" $((t1 - t0)) "$ARB_TTL"
test_ok 'within LEASE_TTL + 5 s' test $((t1 - t0)) -le $((ARB_TTL * 1000 + 5000))
arb_start a
test_ok 'a back: service returns to it' \
	wait_until $((ARB_TTL * 4 + 10)) arb_serves a

# ------------------------------- the holder's watcher and keeper die
t0=$(ms)
arb_kill_watcher a
test_ok "a's watcher and keeper killed together: its gateway dies with them" \
	wait_until 3 arb_none
printf '# watcher and keeper SIGKILLed -> gateway gone: %s ms\n' $(($(ms) - t0))
test_ok 'and another node serves once the lease has run out' \
	wait_until $((ARB_TTL * 3)) arb_serves_one a
arb_start a
test_ok 'a back: service returns to it' \
	wait_until $((ARB_TTL * 4 + 10)) arb_serves a

# --------------------------------------------- etcd's majority lost
t0=$(ms)
cut=$(etcd_majority_cut) || bail_out 'cannot cut the majority'
test_ok "majority lost ($cut cut): nobody serves" \
	wait_until $((ARB_TTL + 5)) arb_none
sleep "$ARB_TTL"
test_cmp_str 'and nobody starts while it is lost' '' "$(arb_serving)"
# shellcheck disable=SC2086 # a list of names
etcd_heal $cut
test_ok 'the majority back: one node serves again' \
	wait_until $((ARB_TTL * 4 + 10)) arb_serves_one
wait_until $((ARB_TTL * 4 + 10)) arb_serves a ||
	bail_out 'service did not return to a'

# ------------------------------------------- the holder's watcher stops
t0=$(ms)
test_ok "a's watcher stops (SIGTERM)" arb_stop a
test_ok 'its gateway stopped with it' test "$(arb_up a && echo up)" = ''
test_ok 'another node serves without waiting out the lease' \
	wait_until 5 arb_serves_one a
printf '# watcher stopped -> %s serves: %s ms\n' "$(arb_serving)" \
	$(($(ms) - t0))
arb_start a
wait_until $((ARB_TTL * 4 + 10)) arb_serves a || bail_out 'a did not get back'

# --------------------------------------------------------- by hand
test_expect_code 4 'ocf-promote by hand is refused' \
	etcd_in b "$OCF_BIN/ocf-promote" -c "$TMP/b.conf"
test_expect_code 4 'ocf-demote by hand is refused' \
	etcd_in a "$OCF_BIN/ocf-demote" -c "$TMP/a.conf"
test_expect_code 3 'ocf-watch --once is refused' \
	etcd_in b "$OCF_BIN/ocf-watch" --once -c "$TMP/b.conf"
test_ok 'ocf-demote -M on on the holder' \
	etcd_in a "$OCF_BIN/ocf-demote" -M on -c "$TMP/a.conf"
test_ok 'maintenance releases the key: another node serves' \
	wait_until $((ARB_TTL + 5)) arb_serves_one a
test_ok 'ocf-demote -M off' \
	etcd_in a "$OCF_BIN/ocf-demote" -M off -c "$TMP/a.conf"
test_ok 'a gets service back' wait_until $((ARB_TTL * 4 + 10)) arb_serves a

overlap_sampler_stop
test_cmp_str 'never two gateways at once, over the whole run' 0 \
	"$(overlap_count "$TMP/samples" "$T_BEGIN")"
printf '# %s samples in %s s\n' "$(wc -l <"$TMP/samples")" \
	$((($(ms) - T_BEGIN) / 1000))
for n in a b c; do
	arb_stop "$n"
done
test_done
