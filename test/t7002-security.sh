#!/bin/sh
# t7002-security.sh - what reaches a shell, where a token can show up, who
# may change what root runs:
#   - no system() or popen() in lib/ and cmd/;
#   - a token comes only from TOKEN_FILE: never in any process's argv, nor
#     in stdout, stderr, --json, the state file, hooks.log, gateway.log or
#     a child's environment;
#   - a token file readable by group or others (or not a regular file) is
#     UNKNOWN (3), quickly, and the watcher never counts that as a failure
#     of the primary;
#   - a world- or group-writable config file draws a warning naming it; a
#     world-writable STATE_DIR too; a new STATE_DIR is 0700;
#   - hooks run with the clean, documented environment; their output goes
#     to STATE_DIR/hooks.log (0600), so `ocf-promote -j` stays JSON;
#   - GATEWAY_CMD with shell metacharacters is never seen by a shell;
#   - as root with OPENCLAW_USER=nobody the gateway runs as uid 65534;
#   - a proxy in the environment never gets the probes.

. "$(dirname "$0")/lib.sh"

for _k in ocf-watch ocf-promote ocf-demote ocf-probe test/helpers/ocf-testsrv; do
	[ -x "$OCF_BIN/$_k" ] || bail_out "$OCF_BIN/$_k is missing (build first)"
done
unset _k

PP=$(pick_port 27200) || bail_out 'no free port for the primary'
PG=$(pick_port 27210) || bail_out 'no free port for the gateway'
PDOWN=$(pick_port 27220) || bail_out 'no free port for a down primary'

OPENCLAW_USER=
WORKSPACE=$TMP/none
HOOKS_DIR=$TMP/hooks
PROBE_TIMEOUT=0.5
READY_TIMEOUT=10
STOP_TIMEOUT=3
HOOK_TIMEOUT=5
HOLD_DOWN=0
FAIL_THRESHOLD=3
RISE_THRESHOLD=3
CHECK_INTERVAL=0.05
FAST_INTERVAL=0.05
STATE_DIR=$TMP/state
GATEWAY_URL=http://127.0.0.1:$PG
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $PG -m ready"
PRIMARY_URL=http://127.0.0.1:$PP
export OPENCLAW_USER WORKSPACE HOOKS_DIR PROBE_TIMEOUT READY_TIMEOUT \
	STOP_TIMEOUT HOOK_TIMEOUT HOLD_DOWN FAIL_THRESHOLD RISE_THRESHOLD \
	CHECK_INTERVAL FAST_INTERVAL STATE_DIR GATEWAY_URL GATEWAY_CMD PRIMARY_URL

# marked DIR: how many live processes carry OCF_GATEWAY_OF=DIR
marked() {
	grep -lzxF "OCF_GATEWAY_OF=$1" /proc/[0-9]*/environ 2>/dev/null |
		awk 'END { print NR }'
}

# marked_pid DIR: one of them
marked_pid() {
	grep -lzxF "OCF_GATEWAY_OF=$1" /proc/[0-9]*/environ 2>/dev/null |
		sed -n '1s|^/proc/\([0-9]*\)/environ$|\1|p'
}

kill_marked() {
	grep -lzF "OCF_GATEWAY_OF=$TMP/" /proc/[0-9]*/environ 2>/dev/null |
	while IFS= read -r _km_f; do
		_km_p=${_km_f#/proc/}
		_km_p=${_km_p%/environ}
		_km_g=$(ps -o pgid= -p "$_km_p" 2>/dev/null | tr -d ' ')
		if [ -n "$_km_g" ] && [ "$_km_g" -gt 1 ]; then
			kill -s KILL -- "-$_km_g" 2>/dev/null
		fi
	done
	return 0
}
at_exit kill_marked

# srv_start NAME PORT [ARG...]: ocf-testsrv in a group of its own, tracked
srv_start() {
	_ss_n=$1 _ss_p=$2
	shift 2
	rm -f "$TMP/$_ss_n.pid"
	(
		setsid ocf-testsrv -p "$_ss_p" -P "$TMP/$_ss_n.pid" "$@" \
			</dev/null >>"$TMP/$_ss_n.log" 2>&1 &
	)
	wait_until 5 test -s "$TMP/$_ss_n.pid" ||
		bail_out "ocf-testsrv $_ss_n did not start on port $_ss_p"
	track_pgid "$(cat "$TMP/$_ss_n.pid")"
}

set_mode() {
	printf '%s\n' "$2" >"$1.tmp" && mv -f "$1.tmp" "$1"
}

state_is() {
	[ "$(state_get "$1")" = "$2" ]
}

# is_json FILE: FILE is one JSON document
if command -v python3 >/dev/null 2>&1; then
	is_json() {
		python3 -c 'import json, sys; json.load(sys.stdin)' <"$1"
	}
else
	is_json() {
		[ "$(wc -l <"$1")" -eq 1 ] && grep -q '^{"status":".*}$' "$1"
	}
fi

PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$PP" -f "$PMODE"

# =====================================================================
# 1. no shell in the tree
# =====================================================================
grep -nE '(^|[^A-Za-z0-9_])(system|popen)[[:space:]]*\(' \
	"$SRCDIR"/lib/*.[ch] "$SRCDIR"/cmd/*.c >"$TMP/shell.grep"
test_cmp_str 'no system( or popen( in lib/ and cmd/' '' "$(cat "$TMP/shell.grep")"
grep -nE '"/bin/sh"|"sh", *"-c"|execl[pe]?\(' \
	"$SRCDIR"/lib/*.[ch] "$SRCDIR"/cmd/*.c >"$TMP/shell.grep"
test_cmp_str 'no /bin/sh, "sh -c" or execl* in lib/ and cmd/' '' \
	"$(cat "$TMP/shell.grep")"

# =====================================================================
# 2. the token: from the file only, never shown anywhere
# =====================================================================
TOKEN="ocf-t7002-tok-$$-$(date +%s%N)-Zq9"
printf '%s\n' "$TOKEN" >"$TMP/token"
chmod 600 "$TMP/token"
TOKEN_FILE=$TMP/token
export TOKEN_FILE

# hooks that record everything they are given
mkdir -p "$HOOKS_DIR"
cat >"$HOOKS_DIR/10-env" <<'HOOK'
#!/bin/sh
echo "hook-stdout $1"
echo "hook-stderr $1" >&2
/usr/bin/env | sed 's/^/hook-env /'
HOOK
chmod 755 "$HOOKS_DIR/10-env"

# a secret in the tools' environment, that no hook may see
OCF_T7002_SECRET="env-secret-$$-Xk2"
export OCF_T7002_SECRET

# the watcher, with the token file, in a loop; the primary goes down, the
# watcher promotes, the primary comes back, the watcher demotes
WLOG=$TMP/watch.log
ocf-watch -v >"$WLOG" 2>&1 </dev/null &
WPID=$!
stop_watch() {
	kill "$WPID" 2>/dev/null
	return 0
}
at_exit stop_watch
wait_until 5 state_is PRIMARY ok || bail_out 'the watcher does not see the primary'
# every process's argv, while the watcher runs
cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' >"$TMP/all-argv"
tr '\0' ' ' <"/proc/$WPID/cmdline" >"$TMP/watch-argv"
tr '\0' '\n' <"/proc/$WPID/environ" >"$TMP/watch-env"
set_mode "$PMODE" error500
test_ok 'token: the watcher promotes when the primary fails' \
	wait_until 10 state_is ROLE active
gpid=$(marked_pid "$STATE_DIR")
if [ -n "$gpid" ]; then
	tr '\0' '\n' <"/proc/$gpid/environ" >"$TMP/gw-env"
else
	: >"$TMP/gw-env"
fi
cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' >>"$TMP/all-argv"
set_mode "$PMODE" ready
test_ok 'token: and demotes when it is back' wait_until 10 state_is ROLE standby
kill "$WPID"
watch_gone() {
	! kill -0 "$WPID" 2>/dev/null
}
wait_until 5 watch_gone ||
	kill -s KILL "$WPID" 2>/dev/null
wait "$WPID" 2>/dev/null
test_ok 'token: the watcher argv is only its name and flags' \
	grep -qx 'ocf-watch -v ' "$TMP/watch-argv"
ocf-promote -j >"$TMP/promote.json" 2>"$TMP/promote.err"
ocf-demote -j >"$TMP/demote.json" 2>"$TMP/demote.err"
ocf-probe -j -v >"$TMP/probe.json" 2>"$TMP/probe.err"
ocf-probe -v "$PRIMARY_URL" >"$TMP/probe.out" 2>>"$TMP/probe.err"
ocf-watch --once -v >"$TMP/once.out" 2>"$TMP/once.err"
for f in all-argv watch-argv watch-env gw-env watch.log promote.json \
	promote.err demote.json demote.err probe.json probe.out probe.err \
	once.out once.err state/state state/hooks.log state/gateway.log; do
	if [ ! -e "$TMP/$f" ]; then
		test_skip "token: not in $f" "no $f"
	elif grep -qF "$TOKEN" "$TMP/$f"; then
		test_cmp_str "token: not in $f" 'absent' 'present'
	else
		test_ok "token: not in $f" true
	fi
done
test_ok 'token: the gateway got an environment to check' test -s "$TMP/gw-env"

# =====================================================================
# 3. the hooks: clean environment, output in hooks.log
# =====================================================================
HLOG=$STATE_DIR/hooks.log
test_grep 'hooks: their stdout lands in hooks.log' '^hook-stdout promote$' "$HLOG"
test_grep 'hooks: their stderr too' '^hook-stderr demote$' "$HLOG"
test_cmp_str 'hooks: hooks.log is 0600' 600 "$(stat -c %a "$HLOG")"
test_grep 'hooks: they see OCF_EVENT' '^hook-env OCF_EVENT=promote$' "$HLOG"
test_grep 'hooks: and a PATH' '^hook-env PATH=' "$HLOG"
# leader_sleep PID: PID is a sleep that leads its own process group
leader_sleep() {
	_ls=$(sed 's/^[0-9]* (\(.*\)) [A-Za-z] [0-9-]* \([0-9]*\) .*/\1 \2/' \
		"/proc/$1/stat" 2>/dev/null)
	[ "$_ls" = "sleep $1" ]
}

# lacks FILE STRING...: no STRING in FILE
lacks() {
	_lk_f=$1
	shift
	for _lk; do
		! grep -qF -e "$_lk" "$_lk_f" || return 1
	done
}
test_ok 'hooks: the secret in the environment is not visible to them' \
	lacks "$HLOG" OCF_T7002_SECRET "$OCF_T7002_SECRET"
# every variable a hook sees is documented (ocf(7), HOOKS) or set by sh
sed -n 's/^hook-env \([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$HLOG" | sort -u |
	grep -vxE 'PATH|HOME|USER|LOGNAME|LANG|TZ|PWD|SHLVL|_|OCF_(EVENT|OLD_ROLE|NEW_ROLE|TRANSITION|STATUS|REASON|NODE|STATE_DIR|PRIMARY_URL)' \
	>"$TMP/hook-extra"
test_cmp_str 'hooks: nothing but the documented variables (no config key, no TOKEN_FILE)' \
	'' "$(paste -sd' ' - <"$TMP/hook-extra")"
test_ok 'hooks: ocf-promote -j stdout is valid JSON' is_json "$TMP/promote.json"
test_ok 'hooks: ocf-demote -j stdout is valid JSON' is_json "$TMP/demote.json"
for f in promote.json promote.err demote.json demote.err watch.log; do
	test_ok "hooks: no hook output in the tools' $f" lacks "$TMP/$f" hook-
done
rm -rf "$HOOKS_DIR"

# =====================================================================
# 4. a token file that others can read, or that is not a file
# =====================================================================
STATE_DIR=$TMP/state-badtoken
PRIMARY_URL=http://127.0.0.1:$PDOWN	# down: a counted failure would promote
export STATE_DIR PRIMARY_URL
for m in 644 640 604; do
	chmod "$m" "$TMP/token"
	test_expect_code 3 "token file $m: ocf-probe exits 3 (UNKNOWN)" \
		ocf-probe -t 0.5
	test_grep "token file $m: says why, naming the file" \
		"$TMP/token.*readable by group or others" "$TMP/out"
done
chmod 644 "$TMP/token"
i=0 codes=''
while [ "$i" -lt 6 ]; do
	ocf-watch --once >"$TMP/out" 2>"$TMP/err"
	codes="$codes$?"
	i=$((i + 1))
done
test_cmp_str 'token file 644: six ocf-watch --once all exit 3' 333333 "$codes"
test_grep 'token file 644: ocf-watch --once says why' 'readable by group or others' \
	"$TMP/out"
test_cmp_str 'token file 644: not counted as a failure: standby, 0 fails, unknown' \
	'standby 0 unknown' \
	"$(state_get ROLE) $(state_get FAILS) $(state_get PRIMARY)"
test_cmp_str 'token file 644: no gateway started' 0 "$(marked "$STATE_DIR")"
test_expect_code 3 'token file 644: ocf-promote cannot check the primary: 3' \
	ocf-promote
chmod 600 "$TMP/token"
test_expect_code 2 'token file 600 again: the down primary counts (2)' \
	ocf-watch --once

# a FIFO: open() would wait for a writer forever
mkfifo -m 600 "$TMP/token.fifo"
t0=$(date +%s%3N)
test_expect_code 3 'token file is a FIFO: ocf-probe exits 3, not hang' \
	timeout -k 1 5 ocf-probe -t 0.5 -T "$TMP/token.fifo"
t1=$(date +%s%3N)
printf '# FIFO token: %s ms\n' $((t1 - t0))
mkdir -p "$TMP/token.dir"
chmod 700 "$TMP/token.dir"
test_expect_code 3 'token file is a directory: ocf-probe exits 3' \
	timeout -k 1 5 ocf-probe -t 0.5 -T "$TMP/token.dir"
test_expect_code 3 'token file missing: ocf-probe exits 3' \
	ocf-probe -t 0.5 -T "$TMP/token.nope"
test_grep 'token file missing: names it' "$TMP/token.nope" "$TMP/out"
unset TOKEN_FILE

# =====================================================================
# 5. who may change what root runs: config file, STATE_DIR
# =====================================================================
PRIMARY_URL=http://127.0.0.1:$PP
export PRIMARY_URL
printf 'PRIMARY_URL=http://127.0.0.1:%s\n' "$PP" >"$TMP/ocf.conf"
chmod 666 "$TMP/ocf.conf"
for t in ocf-probe ocf-promote 'ocf-watch --once'; do
	# shellcheck disable=SC2086 # "ocf-watch --once" is two words
	$t -c "$TMP/ocf.conf" >"$TMP/out" 2>"$TMP/err"
	test_grep "a world-writable config: $t warns, naming it" \
		"${t%% *}: warning: .*$TMP/ocf.conf.*writable" "$TMP/err"
done
chmod 664 "$TMP/ocf.conf"
ocf-probe -c "$TMP/ocf.conf" >"$TMP/out" 2>"$TMP/err"
test_grep 'a group-writable config: ocf-probe warns, naming it (the group chooses GATEWAY_CMD)' \
	"ocf-probe: warning: .*$TMP/ocf.conf.*writable" "$TMP/err"
chmod 644 "$TMP/ocf.conf"
test_expect_code 0 'a 0644 config: no warning' ocf-probe -c "$TMP/ocf.conf"
test_cmp_str 'a 0644 config: stderr empty' '' "$(cat "$TMP/err")"

STATE_DIR=$TMP/new/state
export STATE_DIR
test_expect_code 0 'a new STATE_DIR: ocf-demote creates it' ocf-demote
test_cmp_str 'a new STATE_DIR is 0700' 700 "$(stat -c %a "$STATE_DIR")"
# anyone may replace the state (GATEWAY_PID: which group root kills) or
# plant symbolic links for the logs in a world-writable directory
STATE_DIR=$TMP/open/state
export STATE_DIR
mkdir -p "$STATE_DIR"
chmod 777 "$STATE_DIR"
ocf-watch --once >"$TMP/out" 2>"$TMP/err"
test_grep 'a world-writable STATE_DIR: warned about or refused, naming it' \
	"(warning|error): .*$STATE_DIR.*writable" "$TMP/err"
# what that allows: nobody records a "gateway" (any process group with its
# start time) and root's ocf-demote kills it
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	# setsid execs sleep in place when it is not a group leader, which a
	# background job of a non-interactive sh is not
	setsid sleep 300 </dev/null >/dev/null 2>&1 &
	victim=$!
	wait_until 2 leader_sleep "$victim" || victim=''
	if [ -n "$victim" ]; then
		track_pgid "$victim"
		vstart=$(sed 's/.*) //' "/proc/$victim/stat" | awk '{ print $20 }')
		printf '%s\n' "VERSION='1'" "ROLE='active'" \
			"GATEWAY_PID='$victim'" "GATEWAY_START='$vstart'" '# end' \
			>"$TMP/planted"
		chmod 644 "$TMP/planted"
		# nobody must reach the directory: $TMP is 0700
		chmod 711 "$TMP" "$TMP/open"
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			cp "$TMP/planted" "$STATE_DIR/state.new" &&
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			mv -f "$STATE_DIR/state.new" "$STATE_DIR/state"
		chmod 700 "$TMP"
		test_cmp_str '(set up) nobody replaced the state in the open STATE_DIR' \
			"65534 $victim" "$(stat -c %u "$STATE_DIR/state") $(state_get GATEWAY_PID)"
		ocf-demote >"$TMP/planted.out" 2>&1
		test_ok 'a state planted by nobody does not make root kill another process group' \
			kill -0 "$victim" ||
			sed -n '1,5s/^/#   ocf-demote: /p' "$TMP/planted.out"
		kill "$victim" 2>/dev/null
	else
		test_skip 'planted state' 'could not start a victim process group'
	fi
else
	test_skip 'planted state' 'not root, or no setpriv'
fi

# =====================================================================
# 6. GATEWAY_CMD never reaches a shell
# =====================================================================
PW=$TMP/pwned
i=0
for cmd in "/bin/echo hi; touch $PW" \
	"/bin/echo \$(touch $PW)" \
	"/bin/echo \`touch $PW\`" \
	"/bin/echo hi | touch $PW" \
	"/bin/echo hi && touch $PW" \
	"/bin/echo hi > $PW"; do
	i=$((i + 1))
	STATE_DIR=$TMP/meta$i
	GATEWAY_CMD=$cmd
	READY_TIMEOUT=3
	export STATE_DIR GATEWAY_CMD READY_TIMEOUT
	test_expect_code 2 "GATEWAY_CMD '$cmd': the command exits, promotion fails (2)" \
		ocf-promote -f
	test_ok "GATEWAY_CMD '$cmd': no shell ran it (no file created)" \
		test ! -e "$PW"
	# the splitter takes "\x" as x: what /bin/echo printed, word by word
	want=$(printf '%s\n' "$cmd" | sed 's/^\/bin\/echo //')
	test_ok "GATEWAY_CMD '$cmd': echo got the metacharacters as words" \
		grep -qxF "$want" "$STATE_DIR/gateway.log" ||
		sed -n '1,5s/^/#   gateway.log: /p' "$STATE_DIR/gateway.log"
	rm -f "$PW"
done
READY_TIMEOUT=10
export READY_TIMEOUT

# =====================================================================
# 7. the gateway runs as OPENCLAW_USER
# =====================================================================
STATE_DIR=$TMP/asuser
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $PG -m ready"
OPENCLAW_USER=nobody
export STATE_DIR GATEWAY_CMD OPENCLAW_USER
if [ "$(id -u)" != 0 ]; then
	test_skip 'OPENCLAW_USER=nobody' 'not running as root'
elif ! getent passwd nobody >/dev/null; then
	test_skip 'OPENCLAW_USER=nobody' 'no user nobody'
elif command -v setpriv >/dev/null 2>&1 &&
	! setpriv --reuid=65534 --regid=65534 --clear-groups \
		test -x "$TEST_HELPERS/ocf-testsrv"; then
	test_skip 'OPENCLAW_USER=nobody' "nobody cannot run $TEST_HELPERS/ocf-testsrv"
else
	test_expect_code 0 'OPENCLAW_USER=nobody: ocf-promote' ocf-promote -f
	gpid=$(state_get GATEWAY_PID)
	if [ -n "$gpid" ] && [ -r "/proc/$gpid/status" ]; then
		test_cmp_str 'the gateway runs as uid 65534 (real, effective, saved, fs)' \
			'65534 65534 65534 65534' \
			"$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "/proc/$gpid/status")"
		test_cmp_str 'and gid 65534' '65534 65534 65534 65534' \
			"$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "/proc/$gpid/status")"
		test_cmp_str 'with none of root'\''s supplementary groups' '' \
			"$(awk '$1 == "Groups:" { for (i = 2; i <= NF; i++) if ($i == 0) print $i }' \
			"/proc/$gpid/status")"
		tr '\0' '\n' <"/proc/$gpid/environ" >"$TMP/nobody-env"
		test_grep 'its HOME is nobody'\''s' '^HOME=/nonexistent$' "$TMP/nobody-env"
		test_grep 'its USER is nobody' '^USER=nobody$' "$TMP/nobody-env"
	else
		test_cmp_str 'GATEWAY_PID recorded and alive' alive "dead '$gpid'"
	fi
	test_expect_code 0 'OPENCLAW_USER=nobody: ocf-demote' ocf-demote
fi
OPENCLAW_USER=
export OPENCLAW_USER

# =====================================================================
# 8. a proxy in the environment never gets the probes
# =====================================================================
STATE_DIR=$TMP/proxy
export STATE_DIR
test_expect_code 0 'http_proxy/HTTP_PROXY/ALL_PROXY set to a dead proxy: ocf-probe still 0' \
	env http_proxy="http://127.0.0.1:$PDOWN" HTTP_PROXY="http://127.0.0.1:$PDOWN" \
	ALL_PROXY="http://127.0.0.1:$PDOWN" all_proxy="http://127.0.0.1:$PDOWN" \
	ocf-probe -t 1
test_expect_code 0 'and ocf-watch --once too' \
	env http_proxy="http://127.0.0.1:$PDOWN" ALL_PROXY="http://127.0.0.1:$PDOWN" \
	ocf-watch --once

test_cmp_str 'no gateway left running' 0 \
	"$(grep -lzF "OCF_GATEWAY_OF=$TMP/" /proc/[0-9]*/environ 2>/dev/null |
	awk 'END { print NR }')"
test_done
