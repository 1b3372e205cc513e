#!/bin/sh
# t3008-sync-property: ocf-sync's merge against the git CLI as the oracle,
# over random histories (test/prop/histories.awk, seeded): both sides add,
# change, delete and rename files, some of it conflicting, and in about a
# third of the cases our last commit is still uncommitted work in the tree.
# For every case, by turns with pull and with push:
#  - ocf-sync merges cleanly (exit 0) exactly when git does, and then its
#    tree is git's tree (git merge-tree --write-tree: the merge `git
#    merge` makes, without a checkout; every eighth case is also merged
#    with `git merge` in a checkout, which must agree), checked out, the tree clean (and with
#    push, the remote's branch is that merge);
#  - on a conflict, exit 1, the checkout byte for byte as it was, no merge
#    state left behind;
#  - afterwards every commit of either side is reachable from the local
#    branch or from a branch of the remote.
# PROP_CASES (default 200) and PROP_SEED (default 13) choose the run; a
# longer one: PROP_CASES=2000 T='t3008*' sh test/run.sh
. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/git.sh"
CASES=${PROP_CASES:-200} SEED=${PROP_SEED:-13}
case $CASES$SEED in
*[!0-9]*) bail_out "PROP_CASES and PROP_SEED are numbers" ;;
esac
R=$TMP/origin.git S=$TMP/ws O=$TMP/oracle
printf 'OPENCLAW_USER=\nSTATE_DIR=%s\nWORKSPACE=%s\nSYNC_TIMEOUT=60\n' \
	"$TMP/state" "$S" >"$TMP/ocf.conf" || bail_out 'cannot write ocf.conf'

git init -q --bare -b main "$R" || bail_out 'git init failed'
LC_ALL=C awk -v seed="$SEED" -v cases="$CASES" \
	-f "$SRCDIR/test/prop/histories.awk" >"$TMP/stream" ||
	bail_out 'cannot make the histories'
must git -C "$R" fast-import --quiet <"$TMP/stream"
# both repositories see the origin's objects (alternates), so that a case
# starts without a fetch; ocf-sync still fetches its branch itself
must git clone -q --shared "$R" "$S" 2>/dev/null
must git init -q "$O"
printf '%s/objects\n' "$R" >"$O/.git/objects/info/alternates" ||
	bail_out 'cannot write alternates'
# one line per case: i ours oursp theirs nours
git -C "$R" for-each-ref --format='%(refname) %(objectname)' |
	awk '
	$1 ~ /^refs\/heads\/case/ { i = substr($1, 16); t[i] = $2 }
	$1 ~ /^refs\/prop\/[0-9]+\/ours$/ { split($1, a, "/"); o[a[3]] = $2 }
	$1 ~ /^refs\/prop\/[0-9]+\/oursp$/ { split($1, a, "/"); p[a[3]] = $2 }
	$1 ~ /^refs\/prop\/[0-9]+\/n[0-9]$/ { split($1, a, "/"); n[a[3]] = substr(a[4], 2) }
	END { for (i in t) print i, o[i], p[i], t[i], n[i] }' |
	sort -n >"$TMP/cases" || bail_out 'cannot list the cases'
[ "$(wc -l <"$TMP/cases" | tr -d " ")" = "$CASES" ] || bail_out 'wrong number of cases'

# snapshot: every file of the checkout but .git, with its bytes' hash
snapshot() {
	find "$S" -path "$S/.git" -prune -o -type f -exec sha1sum {} + |
		LC_ALL=C sort -k 2
}

# reachable COMMIT BRANCH N: from the local branch (HEAD: ocf-sync never
# detaches it) or from a branch of the remote
reachable() {
	git -C "$S" merge-base --is-ancestor "$1" HEAD 2>/dev/null && return 0
	git -C "$R" merge-base --is-ancestor "$1" "refs/heads/$2" && return 0
	for _r in $(git -C "$R" for-each-ref --format='%(refname)' \
		"refs/heads/ocf/p$3" "refs/heads/ocf/p$3-*"); do
		git -C "$R" merge-base --is-ancestor "$1" "$_r" && return 0
	done
	return 1
}

clean=0 conflicting=0 bad=0 dirty=0 oracles=0
# fail DESC: one failed case, described (the first few in full)
fail() {
	bad=$((bad + 1))
	[ "$bad" -le 5 ] && printf '# case %s (%s%s): %s\n' "$i" "$mode" \
		"${start_dirty:+, dirty}" "$1"
}

while read -r i ours oursp theirs nours; do
	mode=pull
	# push with nothing of ours is no merge: it leaves the tree alone
	[ $((i % 2)) -eq 0 ] && [ "$nours" -gt 0 ] && mode=push
	start_dirty=''
	[ "$nours" -gt 0 ] && [ $((i % 3)) -eq 0 ] && start_dirty=1
	if [ -n "$start_dirty" ]; then
		# our last commit as work in the tree, not committed
		must git -C "$S" checkout -q -f -B "case$i" "$oursp"
		must git -C "$S" clean -q -fdx
		must git -C "$S" read-tree -u --reset "$ours"
		must git -C "$S" reset -q
		dirty=$((dirty + 1))
	else
		must git -C "$S" checkout -q -f -B "case$i" "$ours"
		must git -C "$S" clean -q -fdx
	fi
	snapshot >"$TMP/before"
	NODE_NAME=p$i ocf-sync -c "$TMP/ocf.conf" "$mode" >/dev/null 2>"$TMP/err"
	rc=$?
	# the oracle: git's own merge (ort) of the same two commits, as
	# `git merge-tree --write-tree` makes it without a checkout; every
	# eighth case, `git merge` in a checkout too, which must agree
	if want=$(git -C "$R" merge-tree --write-tree "$ours" "$theirs" 2>&1)
	then
		want=$(printf '%s\n' "$want" | sed -n 1p)
	elif [ $? -eq 1 ]; then
		want=conflict
	else
		bail_out "git merge-tree failed on case $i: $want"
	fi
	if [ $((i % 8)) -eq 1 ]; then
		git -C "$O" checkout -q -f --detach "$ours" 2>/dev/null ||
			bail_out "oracle cannot check out case $i"
		if git -C "$O" merge -q --no-edit "$theirs" >/dev/null 2>&1; then
			also=$(git -C "$O" rev-parse 'HEAD^{tree}')
		else
			also=conflict
			git -C "$O" reset -q --hard
		fi
		oracles=$((oracles + 1))
		[ "$also" = "$want" ] ||
			fail "git merge made $also, git merge-tree $want"
	fi
	if [ "$want" = conflict ]; then
		conflicting=$((conflicting + 1))
		if [ "$rc" -ne 1 ]; then
			fail "git merge conflicts, ocf-sync exit $rc: $(cat "$TMP/err")"
		elif ! grep -q 'conflict in ' "$TMP/err"; then
			fail "exit 1 but no conflict named: $(cat "$TMP/err")"
		else
			snapshot >"$TMP/after"
			cmp -s "$TMP/before" "$TMP/after" ||
				fail 'the checkout changed on a conflict'
			[ -e "$S/.git/MERGE_HEAD" ] && fail 'MERGE_HEAD left behind'
		fi
	else
		clean=$((clean + 1))
		got=$(git -C "$S" rev-parse 'HEAD^{tree}')
		if [ "$rc" -ne 0 ]; then
			fail "git merges cleanly, ocf-sync exit $rc: $(cat "$TMP/err")"
		elif [ "$got" != "$want" ]; then
			fail "tree $got, git merge made $want"
		elif [ -n "$(git -C "$S" status --porcelain)" ]; then
			fail 'the merge is not checked out whole'
		elif [ "$mode" = push ] && [ "$(git -C "$R" rev-parse "case$i")" != \
			"$(git -C "$S" rev-parse HEAD)" ]; then
			fail 'push: the remote branch is not our merge'
		fi
	fi
	# ours was never committed in a dirty case: its parent was
	[ -n "$start_dirty" ] && ours=$oursp
	[ "$(git -C "$S" symbolic-ref HEAD)" = "refs/heads/case$i" ] ||
		fail 'HEAD left the branch'
	for c in "$ours" "$theirs"; do
		reachable "$c" "case$i" "$i" ||
			fail "commit $c reachable from no branch"
	done
done <"$TMP/cases"

printf '# property: %s histories (seed %s): %s clean, %s conflicting; %s started dirty; %s checked with git merge as well\n' \
	"$CASES" "$SEED" "$clean" "$conflicting" "$dirty" "$oracles"
test_cmp_str "property: $CASES random histories agree with git merge" 0 "$bad"
test_ok 'property: both kinds of case met' \
	test "$clean" -gt 0 -a "$conflicting" -gt 0
test_done
