#!/bin/sh
# t3003-sync-ssh: ocf-sync over the SSH transport (libgit2 + libssh2) against
# a real sshd on 127.0.0.1: host key checking (libgit2's default, plain and
# hashed SSH_KNOWN_HOSTS, a wrong key), key file and ssh-agent credentials,
# a wrong client key, and push back while the primary also pushed.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/sshd.sh"

. "$SRCDIR/test/git.sh"
STATE_DIR=$TMP/state
R=$TMP/remote.git P=$TMP/primary S=$TMP/standby

if ! sshd_start; then
	test_skip 'ssh transport' "$SSHD_WHY"
	test_done
fi
test_ok 'sshd answers with the throwaway key' sshd_ssh true

printf 'OPENCLAW_USER=\nSTATE_DIR=%s\nWORKSPACE=%s\nNODE_NAME=standby1\nSSH_KEY=%s\nSYNC_TIMEOUT=20\n' \
	"$STATE_DIR" "$S" "$SSHD_KEY" >"$TMP/ocf.conf" ||
	bail_out 'cannot write ocf.conf'

pcommit() {
	must mkdir -p "$(dirname "$P/$1")"
	printf '%s\n' "$2" >"$P/$1" || bail_out "cannot write $P/$1"
	must git -C "$P" add "$1"
	must git -C "$P" commit -q -m "primary: $1"
	must git -C "$P" push -q origin main
}

git init -q --bare -b main "$R" || bail_out 'git init failed'
git clone -q "$R" "$P" 2>/dev/null || bail_out 'git clone failed'
git -C "$P" checkout -q -b main 2>/dev/null
pcommit MEMORY.md 'first memory'
git clone -q "$R" "$S" || bail_out 'git clone failed'
git -C "$S" remote set-url origin "ssh://root@127.0.0.1:$SSHD_PORT$R" ||
	bail_out 'cannot set the ssh URL'

# no known_hosts anywhere: libgit2 1.5.1 refuses the unknown host
pcommit a.md one
test_expect_code 2 'unknown host key, no SSH_KNOWN_HOSTS: exit 2' osync pull
test_grep 'unknown host key: refused' 'unknown remote ssh hostkey' "$TMP/err"

# libgit2's default: ~/.ssh/known_hosts of the user
mkdir -p "$HOME/.ssh" && cp "$SSHD_KNOWN_HOSTS" "$HOME/.ssh/known_hosts"
test_expect_code 0 'HOME/.ssh/known_hosts: pull over ssh' osync pull
test_cmp_str 'HOME/.ssh/known_hosts: fast-forwarded' "$(head_of "$R" main)" \
	"$(head_of "$S")"
rm -f "$HOME/.ssh/known_hosts"

# SSH_KNOWN_HOSTS alone decides when set
pcommit b.md two
test_expect_code 0 'SSH_KNOWN_HOSTS (plain): pull' \
	env SSH_KNOWN_HOSTS="$SSHD_KNOWN_HOSTS" ocf-sync -c "$TMP/ocf.conf" pull
test_cmp_str 'SSH_KNOWN_HOSTS (plain): fast-forwarded' "$(head_of "$R" main)" \
	"$(head_of "$S")"

cp "$SSHD_KNOWN_HOSTS" "$TMP/hashed"
ssh-keygen -q -H -f "$TMP/hashed" >/dev/null 2>&1 || bail_out 'ssh-keygen -H failed'
test_expect_code 1 'hashed file has no plain name' grep -q 127.0.0.1 "$TMP/hashed"
pcommit c.md three
test_expect_code 0 'SSH_KNOWN_HOSTS (hashed): pull' \
	env SSH_KNOWN_HOSTS="$TMP/hashed" ocf-sync -c "$TMP/ocf.conf" pull
test_cmp_str 'SSH_KNOWN_HOSTS (hashed): fast-forwarded' "$(head_of "$R" main)" \
	"$(head_of "$S")"

ssh-keygen -q -t ed25519 -N '' -f "$TMP/other" || bail_out 'ssh-keygen failed'
printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d ' ' -f 1,2 "$TMP/other.pub")" \
	>"$TMP/wrong_known_hosts"
pcommit d.md four
before=$(head_of "$S")
test_expect_code 2 'wrong host key: exit 2' \
	env SSH_KNOWN_HOSTS="$TMP/wrong_known_hosts" ocf-sync -c "$TMP/ocf.conf" pull
test_grep 'wrong host key: refused' 'does not match' "$TMP/err"
test_cmp_str 'wrong host key: HEAD unchanged' "$before" "$(head_of "$S")"

printf '[127.0.0.1]:%s %s\n' "$((SSHD_PORT + 1))" \
	"$(cut -d ' ' -f 1,2 "$SSHD_KEY.pub")" >"$TMP/other_port"
test_expect_code 2 'host known on another port only: exit 2' \
	env SSH_KNOWN_HOSTS="$TMP/other_port" ocf-sync -c "$TMP/ocf.conf" pull
test_grep 'other port: not in the file' 'is not in' "$TMP/err"

# a client key the server does not know
test_expect_code 2 'wrong client key: exit 2' \
	env SSH_KNOWN_HOSTS="$SSHD_KNOWN_HOSTS" SSH_KEY="$TMP/other" \
	ocf-sync -c "$TMP/ocf.conf" pull
test_grep 'wrong client key: authentication failed' 'authentication failed' \
	"$TMP/err"
test_expect_code 1 'wrong client key: no key path in the message' \
	grep -q "$TMP/other" "$TMP/err"

# ssh-agent, with no key file configured
if command -v ssh-agent >/dev/null 2>&1; then
	eval "$(ssh-agent -s -a "$TMP/agent.sock")" >/dev/null ||
		bail_out 'ssh-agent failed'
	at_exit kill "$SSH_AGENT_PID"
	ssh-add -q "$SSHD_KEY" 2>/dev/null || bail_out 'ssh-add failed'
	test_expect_code 0 'ssh-agent: pull' env SSH_KEY= \
		SSH_KNOWN_HOSTS="$SSHD_KNOWN_HOSTS" ocf-sync -c "$TMP/ocf.conf" pull
	test_cmp_str 'ssh-agent: fast-forwarded' "$(head_of "$R" main)" \
		"$(head_of "$S")"
	unset SSH_AUTH_SOCK
else
	test_skip 'ssh-agent' 'ssh-agent not installed'
fi

# push back over ssh while the primary also pushed: merged
pcommit primary.md 'primary wrote this'
mkdir -p "$S/memory" && printf 'standby wrote this\n' >"$S/memory/standby.md"
test_expect_code 0 'ssh push, remote moved on: merged, exit 0' \
	env SSH_KNOWN_HOSTS="$SSHD_KNOWN_HOSTS" ocf-sync -c "$TMP/ocf.conf" push
test_cmp_str 'ssh push, merged: main is the merge' "$(head_of "$S")" \
	"$(head_of "$R" main)"
test_cmp_str 'ssh push, merged: primary file here' 'primary wrote this' \
	"$(cat "$S/primary.md" 2>/dev/null)"

# both wrote MEMORY.md: a conflict, set aside over ssh
must git -C "$P" pull -q origin main
pcommit MEMORY.md 'primary wrote this'
primary_commit=$(head_of "$P")
printf 'standby wrote this\n' >"$S/MEMORY.md"
test_expect_code 1 'ssh push, conflict: exit 1' \
	env SSH_KNOWN_HOSTS="$SSHD_KNOWN_HOSTS" ocf-sync -c "$TMP/ocf.conf" push
test_grep 'ssh push: pushed aside' 'pushed to ocf/standby1 for merging' \
	"$TMP/err"
test_cmp_str 'ssh push: main not forced' "$primary_commit" \
	"$(head_of "$R" main)"
test_cmp_str 'ssh push: standby commit on ocf/standby1' "$(head_of "$S")" \
	"$(head_of "$R" ocf/standby1)"
git -C "$R" rev-list --all | sort >"$TMP/remote-commits"
git -C "$S" rev-list --all | sort >"$TMP/standby-commits"
test_cmp_str 'ssh push: every standby commit on the remote' '' \
	"$(comm -23 "$TMP/standby-commits" "$TMP/remote-commits")"

# fast path: up to date over ssh, then a plain push
git -C "$S" reset -q --hard origin/main
mkdir -p "$S/memory" && printf 'more\n' >"$S/memory/more.md"
test_expect_code 0 'ssh push: fast-forward push' \
	env SSH_KNOWN_HOSTS="$SSHD_KNOWN_HOSTS" ocf-sync -c "$TMP/ocf.conf" push
test_cmp_str 'ssh push: on main' "$(head_of "$S")" "$(head_of "$R" main)"
test_cmp_str 'ssh push: detail' 'push: committed 1 file; pushed to origin/main' \
	"$(state_get SYNC_DETAIL)"

# sshd log shows the key logins really happened
test_grep 'sshd accepted the public key' 'Accepted publickey for root' "$SSHD_LOG"

test_done
