#!/bin/sh
# shellcheck disable=SC2016 # the hooks written here expand $1, $$ themselves
# Transition hooks (HOOKS_DIR): the executable regular files run in name
# order, with the event as argv[1] and the documented environment in a
# clean environment (nothing of ours leaks in); non-executable, hidden and
# backup files are not run; a failing hook changes no exit code and stops
# no other hook; a hanging hook is killed at HOOK_TIMEOUT with its whole
# process group, and the transition stays quick.  ocf-testsrv stands in
# for the gateway: these tests are about the hooks, not the gateway.
# (The webhook, NOTIFY_URL, is t2100-notify.sh.)

. "$(dirname "$0")/lib.sh"

P=$(pick_port 22200) || bail_out 'no free port'
[ -x "$TEST_HELPERS/ocf-testsrv" ] || bail_out "no $TEST_HELPERS/ocf-testsrv"

STATE_DIR=$TMP/state
OPENCLAW_USER=
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P -m ready"
GATEWAY_URL=http://127.0.0.1:$P
PRIMARY_URL=http://127.0.0.1:1
HOOKS_DIR=$TMP/hooks
WORKSPACE=$TMP/none
READY_TIMEOUT=10
STOP_TIMEOUT=5
HOOK_TIMEOUT=5
NODE_NAME=node-t2005
export STATE_DIR OPENCLAW_USER GATEWAY_CMD GATEWAY_URL PRIMARY_URL HOOKS_DIR \
	WORKSPACE READY_TIMEOUT STOP_TIMEOUT HOOK_TIMEOUT NODE_NAME
# must not reach a hook: they run in a clean environment
SECRET_TEST_VAR=s3cr3t-t2005
export SECRET_TEST_VAR

. "$SRCDIR/test/marked.sh"

# --- the hooks ----------------------------------------------------------------

mkdir -p "$HOOKS_DIR" "$TMP/hooks2" "$TMP/rec"

# recorder NAME: an executable hook that appends "NAME EVENT" to
# $TMP/order and writes its argv[1] and environment to $TMP/rec/NAME.EVENT
recorder() {
	{
		printf '#!/bin/sh\n'
		printf 'echo "%s $1" >>"%s/order"\n' "$1" "$TMP"
		printf '{ echo "ARGV1=$1"; echo "ARGC=$#"; env; } >"%s/rec/%s.$1"\n' \
			"$TMP" "$1"
		printf 'echo "%s says hello on stdout"\n' "$1"
	} >"$HOOKS_DIR/$1"
	chmod 755 "$HOOKS_DIR/$1"
}
recorder 10-a
recorder 20-b
# a failing hook between them
printf '#!/bin/sh\necho "15-fail $1" >>"%s/order"\nexit 1\n' "$TMP" \
	>"$HOOKS_DIR/15-fail"
chmod 755 "$HOOKS_DIR/15-fail"
# never run: not executable, hidden, a backup, a directory
for f in 12-noexec .hidden 18-backup~; do
	printf '#!/bin/sh\necho "%s $1" >>"%s/order"\n' "$f" "$TMP" >"$HOOKS_DIR/$f"
done
chmod 644 "$HOOKS_DIR/12-noexec"
chmod 755 "$HOOKS_DIR/.hidden" "$HOOKS_DIR/18-backup~"
mkdir "$HOOKS_DIR/16-dir"

# order: the hooks that ran so far, one "NAME EVENT" a line, as one line
order() {
	tr '\n' ' ' <"$TMP/order" 2>/dev/null | sed 's/ $//'
}

# env_is DESC FILE VAR VALUE: FILE has the line VAR=VALUE
env_is() {
	if grep -qxF "$3=$4" "$2" 2>/dev/null; then
		test_ok "$1: $3=$4" true
	else
		test_ok "$1: $3=$4 (got: $(grep "^$3=" "$2" 2>/dev/null))" false
	fi
}

# clean_env DESC FILE: nothing but the kept variables and OCF_* (and what
# sh itself sets: PWD, SHLVL, _, OLDPWD)
clean_env() {
	_ce=$(sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$2" |
		grep -vxE 'ARGV1|ARGC|PATH|HOME|USER|LOGNAME|LANG|TZ|PWD|SHLVL|_|OLDPWD|OCF_(EVENT|OLD_ROLE|NEW_ROLE|TRANSITION|STATUS|REASON|NODE|STATE_DIR|PRIMARY_URL)' |
		tr '\n' ' ')
	test_cmp_str "$1: a clean environment (nothing else)" '' "$_ce"
	test_ok "$1: SECRET_TEST_VAR is not visible" \
		eval "! grep -q s3cr3t-t2005 '$2'"
	test_ok "$1: no ocf configuration key (GATEWAY_CMD, STATE_DIR) leaks" \
		eval "! grep -qE '^(GATEWAY_CMD|STATE_DIR|NODE_NAME)=' '$2'"
	test_ok "$1: not the gateway's mark either" \
		eval "! grep -q '^OCF_GATEWAY_OF=' '$2'"
}

# documented DESC FILE EVENT OLD NEW STATUS: the documented variables
documented() {
	env_is "$1" "$2" ARGV1 "$3"
	env_is "$1" "$2" ARGC 1
	env_is "$1" "$2" OCF_EVENT "$3"
	env_is "$1" "$2" OCF_OLD_ROLE "$4"
	env_is "$1" "$2" OCF_NEW_ROLE "$5"
	env_is "$1" "$2" OCF_STATUS "$6"
	env_is "$1" "$2" OCF_TRANSITION "$(state_get TRANSITIONS)"
	env_is "$1" "$2" OCF_NODE node-t2005
	env_is "$1" "$2" OCF_STATE_DIR "$STATE_DIR"
	env_is "$1" "$2" OCF_PRIMARY_URL "$PRIMARY_URL"
	test_grep "$1: OCF_REASON says what happened" '^OCF_REASON=.+' "$2"
	test_ok "$1: PATH is kept" grep -q '^PATH=' "$2"
	clean_env "$1" "$2"
}

# --- promote ------------------------------------------------------------------

t0=$(now)
test_ok 'promote with hooks, one of them failing: exit 0' ocf-promote -j
secs=$(elapsed "$t0")
test_cmp_str 'stdout is only the JSON result, no hook output in it' 1 \
	"$(grep -c . "$TMP/out")"
test_grep 'the failing hook is logged' "15-fail.*(failed|exit 1)" "$TMP/err"
test_ok "promote with quick hooks is quick ($secs s)" less "$secs" 5
track "$(state_get GATEWAY_PID)"
test_cmp_str 'the executable hooks ran in name order, the others not' \
	'10-a promote 15-fail promote 20-b promote' "$(order)"
documented '10-a on promote' "$TMP/rec/10-a.promote" promote standby active OK
documented '20-b on promote' "$TMP/rec/20-b.promote" promote standby active OK
test_grep 'OCF_REASON of a promotion says active' '^OCF_REASON=active' \
	"$TMP/rec/10-a.promote"
test_grep "the hooks' output goes to STATE_DIR/hooks.log" 'hello on stdout' \
	"$STATE_DIR/hooks.log"

# --- no change, no hooks ---------------------------------------------------------

: >"$TMP/order"
test_ok 'promote an active node: exit 0' ocf-promote
test_cmp_str 'no hook runs when nothing changes' '' "$(order)"

# --- demote -------------------------------------------------------------------

test_ok 'demote with hooks: exit 0' ocf-demote
test_cmp_str 'the hooks ran on demote, in order' \
	'10-a demote 15-fail demote 20-b demote' "$(order)"
documented '10-a on demote' "$TMP/rec/10-a.demote" demote active standby OK
test_grep 'OCF_REASON of a demotion says standby' '^OCF_REASON=standby' \
	"$TMP/rec/10-a.demote"
: >"$TMP/order"
test_ok 'demote a standby: exit 0' ocf-demote
test_cmp_str 'no hook runs for a standby staying standby' '' "$(order)"

# --- fail ----------------------------------------------------------------------

GATEWAY_CMD=/bin/false test_expect_code 2 'a failed promotion: exit 2' ocf-promote
test_cmp_str 'the hooks ran on the failure' \
	'10-a fail 15-fail fail 20-b fail' "$(order)"
documented '20-b on fail' "$TMP/rec/20-b.fail" fail standby failed CRITICAL
test_grep 'OCF_REASON of the failure says why' '^OCF_REASON=promotion failed' \
	"$TMP/rec/20-b.fail"
: >"$TMP/order"
test_ok 'demote the failed node: exit 0' ocf-demote
test_cmp_str 'the hooks ran for failed -> standby' \
	'10-a demote 15-fail demote 20-b demote' "$(order)"
env_is 'failed -> standby' "$TMP/rec/10-a.demote" OCF_OLD_ROLE failed

# --- hanging hooks: killed at HOOK_TIMEOUT -----------------------------------------

# 10-hang: a sleep in the foreground and one in the background, both in
# the hook's group; 20-stubborn ignores SIGTERM (so SIGKILL is needed);
# 30-after shows the hooks after them still run
printf '#!/bin/sh\necho $$ >"%s/hang.pgid"\n/bin/sleep 100 &\necho $! >"%s/hang.child"\nexec /bin/sleep 100\n' \
	"$TMP" "$TMP" >"$TMP/hooks2/10-hang"
printf '#!/bin/sh\ntrap "" TERM\necho $$ >"%s/stubborn.pgid"\n/bin/sleep 100\n' \
	"$TMP" >"$TMP/hooks2/20-stubborn"
printf '#!/bin/sh\necho "30-after $1" >"%s/after"\n' "$TMP" >"$TMP/hooks2/30-after"
chmod 755 "$TMP/hooks2/10-hang" "$TMP/hooks2/20-stubborn" "$TMP/hooks2/30-after"

HOOKS_DIR=$TMP/hooks2
HOOK_TIMEOUT=1
t0=$(now)
test_ok 'promote with hanging hooks (HOOK_TIMEOUT=1): exit 0' ocf-promote
secs=$(elapsed "$t0")
track "$(state_get GATEWAY_PID)"
test_grep 'the hanging hook is logged as killed' '10-hang.*killed' "$TMP/err"
test_grep 'the stubborn hook is logged as killed' '20-stubborn.*killed' "$TMP/err"
test_ok "bounded: two hung hooks cost a few seconds, not 200 ($secs s)" \
	less "$secs" 10
test_cmp_str 'the hook after them still ran' '30-after promote' \
	"$(cat "$TMP/after" 2>/dev/null)"
test_cmp_str 'the promotion happened' active "$(state_get ROLE)"
for f in hang.pgid hang.child stubborn.pgid; do
	[ -s "$TMP/$f" ] || bail_out "the hook did not write $f"
done
test_ok 'no process of the hanging hook'"'"'s group is left' \
	all_gone "$(cat "$TMP/hang.pgid")"
test_ok 'its background child is gone too' exited "$(cat "$TMP/hang.child")"
test_ok 'no process of the stubborn hook'"'"'s group is left' \
	all_gone "$(cat "$TMP/stubborn.pgid")"

test_ok 'demote (hooks hang again)' ocf-demote
test_cmp_str 'ROLE=standby' standby "$(state_get ROLE)"
test_cmp_str 'no marked process left' 0 "$(nmarked)"
test_ok 'no process of the hooks is left' \
	all_gone "$(cat "$TMP/hang.pgid")" "$(cat "$TMP/stubborn.pgid")"

# --- a missing hooks directory is no hooks -------------------------------------

HOOKS_DIR=$TMP/no-such-dir
test_ok 'promote with a missing HOOKS_DIR: exit 0' ocf-promote
test_ok 'demote with a missing HOOKS_DIR: exit 0' ocf-demote

test_done
