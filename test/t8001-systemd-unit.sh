#!/bin/sh
# ocf-watch.service under a real systemd 252 as PID 1 (a container): the
# package as installed by apt-get, the sandbox's rating, READY=1 before a
# long first check, STATUS=, stop and restart leaving the gateway in its
# role, a reload that applies the edited file, the journal's lines, the
# watchdog, and a killed watcher that leaves nothing behind.  The primary
# and the gateway are ocf-testsrv stand-ins here (t8002 runs the real
# gateway): a gateway that is slow to get ready on demand.

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/container.sh"

# journal_has PATTERN: a line of ocf-watch's journal matches
journal_has() {
	ct_journal ocf-watch | grep -q "$1"
}

# restarted PID [NRESTARTS]: ocf-watch runs again, as another process than
# PID (and restarted more than NRESTARTS times)
restarted() {
	ct_prop_is ocf-watch ActiveState active &&
		[ "$(ct_unit_prop ocf-watch MainPID)" != "$1" ] &&
		[ "$(ct_unit_prop ocf-watch NRestarts)" -gt "${2:--1}" ]
}

# no_process NAME: no process called NAME in the container
no_process() {
	! ct pgrep -x "$1" >/dev/null
}

ct_boot
ct_install

# --- the package ------------------------------------------------------------

# shellcheck disable=SC2016 # dpkg-query's format, not ours
test_cmp_str 'the package is installed' 'install ok installed' \
	"$(ct dpkg-query -W -f '${Status}' ocf)"
test_cmp_str 'ocf-watch.service is installed, not enabled' disabled \
	"$(ct systemctl is-enabled ocf-watch.service)"
test_cmp_str '/var/lib/ocf is 0700 root' '700 root' \
	"$(ct stat -c '%a %U' /var/lib/ocf)"
# shellcheck disable=SC2016
test_cmp_str '/etc/ocf/ocf.conf is a conffile' /etc/ocf/ocf.conf \
	"$(ct dpkg-query -W -f '${Conffiles}' ocf | awk '{ print $1 }')"
ct systemd-analyze verify ocf-watch.service >"$TMP/verify" 2>&1
# the root has no man(1): a "man ..." documentation check cannot pass
test_ok 'systemd-analyze verify: nothing but the missing man(1)' \
	test -z "$(grep -v "Command 'man " "$TMP/verify")"
sed 's/^/# verify: /' "$TMP/verify"
ct systemd-analyze security --no-pager ocf-watch.service >"$TMP/security" 2>&1
exposure=$(sed -n 's/.*Overall exposure level for ocf-watch.service: \([0-9.]*\) .*/\1/p' \
	"$TMP/security")
printf '# systemd-analyze security: %s\n' "$(tail -n 1 "$TMP/security")"
test_ok "the sandbox is in the OK band (exposure $exposure < 5.0)" \
	awk -v e="${exposure:-99}" 'BEGIN { exit !(e < 5.0) }'

# --- the stand-ins and the configuration --------------------------------------

# the primary, and a gateway unit that answers ready only when told
ct_primary
cat >"$TMP/gw.service" <<'EOF'
[Service]
ExecStart=/usr/local/bin/ocf-testsrv -p 18789 -f /share/gateway.mode
EOF
ct_put "$TMP/gw.service" /etc/systemd/system/openclaw.service
ct_config <<EOF
READY_TIMEOUT=60
EOF
# a start timeout shorter than the gateway's start: before the watcher said
# READY=1 only after its first check, systemd killed it mid-promotion
mkdir -p "$TMP/d"
printf '[Service]\nTimeoutStartSec=8\n' >"$TMP/d/start.conf"
ct_put "$TMP/d/start.conf" /etc/systemd/system/ocf-watch.service.d/start.conf
ct systemctl daemon-reload

# --- READY=1 before a first check that is a long repair promotion -------------

# the state says active, no gateway runs, the primary is down: the first
# check repairs by starting the gateway, which answers ready only at 15 s
ct_mode primary closeafteraccept
ct_mode gateway notready
# (a state written by the tools, its role edited as a crash would leave it)
ct ocf-watch --once >/dev/null 2>&1
sed -i "s/^ROLE='standby'$/ROLE='active'/" "$CT_DIR/root/var/lib/ocf/state"
test_cmp_str '(set up) the state says active' active "$(ct_state ROLE)"
t0=$(now)
test_ok 'systemctl start ocf-watch returns while the gateway is not ready' \
	ct systemctl start ocf-watch
printf '# systemctl start took %s s\n' "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
pid0=$(ct_unit_prop ocf-watch MainPID)
test_cmp_str 'the unit is active' active "$(ct_unit_prop ocf-watch ActiveState)"
wait_until 10 ct_prop_is openclaw ActiveState active
sleep 9	# past TimeoutStartSec
ct_mode gateway ready
test_ok 'the repair promotion completes: ROLE=active' \
	wait_until 20 ct_state_is ROLE active
test_cmp_str 'the same watcher (not killed at TimeoutStartSec)' "$pid0" \
	"$(ct_unit_prop ocf-watch MainPID)"
test_cmp_str 'no restart' 0 "$(ct_unit_prop ocf-watch NRestarts)"
test_ok 'STATUS= says active and the primary verdict' \
	wait_until 10 ct_prop_is ocf-watch StatusText 'active; primary critical'

# --- the journal: one program name, a transition logged once ------------------

ct_journal ocf-watch >"$TMP/journal"
test_ok 'journal lines do not repeat the program name' \
	test -z "$(grep '^ocf-watch: ' "$TMP/journal")"
test_cmp_str 'the promotion is logged once' 1 \
	"$(grep -c '^active: gateway ready' "$TMP/journal")"

# --- stop leaves the gateway; a restart finds nothing left over ---------------

test_ok 'systemctl stop ocf-watch' ct systemctl stop ocf-watch
test_cmp_str 'the gateway stays up' active "$(ct_unit_prop openclaw ActiveState)"
test_cmp_str 'ROLE stays active' active "$(ct_state ROLE)"
test_ok 'systemctl start ocf-watch again' ct systemctl start ocf-watch
test_ok 'the watcher takes the active role again' \
	wait_until 20 ct_prop_is ocf-watch StatusText 'active; primary critical'

# --- reload applies an edited file ------------------------------------------------

sed 's/^CHECK_INTERVAL=2$/CHECK_INTERVAL=3/' "$CT_DIR/ocf.conf" >"$TMP/ocf.conf2"
ct_put "$TMP/ocf.conf2" /etc/ocf/ocf.conf 600
test_ok 'systemctl reload ocf-watch' ct systemctl reload ocf-watch
test_ok 'the reload names CHECK_INTERVAL as changed' \
	wait_until 10 journal_has 'configuration reloaded: CHECK_INTERVAL$'
ct_journal ocf-watch | grep 'reloaded\|environment' | sed 's/^/# /'

# --- the primary back: demotion -----------------------------------------------------

ct_mode primary ready
test_ok 'the primary is back: demoted, ROLE=standby' \
	wait_until 30 ct_state_is ROLE standby
test_cmp_str 'the gateway unit is stopped' inactive "$(ct_unit_prop openclaw ActiveState)"
test_ok 'STATUS= says standby, primary ok' \
	wait_until 10 ct_prop_is ocf-watch StatusText 'standby; primary ok'

# --- a killed watcher takes what it ran with it ------------------------------------

# a hook that is still running when the watcher is SIGKILLed
cat >"$TMP/hook" <<'EOF'
#!/bin/sh
[ "$OCF_EVENT" = promote ] || exit 0
exec sleep 300
EOF
ct_put "$TMP/hook" /etc/ocf/hooks.d/10-slow 755
ct_mode primary closeafteraccept
test_ok 'a promotion runs the slow hook' \
	wait_until 30 ct pgrep -x sleep
pid1=$(ct_unit_prop ocf-watch MainPID)
ct systemctl kill -s KILL --kill-whom=main ocf-watch
test_ok 'the watcher is restarted' \
	wait_until 15 restarted "$pid1"
test_ok 'the hook it ran is gone' \
	wait_until 10 no_process sleep
test_ok 'systemd found no left-over process' \
	test -z "$(ct journalctl -b -q --no-pager -o cat -u ocf-watch | grep 'left-over process')"
ct rm -f /etc/ocf/hooks.d/10-slow

# --- the watchdog restarts a stopped watcher ---------------------------------------

printf '[Service]\nWatchdogSec=4\n' >"$TMP/d/wd.conf"
ct_put "$TMP/d/wd.conf" /etc/systemd/system/ocf-watch.service.d/wd.conf
ct systemctl daemon-reload
ct systemctl restart ocf-watch
restarts=$(ct_unit_prop ocf-watch NRestarts)
pid2=$(ct_unit_prop ocf-watch MainPID)
ct systemctl kill -s STOP --kill-whom=main ocf-watch
test_ok 'a SIGSTOPped watcher is restarted by the watchdog' \
	wait_until 30 restarted "$pid2" "$restarts"
ct journalctl -b -q --no-pager -o cat >"$TMP/journal"
test_grep 'systemd says why' 'ocf-watch.service: Watchdog timeout' "$TMP/journal"

ct_end
test_done
