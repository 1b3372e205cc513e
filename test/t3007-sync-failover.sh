#!/bin/sh
# t3007-sync-failover: the workspace converges through a whole failover,
# with two real workspaces and a bare origin over a real sshd on loopback,
# and nothing done by hand: the primary writes, fails over, the standby
# pulls and writes, the primary comes back (its unit pulls before the
# gateway starts, its timer runs `ocf-sync sync`), the standby pushes on
# demotion.  After the standby's push and one run of the primary's timer,
# origin, primary and standby hold every commit and the same tree.  Then
# both edit the same lines of MEMORY.md: exit 1, both histories on the
# remote, both checkouts untouched, exactly one sync-conflict event (hook
# and webhook).
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/sshd.sh"

. "$SRCDIR/test/git.sh"
R=$TMP/origin.git P=$TMP/primary S=$TMP/standby
mkdir -p "$TMP/hooks" || bail_out 'cannot create TMP/hooks'

if ! sshd_start; then
	test_skip 'failover over ssh' "$SSHD_WHY"
	test_done
fi

# the webhook receiver: every POST, one line each
hook=$(pick_port 22300) || bail_out 'no free port'
ocf-testsrv -p "$hook" -m ready -o "$TMP/posts" -P "$TMP/hook.pid" 2>/dev/null &
at_exit kill $!
wait_until 5 test -s "$TMP/hook.pid" || bail_out 'webhook receiver did not start'
cat >"$TMP/hooks/10-log" <<'HOOK'
#!/bin/sh
printf '%s %s|%s\n' "$OCF_NODE" "$OCF_EVENT" "$OCF_REASON" >>"${0%/hooks/*}/events"
HOOK
chmod +x "$TMP/hooks/10-log"

# node NAME WORKSPACE: that node's ocf.conf
node() {
	printf '%s\n' OPENCLAW_USER= "STATE_DIR=$TMP/state-$1" \
		"WORKSPACE=$2" "NODE_NAME=$1" "SSH_KEY=$SSHD_KEY" \
		"SSH_KNOWN_HOSTS=$SSHD_KNOWN_HOSTS" SYNC_TIMEOUT=30 \
		"HOOKS_DIR=$TMP/hooks" "NOTIFY_URL=http://127.0.0.1:$hook/ocf" \
		>"$TMP/$1.conf" || bail_out "cannot write $1.conf"
}
node primary "$P"
node standby "$S"

# what each side's automation runs
primary_timer() {		# ocf-sync.service on the primary
	ocf-sync -c "$TMP/primary.conf" sync
}
primary_exec_start_pre() {	# the gateway unit's ExecStartPre=
	ocf-sync -c "$TMP/primary.conf" pull
}
standby_promote_pull() {	# what ocf-promote runs
	ocf-sync -c "$TMP/standby.conf" pull
}
standby_demote_push() {		# what ocf-demote runs
	ocf-sync -c "$TMP/standby.conf" push
}

# write WORKSPACE FILE TEXT: the agent writes a file
write() {
	mkdir -p "$(dirname "$1/$2")" || bail_out "cannot create for $2"
	printf '%s\n' "$3" >"$1/$2" || bail_out "cannot write $1/$2"
}

# snapshot WORKSPACE: every file but .git, names and bytes
snapshot() {
	(cd "$1" && find . -path ./.git -prune -o -type f -print | LC_ALL=C sort |
		while IFS= read -r f; do printf '== %s\n' "$f"; cat "$f"; done)
}

# all_hold: origin, primary and standby have the same commit, tree and
# files, and every commit of either side is in all three
all_hold() {
	o=$(head_of "$R" main)
	[ "$o" = "$(head_of "$P")" ] && [ "$o" = "$(head_of "$S")" ] &&
		[ -z "$(git -C "$P" status --porcelain)" ] &&
		[ -z "$(git -C "$S" status --porcelain)" ] &&
		[ "$(snapshot "$P")" = "$(snapshot "$S")" ] &&
		for c in $(git -C "$P" rev-list --all) $(git -C "$S" rev-list --all); do
			git -C "$R" merge-base --is-ancestor "$c" main || return 1
		done
}

# origin with a MEMORY.md of ten lines; both nodes clone it over ssh
git init -q --bare -b main "$R" || bail_out 'git init failed'
must git clone -q "$R" "$P" 2>/dev/null
must git -C "$P" checkout -q -b main
seq 1 10 | sed 's/^/memory line /' >"$P/MEMORY.md"
must git -C "$P" add MEMORY.md
must git -C "$P" commit -q -m start
must git -C "$P" push -q origin main
must git clone -q "$R" "$S"
for w in "$P" "$S"; do
	must git -C "$w" remote set-url origin "ssh://root@127.0.0.1:$SSHD_PORT$R"
done

# 1. the primary serves and writes; its timer pushes
write "$P" memory/day1.md 'primary, day one'
test_expect_code 0 'primary timer: exit 0' primary_timer
test_cmp_str 'primary timer: origin has day one' 'primary, day one' \
	"$(git -C "$R" show main:memory/day1.md 2>/dev/null)"

# 2. the primary writes once more and dies before its timer runs
write "$P" memory/day1-late.md 'primary, just before it died'
sed -i '1s/.*/memory line 1, changed by the primary/' "$P/MEMORY.md"

# 3. failover: the standby pulls as it is promoted, then serves and writes
test_expect_code 0 'failover: standby pull exits 0' standby_promote_pull
test_cmp_str 'failover: standby has day one' 'primary, day one' \
	"$(cat "$S/memory/day1.md" 2>/dev/null)"
write "$S" memory/day2.md 'standby, day two'
printf 'memory line 11, added by the standby\n' >>"$S/MEMORY.md"

# 4. the primary comes back: its unit pulls before the gateway starts,
# the gateway writes, the primary's timer runs while the standby still
# serves
test_expect_code 0 'primary back: ExecStartPre pull exits 0' \
	primary_exec_start_pre
write "$P" memory/day3.md 'primary, back again'
test_expect_code 0 'primary back: timer exits 0' primary_timer

# 5. failback: the standby stands down and pushes: the remote moved on,
# the changes do not overlap, so it merges and pushes
test_expect_code 0 'failback: standby push exits 0' standby_demote_push
test_grep 'failback: standby merged' 'merged 1 commit of origin/main; pushed' \
	"$TMP/state-standby/state"

# 6. one run of the primary's timer, and all three hold everything
test_expect_code 0 'after failback: primary timer exits 0' primary_timer
test_ok 'converged: origin, primary and standby hold every commit and the same tree' \
	all_hold
for f in memory/day1.md memory/day1-late.md memory/day2.md memory/day3.md; do
	test_ok "converged: $f everywhere" \
		git -C "$R" cat-file -e "main:$f"
done
test_cmp_str 'converged: MEMORY.md has both edits' \
	'memory line 1, changed by the primary|memory line 11, added by the standby' \
	"$(sed -n '1p;11p' "$S/MEMORY.md" | paste -sd '|')"
test_cmp_str 'converged: no ocf/ branch needed' '' \
	"$(git -C "$R" for-each-ref refs/heads/ocf/)"
test_cmp_str 'converged: no event' '' "$(cat "$TMP/events" 2>/dev/null)"

# 7. a conflict: both edit line 5 of MEMORY.md while the standby serves;
# the primary's timer pushed its edit before the standby stands down
sed -i '5s/.*/memory line 5, as the standby has it/' "$S/MEMORY.md"
sed -i '5s/.*/memory line 5, as the primary has it/' "$P/MEMORY.md"
test_expect_code 0 'conflict: primary timer pushes first' primary_timer
primary_head=$(head_of "$P")
snapshot "$S" >"$TMP/standby-before"
snapshot "$P" >"$TMP/primary-before"
test_expect_code 1 'conflict: standby push exits 1' standby_demote_push
test_grep 'conflict: names MEMORY.md' \
	'conflict in MEMORY.md: kept the checkout as it was; pushed to ocf/standby for merging' \
	"$TMP/err"
standby_head=$(head_of "$S")
# the primary's main is the remote's main: nothing for it to merge
test_expect_code 0 'conflict: primary timer still exits 0' primary_timer
test_cmp_str 'conflict: main is the primary history' "$primary_head" \
	"$(head_of "$R" main)"
test_cmp_str 'conflict: ocf/standby is the standby history' "$standby_head" \
	"$(head_of "$R" ocf/standby)"
snapshot "$S" >"$TMP/standby-after"
snapshot "$P" >"$TMP/primary-after"
test_ok 'conflict: standby checkout byte for byte unchanged' \
	cmp -s "$TMP/standby-before" "$TMP/standby-after"
test_ok 'conflict: primary checkout byte for byte unchanged' \
	cmp -s "$TMP/primary-before" "$TMP/primary-after"
test_cmp_str 'conflict: primary HEAD unchanged' "$primary_head" "$(head_of "$P")"
test_cmp_str 'conflict: no merge state on the standby' '' \
	"$(ls "$S/.git/MERGE_HEAD" 2>/dev/null)"
test_cmp_str 'conflict: exactly one sync-conflict event (hooks)' \
	'standby sync-conflict' "$(cut -d '|' -f 1 "$TMP/events")"
test_cmp_str 'conflict: exactly one sync-conflict event (webhook)' 1 \
	"$(grep -c '"event":"sync-conflict"' "$TMP/posts" 2>/dev/null)"
test_grep 'conflict: the webhook body names the node' \
	'"event":"sync-conflict","node":"standby"' "$TMP/posts"
test_grep 'conflict: the standby event names the file' \
	'^standby sync-conflict\|conflict in MEMORY.md' "$TMP/events"

test_done
