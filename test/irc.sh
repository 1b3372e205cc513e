# test/irc.sh - a real chat channel in a test: Debian's ngircd on
# 127.0.0.1, OpenClaw's IRC channel plugin in the gateway, and a watcher
# (ocf-ircwatch) sitting in the channel, so that "reachable" is the bot's
# JOIN as a user of the chat sees it.
#
# Source after lib.sh and gateway.sh:
#
#	. "$SRCDIR/test/gateway.sh"
#	. "$SRCDIR/test/irc.sh"
#	irc_install || bail_out 'no IRC plugin'
#
# The plugin (@openclaw/irc, from npm) is installed once per machine into a
# template gateway home under OCF_TEST_CACHE; each test copies it. Facts the
# helpers respect:
#   - the install records the absolute path of the plugin's files (in
#     openclaw.json's plugin index and state/openclaw.sqlite): a home built
#     elsewhere and renamed into place loses its plugin ("missing or has not
#     converged"), so the template is built at its final path, under a lock,
#     and a marker file written last says it is complete; the copies load
#     the plugin from the template;
#   - openclaw.json keeps the "meta" block the install wrote: a config
#     without it is silently restored from a backup, dropping the channel;
#     the helpers edit that file with jq, never rewrite it by hand;
#   - ngircd needs MaxPenaltyTime=0, or every JOIN waits about a second;
#     as root it drops to user nobody;
#   - a gateway's bot JOINs 15-45 s after its start on a loaded machine.
#
# Functions:
#   irc_install, irc_server_start, irc_server_stop, irc_home, irc_watch,
#   irc_lines, irc_wait, irc_time

IRC_TEMPLATE=$OCF_TEST_CACHE/irc-home

# irc_install
# Make sure ngircd, jq and the gateway are there and the template home
# IRC_TEMPLATE has the IRC plugin installed (once; about 30-50 s, needs the
# npm registry): test/install-irc.sh.
irc_install() {
	for _irc_t in ngircd jq flock; do
		command -v "$_irc_t" >/dev/null 2>&1 || {
			printf 'irc_install: %s not found (sh test/install-deps.sh)\n' \
				"$_irc_t" >&2
			return 1
		}
	done
	[ -n "${GW_PATH:-}" ] || gw_install || return 1
	[ -f "$IRC_TEMPLATE/.ocf-complete" ] && return 0
	OCF_TEST_CACHE=$OCF_TEST_CACHE sh "$SRCDIR/test/install-irc.sh" >/dev/null
}

# _irc_listening PORT: true if something listens on PORT
_irc_listening() {
	listening | grep -qx "$1"
}

# irc_server_start NAME PORT
# Run ngircd in the foreground on 127.0.0.1:PORT with a configuration of its
# own in TMP (none of /etc/ngircd), in a process group of its own tracked
# for cleanup; returns once it listens.
irc_server_start() {
	_irc_d=$TMP/$1-ircd
	irc_ngircd_conf "$_irc_d" "$2" || return 1
	rm -f "$_irc_d/pgid"
	# shellcheck disable=SC2016 # $$ is the inner sh's
	(
		setsid sh -c 'echo $$ >"$0" && exec ngircd -n -f "$1"' \
			"$_irc_d/pgid" "$_irc_d/ngircd.conf" \
			</dev/null >"$_irc_d/log" 2>&1 &
	)
	wait_until 5 test -s "$_irc_d/pgid" || {
		printf 'irc_server_start: ngircd did not start; see %s\n' \
			"$_irc_d/log" >&2
		return 1
	}
	track_pgid "$(cat "$_irc_d/pgid")"
	wait_until 10 _irc_listening "$2" || {
		printf 'irc_server_start: ngircd does not listen on %s; see %s\n' \
			"$2" "$_irc_d/log" >&2
		return 1
	}
}

# irc_server_stop NAME: SIGTERM to the server's group, wait for it to go
irc_server_stop() {
	_irc_pg=$(cat "$TMP/$1-ircd/pgid") || return 1
	kill -s TERM -- "-$_irc_pg" 2>/dev/null
	wait_until 10 _gw_gone "$_irc_pg"
}

# irc_home NAME IRC_PORT NICK CHANNEL [TOKEN]
# Create the home of gateway instance NAME (for gw_cmdline/gw_start) as a
# copy of the template, with the IRC channel on 127.0.0.1:IRC_PORT as NICK
# in CHANNEL and the admin HTTP RPC enabled (channels.status); with TOKEN,
# gateway auth in token mode with that token.
irc_home() {
	_gw_name "${1:-}" || return 1
	[ -f "$IRC_TEMPLATE/.ocf-complete" ] || irc_install || return 1
	irc_gateway_home "$IRC_TEMPLATE" "$TMP/$1-home" "$2" "$3" "$4" "${5:-}"
}

# irc_watch NAME IRC_PORT CHANNEL...
# Start a watcher (ocf-ircwatch, nick NAME) in the channels, its log in
# $TMP/NAME.irc; returns once it has joined the first channel.
irc_watch() {
	_irc_n=$1 _irc_p=$2
	shift 2
	_irc_l=$TMP/$_irc_n.irc
	: >"$_irc_l" || return 1
	# shellcheck disable=SC2016
	(
		setsid sh -c 'echo $$ >"$0" && exec "$@"' \
			"$TMP/$_irc_n.irc.pgid" ocf-ircwatch -n "$_irc_n" \
			-l "$_irc_l" -p "$_irc_p" -t 1800 "$@" \
			</dev/null >"$TMP/$_irc_n.irc.err" 2>&1 &
	)
	wait_until 5 test -s "$TMP/$_irc_n.irc.pgid" || return 1
	track_pgid "$(cat "$TMP/$_irc_n.irc.pgid")"
	irc_wait "$_irc_n" JOIN "$_irc_n" 10 0
}

# irc_lines NAME: print how many events watcher NAME has logged
irc_lines() {
	wc -l <"$TMP/$1.irc" | tr -d ' '
}

# _irc_seen LOG EVENT NICK FROM: true if LOG has "EVENT NICK" past line FROM
_irc_seen() {
	awk -v e="$2" -v n="$3" -v from="$4" '
		NR > from && $2 == e && $3 == n { found = 1 }
		END { exit !found }' "$1"
}

# irc_wait NAME EVENT NICK TIMEOUT [FROM]
# Wait until watcher NAME has logged EVENT (JOIN, PART, QUIT) of NICK after
# its line FROM (default 0, see irc_lines).
irc_wait() {
	wait_until "$4" _irc_seen "$TMP/$1.irc" "$2" "$3" "${5:-0}"
}

# irc_time NAME EVENT NICK [FROM]: print the time (ms since the epoch) of
# the first such event after line FROM
irc_time() {
	awk -v e="$2" -v n="$3" -v from="${4:-0}" '
		NR > from && $2 == e && $3 == n {
			split($1, t, "."); printf "%d%03d\n", t[1], t[2]; exit }' \
		"$TMP/$1.irc"
}
