#!/bin/sh
# t7017-safety-owner.sh - issue 10, item 10: only processes owned by root
# or by OPENCLAW_USER count as this node's gateway.  A process of another
# user that carries OCF_GATEWAY_OF=<STATE_DIR> in its environment (anyone
# can put that in their own environment) is ignored: ocf-demote does not
# signal it, ocf-promote neither stops it nor is blocked by it, and
# `ocf-watch --once` does not "reconcile" it away.  A marked process of
# root, or of OPENCLAW_USER, is still stopped.
#
# Runs as root: the forged processes are started with setpriv as nobody
# (and daemon), each in a session of its own (setsid).

. "$(dirname "$0")/lib.sh"

for _k in ocf-watch ocf-promote ocf-demote test/helpers/ocf-testsrv; do
	[ -x "$OCF_BIN/$_k" ] || bail_out "$OCF_BIN/$_k is missing (build first)"
done
unset _k
[ "$(id -u)" = 0 ] || bail_out 'this test runs as root (it switches users)'
command -v setpriv >/dev/null || bail_out 'setpriv (util-linux) is missing'
for _u in nobody daemon; do
	id "$_u" >/dev/null 2>&1 || bail_out "the user $_u is needed"
done
unset _u
NOGROUP=$(id -gn nobody) || bail_out "no group for nobody"

PDOWN=$(pick_port 27500) || bail_out 'no free port for the (down) primary'
PUP=$(pick_port $((PDOWN + 1))) || bail_out 'no free port for the primary'
P=$(pick_port $((PUP + 1))) || bail_out 'no free port for the gateway'

STATE_DIR=$TMP/state
OPENCLAW_USER=
WORKSPACE=$TMP/none
HOOKS_DIR=$TMP/hooks
PRIMARY_URL=http://127.0.0.1:$PDOWN
GATEWAY_URL=http://127.0.0.1:$P
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P -m ready"
PROBE_TIMEOUT=0.5
READY_TIMEOUT=10
STOP_TIMEOUT=2
FAIL_THRESHOLD=1
RISE_THRESHOLD=1
HOLD_DOWN=0
# the manual transitions here must not latch the flap breaker
FLAP_MAX=32
export STATE_DIR OPENCLAW_USER WORKSPACE HOOKS_DIR PRIMARY_URL GATEWAY_URL \
	GATEWAY_CMD PROBE_TIMEOUT READY_TIMEOUT STOP_TIMEOUT FAIL_THRESHOLD \
	RISE_THRESHOLD HOLD_DOWN FLAP_MAX

. "$SRCDIR/test/marked.sh"

# forge NAME USER GROUP: a process of USER:GROUP (or root:root) that carries
# our mark, in a session and process group of its own; its pid in FORGED
# (also in $TMP/NAME.pid), tracked for cleanup
forge() {
	rm -f "$TMP/$1.pid"
	if [ "$2" = root ]; then
		set -- "$1" env "OCF_GATEWAY_OF=$STATE_DIR" sleep 120
	else
		set -- "$1" setpriv --reuid="$2" --regid="$3" --clear-groups \
			env "OCF_GATEWAY_OF=$STATE_DIR" sleep 120
	fi
	_fg_n=$1
	shift
	# shellcheck disable=SC2016 # $$ and $@ are the inner shell's
	setsid /bin/sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
		"$TMP/$_fg_n.pid" "$@" </dev/null >/dev/null 2>&1 &
	wait_until 5 test -s "$TMP/$_fg_n.pid" ||
		bail_out "the forged process $_fg_n did not start"
	FORGED=$(cat "$TMP/$_fg_n.pid")
	track_pgid "$FORGED"
	wait_until 5 carries_mark "$FORGED" ||
		bail_out "the forged process $_fg_n does not carry the mark"
}

# carries_mark PID: PID runs sleep (the exec chain is done) with the mark
carries_mark() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ] &&
		grep -qzxF "OCF_GATEWAY_OF=$STATE_DIR" "/proc/$1/environ" 2>/dev/null
}

# owner PID: the user name that owns PID
owner() {
	ps -o user= -p "$1" | tr -d ' '
}

alive() {
	_al=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	case $_al in
	''|Z*|X*)	return 1 ;;
	esac
	return 0
}

# forged_ok DESC NAME USER: a check that the forged process is what the
# test needs (set up)
forged_ok() {
	test_cmp_str "$1: (set up) a marked process of $3 runs" "$3 yes" \
		"$(owner "$FORGED") $(carries_mark "$FORGED" && echo yes)"
}

ready() {
	[ "$(http_code /readyz)" = 200 ]
}

# --- OPENCLAW_USER empty: only root's processes count -------------------------

test_ok '(set up) ocf-promote' ocf-promote
track "$(state_get GATEWAY_PID)"
test_ok '(set up) ocf-demote: a standby state, two transitions' ocf-demote
T0=$(state_get TRANSITIONS)

forge f1 nobody "$NOGROUP"
F1=$FORGED
forged_ok 'standby' f1 nobody
test_expect_code 0 'standby + a marked process of nobody: ocf-demote exits 0' \
	ocf-demote
test_grep 'standby: it says "already standby" (nothing of ours runs)' \
	'already standby' "$TMP/out"
test_ok "standby: the process of nobody was not signalled (still alive)" \
	alive "$F1"
test_cmp_str 'standby: ROLE=standby, no transition counted' "standby $T0" \
	"$(state_get ROLE) $(state_get TRANSITIONS)"

forge f2 nobody "$NOGROUP"
F2=$FORGED
forged_ok 'promotion' f2 nobody
test_expect_code 0 'a marked process of nobody does not block ocf-promote: exit 0' \
	ocf-promote
GW=$(state_get GATEWAY_PID)
track "$GW"
test_ok 'promotion: our gateway answers ready' ready
test_cmp_str 'promotion: ROLE=active, the gateway recorded is not the forged one' \
	'active yes' "$(state_get ROLE) $(differ "$GW" "$F2" && echo yes)"
test_ok 'promotion: the process of nobody was not signalled (still alive)' \
	alive "$F2"

forge f3 nobody "$NOGROUP"
F3=$FORGED
forged_ok 'active' f3 nobody
test_expect_code 0 'active + a marked process of nobody: ocf-demote exits 0' \
	ocf-demote
test_cmp_str 'active: ROLE=standby' standby "$(state_get ROLE)"
test_ok 'active: our gateway is gone' all_gone "$GW"
test_ok 'active: its port is closed' port_free "$P"
test_ok 'active: the process of nobody was not signalled (still alive)' \
	alive "$F3"

# a standby with a forged process and a ready primary: nothing to reconcile
PP=$TMP/primary.pid
(
	setsid ocf-testsrv -p "$PUP" -m ready -P "$PP" </dev/null \
		>/dev/null 2>&1 &
)
wait_until 5 test -s "$PP" || bail_out 'the primary did not start'
track_pgid "$(cat "$PP")"
forge f4 nobody "$NOGROUP"
F4=$FORGED
forged_ok 'ocf-watch --once' f4 nobody
T0=$(state_get TRANSITIONS)
PRIMARY_URL=http://127.0.0.1:$PUP test_expect_code 0 \
	'standby + a marked process of nobody + primary ready: ocf-watch --once exits 0' \
	ocf-watch --once
test_ok 'ocf-watch --once: the process of nobody was not signalled (still alive)' \
	alive "$F4"
test_cmp_str 'ocf-watch --once: ROLE=standby, no transition, not latched' \
	"standby $T0 0" \
	"$(state_get ROLE) $(state_get TRANSITIONS) $(state_get LATCHED)"
kill -s TERM -- "-$(cat "$PP")" 2>/dev/null
# (whether an assignment before a function call outlives it is unspecified)
PRIMARY_URL=http://127.0.0.1:$PDOWN
export PRIMARY_URL

# --- a forger that keeps respawning marked processes ------------------------------

# nobody's shell (not marked itself) starts a marked "sleep 2" in a session
# of its own every 20 ms, for at most 60 s: whoever treats those as ours
# finds "gateway processes keep appearing" and cannot promote
# (its pid file is written by root's shell before the switch to nobody)
# shellcheck disable=SC2016 # the inner shells expand these
setsid /bin/sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
	"$TMP/respawner.pid" \
	setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups /bin/sh -c '
	i=0
	while [ "$i" -lt 3000 ]; do
		setsid env "OCF_GATEWAY_OF=$1" sleep 2 &
		sleep 0.02
		i=$((i + 1))
	done' sh "$STATE_DIR" </dev/null >/dev/null 2>&1 &
wait_until 5 test -s "$TMP/respawner.pid" || bail_out 'the respawner did not start'
RS=$(cat "$TMP/respawner.pid")
track_pgid "$RS"
nobody_marked() {
	marked_procs | while read -r _nm_p _nm_pp _nm_g; do
		[ "$(owner "$_nm_p")" = nobody ] && echo "$_nm_p"
	done | wc -l | tr -d ' '
}
some_nobody_marked() {
	[ "$(nobody_marked)" -gt 0 ]
}
test_ok 'respawner: (set up) marked processes of nobody keep appearing' \
	wait_until 5 some_nobody_marked
test_expect_code 0 'a respawning forger does not block ocf-promote: exit 0' \
	ocf-promote
GW=$(state_get GATEWAY_PID)
track "$GW"
test_ok 'respawner: our gateway answers ready' ready
test_ok 'respawner: the forger itself was not signalled (still alive)' \
	alive "$RS"
test_expect_code 0 'respawner: ocf-demote exits 0' ocf-demote
test_ok 'respawner: our gateway is gone' all_gone "$GW"
kill -s KILL -- "-$RS" 2>/dev/null
no_nobody_marked() {
	[ "$(nobody_marked)" = 0 ]
}
wait_until 5 no_nobody_marked ||
	printf '# respawner: marked processes of nobody outlived it\n'

# --- a marked process of root is ours: stopped ---------------------------------

forge r1 root root
R1=$FORGED
forged_ok 'root' r1 root
forge f5 nobody "$NOGROUP"
F5=$FORGED
forged_ok 'root' f5 nobody
test_expect_code 0 'standby + marked processes of root and nobody: ocf-demote exits 0' \
	ocf-demote
test_ok "root: root's marked process is stopped" wait_until 2 all_gone "$R1"
test_ok "root: nobody's is not (still alive)" alive "$F5"

# --- OPENCLAW_USER=nobody: nobody's processes count, daemon's do not ------------

OPENCLAW_USER=nobody
export OPENCLAW_USER
forge d1 daemon daemon
D1=$FORGED
forged_ok 'OPENCLAW_USER=nobody' d1 daemon
forge n1 nobody "$NOGROUP"
N1=$FORGED
forged_ok 'OPENCLAW_USER=nobody' n1 nobody
test_expect_code 0 'OPENCLAW_USER=nobody: ocf-demote exits 0' ocf-demote
test_ok "OPENCLAW_USER=nobody: nobody's marked process is stopped" \
	wait_until 2 all_gone "$N1"
test_ok "OPENCLAW_USER=nobody: daemon's marked process is not (still alive)" \
	alive "$D1"

test_done
