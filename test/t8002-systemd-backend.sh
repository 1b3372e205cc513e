#!/bin/sh
# The systemd backend under a real systemd 252 as PID 1 (a container), with
# the real OpenClaw gateway in the shipped openclaw.service: ocf-watch
# promotes it when the primary dies and stops it when the primary is back;
# a gateway unit that fails at once is noticed at once (not after
# READY_TIMEOUT); one that ignores SIGTERM is still stopped.  The primary
# is an ocf-testsrv stand-in.

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/container.sh"

# not_active UNIT: the unit is not active (inactive or failed)
not_active() {
	! ct systemctl -q is-active "$1"
}

ct_boot
ct_install
ct_gateway_unit
ct_primary
ct_config <<EOF
READY_TIMEOUT=120
EOF
test_ok 'ocf-watch.service starts' ct systemctl start ocf-watch
test_ok 'standby while the primary is ready' \
	wait_until 10 ct_prop_is ocf-watch StatusText 'standby; primary ok'

# --- promotion: the real gateway through systemctl ----------------------------

t0=$(now)
ct_mode primary closeafteraccept
test_ok 'the primary is down: promoted, ROLE=active' \
	wait_until 150 ct_state_is ROLE active
printf '# primary down -> active: %s s\n' "$(ct_since "$t0")"
test_cmp_str 'openclaw.service is active' active "$(ct_unit_prop openclaw ActiveState)"
test_ok 'the gateway answers /readyz 200' ct_gateway_ready
test_ok 'STATUS= says active' \
	wait_until 10 ct_prop_is ocf-watch StatusText 'active; primary critical'

# --- demotion -----------------------------------------------------------------------

t0=$(now)
ct_mode primary ready
test_ok 'the primary is back: demoted, ROLE=standby' \
	wait_until 60 ct_state_is ROLE standby
printf '# primary back -> standby: %s s\n' "$(ct_since "$t0")"
test_cmp_str 'openclaw.service is inactive' inactive \
	"$(ct_unit_prop openclaw ActiveState)"
test_ok 'no gateway process is left' \
	wait_until 10 eval '! ct pgrep -f openclaw-gateway >/dev/null'
ct_journal openclaw >"$TMP/gw.journal"
test_ok 'the gateway stopped on SIGTERM, not SIGKILL' \
	test -z "$(grep -i 'sigkill\|Killing' "$TMP/gw.journal")"

# --- a gateway unit that fails at once ---------------------------------------------

cat >"$TMP/fail.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=/bin/false
EOF
ct_put "$TMP/fail.conf" /etc/systemd/system/openclaw.service.d/fail.conf
ct systemctl daemon-reload
t0=$(now)
ct_mode primary closeafteraccept
test_ok 'the promotion fails: ROLE=failed' wait_until 60 ct_state_is ROLE failed
took=$(ct_since "$t0")
printf '# primary down -> failed: %s s (READY_TIMEOUT is 120)\n' "$took"
test_ok 'noticed at once, not after READY_TIMEOUT (< 30 s)' \
	awk -v t="$took" 'BEGIN { exit !(t < 30) }'
ct_state LAST_ERROR >"$TMP/err"
test_grep 'the reason names the unit' 'openclaw' "$TMP/err"
ct rm -f /etc/systemd/system/openclaw.service.d/fail.conf
ct systemctl daemon-reload
ct systemctl reset-failed openclaw

# --- a gateway that ignores SIGTERM ------------------------------------------------

ct_mode primary ready
test_ok '(set up) back to standby' wait_until 60 ct_state_is ROLE standby
ct ocf-watch --reset >/dev/null 2>&1
cat >"$TMP/deaf.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=/usr/local/bin/ocf-testsrv -T -p 18789
TimeoutStopSec=3
EOF
ct_put "$TMP/deaf.conf" /etc/systemd/system/openclaw.service.d/deaf.conf
ct systemctl daemon-reload
ct_mode primary closeafteraccept
test_ok '(set up) promoted with the deaf gateway' \
	wait_until 60 ct_state_is ROLE active
t0=$(now)
ct_mode primary ready
test_ok 'demoted all the same: ROLE=standby' \
	wait_until 60 ct_state_is ROLE standby
printf '# primary back -> standby (deaf gateway): %s s\n' "$(ct_since "$t0")"
test_ok 'openclaw.service is not active' not_active openclaw
ct_journal openclaw >"$TMP/gw.journal"
test_grep 'systemd killed the deaf gateway at TimeoutStopSec' \
	'State .stop-sigterm. timed out. Killing' "$TMP/gw.journal"
test_ok 'no ocf-testsrv gateway is left' \
	wait_until 10 eval '! ct pgrep -f "ocf-testsrv -T" >/dev/null'

ct_end
test_done
