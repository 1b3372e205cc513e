#!/bin/sh
# t7016-safety-env.sh - issue 10, item 9: the gateway (GATEWAY_CMD) gets a
# clean environment: PATH, HOME, USER, LOGNAME, LANG, LC_*, TZ as ocf has
# them, OPENCLAW_SUPERVISOR_MODE=external, OCF_GATEWAY_OF=<STATE_DIR>, and
# every OPENCLAW_* variable of ocf's environment.  Nothing else: not
# NOTIFY_URL (a webhook secret), not PRIMARY_URL, STATE_DIR or any other
# ocf key, not an unrelated variable such as SECRET_X.  A command that
# needs more says so itself (/usr/bin/env A=B cmd).
#
# The tools run under "env -i" with an environment the test spells out, so
# the expected environment is known exactly; the gateway's is read from
# /proc/PID/environ (no shell in between to add PWD or SHLVL).  Both
# ocf-promote and ocf-watch --once (FAIL_THRESHOLD=1) start a gateway.
# OPENCLAW_USER (an ocf key that is also an OPENCLAW_* name) comes from a
# configuration file, not from the environment.

. "$(dirname "$0")/lib.sh"

for _k in ocf-watch ocf-promote ocf-demote test/helpers/ocf-testsrv; do
	[ -x "$OCF_BIN/$_k" ] || bail_out "$OCF_BIN/$_k is missing (build first)"
done
unset _k

PDOWN=$(pick_port 27400) || bail_out 'no free port for the (down) primary'
PN=$(pick_port $((PDOWN + 1))) || bail_out 'no free port for the webhook'
P=$(pick_port $((PN + 1))) || bail_out 'no free port for the gateway'

STATE_DIR=$TMP/state
export STATE_DIR
. "$SRCDIR/test/marked.sh"

SRV=$TEST_HELPERS/ocf-testsrv
CONF=$TMP/ocf.conf
printf 'OPENCLAW_USER=\n' >"$CONF" || bail_out "cannot write $CONF"
mkdir -p "$TMP/home" || bail_out 'cannot create a HOME'

# the webhook receiver: NOTIFY_URL is in force for ocf itself
POSTS=$TMP/posts
(
	setsid "$SRV" -p "$PN" -o "$POSTS" -P "$TMP/hook.pid" </dev/null \
		>/dev/null 2>&1 &
)
wait_until 5 test -s "$TMP/hook.pid" || bail_out 'the webhook receiver did not start'
track_pgid "$(cat "$TMP/hook.pid")"
NOTIFY=http://127.0.0.1:$PN/hook/s3cr3t-token

# the environment every ocf tool runs with below: what the gateway may get
# (first) and what it must not (then)
base_env() {
	cat <<-EOF
	PATH=/usr/local/bin:/usr/bin:/bin
	HOME=$TMP/home
	USER=root
	LOGNAME=root
	LANG=C.UTF-8
	LC_TIME=C
	LC_MESSAGES=C
	TZ=UTC
	OPENCLAW_FOO=bar baz
	OPENCLAW_NO_AUTO_UPDATE=1
	EOF
}
ocf_env() {
	cat <<-EOF
	SECRET_X=1
	SSH_AUTH_SOCK=$TMP/agent.sock
	NOTIFY_URL=$NOTIFY
	STATE_DIR=$STATE_DIR
	PRIMARY_URL=http://127.0.0.1:$PDOWN
	GATEWAY_URL=http://127.0.0.1:$P
	GATEWAY_CMD=$GWCMD
	WORKSPACE=$TMP/none
	HOOKS_DIR=$TMP/hooks
	PROBE_TIMEOUT=0.5
	READY_TIMEOUT=10
	STOP_TIMEOUT=3
	FAIL_THRESHOLD=1
	FLAP_MAX=32
	EOF
}

# run TOOL [ARG...]: TOOL with exactly base_env, ocf_env and the lines of
# $TMP/extra.env as its environment
run() {
	_r_t=$1
	shift
	{ base_env; ocf_env; cat "$TMP/extra.env"; } >"$TMP/run.env"
	# one variable a line; "env -i" takes them as arguments, no shell
	# splits them (set -f: no globbing of the values either)
	set -f
	_r_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2046 # split on newlines on purpose
	env -i $(cat "$TMP/run.env") "$OCF_BIN/$_r_t" -c "$CONF" "$@"
	_r_rc=$?
	IFS=$_r_ifs
	set +f
	return "$_r_rc"
}

# gw_env FILE: the running gateway's environment, sorted, one a line
gw_env() {
	_ge=$(state_get GATEWAY_PID) || return 1
	tr '\0' '\n' <"/proc/$_ge/environ" | sort >"$1"
}

# lacks VAR FILE: FILE has no line VAR=... (and FILE is readable)
lacks() {
	[ -r "$2" ] && ! grep -q "^$1=" "$2"
}

# same_env DESC EXPECTED: the gateway's environment ($TMP/gw.env) is
# exactly the sorted lines of EXPECTED; the difference shown if not
same_env() {
	sort "$2" >"$TMP/want.env"
	test_ok "$1: exactly the contract's environment" \
		cmp -s "$TMP/want.env" "$TMP/gw.env" && return 0
	printf '#   diff expected actual:\n'
	diff "$TMP/want.env" "$TMP/gw.env" | sed -n '1,40s/^/#   /p'
	return 1
}

# env_checks DESC EXPECTED: the gateway's environment, piece by piece and
# then as a whole, against the sorted lines of EXPECTED
env_checks() {
	_ec_d=$1
	gw_env "$TMP/gw.env" || bail_out "$_ec_d: no gateway to read"
	for _ec_v in NOTIFY_URL SECRET_X; do
		test_ok "$_ec_d: no $_ec_v in the gateway's environment" \
			lacks "$_ec_v" "$TMP/gw.env"
	done
	_ec_keys=$(grep -E '^(STATE_DIR|PRIMARY_URL|GATEWAY_URL|GATEWAY_CMD|WORKSPACE|HOOKS_DIR|PROBE_TIMEOUT|READY_TIMEOUT|STOP_TIMEOUT|FAIL_THRESHOLD|FLAP_MAX)=' \
		"$TMP/gw.env" | sed 's/=.*//' | paste -sd' ' -)
	test_cmp_str "$_ec_d: no ocf key in the gateway's environment" '' \
		"$_ec_keys"
	test_ok "$_ec_d: no unrelated variable (SSH_AUTH_SOCK)" \
		lacks SSH_AUTH_SOCK "$TMP/gw.env"
	test_grep "$_ec_d: OPENCLAW_FOO is passed as it is" \
		'^OPENCLAW_FOO=bar baz$' "$TMP/gw.env"
	test_grep "$_ec_d: LC_TIME is passed" '^LC_TIME=C$' "$TMP/gw.env"
	test_grep "$_ec_d: OCF_GATEWAY_OF=<STATE_DIR>" \
		"^OCF_GATEWAY_OF=$STATE_DIR\$" "$TMP/gw.env"
	test_cmp_str "$_ec_d: OPENCLAW_SUPERVISOR_MODE=external, once" \
		'OPENCLAW_SUPERVISOR_MODE=external' \
		"$(grep '^OPENCLAW_SUPERVISOR_MODE=' "$TMP/gw.env")"
	same_env "$_ec_d" "$2"
}

# --- ocf-promote ----------------------------------------------------------------

GWCMD="$SRV -p $P -m ready"
: >"$TMP/extra.env"
test_expect_code 0 '(set up) ocf-promote under env -i starts the gateway' \
	run ocf-promote
track "$(state_get GATEWAY_PID)"
test_ok '(set up) NOTIFY_URL is in force for ocf: the webhook got a POST' \
	wait_until 3 test -s "$POSTS"
{
	base_env
	echo "OCF_GATEWAY_OF=$STATE_DIR"
	echo 'OPENCLAW_SUPERVISOR_MODE=external'
} >"$TMP/expect.env"
env_checks 'ocf-promote' "$TMP/expect.env"
test_expect_code 0 '(set up) ocf-demote' run ocf-demote
test_ok '(set up) the gateway is gone' no_marked

# --- ocf-watch --once, with more OPENCLAW_* and LC_* -----------------------------

cat >"$TMP/extra.env" <<EOF
OPENCLAW_SUPERVISOR_MODE=internal
OPENCLAW_DISABLE_BONJOUR=1
LC_ALL=C.UTF-8
UNRELATED=yes
EOF
test_expect_code 2 '(set up) ocf-watch --once (FAIL_THRESHOLD=1) promotes under env -i: exit 2 (primary down)' \
	run ocf-watch --once
test_cmp_str '(set up) active' active "$(state_get ROLE)"
track "$(state_get GATEWAY_PID)"
{
	base_env
	echo "OCF_GATEWAY_OF=$STATE_DIR"
	echo 'OPENCLAW_SUPERVISOR_MODE=external'
	echo 'OPENCLAW_DISABLE_BONJOUR=1'
	echo 'LC_ALL=C.UTF-8'
} >"$TMP/expect.env"
env_checks 'ocf-watch --once' "$TMP/expect.env"
test_ok 'ocf-watch --once: no UNRELATED' lacks UNRELATED "$TMP/gw.env"
test_expect_code 0 '(set up) ocf-demote' run ocf-demote

# --- a command that needs more says so itself -----------------------------------

GWCMD="/usr/bin/env A=B $SRV -p $P -m ready"
: >"$TMP/extra.env"
test_expect_code 0 '(set up) ocf-promote with GATEWAY_CMD=/usr/bin/env A=B ...' \
	run ocf-promote
track "$(state_get GATEWAY_PID)"
{
	base_env
	echo "OCF_GATEWAY_OF=$STATE_DIR"
	echo 'OPENCLAW_SUPERVISOR_MODE=external'
	echo 'A=B'
} >"$TMP/expect.env"
gw_env "$TMP/gw.env" || bail_out 'no gateway to read'
test_grep '/usr/bin/env A=B: A=B is passed' '^A=B$' "$TMP/gw.env"
same_env '/usr/bin/env A=B' "$TMP/expect.env"
test_expect_code 0 '(set up) ocf-demote' run ocf-demote
test_ok 'nothing marked is left' no_marked

test_done
