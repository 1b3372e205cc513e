#!/bin/sh
# GATEWAY_CMD mode under ocf-watch.service and a real systemd 252 as PID 1
# (a container), with the real OpenClaw gateway and the shipped drop-in
# ocf-watch-gateway-cmd.conf: the gateway comes up inside the unit's
# sandbox (it needs a writable ~/.cache: under the bare unit it never did,
# EROFS); a restart of ocf-watch while active keeps the gateway, and the
# next demotion stops it cleanly (under the bare unit's PrivateTmp= it was
# left with a deleted /tmp, deaf to SIGTERM, SIGKILLed after 30 s).  The
# primary is an ocf-testsrv stand-in.

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/container.sh"

process_gone() {
	! ct kill -0 "$1" 2>/dev/null
}

ct_boot
ct_install
ct_gateway_unit		# the openclaw user and its gateway config
ct_primary
ct_config <<EOF
READY_TIMEOUT=120
GATEWAY_CMD=/usr/bin/env PATH=$CT_NODE_BIN:/usr/bin:/bin OPENCLAW_NO_AUTO_UPDATE=1 OPENCLAW_DISABLE_BONJOUR=1 $CT_OC_BIN/openclaw gateway run --port $CT_GW_PORT
EOF
test_ok 'the drop-in is shipped as an example' \
	ct test -f /usr/share/doc/ocf/examples/ocf-watch-gateway-cmd.conf
ct install -D -m 644 /usr/share/doc/ocf/examples/ocf-watch-gateway-cmd.conf \
	/etc/systemd/system/ocf-watch.service.d/gateway-cmd.conf
ct systemctl daemon-reload
ct systemd-analyze security --no-pager ocf-watch.service >"$TMP/security" 2>&1
printf '# with the GATEWAY_CMD drop-in: %s\n' "$(tail -n 1 "$TMP/security")"
test_ok 'ocf-watch.service starts' ct systemctl start ocf-watch
test_ok 'standby while the primary is ready' \
	wait_until 10 ct_prop_is ocf-watch StatusText 'standby; primary ok'
ct_journal ocf-watch >"$TMP/journal"
test_ok 'no read-only warning at start' \
	test -z "$(grep 'read-only' "$TMP/journal")"

# --- promotion: the gateway starts inside the unit ----------------------------------

t0=$(now)
ct_mode primary closeafteraccept
test_ok 'the primary is down: promoted, ROLE=active' \
	wait_until 150 ct_state_is ROLE active
printf '# primary down -> active: %s s\n' "$(ct_since "$t0")"
test_ok 'the gateway answers /readyz 200' ct_gateway_ready
pid=$(ct_state GATEWAY_PID)
test_ok 'the gateway runs in ocf-watch.service' \
	ct grep -q 'ocf-watch.service' "/proc/$pid/cgroup"

# --- a restart of ocf-watch keeps the gateway --------------------------------------

test_ok 'systemctl restart ocf-watch' ct systemctl restart ocf-watch
test_ok 'the gateway is still ready' ct_gateway_ready
test_ok 'the new watcher keeps the active role' \
	wait_until 20 ct_prop_is ocf-watch StatusText 'active; primary critical'
test_cmp_str 'the same gateway' "$pid" "$(ct_state GATEWAY_PID)"

# --- then a demotion: clean, no SIGKILL ------------------------------------------------

t0=$(now)
ct_mode primary ready
test_ok 'the primary is back: demoted, ROLE=standby' \
	wait_until 60 ct_state_is ROLE standby
took=$(ct_since "$t0")
printf '# primary back -> standby: %s s\n' "$took"
test_ok 'the gateway is gone' wait_until 10 process_gone "$pid"
ct_journal ocf-watch >"$TMP/journal"
test_ok 'stopped on SIGTERM: no SIGKILL' \
	test -z "$(grep 'ignored SIGTERM' "$TMP/journal")"
test_ok 'in less than STOP_TIMEOUT (30 s)' \
	awk -v t="$took" 'BEGIN { exit !(t < 30) }'

ct_end
test_done
