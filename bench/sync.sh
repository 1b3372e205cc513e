#!/bin/sh
# bench/sync.sh - the sync row of `make bench` (bench/run.sh runs it; it
# also runs alone): a 10,000-file workspace whose remote moved on by 100
# changed files while the workspace changed 100 others, merged and pushed
# back, by
#   ocf:  ocf-sync push   (commit, push refused, fetch, merge, push)
#   git:  git add -A && git commit && git pull --no-rebase && git push
# both against the same bare origin on a local path, the same histories,
# in the same run, alternating which goes first; median of RUNS.  Prints
# one Markdown table row on standard output, progress on standard error.
# Fails only on errors, never on timing.
#   OCF_BIN           the built tools [../build]
#   BENCH_SYNC_RUNS   runs [3]
#   BENCH_SYNC_FILES  files in the workspace [10000]
#   BENCH_SYNC_CHANGE files changed on each side [100]

set -u
prog=bench-sync
root=$(cd "$(dirname "$0")/.." && pwd -P) || exit 3
OCF_BIN=${OCF_BIN:-$root/build}
PATH=$OCF_BIN:$PATH
export PATH
RUNS=${BENCH_SYNC_RUNS:-3}
FILES=${BENCH_SYNC_FILES:-10000}
CHANGE=${BENCH_SYNC_CHANGE:-100}
case $RUNS$FILES$CHANGE in
*[!0-9]*) printf '%s: error: runs and sizes are numbers\n' "$prog" >&2; exit 3 ;;
esac

die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 2
}
say() {
	printf '%s\n' "$*" >&2
}
command -v ocf-sync >/dev/null 2>&1 || die "'ocf-sync' not found in $OCF_BIN"
command -v git >/dev/null 2>&1 || die 'git is needed for the baseline'

tmp=$(mktemp -d /tmp/ocf-bench-sync.XXXXXX) || die 'unable to create a temporary directory'
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# nothing from the caller may change git's or ocf's behaviour
HOME=$tmp/home
GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
export HOME GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
mkdir -p "$HOME" || die 'unable to create HOME'
git config --global pull.rebase false
git config --global init.defaultBranch main

O=$tmp/origin.git
# files DIR FIRST LAST TAG: write files FIRST..LAST of the workspace
files() {
	LC_ALL=C awk -v dir="$1" -v a="$2" -v b="$3" -v tag="$4" 'BEGIN {
		for (i = a; i <= b; i++) {
			d = sprintf("%s/memory/%03d", dir, i % 100)
			if (!(d in made)) { system("mkdir -p " d); made[d] = 1 }
			p = sprintf("%s/n%05d.md", d, i)
			printf "note %d\nwritten %s\n", i, tag > p
			close(p)
		}
	}' || die "unable to write files in $1"
}
must() {
	"$@" >/dev/null 2>&1 || die "failed: $*"
}

say "5. sync: $FILES files, $CHANGE changed on each side, $RUNS runs each"
must git init -q --bare "$O"
must git clone -q "$O" "$tmp/seed"
files "$tmp/seed" 1 "$FILES" base
must git -C "$tmp/seed" add -A
must git -C "$tmp/seed" commit -q -m base
must git -C "$tmp/seed" push -q origin HEAD:main
base=$(git -C "$tmp/seed" rev-parse HEAD)
# the remote moved on: the first CHANGE files changed elsewhere
files "$tmp/seed" 1 "$CHANGE" remote
must git -C "$tmp/seed" commit -q -a -m remote
theirs=$(git -C "$tmp/seed" rev-parse HEAD)
must git -C "$tmp/seed" push -q origin HEAD:refs/bench/theirs
for w in ocf git; do
	must git clone -q "$O" "$tmp/$w"
done
printf 'OPENCLAW_USER=\nSTATE_DIR=%s\nWORKSPACE=%s\nNODE_NAME=bench\nSYNC_TIMEOUT=600\n' \
	"$tmp/state" "$tmp/ocf" >"$tmp/ocf.conf" || die 'unable to write ocf.conf'

now_ns() {
	date +%s%N
}
# reset W: the workspace at the base with its own CHANGE changed files,
# the origin's main at the remote's commit
reset() {
	must git -C "$O" update-ref refs/heads/main "$theirs"
	must git -C "$tmp/$1" reset -q --hard "$base"
	must git -C "$tmp/$1" update-ref "refs/remotes/origin/main" "$base"
	files "$tmp/$1" $((FILES - CHANGE + 1)) "$FILES" "local $1"
}
run_ocf() {
	ocf-sync -c "$tmp/ocf.conf" push >/dev/null 2>"$tmp/ocf.err" ||
		die "ocf-sync push: $(cat "$tmp/ocf.err")"
}
run_git() {
	(cd "$tmp/git" && git add -A && git commit -q -m local &&
		git pull -q --no-rebase --no-edit origin main &&
		git push -q origin HEAD:main) >/dev/null 2>"$tmp/git.err" ||
		die "git: $(cat "$tmp/git.err")"
}
# check W: main on the origin is W's merge of both sides
check() {
	[ "$(git -C "$O" rev-parse main)" = "$(git -C "$tmp/$1" rev-parse HEAD)" ] ||
		die "$1: the origin is not the merge"
	[ "$(git -C "$tmp/$1" rev-list --count "$theirs..HEAD")" -eq 2 ] ||
		die "$1: not one commit and one merge on top of the remote"
	[ -z "$(git -C "$tmp/$1" status --porcelain)" ] ||
		die "$1: the tree is not clean"
}
: >"$tmp/t-ocf"
: >"$tmp/t-git"
i=0
while [ "$i" -lt "$RUNS" ]; do
	order='ocf git'
	[ $((i % 2)) -eq 1 ] && order='git ocf'
	for w in $order; do
		reset "$w"
		sync
		t0=$(now_ns)
		"run_$w"
		t1=$(now_ns)
		check "$w"
		echo $(((t1 - t0) / 1000000)) >>"$tmp/t-$w"
	done
	i=$((i + 1))
done
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
m_ocf=$(median "$tmp/t-ocf")
m_git=$(median "$tmp/t-git")
say "   ocf: $(paste -sd ' ' "$tmp/t-ocf") ms; git: $(paste -sd ' ' "$tmp/t-git") ms"
printf '| 5. merge + push, %s files, %s changed on each side, median of %s | %s ms (git add, commit, pull --no-rebase, push) | %s ms (ocf-sync push) | %s |\n' \
	"$FILES" "$CHANGE" "$RUNS" "$m_git" "$m_ocf" \
	"$(awk -v a="$m_git" -v b="$m_ocf" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
