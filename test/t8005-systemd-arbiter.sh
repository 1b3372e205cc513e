#!/bin/sh
# ARBITER=etcd with the systemd backend under a real systemd 252 as PID 1
# (a container): ocf-watch.service (the shipped unit, Restart=always) holds
# the lease of a real etcd 3.4 (a transient unit in the container) and
# starts openclaw.service (a stand-in gateway, ocf-testsrv).  When the
# whole ocf-watch.service is SIGKILLed (an OOM or cgroup kill: the watcher
# and its lease keeper at once), nothing of ocf is left to fence the
# gateway, and openclaw.service is no child of it: what ocf(7) tells the
# operator to add for this case is checked here, against the same kill
# without it (the gateway would serve on past the lease).
#
#   - without the drop-in (and no restart): the gateway outlives the kill
#     and its lease (the hole);
#   - with ocf(7)'s drop-in: openclaw.service stops at the kill, well
#     before LEASE_TTL; the restarted watcher acquires again once the old
#     lease ran out (a new token) and starts the gateway;
#   - systemctl stop ocf-watch: the gateway stops, the key is released.

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/container.sh"

TTL=6
ETCDCTL="etcdctl --endpoints=http://127.0.0.1:2379 --dial-timeout=1s --command-timeout=2s"

# leader_key: the value of the leader key ("PRIORITY NAME"), empty if none
leader_key() {
	# shellcheck disable=SC2086 # a command line
	ct env ETCDCTL_API=3 $ETCDCTL get --print-value-only /ocf/leader 2>/dev/null
}

no_leader() {
	[ -z "$(leader_key)" ]
}

etcd_up() {
	# shellcheck disable=SC2086 # a command line
	ct env ETCDCTL_API=3 $ETCDCTL endpoint health >/dev/null 2>&1
}

gw_active() {
	ct_prop_is openclaw ActiveState active
}

gw_inactive() {
	! ct systemctl -q is-active openclaw
}

# ms: milliseconds, host clock
ms() {
	date +%s%3N
}

for _b in etcd etcdctl; do
	command -v "$_b" >/dev/null 2>&1 ||
		bail_out "$_b not found (test/install-deps.sh installs etcd-server)"
done

ct_boot
ct_install
ct_put "$(command -v etcd)" /usr/local/bin/etcd 755
ct_put "$(command -v etcdctl)" /usr/local/bin/etcdctl 755
ct systemd-run -q --unit=etcd /usr/local/bin/etcd --name ct \
	--data-dir /var/lib/etcd-test \
	--listen-client-urls http://127.0.0.1:2379 \
	--advertise-client-urls http://127.0.0.1:2379 \
	--listen-peer-urls http://127.0.0.1:2380 \
	--initial-advertise-peer-urls http://127.0.0.1:2380 \
	--initial-cluster ct=http://127.0.0.1:2380 ||
	bail_out 'cannot start etcd in the container'
wait_until 30 etcd_up || bail_out 'etcd in the container is not healthy'

# the stand-in gateway as the operator's openclaw.service
cat >"$CT_DIR/openclaw.service" <<EOF
[Unit]
Description=stand-in OpenClaw gateway

[Service]
ExecStart=/usr/local/bin/ocf-testsrv -p $CT_GW_PORT -m ready
EOF
ct_put "$CT_DIR/openclaw.service" /etc/systemd/system/openclaw.service
ct systemctl daemon-reload
ct_config <<EOF
ARBITER=etcd
ETCD_ENDPOINTS=http://127.0.0.1:2379
LEASE_TTL=$TTL
NODE_NAME=ct
READY_CHECK=readyz
READY_TIMEOUT=20
WORKSPACE=/nonexistent
EOF

# --- without the drop-in: the hole -------------------------------------------

test_ok 'ocf-watch.service starts' ct systemctl start ocf-watch
test_ok 'it acquires the key and starts openclaw.service' \
	wait_until 30 gw_active
test_cmp_str 'the leader key names this node' 'ct' \
	"$(leader_key | awk '{ print $2 }')"
test_cmp_str 'ROLE=active, LEADER=ct' 'active ct' \
	"$(ct_state ROLE) $(ct_state LEADER)"
token1=$(ct_state TOKEN)
test_ok "a fencing token ($token1)" test "${token1:-0}" -gt 0
# killed for good (Restart=always would bring a watcher back in 2 s that
# stands the gateway down: the hole would last that long, or for ever if
# the restart fails too)
printf '[Service]\nRestart=no\n' >"$CT_DIR/norestart.conf"
ct_put "$CT_DIR/norestart.conf" /etc/systemd/system/ocf-watch.service.d/norestart.conf
ct systemctl daemon-reload
ct systemctl kill -s KILL ocf-watch
test_ok 'the lease runs out once ocf-watch.service is SIGKILLed' \
	wait_until $((TTL + 5)) no_leader
test_ok 'but without the drop-in, openclaw.service serves on: the hole' \
	gw_active
ct systemctl stop openclaw
wait_until 20 gw_inactive || bail_out 'openclaw.service does not stop'
ct rm /etc/systemd/system/ocf-watch.service.d/norestart.conf
ct systemctl daemon-reload
ct systemctl reset-failed ocf-watch

# --- with ocf(7)'s drop-in -----------------------------------------------------

# the drop-in exactly as ocf(7) prints it
man_dropin=$(awk '/^\.Pa \/etc\/systemd\/system\/openclaw\.service\.d\/ocf-arbiter\.conf/ { f = 1 }
	f && /^\.Bd/ { b = 1; next }
	b && /^\.Ed/ { exit }
	b { print }' "$SRCDIR/man/ocf.7")
printf '%s\n' "$man_dropin" >"$CT_DIR/ocf-arbiter.conf"
test_grep 'ocf(7) gives the drop-in' '^BindsTo=ocf-watch\.service$' \
	"$CT_DIR/ocf-arbiter.conf"
ct_put "$CT_DIR/ocf-arbiter.conf" \
	/etc/systemd/system/openclaw.service.d/ocf-arbiter.conf
ct systemctl daemon-reload
test_ok 'ocf-watch.service starts again' ct systemctl start ocf-watch
test_ok 'it acquires the key and starts openclaw.service' \
	wait_until 30 gw_active
token2=$(ct_state TOKEN)
test_ok "a new token ($token1 -> $token2)" test "${token2:-0}" -gt "$token1"
t0=$(ms)
ct systemctl kill -s KILL ocf-watch
test_ok 'SIGKILL of ocf-watch.service: openclaw.service stops with it' \
	wait_until $((TTL - 1)) gw_inactive
t1=$(ms)
printf '# ocf-watch.service killed -> openclaw.service inactive: %s ms (LEASE_TTL %s s)\n' \
	$((t1 - t0)) "$TTL"
test_ok 'before the lease could run out' test $((t1 - t0)) -lt $((TTL * 1000))
test_ok 'Restart=always brings ocf-watch back' \
	wait_until 15 ct_prop_is ocf-watch ActiveState active
test_ok 'it acquires again once the old lease ran out, and starts the gateway' \
	wait_until $((TTL * 3 + 10)) gw_active
t2=$(ms)
printf '# killed -> serving again: %s ms\n' $((t2 - t0))
token3=$(ct_state TOKEN)
test_ok "with a new token ($token2 -> $token3)" test "${token3:-0}" -gt "$token2"

# --- a clean stop ------------------------------------------------------------

test_ok 'systemctl stop ocf-watch' ct systemctl stop ocf-watch
test_ok 'the gateway is stopped' wait_until 10 gw_inactive
test_ok 'the key is released (no wait for the lease)' \
	wait_until 3 no_leader

ct_end
test_done
