#!/bin/sh
# The workspace pull and the secrets sync of a promotion, under the sandbox
# of ocf-watch.service and a real systemd 252 as PID 1 (a container): git
# (libgit2) and rsync over a real sshd, as OPENCLAW_USER.  Before, the unit
# did not start at all without ~/.secrets (ReadWritePaths= without "-",
# 226/NAMESPACE), and a secrets sync could never succeed (the new copy is
# swapped in beside SECRETS_DIR, whose parent was read-only: EROFS).  A
# WORKSPACE outside the unit's writable paths is warned about at start,
# and a drop-in adding it silences the warning.  The primary and the
# gateway are ocf-testsrv stand-ins.

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/container.sh"

ct_boot
ct_install
ct_gateway_unit		# the openclaw user
cat >"$TMP/gw.service" <<'EOF'
[Service]
ExecStart=/usr/local/bin/ocf-testsrv -p 18789
EOF
ct_put "$TMP/gw.service" /etc/systemd/system/openclaw.service

# the primary's side: its workspace as a bare repository, and its secrets
# behind a real sshd on 127.0.0.1:2222, for the user "primary"
ct_sh '
set -e
useradd -m -s /bin/sh primary
git config --system user.name test
git config --system user.email test@localhost
git config --system init.defaultBranch main
# root seeds the repository that openclaw owns
git config --system --add safe.directory /srv/ws.git
git init -q --bare /srv/ws.git
git clone -q /srv/ws.git /tmp/seed
echo "# memory" >/tmp/seed/MEMORY.md
git -C /tmp/seed add MEMORY.md
git -C /tmp/seed commit -q -m first
git -C /tmp/seed push -q origin main
chown -R openclaw:openclaw /srv/ws.git
runuser -u openclaw -- git clone -q /srv/ws.git /home/openclaw/.openclaw/workspace
# the primary learns something after the standby cloned
mkdir -p /tmp/seed/memory
echo "said while the standby slept" >/tmp/seed/memory/2026-11-29.md
git -C /tmp/seed add memory
git -C /tmp/seed commit -q -m second
git -C /tmp/seed push -q origin main
chown -R openclaw:openclaw /srv/ws.git
install -d -m 700 -o primary -g primary /home/primary/.secrets
echo TELEGRAM_TOKEN=from-the-primary >/home/primary/.secrets/telegram.env
chown primary:primary /home/primary/.secrets/telegram.env
ssh-keygen -q -A
mkdir -p /run/sshd
systemd-run -q --unit=sshd-test /usr/sbin/sshd -D -p 2222 -o ListenAddress=127.0.0.1
install -d -m 700 -o openclaw -g openclaw /home/openclaw/.ssh
runuser -u openclaw -- ssh-keygen -q -t ed25519 -N "" -f /home/openclaw/.ssh/id_ed25519
install -d -m 700 -o primary -g primary /home/primary/.ssh
install -m 600 -o primary -g primary /home/openclaw/.ssh/id_ed25519.pub \
	/home/primary/.ssh/authorized_keys
' >"$TMP/setup.log" 2>&1 || {
	sed 's/^/# setup: /' "$TMP/setup.log"
	bail_out 'cannot set up the primary side in the container'
}
sshd_up() {
	ct sh -c 'ssh-keyscan -p 2222 127.0.0.1 >/home/openclaw/.ssh/known_hosts 2>/dev/null &&
		test -s /home/openclaw/.ssh/known_hosts'
}
wait_until 10 sshd_up || bail_out 'the sshd in the container does not answer'
ct_primary
ct_config <<EOF
SECRETS_HOST=primary@127.0.0.1
SSH_PORT=2222
SSH_KEY=/home/openclaw/.ssh/id_ed25519
SSH_KNOWN_HOSTS=/home/openclaw/.ssh/known_hosts
EOF

# --- no ~/.secrets yet: the unit starts all the same ---------------------------------

test_ok '(set up) no ~openclaw/.secrets' ct test ! -e /home/openclaw/.secrets
test_ok 'ocf-watch.service starts' ct systemctl start ocf-watch
test_ok 'and runs: standby, primary ok' \
	wait_until 10 ct_prop_is ocf-watch StatusText 'standby; primary ok'
ct_journal ocf-watch >"$TMP/journal"
test_ok 'no read-only warning at start' test -z "$(grep 'read-only' "$TMP/journal")"

# --- a promotion pulls and syncs the secrets, inside the sandbox -----------------

ct_mode primary closeafteraccept
test_ok 'the primary is down: promoted, ROLE=active' \
	wait_until 60 ct_state_is ROLE active
test_cmp_str 'PULL=ok' ok "$(ct_state PULL)"
test_cmp_str 'the primary'"'"'s latest work is in the workspace' \
	'said while the standby slept' \
	"$(ct cat /home/openclaw/.openclaw/workspace/memory/2026-11-29.md)"
test_cmp_str 'SECRETS=ok' ok "$(ct_state SECRETS)"
test_cmp_str 'the secrets arrived in ~openclaw/.secrets' \
	'TELEGRAM_TOKEN=from-the-primary' \
	"$(ct cat /home/openclaw/.secrets/telegram.env)"
test_cmp_str 'owned by openclaw, 0700' '700 openclaw' \
	"$(ct stat -c '%a %U' /home/openclaw/.secrets)"
ct_state LAST_ERROR | sed 's/^/# LAST_ERROR: /'

# --- a WORKSPACE the sandbox does not open ------------------------------------------

ct_mode primary ready
test_ok '(set up) back to standby' wait_until 60 ct_state_is ROLE standby
ct install -d -o openclaw -g openclaw /srv/openclaw-ws
printf 'WORKSPACE=/srv/openclaw-ws\n' >>"$CT_DIR/ocf.conf"
ct_put "$CT_DIR/ocf.conf" /etc/ocf/ocf.conf 600
ct systemctl restart ocf-watch
test_ok 'a read-only WORKSPACE is warned about at start, naming the fix' \
	wait_until 10 eval 'ct_journal ocf-watch |
		grep -q "WORKSPACE ./srv/openclaw-ws. is read-only here: pulls will fail (the unit.s sandbox: see ocf-watch(1), SYSTEMD)"'
printf '[Service]\nReadWritePaths=-/srv/openclaw-ws\n' >"$TMP/rw.conf"
ct_put "$TMP/rw.conf" /etc/systemd/system/ocf-watch.service.d/rw.conf
ct systemctl daemon-reload
ct systemctl restart ocf-watch
test_ok 'with ReadWritePaths= in a drop-in: running, no warning' \
	wait_until 10 ct_prop_is ocf-watch StatusText 'standby; primary ok'
# the new watcher's own lines (a --since of whole seconds would take in
# the warning of the one before)
ct journalctl -b -q --no-pager -o cat \
	_PID="$(ct_unit_prop ocf-watch MainPID)" >"$TMP/journal"
test_grep 'the new watcher has logged its start' '^watching ' "$TMP/journal"
test_ok 'no warning after the drop-in' test -z "$(grep 'read-only' "$TMP/journal")"

ct_end
test_done
