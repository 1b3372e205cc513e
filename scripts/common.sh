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
#   ocf_keys, ocf_scrub_env, listening, port_free, pick_port, wait_until

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
