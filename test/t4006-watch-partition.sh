#!/bin/sh
# t4006-watch-partition.sh - a network partition: the primary (ocf-testsrv
# on 10.250.0.1) lives in network namespace A, the watcher and the standby's
# gateway (ocf-testsrv on 127.0.0.1) in namespace B, joined by a veth pair
# 10.250.0.1/30 - 10.250.0.2/30 that exists only inside the two namespaces.
# Cutting the link (ip link set ... down) promotes the standby although the
# primary itself stays healthy; restoring it demotes the standby.
#
# Creating namespaces needs CAP_SYS_ADMIN (and CAP_NET_ADMIN); without it
# the test reports a skip, never a pass.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

NA=ocf-t4006-a-$$
NB=ocf-t4006-b-$$
VA=ocfva$$
VB=ocfvb$$
ADDR_A=10.250.0.1
ADDR_B=10.250.0.2

netns_cleanup() {
	watch_stop
	kill_marked
	if [ -s "$TMP/primary.pid" ]; then
		kill -s TERM "$(cat "$TMP/primary.pid")" 2>/dev/null
	fi
	# deleting a namespace takes its end of the veth pair, and so the pair
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NB" 2>/dev/null
	return 0
}

why=
if ! command -v ip >/dev/null 2>&1; then
	why='the ip command (iproute2) is missing'
elif ! ip netns add "$NA" 2>"$TMP/netns.err"; then
	why="cannot create a network namespace (needs CAP_SYS_ADMIN): $(head -n 1 "$TMP/netns.err")"
else
	at_exit netns_cleanup
	if ! ip netns add "$NB" 2>"$TMP/netns.err" ||
	   ! ip link add "$VA" type veth peer name "$VB" 2>"$TMP/netns.err"; then
		why="cannot set up the namespaces and the veth pair: $(head -n 1 "$TMP/netns.err")"
	fi
fi
if [ -n "$why" ]; then
	test_skip 'promotion on a partition, demotion when it heals' "$why"
	test_done
fi
if ! { ip link set "$VA" netns "$NA" &&
	ip link set "$VB" netns "$NB" &&
	ip -n "$NA" addr add "$ADDR_A/30" dev "$VA" &&
	ip -n "$NB" addr add "$ADDR_B/30" dev "$VB" &&
	ip -n "$NA" link set lo up &&
	ip -n "$NB" link set lo up &&
	ip -n "$NA" link set "$VA" up &&
	ip -n "$NB" link set "$VB" up; }; then
	bail_out 'cannot configure the veth pair'
fi

# code_in NS URL: the HTTP status of GET URL from inside namespace NS
code_in() {
	ip netns exec "$1" curl -s -o /dev/null -m 1 --noproxy '*' \
		-w '%{http_code}' "$2"
}

P1=$(pick_port 25750) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'

(
	ip netns exec "$NA" setsid ocf-testsrv -b "$ADDR_A" -p "$P1" -m ready \
		-P "$TMP/primary.pid" </dev/null >>"$TMP/primary.log" 2>&1 &
)
wait_until 5 test -s "$TMP/primary.pid" || bail_out 'the primary did not start in namespace A'
track_pgid "$(cat "$TMP/primary.pid")"

test_cmp_str 'namespace B reaches the primary over the veth pair' 200 \
	"$(code_in "$NB" "http://$ADDR_A:$P1/readyz")"

PRIMARY_URL=http://$ADDR_A:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD
# ip execs the command: WATCH_PID is ocf-watch itself, which the exit
# trap stops (a shell function here would leave it orphaned)
watch_start ip netns exec "$NB" ocf-watch -v
is_watcher() {
	[ "$(cat "/proc/$WATCH_PID/comm" 2>/dev/null)" = ocf-watch ]
}
wait_until 2 is_watcher || bail_out 'WATCH_PID is not the ocf-watch process'
test_ok 'the watcher in B sees the primary in A' \
	wait_until 10 state_is PRIMARY ok || show_log
test_cmp_str 'standby, no gateway' 'standby 0' "$(state_get ROLE) $(gateways)"

ip -n "$NA" link set "$VA" down || bail_out 'cannot cut the link'
test_ok 'link cut: the standby is promoted' \
	wait_until 15 state_is ROLE active || show_log
test_cmp_str "its gateway answers ready in B" 200 \
	"$(code_in "$NB" "http://127.0.0.1:$P2/readyz")"
test_cmp_str 'one gateway' 1 "$(gateways)"
test_cmp_str 'the primary itself is still ready (a partition, not a crash)' 200 \
	"$(code_in "$NA" "http://$ADDR_A:$P1/readyz")"
test_cmp_str 'B cannot reach it' 000 \
	"$(code_in "$NB" "http://$ADDR_A:$P1/readyz")"

ip -n "$NA" link set "$VA" up || bail_out 'cannot restore the link'
test_ok 'link restored: the standby is demoted' \
	wait_until 20 state_is ROLE standby || show_log
test_ok 'its gateway is gone' no_gateway
test_cmp_str 'two transitions' 2 "$(state_get TRANSITIONS)"

test_done
