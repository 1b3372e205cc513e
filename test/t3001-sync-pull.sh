#!/bin/sh
# t3001-sync-pull: ocf-sync pull over the local-path transport with real git
# repositories: fast-forward, a dirty tree committed and merged, a conflict
# that leaves the checkout as it was, status, an unreachable or hanging remote, the user switch, and no
# credential in any message.
. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/git.sh"
STATE_DIR=$TMP/state
R=$TMP/remote.git P=$TMP/primary S=$TMP/standby
printf 'OPENCLAW_USER=\nSTATE_DIR=%s\nWORKSPACE=%s\n' "$STATE_DIR" "$S" \
	>"$TMP/ocf.conf" || bail_out 'cannot write ocf.conf'

# pcommit FILE TEXT: the primary commits FILE and pushes it
pcommit() {
	must mkdir -p "$(dirname "$P/$1")"
	printf '%s\n' "$2" >"$P/$1" || bail_out "cannot write $P/$1"
	must git -C "$P" add "$1"
	must git -C "$P" commit -q -m "primary: $1"
	must git -C "$P" push -q origin main
}

# elapsed_below START SECONDS: true if less than SECONDS passed since START
elapsed_below() {
	awk -v s="$1" -v e="$(now)" -v l="$2" 'BEGIN { exit !(e - s < l) }'
}

git init -q --bare -b main "$R" || bail_out 'git init failed'
git clone -q "$R" "$P" 2>/dev/null || bail_out 'git clone failed'
git -C "$P" checkout -q -b main 2>/dev/null
pcommit MEMORY.md 'first memory'
git clone -q "$R" "$S" || bail_out 'git clone failed'

test_expect_code 0 'pull: up to date' osync pull
test_cmp_str 'state: PULL=ok' ok "$(state_get PULL)"
test_cmp_str 'state: SYNC_DETAIL' 'pull: up to date' "$(state_get SYNC_DETAIL)"

pcommit memory/2026-11-25.md 'from the primary'
test_expect_code 0 'pull: fast-forward' osync pull
test_cmp_str 'fast-forward: HEAD is the remote branch' "$(head_of "$R" main)" \
	"$(head_of "$S")"
test_cmp_str 'fast-forward: new file checked out' 'from the primary' \
	"$(cat "$S/memory/2026-11-25.md" 2>/dev/null)"
test_cmp_str 'fast-forward: tree clean' '' "$(git -C "$S" status --porcelain)"
test_cmp_str 'fast-forward: detail' 'pull: fast-forwarded 1 commit' \
	"$(state_get SYNC_DETAIL)"
test_ok 'fast-forward: PULL_AT recorded' \
	awk -v t="$(state_get PULL_AT)" 'BEGIN { exit !(t > 1000000000) }'
test_cmp_str 'fast-forward: reflog names ocf-sync' \
	'ocf-sync pull: fast-forward to origin/main' \
	"$(git -C "$S" reflog -1 --format=%gs main)"

# a dirty tracked file that the remote changed too: committed, and the
# merge has a conflict, so the checkout stays exactly as it was
pcommit MEMORY.md 'second memory'
before=$(head_of "$S")
printf 'written by the standby agent\n' >"$S/MEMORY.md"
test_expect_code 1 'conflict: pull exits 1' osync pull
test_grep 'conflict: names the file' \
	'committed 1 file; conflict in MEMORY.md: kept the checkout as it was' \
	"$TMP/err"
test_cmp_str 'conflict: file content unchanged' 'written by the standby agent' \
	"$(cat "$S/MEMORY.md")"
test_cmp_str 'conflict: the local change is a commit on top of HEAD' \
	"$before" "$(head_of "$S" HEAD~1)"
test_cmp_str 'conflict: nothing else changed' '' \
	"$(git -C "$S" status --porcelain)"
test_cmp_str 'conflict: no merge state left' '' \
	"$(ls "$S/.git/MERGE_HEAD" 2>/dev/null)"
test_cmp_str 'conflict: PULL=warning' warning "$(state_get PULL)"
# an operator settles it the git way; ocf never rewrites
must git -C "$S" reset -q --hard origin/main

# a dirty file the remote did not touch: committed, then merged
pcommit memory/2026-11-26.md 'primary again'
printf 'standby note\n' >"$S/memory/untracked.md"
printf 'edited by the standby\n' >"$S/MEMORY.md"
test_expect_code 0 'dirty, no conflict: pull exits 0' osync pull
test_grep 'dirty, no conflict: merged' \
	'committed 2 files; merged 1 commit of origin/main' "$STATE_DIR/state"
test_cmp_str 'dirty, no conflict: remote file checked out' 'primary again' \
	"$(cat "$S/memory/2026-11-26.md" 2>/dev/null)"
test_cmp_str 'dirty, no conflict: local file kept' 'edited by the standby' \
	"$(cat "$S/MEMORY.md")"
test_cmp_str 'dirty, no conflict: a merge commit with both parents' \
	"$(head_of "$R" main)" "$(head_of "$S" HEAD^2)"
test_cmp_str 'dirty, no conflict: author' 'ocf on' \
	"$(git -C "$S" log -1 --format=%an | cut -c1-6)"
test_cmp_str 'dirty, no conflict: tree clean' '' \
	"$(git -C "$S" status --porcelain)"
test_cmp_str 'dirty, no conflict: PULL=ok' ok "$(state_get PULL)"
must git -C "$S" reset -q --hard origin/main

# ignored files are never committed and do not block
printf 'node_modules/\n' >"$S/.git/info/exclude"
mkdir -p "$S/node_modules" && printf x >"$S/node_modules/x"
pcommit memory/2026-11-27.md 'third'
test_expect_code 0 'ignored files do not block a fast-forward' osync pull
test_cmp_str 'ignored files: fast-forwarded' "$(head_of "$R" main)" \
	"$(head_of "$S")"

# diverged: a local commit and a remote one, both touching MEMORY.md
printf 'standby work\n' >"$S/MEMORY.md"
must git -C "$S" commit -q -a -m 'standby work'
pcommit MEMORY.md 'primary work'
before=$(head_of "$S")
test_expect_code 1 'diverged, conflict: pull exits 1' osync pull
test_grep 'diverged, conflict: reported' \
	'conflict in MEMORY.md: kept the checkout as it was \(ahead 1, behind 1\)' \
	"$TMP/err"
test_cmp_str 'diverged: HEAD unchanged' "$before" "$(head_of "$S")"
test_cmp_str 'diverged: local commit file intact' 'standby work' \
	"$(cat "$S/MEMORY.md")"
test_cmp_str 'diverged: tracking ref fetched' "$(head_of "$R" main)" \
	"$(head_of "$S" origin/main)"

test_expect_code 1 'status: exits 1 when diverged' osync status
test_grep 'status: ahead' '^ahead: 1$' "$TMP/out"
test_grep 'status: behind' '^behind: 1$' "$TMP/out"
test_grep 'status: last pull time' '^last pull: warning at 20[0-9-]+T' "$TMP/out"
test_expect_code 1 'status --json' osync --json status
test_grep 'status --json: ahead and behind' '"ahead":1,"behind":1' "$TMP/out"
test_grep 'status --json: staleness' '"pull_age":[0-9.]+' "$TMP/out"

# ahead only: nothing to pull; the local work waits for a push
git -C "$S" reset -q --hard origin/main
printf 'more\n' >"$S/standby2.md"
must git -C "$S" add standby2.md
must git -C "$S" commit -q -m more
before=$(head_of "$S")
test_expect_code 0 'ahead only: pull exits 0' osync pull
test_grep 'ahead only: reported' 'nothing to pull: ahead 1' "$STATE_DIR/state"
test_cmp_str 'ahead only: HEAD unchanged' "$before" "$(head_of "$S")"
git -C "$S" reset -q --hard origin/main

# workspace problems are exit 3
test_expect_code 3 'not a git repository: exit 3' osync -C "$TMP/home" pull
test_grep 'not a git repository: says so' "is not a git repository" "$TMP/err"
test_expect_code 3 'usage error: exit 3' osync frobnicate
test_expect_code 0 '-h: exit 0' ocf-sync -h
test_grep '-h: synopsis' '^usage: ocf-sync \[-hjVv\] \[-C dir\] \[-c file\]' \
	"$TMP/out"

# an unreachable remote: exit 2 at once, checkout used as is
before=$(head_of "$S")
git -C "$S" remote set-url origin "$TMP/gone.git"
start=$(now)
test_expect_code 2 'missing remote path: exit 2' osync pull
test_grep 'missing remote path: says why' \
	"unable to fetch 'origin': '$TMP/gone.git': No such file" "$TMP/err"
test_ok 'missing remote path: fast' elapsed_below "$start" 5
test_cmp_str 'missing remote path: HEAD unchanged' "$before" "$(head_of "$S")"
test_cmp_str 'missing remote path: PULL=critical' critical "$(state_get PULL)"

port=$(pick_port 2201) || bail_out 'no free port'
git -C "$S" remote set-url origin "ssh://root@127.0.0.1:$port/x.git"
start=$(now)
test_expect_code 2 'closed port: exit 2' osync pull
test_grep 'closed port: says why' 'Connection refused' "$TMP/err"
test_ok 'closed port: fast' elapsed_below "$start" 5

test_expect_code 2 'no such remote name: exit 2' \
	env SYNC_REMOTE=upstream ocf-sync -c "$TMP/ocf.conf" pull
test_grep 'no such remote name: says so' "no remote 'upstream'" "$TMP/err"

# no credential in a message: URL user info and the token file's content
printf 's3cr3t-token\n' >"$TMP/token"
chmod 600 "$TMP/token"
git -C "$S" remote set-url origin "http://bob:pa55w0rd@127.0.0.1:$port/x.git"
test_expect_code 2 'http remote down: exit 2' \
	env GIT_TOKEN_FILE="$TMP/token" ocf-sync -c "$TMP/ocf.conf" pull
cat "$TMP/out" "$TMP/err" "$STATE_DIR/state" >"$TMP/all"
test_expect_code 1 'no URL password in output or state' \
	grep -q pa55w0rd "$TMP/all"
test_expect_code 1 'no token in output or state' grep -q s3cr3t "$TMP/all"
chmod 644 "$TMP/token"
test_expect_code 3 'token file readable by others: exit 3' \
	env GIT_TOKEN_FILE="$TMP/token" ocf-sync -c "$TMP/ocf.conf" pull
test_grep 'token file readable by others: says so' 'chmod 600' "$TMP/err"

# a remote that accepts and never speaks: SYNC_TIMEOUT bounds the fetch
if command -v ocf-testsrv >/dev/null 2>&1; then
	hport=$(pick_port 2202) || bail_out 'no free port'
	setsid ocf-testsrv -m hang -p "$hport" -P "$TMP/hang.pid" \
		>"$TMP/hang.log" 2>&1 &
	wait_until 5 test -s "$TMP/hang.pid" || bail_out 'ocf-testsrv did not start'
	track_pgid "$(cat "$TMP/hang.pid")"
	git -C "$S" remote set-url origin "ssh://root@127.0.0.1:$hport/x.git"
	start=$(now)
	test_expect_code 2 'hanging remote: exit 2' \
		env SYNC_TIMEOUT=1.5 ocf-sync -c "$TMP/ocf.conf" pull
	end=$(now)
	test_grep 'hanging remote: says so' 'timed out after 1.5s' "$TMP/err"
	test_ok 'hanging remote: killed after SYNC_TIMEOUT' \
		awk -v s="$start" -v e="$end" 'BEGIN { exit !(e - s < 4) }'
	test_ok 'hanging remote: not before SYNC_TIMEOUT' \
		awk -v s="$start" -v e="$end" 'BEGIN { exit !(e - s >= 1.4) }'
	test_cmp_str 'hanging remote: HEAD unchanged' "$before" "$(head_of "$S")"
	test_cmp_str 'hanging remote: no lock file left' '' \
		"$(find "$S/.git" -name '*.lock')"
else
	test_skip 'hanging remote' 'ocf-testsrv not built (make check builds it)'
fi
git -C "$S" remote set-url origin "$R"

# url.<base>.insteadOf of the git configuration applies
must git -C "$S" config "url.$TMP/.insteadOf" ocftest:
must git -C "$S" remote set-url origin ocftest:remote.git
pcommit insteadof.md 'via insteadOf'
test_expect_code 0 'insteadOf: pull through the rewritten URL' osync pull
test_cmp_str 'insteadOf: fast-forwarded' "$(head_of "$R" main)" "$(head_of "$S")"
must git -C "$S" config --unset "url.$TMP/.insteadOf"
must git -C "$S" remote set-url origin "$R"

# run as OPENCLAW_USER when root: new files belong to that user
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 755 "$TMP"
	# libgit2 refuses a local-path remote owned by another user, as git
	# does: the nobody workspace gets a remote of its own
	N=$TMP/nobody-ws R2=$TMP/nobody-remote.git
	must git clone -q --bare "$R" "$R2"
	must git clone -q "$R2" "$N"
	must chown -R nobody "$N" "$R2"
	pcommit for-nobody.md 'owned by nobody'
	must git config --global --add safe.directory "$R2"
	must git -C "$P" push -q "$R2" main
	test_expect_code 0 'as OPENCLAW_USER: pull' env OPENCLAW_USER=nobody \
		ocf-sync -c "$TMP/ocf.conf" -C "$N" pull
	test_cmp_str 'as OPENCLAW_USER: new file owned by it' nobody \
		"$(stat -c %U "$N/for-nobody.md" 2>/dev/null)"
	test_cmp_str 'as OPENCLAW_USER: state written' ok "$(state_get PULL)"
	test_expect_code 3 'unknown OPENCLAW_USER: exit 3' \
		env OPENCLAW_USER=no-such-user-ocf ocf-sync -c "$TMP/ocf.conf" pull
else
	test_skip 'as OPENCLAW_USER' 'needs root and the user nobody'
fi

test_done
