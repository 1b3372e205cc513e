#!/bin/sh
# t3005-sync-valgrind: ocf-sync pull, push (merged, and set aside on a conflict),
# status and secrets under valgrind's memcheck, the forked workers included:
# no invalid access, no leak of ours.  Over SSH, libgit2 1.5.1 itself leaks
# two small blocks per connection in its known_hosts check
# (libssh2_knownhost_init and the path of ~/.ssh/known_hosts, never freed);
# those, and only those, are suppressed.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/sshd.sh"

. "$SRCDIR/test/git.sh"
STATE_DIR=$TMP/state
R=$TMP/remote.git P=$TMP/primary S=$TMP/standby

if ! command -v valgrind >/dev/null 2>&1; then
	test_skip 'ocf-sync under valgrind' 'valgrind is not installed'
	test_done
fi

cat >"$TMP/libgit2.supp" <<'EOF'
{
   libgit2-1.5.1-ssh-known-hosts-check
   Memcheck:Leak
   match-leak-kinds: definite
   ...
   fun:git_remote_connect_ext
}
EOF
printf 'OPENCLAW_USER=\nSTATE_DIR=%s\nWORKSPACE=%s\nNODE_NAME=vg\nSYNC_TIMEOUT=60\n' \
	"$STATE_DIR" "$S" >"$TMP/ocf.conf" || bail_out 'cannot write ocf.conf'

# vg NAME ARGS...: ocf-sync ARGS under memcheck, one log per process
vg() {
	_vg_name=$1
	shift
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --suppressions="$TMP/libgit2.supp" \
		--trace-children=no --log-file="$TMP/vg-$_vg_name.%p" \
		ocf-sync -c "$TMP/ocf.conf" "$@"
}

# clean NAME: every log of NAME (parent and workers) is empty
clean() {
	set -- "$TMP"/vg-"$1".*
	[ -e "$1" ] || return 1
	for _f in "$@"; do
		if [ -s "$_f" ]; then
			sed -n '1,40s/^/# /p' "$_f"
			return 1
		fi
	done
}

pcommit() {
	must mkdir -p "$(dirname "$P/$1")"
	printf '%s\n' "$2" >"$P/$1" || bail_out "cannot write $P/$1"
	must git -C "$P" add "$1"
	must git -C "$P" commit -q -m "primary: $1"
	must git -C "$P" push -q origin main
}

must git init -q --bare -b main "$R"
git clone -q "$R" "$P" 2>/dev/null || bail_out 'git clone failed'
git -C "$P" checkout -q -b main 2>/dev/null
pcommit MEMORY.md one
must git clone -q "$R" "$S"

pcommit a.md two
test_expect_code 0 'pull (local path)' vg pull pull
test_ok 'pull: memcheck clean' clean pull
mkdir -p "$S/memory" && printf 'x\n' >"$S/memory/x.md"
test_expect_code 0 'push (local path)' vg push push
test_ok 'push: memcheck clean' clean push
must git -C "$P" pull -q origin main
pcommit b.md three
printf 'y\n' >"$S/memory/y.md"
test_expect_code 0 'push merged (local path)' vg merge push
test_ok 'push merged: memcheck clean' clean merge
must git -C "$P" pull -q origin main
pcommit MEMORY.md four
printf 'five\n' >"$S/MEMORY.md"
test_expect_code 1 'push set aside (local path)' vg aside push
test_ok 'push set aside: memcheck clean' clean aside
test_expect_code 1 'status' vg status status
test_ok 'status: memcheck clean' clean status

if sshd_start; then
	must git -C "$S" remote set-url origin "ssh://root@127.0.0.1:$SSHD_PORT$R"
	printf 'SSH_KEY=%s\nSSH_KNOWN_HOSTS=%s\n' "$SSHD_KEY" "$SSHD_KNOWN_HOSTS" \
		>>"$TMP/ocf.conf"
	test_expect_code 1 'pull (ssh, diverged)' vg sshpull pull
	test_ok 'pull over ssh: memcheck clean' clean sshpull
	printf 'z\n' >"$S/memory/z.md"
	test_expect_code 1 'push set aside (ssh)' vg sshpush push
	test_ok 'push over ssh: memcheck clean' clean sshpush
	mkdir -p "$TMP/src" && printf 's\n' >"$TMP/src/s"
	printf 'SECRETS_HOST=root@127.0.0.1\nSECRETS_SRC=%s\nSSH_PORT=%s\nSECRETS_DIR=%s\n' \
		"$TMP/src" "$SSHD_PORT" "$TMP/secrets" >>"$TMP/ocf.conf"
	test_expect_code 0 'secrets' vg secrets secrets
	test_ok 'secrets: memcheck clean' clean secrets
else
	test_skip 'ssh under valgrind' "$SSHD_WHY"
fi

test_done
