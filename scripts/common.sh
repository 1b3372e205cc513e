# scripts/common.sh - shell functions shared by scripts/ocf-demo,
# bench/run.sh and test/lib.sh (POSIX sh; sourced, never run):
#
#	. "$root/scripts/common.sh"
#
# It is not installed, and scripts/ocf-drill does not source it: the drill
# is installed alone into BINDIR and runs on a standby where no source tree
# is, so it stays one self-contained file.  What the drill needs of the
# configuration it asks the tools (--print-config), as these functions do.
#
# Internal names start with _ocf_ (test/lib.sh's convention).
#
# Functions:
#   ocf_keys, ocf_scrub_env, listening, port_free, pick_port, wait_until,
#   irc_ngircd_conf, irc_gateway_home, irc_join_time

# Not configuration keys, but libcurl and curl obey them: a proxy from the
# caller's environment would turn every loopback probe into a request to it.
OCF_PROXY_VARS='http_proxy HTTP_PROXY https_proxy HTTPS_PROXY
all_proxy ALL_PROXY no_proxy NO_PROXY'

# ocf_keys: print every configuration key, one a line, as the tools in
# $OCF_BIN know them (the first built tool's --print-config).  It runs in an
# empty environment with an empty file, so that neither a bad value in the
# caller's environment nor /etc/ocf/ocf.conf can make it fail.  Returns 2
# when no tool is built, 1 when the tool does not answer.
ocf_keys() {
	for _ocf_kt in "${OCF_BIN:?}"/ocf-*; do
		[ -f "$_ocf_kt" ] || continue
		[ -x "$_ocf_kt" ] || continue
		_ocf_kl=$(env -i "$_ocf_kt" -c /dev/null --print-config) &&
			[ -n "$_ocf_kl" ] || return 1
		printf '%s\n' "$_ocf_kl" | sed 's/=.*//'
		return 0
	done
	return 2
}

# ocf_scrub_env [NAME...]: unset every configuration key, the proxy
# variables and the NAMEs, so that nothing from the caller's environment
# changes what the tools do.  Fails, unsetting nothing, when ocf_keys does.
ocf_scrub_env() {
	_ocf_se_keys=$(ocf_keys) || return
	for _ocf_se_k in $_ocf_se_keys $OCF_PROXY_VARS "$@"; do
		unset "$_ocf_se_k"
	done
}

# listening: print the port of every listening TCP socket, IPv4 and IPv6,
# from /proc (no ss, no netstat)
listening() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '
		function hex(s,   i, n) {
			n = 0
			for (i = 1; i <= length(s); i++)
				n = n * 16 + index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1
			return n
		}
		$4 == "0A" { sub(/.*:/, "", $2); print hex($2) }'
}

# _ocf_is_uint STRING: true if STRING is a non-empty run of digits.
_ocf_is_uint() {
	case $1 in
	''|*[!0-9]*)	return 1 ;;
	esac
	return 0
}

# port_free PORT [SPAN]
# True if no TCP socket listens on PORT (on any address: a wildcard listener
# blocks 127.0.0.1 too), nor on any port up to PORT+SPAN (default 0).
# Returns 2, with a message, for a bad PORT or SPAN.
port_free() {
	_ocf_pf_span=${2:-0}
	if ! _ocf_is_uint "${1:-}" || ! _ocf_is_uint "$_ocf_pf_span"; then
		printf "port_free: bad port or span '%s' '%s'\n" "${1:-}" \
			"$_ocf_pf_span" >&2
		return 2
	fi
	listening | awk -v lo="$1" -v hi="$(($1 + _ocf_pf_span))" '
		$1 != "" && $1 + 0 >= lo && $1 + 0 <= hi { busy = 1 }
		END { exit busy }'
}

# pick_port BASE [SPAN]
# Print the first port BASE, BASE+120, BASE+240, ... that port_free accepts
# (with SPAN; a real gateway needs 110), trying at most 50 of them.
# The 120 step keeps two gateways' port ranges apart.
pick_port() {
	_ocf_is_uint "${1:-}" || {
		printf "pick_port: bad port '%s'\n" "${1:-}" >&2
		return 2
	}
	_ocf_pp=$1 _ocf_pp_i=0
	while [ "$_ocf_pp_i" -lt 50 ] && [ "$_ocf_pp" -le 65535 ]; do
		port_free "$_ocf_pp" "${2:-0}"
		case $? in
		0)	printf '%s\n' "$_ocf_pp"
			return 0
			;;
		2)	return 2 ;;
		esac
		_ocf_pp=$((_ocf_pp + 120)) _ocf_pp_i=$((_ocf_pp_i + 1))
	done
	printf 'pick_port: no free port from %s\n' "$1" >&2
	return 1
}

# _ocf_ms SECONDS: print SECONDS (decimals allowed) as whole milliseconds.
_ocf_ms() {
	case $1 in
	''|.|*[!0-9.]*|*.*.*)	return 1 ;;
	esac
	awk -v s="$1" 'BEGIN { printf "%d\n", s * 1000 + 0.5 }'
}

# wait_until TIMEOUT CMD [ARG...]
# Run CMD every OCF_WAIT_POLL seconds (default 0.1) until it succeeds
# (return 0) or TIMEOUT seconds (decimals allowed) have passed (return 1).
# CMD runs at least once; the deadline is wall-clock, so a slow CMD cannot
# stretch the wait.  Returns 2, with a message, for a bad TIMEOUT.
wait_until() {
	if [ $# -lt 2 ] || ! _ocf_wu_ms=$(_ocf_ms "$1"); then
		printf "usage: wait_until TIMEOUT CMD... (timeout '%s')\n" \
			"${1:-}" >&2
		return 2
	fi
	shift
	_ocf_wu_end=$(($(date +%s%3N) + _ocf_wu_ms))
	while :; do
		"$@" && return 0
		[ "$(date +%s%3N)" -lt "$_ocf_wu_end" ] || return 1
		sleep "${OCF_WAIT_POLL:-0.1}"
	done
}

# --- a real chat channel: IRC on loopback (test/irc.sh, the demo, the bench) --

# irc_ngircd_conf DIR PORT
# Write DIR/ngircd.conf (and DIR/motd) for Debian's ngircd on 127.0.0.1:PORT,
# a configuration of its own (none of /etc/ngircd), to run in the
# foreground (ngircd -n -f DIR/ngircd.conf).  MaxPenaltyTime=0, or every
# JOIN waits about a second; as root ngircd drops to user nobody, which
# must be able to write the pid file in DIR.
irc_ngircd_conf() {
	mkdir -p "$1/conf.d" || return 1
	[ "$(id -u)" != 0 ] || chown nobody "$1" 2>/dev/null
	printf 'ocf test server\n' >"$1/motd" || return 1
	cat >"$1/ngircd.conf" <<-EOF
	[Global]
	Name = irc.ocf.test
	Info = ocf test server
	AdminInfo1 = ocf tests
	AdminInfo2 = loopback only
	AdminEMail = root@localhost
	Listen = 127.0.0.1
	Ports = $2
	PidFile = $1/ngircd.pid
	MotdFile = $1/motd
	[Limits]
	MaxConnectionsIP = 0
	MaxPenaltyTime = 0
	[Options]
	PAM = no
	Ident = no
	DNS = no
	IncludeDir = $1/conf.d
	EOF
}

# irc_gateway_home TEMPLATE HOME IRC_PORT NICK CHANNEL [TOKEN]
# Make HOME (a gateway's HOME) a copy of the IRC template home
# (test/install-irc.sh), with the IRC channel on 127.0.0.1:IRC_PORT as NICK
# in CHANNEL and the admin HTTP RPC on (channels.status); with TOKEN,
# gateway auth in token mode.  openclaw.json is edited with jq, its "meta"
# block kept: a config without it is silently restored from a backup.
irc_gateway_home() {
	rm -rf "$2" && cp -a "$1" "$2" || return 1
	rm -f "$2/.ocf-complete"
	_ocf_gh=$2/.openclaw/openclaw.json
	jq --argjson port "$3" --arg nick "$4" --arg chan "$5" \
		--arg token "${6:-}" '
		.channels.irc = { enabled: true, host: "127.0.0.1",
			port: $port, tls: false, nick: $nick,
			channels: [$chan], groupPolicy: "open" }
		| .plugins.entries["admin-http-rpc"].enabled = true
		| if $token != "" then
			.gateway.auth = { mode: "token", token: $token }
		  else . end' "$_ocf_gh" >"$_ocf_gh.new" &&
		mv "$_ocf_gh.new" "$_ocf_gh"
}

# irc_join_time LOG NICK [AFTER]
# Print the time (epoch seconds, as ocf-ircwatch logs it) of the first JOIN
# of NICK in LOG at or after AFTER (epoch seconds, default 0); fail when
# there is none.
irc_join_time() {
	awk -v n="$2" -v t0="${3:-0}" '
		$2 == "JOIN" && $3 == n && $1 + 0 >= t0 + 0 { print $1; f = 1; exit }
		END { exit !f }' "$1" 2>/dev/null
}
