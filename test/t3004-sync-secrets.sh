#!/bin/sh
# t3004-sync-secrets: ocf-sync secrets, rsync over a real sshd on 127.0.0.1:
# files arrive with mode 0600 in a 0700 directory, a remote deletion is
# mirrored, symlinks leaving the directory are not copied, and an unreachable, hanging or unknown host fails within
# SYNC_TIMEOUT and keeps the cached copy.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/sshd.sh"

HOME=$TMP/home
export HOME
STATE_DIR=$TMP/state
mkdir -p "$HOME" || bail_out 'cannot create HOME'
printf 'OPENCLAW_USER=\nSTATE_DIR=%s\n' "$STATE_DIR" >"$TMP/ocf.conf" ||
	bail_out 'cannot write ocf.conf'

test_expect_code 0 'no SECRETS_HOST: exit 0' ocf-sync -c "$TMP/ocf.conf" secrets
test_cmp_str 'no SECRETS_HOST: not configured' 'secrets: not configured' \
	"$(state_get SYNC_DETAIL)"
test_expect_code 3 'SECRETS_HOST starting with -: exit 3' \
	env SECRETS_HOST=-oProxyCommand=x ocf-sync -c "$TMP/ocf.conf" secrets

if ! sshd_start; then
	test_skip 'rsync over ssh' "$SSHD_WHY"
	test_done
fi
command -v rsync >/dev/null 2>&1 || bail_out 'rsync is not installed'

SRC=$TMP/server/secrets D=$HOME/.secrets
mkdir -p "$SRC/sub" || bail_out 'cannot create the source'
printf 'TELEGRAM_TOKEN=one\n' >"$SRC/gateway.env"
printf 'key\n' >"$SRC/sub/api.key"
printf 'gone soon\n' >"$SRC/old.txt"
chmod 644 "$SRC/gateway.env" "$SRC/sub/api.key"
chmod 755 "$SRC/sub"
cat >>"$TMP/ocf.conf" <<EOF
SECRETS_HOST=root@127.0.0.1
SECRETS_SRC=$SRC
SSH_PORT=$SSHD_PORT
SSH_KEY=$SSHD_KEY
SSH_KNOWN_HOSTS=$SSHD_KNOWN_HOSTS
SYNC_TIMEOUT=3
EOF

# must CMD...: a setup step that has to work
must() {
	"$@" || bail_out "setup failed: $*"
}

osync() {
	ocf-sync -c "$TMP/ocf.conf" "$@"
}

# elapsed_below START SECONDS
elapsed_below() {
	awk -v s="$1" -v e="$(now)" -v l="$2" 'BEGIN { exit !(e - s < l) }'
}

test_expect_code 0 'secrets: first sync (default ~/.secrets)' osync secrets
test_cmp_str 'secrets: file arrived' 'TELEGRAM_TOKEN=one' \
	"$(cat "$D/gateway.env" 2>/dev/null)"
test_cmp_str 'secrets: nested file arrived' 'key' \
	"$(cat "$D/sub/api.key" 2>/dev/null)"
test_cmp_str 'secrets: directory 0700' 700 "$(stat -c %a "$D")"
test_cmp_str 'secrets: subdirectory 0700' 700 "$(stat -c %a "$D/sub")"
test_cmp_str 'secrets: file 0600' 600 "$(stat -c %a "$D/gateway.env")"
test_cmp_str 'secrets: nested file 0600' 600 "$(stat -c %a "$D/sub/api.key")"
test_cmp_str 'secrets: SECRETS=ok' ok "$(state_get SECRETS)"
test_grep 'secrets: detail counts files' 'synced 3 files into' "$STATE_DIR/state"
test_expect_code 1 'secrets: no secret in the state file' \
	grep -q TELEGRAM_TOKEN "$STATE_DIR/state"

# the next sync mirrors the source, deletions included
rm "$SRC/old.txt"
printf 'TELEGRAM_TOKEN=two\n' >"$SRC/gateway.env"
test_expect_code 0 'secrets: second sync' osync secrets
test_cmp_str 'secrets: updated' 'TELEGRAM_TOKEN=two' "$(cat "$D/gateway.env")"
test_ok 'secrets: remote deletion mirrored' test ! -e "$D/old.txt"
test_ok 'secrets: no temporary directory left' test ! -e "$D.ocf-new"

# SECRETS_HOST sends symlinks: those that leave the directory never land
# (an absolute one, one climbing out with ../), one inside does
ln -s /etc/shadow "$SRC/shadow.env" || bail_out 'cannot create a symlink'
ln -s ../../../../etc/passwd "$SRC/sub/up.key" || bail_out 'cannot create a symlink'
ln -s ../gateway.env "$SRC/sub/gateway.env" || bail_out 'cannot create a symlink'
test_expect_code 0 'symlinks: sync' osync secrets
test_ok 'symlinks: absolute link to /etc/shadow not copied' \
	test ! -e "$D/shadow.env" -a ! -L "$D/shadow.env"
test_ok 'symlinks: link climbing out of the directory not copied' \
	test ! -e "$D/sub/up.key" -a ! -L "$D/sub/up.key"
test_cmp_str 'symlinks: link inside the directory kept' '../gateway.env' \
	"$(readlink "$D/sub/gateway.env")"
rm "$SRC/shadow.env" "$SRC/sub/up.key" "$SRC/sub/gateway.env"

# unreachable host (closed port): fails within SYNC_TIMEOUT, cache kept
printf 'TELEGRAM_TOKEN=three\n' >"$SRC/gateway.env"
closed=$(pick_port 2203) || bail_out 'no free port'
start=$(now)
test_expect_code 2 'closed port: exit 2' \
	env SSH_PORT="$closed" ocf-sync -c "$TMP/ocf.conf" secrets
test_grep 'closed port: logged' 'kept the cached copy' "$TMP/err"
test_ok 'closed port: within SYNC_TIMEOUT' elapsed_below "$start" 3
test_cmp_str 'closed port: cached copy intact' 'TELEGRAM_TOKEN=two' \
	"$(cat "$D/gateway.env")"
test_cmp_str 'closed port: cached mode intact' 600 "$(stat -c %a "$D/gateway.env")"
test_ok 'closed port: no temporary directory left' test ! -e "$D.ocf-new"
test_cmp_str 'closed port: SECRETS=critical' critical "$(state_get SECRETS)"

# a host that accepts and never speaks: bounded by SYNC_TIMEOUT
if command -v ocf-testsrv >/dev/null 2>&1; then
	hport=$(pick_port 2204) || bail_out 'no free port'
	setsid ocf-testsrv -m hang -p "$hport" -P "$TMP/hang.pid" \
		>"$TMP/hang.log" 2>&1 &
	wait_until 5 test -s "$TMP/hang.pid" || bail_out 'ocf-testsrv did not start'
	track_pgid "$(cat "$TMP/hang.pid")"
	start=$(now)
	test_expect_code 2 'hanging host: exit 2' env SYNC_TIMEOUT=2 \
		SSH_PORT="$hport" ocf-sync -c "$TMP/ocf.conf" secrets
	test_ok 'hanging host: within SYNC_TIMEOUT and the kill grace' \
		elapsed_below "$start" 6
	test_cmp_str 'hanging host: cached copy intact' 'TELEGRAM_TOKEN=two' \
		"$(cat "$D/gateway.env")"
else
	test_skip 'hanging host' 'ocf-testsrv not built (make check builds it)'
fi

# an unknown host key is refused, never accepted
ssh-keygen -q -t ed25519 -N '' -f "$TMP/other" || bail_out 'ssh-keygen failed'
printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d ' ' -f 1,2 "$TMP/other.pub")" \
	>"$TMP/wrong_known_hosts"
test_expect_code 2 'wrong host key: exit 2' \
	env SSH_KNOWN_HOSTS="$TMP/wrong_known_hosts" ocf-sync -c "$TMP/ocf.conf" secrets
test_cmp_str 'wrong host key: cached copy intact' 'TELEGRAM_TOKEN=two' \
	"$(cat "$D/gateway.env")"

# SECRETS_DIR elsewhere, first sync into a missing directory
test_expect_code 0 'SECRETS_DIR: sync' \
	env SECRETS_DIR="$TMP/elsewhere/" ocf-sync -c "$TMP/ocf.conf" secrets
test_cmp_str 'SECRETS_DIR: file arrived' 'TELEGRAM_TOKEN=three' \
	"$(cat "$TMP/elsewhere/gateway.env" 2>/dev/null)"
test_cmp_str 'SECRETS_DIR: directory 0700' 700 "$(stat -c %a "$TMP/elsewhere")"

# `all` = pull then secrets; the workspace is not a repository here
test_expect_code 3 'all: worst of pull (not a repo) and secrets' \
	env WORKSPACE="$TMP/home" ocf-sync -c "$TMP/ocf.conf" all
test_cmp_str 'all: secrets still synced' 'TELEGRAM_TOKEN=three' \
	"$(cat "$D/gateway.env")"

# as OPENCLAW_USER when root: the copy belongs to that user
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 755 "$TMP"
	NB=$TMP/nobody
	must mkdir -p "$NB"
	must cp "$SSHD_KEY" "$SSHD_KNOWN_HOSTS" "$NB/"
	must chown -R nobody "$NB"
	must chmod 600 "$NB/id_ed25519"
	test_expect_code 0 'as OPENCLAW_USER: sync' env OPENCLAW_USER=nobody \
		SECRETS_DIR="$NB/.secrets" SSH_KEY="$NB/id_ed25519" \
		SSH_KNOWN_HOSTS="$NB/known_hosts" ocf-sync -c "$TMP/ocf.conf" secrets
	test_cmp_str 'as OPENCLAW_USER: directory owned by it' nobody \
		"$(stat -c %U "$NB/.secrets" 2>/dev/null)"
	test_cmp_str 'as OPENCLAW_USER: file owned by it' nobody \
		"$(stat -c %U "$NB/.secrets/gateway.env" 2>/dev/null)"
else
	test_skip 'as OPENCLAW_USER' 'needs root and the user nobody'
fi

test_done
