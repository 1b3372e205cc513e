#!/bin/sh
# t3006-sync-defects: defects found while trying the merging sync, each
# with the case that showed it:
#  - a git repository nested in the workspace: push skips it with a
#    warning and commits the rest (libgit2 refused the whole add);
#  - a stale .git/index.lock (a killed git): removed when it is older than
#    SYNC_TIMEOUT and nobody holds it open, kept otherwise;
#  - a fast-forward past SYNC_TIMEOUT: the checkout is never cut in half
#    (a half-updated tree would be committed as local work by the next
#    push).
. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/git.sh"
STATE_DIR=$TMP/state
R=$TMP/remote.git P=$TMP/primary S=$TMP/standby
printf 'OPENCLAW_USER=\nSTATE_DIR=%s\nWORKSPACE=%s\nNODE_NAME=standby1\n' \
	"$STATE_DIR" "$S" >"$TMP/ocf.conf" || bail_out 'cannot write ocf.conf'

git init -q --bare -b main "$R" || bail_out 'git init failed'
git clone -q "$R" "$P" 2>/dev/null || bail_out 'git clone failed'
must git -C "$P" checkout -q -b main
printf 'first\n' >"$P/MEMORY.md"
must git -C "$P" add MEMORY.md
must git -C "$P" commit -q -m first
must git -C "$P" push -q origin main
must git clone -q "$R" "$S"

# ---- a nested repository: skipped with a warning, the rest pushed
mkdir -p "$S/tools/helper" "$S/empty" "$S/memory"
must git -C "$S/tools/helper" init -q
printf 'x\n' >"$S/tools/helper/x"
must git -C "$S/tools/helper" add x
must git -C "$S/tools/helper" commit -q -m x
must git -C "$S/empty" init -q
printf 'day one\n' >"$S/memory/2026-11-25.md"
test_expect_code 0 'nested repository: push exits 0' osync push
test_grep 'nested repository: warns about it' \
	"warning: .*skipped 'tools/helper/': a git repository of its own is not synced" \
	"$TMP/err"
git -C "$R" ls-tree -r --name-only main >"$TMP/tree"
test_grep 'nested repository: the rest is pushed' '^memory/2026-11-25.md$' \
	"$TMP/tree"
test_expect_code 1 'nested repository: not committed' \
	grep -q '^tools\|^empty' "$TMP/tree"
test_grep 'nested repository: counted right' 'committed 1 file; pushed' \
	"$STATE_DIR/state"
printf 'day two\n' >"$S/memory/2026-11-26.md"
test_expect_code 0 'nested repository: the next push too' osync push
test_cmp_str 'nested repository: the next push reached main' \
	"$(head_of "$S")" "$(head_of "$R" main)"
rm -rf "$S/tools" "$S/empty"

# ---- stale .git/index.lock
L=$S/.git/index.lock
printf 'day three\n' >"$S/memory/2026-11-27.md"
: >"$L"
touch -d '-2 minutes' "$L" || bail_out 'touch -d failed'
# held open by a live process: never removed, whatever its age
sleep 600 3<"$L" &
holder=$!
# shellcheck disable=SC2016 # expanded by that sh
at_exit sh -c 'kill "$1" 2>/dev/null; exit 0' sh "$holder"
test_expect_code 2 'held lock: push exits 2' osync push
test_ok 'held lock: still there' test -e "$L"
kill "$holder" && wait "$holder" 2>/dev/null
# young: another git may be at work
touch "$L"
test_expect_code 2 'young lock: push exits 2' osync push
test_ok 'young lock: still there' test -e "$L"
# old and held by nobody: a killed git left it
touch -d '-2 minutes' "$L"
test_expect_code 0 'stale lock: push exits 0' osync push
test_grep 'stale lock: says so' \
	"warning: removed a stale lock '$L' \\([0-9]+s old, no process holds it\\)" \
	"$TMP/err"
test_ok 'stale lock: gone' test ! -e "$L"
test_cmp_str 'stale lock: pushed' "$(head_of "$S")" "$(head_of "$R" main)"
# the same for a pull
must git -C "$P" pull -q origin main
printf 'primary\n' >"$P/primary.md"
must git -C "$P" add primary.md
must git -C "$P" commit -q -m primary
must git -C "$P" push -q origin main
: >"$L"
touch -d '-2 minutes' "$L"
test_expect_code 0 'stale lock: pull exits 0' osync pull
test_cmp_str 'stale lock: pull fast-forwarded' "$(head_of "$R" main)" \
	"$(head_of "$S")"

# ---- a fast-forward that outlasts SYNC_TIMEOUT: 10000 files to check
# out, the objects fetched beforehand so that only the checkout is long
awk -v dir="$P" 'BEGIN { for (d = 0; d < 20; d++) for (f = 0; f < 500; f++) {
	p = sprintf("%s/big/d%d/f%d.md", dir, d, f)
	if (f == 0) system("mkdir -p " dir "/big/d" d)
	print "file " d " " f > p; close(p) } }' ||
	bail_out 'cannot write the big tree'
must git -C "$P" add -A
must git -C "$P" commit -q -m big
must git -C "$P" push -q origin main
must git -C "$S" fetch -q origin
printf 'SYNC_TIMEOUT=0.2\n' >>"$TMP/ocf.conf"
test_expect_code 0 'long checkout: pull exits 0' osync pull
test_cmp_str 'long checkout: at the remote branch' "$(head_of "$R" main)" \
	"$(head_of "$S")"
test_cmp_str 'long checkout: the tree is whole (nothing to commit)' '' \
	"$(git -C "$S" status --porcelain)"
test_cmp_str 'long checkout: every file written' 10000 \
	"$(find "$S/big" -type f | wc -l | tr -d ' ')"
sed -i '/^SYNC_TIMEOUT=/d' "$TMP/ocf.conf"
test_expect_code 0 'long checkout: the next push commits nothing' osync push
test_grep 'long checkout: nothing to push' 'push: nothing to push' \
	"$STATE_DIR/state"

test_done
