#!/bin/sh
# t3002-sync-push: ocf-sync push with real git repositories: commit identity
# and message, git add -A semantics, and the standby pushing back while the
# primary also pushed: merged when the changes do not overlap, set aside on
# ocf/NODE with the checkout untouched and one sync-conflict event when
# they do; no force push ever, every commit of both sides ends up
# reachable from a ref of the remote.
. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/git.sh"
STATE_DIR=$TMP/state
R=$TMP/remote.git P=$TMP/primary S=$TMP/standby
printf 'OPENCLAW_USER=\nSTATE_DIR=%s\nWORKSPACE=%s\nNODE_NAME=standby1\n' \
	"$STATE_DIR" "$S" >"$TMP/ocf.conf" || bail_out 'cannot write ocf.conf'

pcommit() {
	must mkdir -p "$(dirname "$P/$1")"
	printf '%s\n' "$2" >"$P/$1" || bail_out "cannot write $P/$1"
	must git -C "$P" add "$1"
	must git -C "$P" commit -q -m "primary: $1"
	must git -C "$P" push -q origin main
}

# all_reachable CLONE...: every commit of every CLONE is reachable from
# some ref of the remote
all_reachable() {
	git -C "$R" rev-list --all | sort >"$TMP/remote-commits"
	for _c in "$@"; do
		git -C "$_c" rev-list --all
	done | sort -u >"$TMP/local-commits"
	[ -s "$TMP/local-commits" ] &&
		[ -z "$(comm -23 "$TMP/local-commits" "$TMP/remote-commits")" ]
}

git init -q --bare -b main "$R" || bail_out 'git init failed'
git clone -q "$R" "$P" 2>/dev/null || bail_out 'git clone failed'
git -C "$P" checkout -q -b main 2>/dev/null
pcommit MEMORY.md 'first memory'
pcommit old.md 'to be deleted'
printf 'cache/\n' >"$P/.gitignore"
must git -C "$P" add .gitignore
must git -C "$P" commit -q -m ignore
must git -C "$P" push -q origin main
git clone -q "$R" "$S" || bail_out 'git clone failed'

test_expect_code 0 'nothing to push' osync push
test_cmp_str 'nothing to push: detail' 'push: nothing to push' \
	"$(state_get SYNC_DETAIL)"
test_cmp_str 'nothing to push: no commit made' "$(head_of "$R" main)" \
	"$(head_of "$S")"

# a simulated demotion: the agent wrote memory, deleted a file, and left
# an ignored cache behind
mkdir -p "$S/memory" "$S/cache"
printf 'day one\n' >"$S/memory/2026-11-25.md"
printf 'later\n' >>"$S/MEMORY.md"
rm "$S/old.md"
printf 'junk\n' >"$S/cache/blob"
test_expect_code 0 'push: standby changes' osync push
test_cmp_str 'push: remote main is the new commit' "$(head_of "$S")" \
	"$(head_of "$R" main)"
test_cmp_str 'push: author' 'ocf on standby1 <ocf@standby1>' \
	"$(git -C "$R" log -1 --format='%an <%ae>' main)"
test_cmp_str 'push: committer' 'ocf on standby1 <ocf@standby1>' \
	"$(git -C "$R" log -1 --format='%cn <%ce>' main)"
git -C "$R" log -1 --format=%s main >"$TMP/subject"
test_grep 'push: message names node and UTC time' \
	'^ocf: workspace of standby1 at 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
	"$TMP/subject"
git -C "$R" ls-tree -r --name-only main >"$TMP/tree"
test_grep 'push: new file committed' '^memory/2026-11-25.md$' "$TMP/tree"
test_expect_code 1 'push: deletion committed' grep -q '^old.md$' "$TMP/tree"
test_expect_code 1 'push: ignored file left out' grep -q '^cache/' "$TMP/tree"
test_cmp_str 'push: tree clean afterwards (but ignored)' '' \
	"$(git -C "$S" status --porcelain)"
test_cmp_str 'push: PUSH=ok' ok "$(state_get PUSH)"
test_grep 'push: detail' 'committed 3 files; pushed to origin/main' \
	"$STATE_DIR/state"
test_expect_code 0 'push again: nothing to push' osync push

# both sides moved on: the primary pushed, the standby wrote memory; the
# changes do not overlap, so the standby merges and pushes (never forced)
git -C "$P" pull -q origin main || bail_out 'primary cannot pull'
pcommit primary.md 'primary wrote this'
primary_commit=$(head_of "$P")
printf 'day two\n' >"$S/memory/2026-11-26.md"
test_expect_code 0 'moved on, no conflict: push exits 0' osync push
test_grep 'moved on, no conflict: says so' \
	'committed 1 file; merged 1 commit of origin/main; pushed' \
	"$STATE_DIR/state"
test_cmp_str 'moved on, no conflict: main is our merge' "$(head_of "$S")" \
	"$(head_of "$R" main)"
test_cmp_str 'moved on, no conflict: first parent is our commit' \
	'day two' "$(git -C "$R" show main^1:memory/2026-11-26.md)"
test_cmp_str 'moved on, no conflict: second parent is the primary' \
	"$primary_commit" "$(head_of "$R" main^2)"
test_cmp_str 'moved on, no conflict: merge author' \
	'ocf on standby1 <ocf@standby1>' \
	"$(git -C "$R" log -1 --format='%an <%ae>' main)"
test_cmp_str 'moved on, no conflict: primary file checked out' \
	'primary wrote this' "$(cat "$S/primary.md" 2>/dev/null)"
test_cmp_str 'moved on, no conflict: tree clean' '' \
	"$(git -C "$S" status --porcelain)"
test_ok 'moved on, no conflict: every commit on the remote' \
	all_reachable "$P" "$S"
test_cmp_str 'moved on, no conflict: PUSH=ok' ok "$(state_get PUSH)"

# both sides changed MEMORY.md: a conflict; the checkout stays as it
# was, our commits go to ocf/standby1, one sync-conflict event
mkdir -p "$TMP/hooks"
cat >"$TMP/hooks/10-log" <<'HOOK'
#!/bin/sh
printf '%s|%s\n' "$OCF_EVENT" "$OCF_REASON" >>"${0%/hooks/*}/events"
HOOK
chmod +x "$TMP/hooks/10-log"
printf 'HOOKS_DIR=%s\n' "$TMP/hooks" >>"$TMP/ocf.conf"
must git -C "$P" pull -q origin main
pcommit MEMORY.md 'the primary remembers this'
primary_commit=$(head_of "$P")
printf 'the standby remembers that\n' >"$S/MEMORY.md"
(cd "$S" && find . -path ./.git -prune -o -type f -print | sort |
	xargs cat) >"$TMP/before"
test_expect_code 1 'conflict: push exits 1' osync push
test_grep 'conflict: names the file and the branch' \
	'conflict in MEMORY.md: kept the checkout as it was; pushed to ocf/standby1 for merging' \
	"$TMP/err"
standby_commit=$(head_of "$S")
test_cmp_str 'conflict: no force push: main is still the primary commit' \
	"$primary_commit" "$(head_of "$R" main)"
test_cmp_str 'conflict: standby commit is ocf/standby1' "$standby_commit" \
	"$(head_of "$R" ocf/standby1)"
git -C "$R" branch -a --contains "$standby_commit" >"$TMP/contains"
test_grep 'conflict: branch -a --contains the standby commit' 'ocf/standby1' \
	"$TMP/contains"
test_ok 'conflict: every commit of both sides is on the remote' \
	all_reachable "$P" "$S"
test_cmp_str 'conflict: PUSH=warning' warning "$(state_get PUSH)"
(cd "$S" && find . -path ./.git -prune -o -type f -print | sort |
	xargs cat) >"$TMP/after"
test_ok 'conflict: checkout byte for byte unchanged' \
	cmp -s "$TMP/before" "$TMP/after"
test_cmp_str 'conflict: nothing left to commit' '' \
	"$(git -C "$S" status --porcelain)"
test_cmp_str 'conflict: exactly one sync-conflict event' \
	'sync-conflict|conflict in MEMORY.md: kept the checkout as it was; pushed to ocf/standby1 for merging' \
	"$(cat "$TMP/events" 2>/dev/null)"

# more work while still in conflict: ocf/standby1 fast-forwards
printf 'day three\n' >"$S/memory/2026-11-27.md"
test_expect_code 1 'still in conflict: push exits 1' osync push
test_cmp_str 'still in conflict: ocf/standby1 moved forward' "$(head_of "$S")" \
	"$(head_of "$R" ocf/standby1)"
test_cmp_str 'still in conflict: main untouched' "$primary_commit" \
	"$(head_of "$R" main)"
test_ok 'still in conflict: every commit on the remote' all_reachable "$P" "$S"
test_cmp_str 'still in conflict: one event per conflicting push' 2 \
	"$(wc -l <"$TMP/events" | tr -d ' ')"

# somebody else moved ocf/standby1: a new timestamped branch, never over it
git -C "$P" push -q origin main:refs/heads/ocf/standby1 -f ||
	bail_out 'cannot move ocf/standby1'
printf 'day four\n' >"$S/memory/2026-11-28.md"
test_expect_code 1 'ocf/standby1 taken: push exits 1' osync push
test_grep 'ocf/standby1 taken: timestamped branch' \
	'pushed to ocf/standby1-[0-9]{8}T[0-9]{6}Z for merging' "$TMP/err"
test_cmp_str 'ocf/standby1 taken: not overwritten' "$primary_commit" \
	"$(head_of "$R" ocf/standby1)"
git -C "$R" for-each-ref --format='%(refname)' 'refs/heads/ocf/' >"$TMP/refs"
test_grep 'ocf/standby1 taken: new branch on the remote' \
	'^refs/heads/ocf/standby1-[0-9]{8}T[0-9]{6}Z$' "$TMP/refs"
test_ok 'ocf/standby1 taken: every commit on the remote' all_reachable "$P" "$S"

# an operator merges the standby's work: the next push sees it is there
git -C "$P" fetch -q origin || bail_out 'primary cannot fetch'
branch=$(sed -n 's|^refs/heads/\(ocf/standby1-.*\)$|\1|p' "$TMP/refs" | head -n 1)
git -C "$P" merge -q --no-edit "origin/$branch" >/dev/null 2>&1
printf 'both remembered\n' >"$P/MEMORY.md"
must git -C "$P" commit -q -a -m 'merged by hand'
must git -C "$P" push -q origin main
test_expect_code 0 'merged upstream: push exits 0' osync push
test_grep 'merged upstream: says so' 'already has our commits' \
	"$STATE_DIR/state"
test_expect_code 0 'merged upstream: pull fast-forwards' osync pull
test_cmp_str 'merged upstream: standby at main' "$(head_of "$R" main)" \
	"$(head_of "$S")"

# unreachable remote: exit 2, the commit stays in the workspace
git -C "$S" remote set-url origin "$TMP/gone.git"
printf 'offline\n' >"$S/memory/offline.md"
test_expect_code 2 'unreachable: push exits 2' osync push
test_grep 'unreachable: says so' "unable to push to 'origin'" "$TMP/err"
test_cmp_str 'unreachable: committed locally' '' \
	"$(git -C "$S" status --porcelain)"
test_cmp_str 'unreachable: commit has the file' 'offline' \
	"$(git -C "$S" show HEAD:memory/offline.md)"
test_cmp_str 'unreachable: PUSH=critical' critical "$(state_get PUSH)"
git -C "$S" remote set-url origin "$R"
test_expect_code 0 'reachable again: the kept commit goes out' osync push
test_cmp_str 'reachable again: on main' "$(head_of "$S")" "$(head_of "$R" main)"

# a push in the middle of a merge commits nothing
git -C "$S" pull -q origin main 2>/dev/null
printf 'left\n' >"$S/conflict.md"
git -C "$S" add conflict.md && git -C "$S" commit -q -m left
printf 'right\n' >"$P/conflict.md"
must git -C "$P" pull -q origin main
must git -C "$P" add conflict.md
must git -C "$P" commit -q -m right
must git -C "$P" push -q origin main
git -C "$S" pull -q --no-rebase origin main >/dev/null 2>&1
before=$(head_of "$S")
test_expect_code 1 'merge in progress: push exits 1' osync push
test_grep 'merge in progress: says so' 'in the middle of a merge' "$TMP/err"
test_cmp_str 'merge in progress: nothing committed' "$before" "$(head_of "$S")"

test_done
