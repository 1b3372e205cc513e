#!/bin/sh
# t2009-promote-channels.sh - a promotion is done when the gateway's
# channels are connected, not when /readyz is 200 (READY_CHECK).
#
# The real gateway with OpenClaw's IRC channel, gateway auth in token mode,
# its admin HTTP RPC on; a real IRC server (ngircd) and a watcher in the
# channel:
#   - the IRC server stopped: /readyz says 200 while the channel retries;
#     READY_CHECK=channels fails the promotion (exit 2) naming the channel
#     and its last error; READY_CHECK=readyz would call it a success;
#   - the server back: the promotion succeeds, the bot is in the channel;
#   - ocf-probe --channels: 0 while connected, 3 without the token, 2
#     once the server goes away;
#   - READY_CHECK=auto without the token falls back to /readyz, with a
#     warning: it promotes while the channel is down, as /readyz says;
#   - STANDBY_MODE=hot, the gateway running with its channel held down:
#     the IRC server stopped, the promotion (channels.start on the running
#     gateway) fails, exit 2, naming the channel, and the gateway stays
#     with its channel held; the server back, the promotion succeeds and
#     the demotion stops the channel (the bot QUITs) while the gateway
#     keeps running; without the token the RPC refuses us: exit 2 saying
#     so, and the gateway, whose channels cannot be held, is stopped.
# Every wait is bounded and generous (real gateways start slowly here).

. "$(dirname "$0")/lib.sh"
PORT_BASE=21900
. "$SRCDIR/test/promote.sh"
. "$SRCDIR/test/irc.sh"

irc_install || bail_out 'cannot install the IRC plugin'
[ -x "$TEST_HELPERS/ocf-ircwatch" ] || bail_out 'ocf-ircwatch is not built'
PI=$(pick_port 16787) || bail_out 'no free port for the IRC server'

TOKEN=ocf-t2009-$$-secret
(umask 077 && printf '%s\n' "$TOKEN" >"$TMP/gw.token") ||
	bail_out 'cannot write the token file'
irc_home sb "$PI" ocfbot2 '#ocf2' "$TOKEN" || bail_out 'no gateway home'
# up to ~80 s to /readyz on a loaded machine, then the channel
READY_TIMEOUT=200
GATEWAY_TOKEN_FILE=$TMP/gw.token
READY_CHECK=channels
export READY_TIMEOUT GATEWAY_TOKEN_FILE READY_CHECK

irc_server_start irc "$PI" || bail_out 'cannot start ngircd'
irc_watch ocfwatch "$PI" '#ocf2' || bail_out 'the watcher did not join'

# --- the chat server is down during the promotion ---------------------------

irc_server_stop irc || bail_out 'cannot stop ngircd'
t0=$(now)
# the whole READY_TIMEOUT is waited out: 90 s, not 200 (a cold start to
# /readyz took 19-20 s in CI, the channel never connects)
READY_TIMEOUT=90 ocf-promote >"$TMP/p1.out" 2>"$TMP/p1.err"
rc=$?
printf '# READY_CHECK=channels, IRC server down: exit %s after %s s\n' \
	"$rc" "$(elapsed "$t0")"
test_cmp_str 'IRC server down: the promotion fails, exit 2' 2 "$rc" ||
	sed 's/^/#   /' "$TMP/p1.out" "$TMP/p1.err"
test_cmp_str 'ROLE=failed' failed "$(state_get ROLE)"
test_grep 'the error names the channel account' 'irc/default' "$TMP/p1.err"
test_grep "the error gives the channel's last error" 'ECONNREFUSED' \
	"$TMP/p1.err"
test_grep 'LAST_ERROR names it too' 'irc/default' "$STATE_DIR/state"
test_cmp_str 'no gateway is left running' 0 "$(nmarked)"

# auto without the token: the RPC refuses us, /readyz alone decides, and
# says ready while the chat server is still down
t0=$(now)
GATEWAY_TOKEN_FILE='' READY_CHECK=auto ocf-promote >"$TMP/p2.out" \
	2>"$TMP/p2.err"
rc=$?
printf '# READY_CHECK=auto, no token (so /readyz), IRC down: exit %s after %s s\n' \
	"$rc" "$(elapsed "$t0")"
test_cmp_str 'READY_CHECK=auto, RPC refuses: falls back to /readyz, exit 0' \
	0 "$rc" || sed 's/^/#   /' "$TMP/p2.out" "$TMP/p2.err"
test_grep '... with a warning naming why' \
	'channels not checked, ready by /readyz alone: .*HTTP 401' "$TMP/p2.err"
test_expect_code 2 '... though the channel is down (ocf-probe --channels)' \
	ocf-probe --channels --local -q
test_expect_code 0 'demote' ocf-demote

# --- the chat server is back ------------------------------------------------

irc_server_start irc "$PI" || bail_out 'cannot start ngircd again'
irc_watch ocfwatch2 "$PI" '#ocf2' || bail_out 'the watcher did not join'
t0=$(date +%s%3N)
test_expect_code 0 'IRC server up: the promotion succeeds' ocf-promote
t1=$(date +%s%3N)
test_ok "the bot is in #ocf2" irc_wait ocfwatch2 JOIN ocfbot2 30
printf '# READY_CHECK=channels: promotion %s ms; bot JOIN at +%s ms\n' \
	$((t1 - t0)) $(($(irc_time ocfwatch2 JOIN ocfbot2) - t0))
test_cmp_str 'ROLE=active' active "$(state_get ROLE)"

test_expect_code 0 'ocf-probe --channels --local: connected' \
	ocf-probe --channels --local
test_expect_code 3 'ocf-probe --channels without the token: unknown' \
	ocf-probe --channels "http://127.0.0.1:$P"
test_expect_code 0 'ocf-probe --channels -T tokenfile: connected' \
	ocf-probe --channels -T "$TMP/gw.token" "http://127.0.0.1:$P"
ocf-probe --channels --local --json >"$TMP/probe.json"
test_grep '--json lists the account, connected' \
	'"channel":"irc","account":"default","connected":true' "$TMP/probe.json"

# /readyz stays 200 while the channel retries: the server goes away
irc_server_stop irc || bail_out 'cannot stop ngircd'
probe_is() {
	ocf-probe --channels --local -q
	[ $? = "$1" ]
}
test_ok 'IRC server gone: ocf-probe --channels says 2' wait_until 60 probe_is 2
test_expect_code 0 '... while /readyz still says ready' ocf-probe --local -q

test_expect_code 0 'demote' ocf-demote

# --- STANDBY_MODE=hot: 0 "reachable" reports while the chat server is down ---

STANDBY_MODE=hot
export STANDBY_MODE
irc_server_start irc "$PI" || bail_out 'cannot start ngircd again'
irc_watch ocfwatch3 "$PI" '#ocf2' || bail_out 'the watcher did not join'
test_expect_code 0 'hot: a promotion with no gateway running starts it (cold path)' \
	ocf-promote
test_ok "hot: the bot is in #ocf2" irc_wait ocfwatch3 JOIN ocfbot2 60
mark=$(irc_lines ocfwatch3)
test_expect_code 0 'hot: demote' ocf-demote
test_grep '... the channels stopped, the gateway kept' \
	'channels stopped, the gateway keeps running' "$TMP/err"
test_ok "hot: the bot QUITs" irc_wait ocfwatch3 QUIT ocfbot2 60 "$mark"
test_cmp_str 'hot: the gateway keeps running' 1 "$(marked_roots | wc -l)"
test_cmp_str 'HOT_GATEWAY=held' held "$(state_get HOT_GATEWAY)"
gw=$(state_get GATEWAY_PID)

irc_server_stop irc || bail_out 'cannot stop ngircd'
t0=$(now)
READY_TIMEOUT=30 ocf-promote >"$TMP/p3.out" 2>"$TMP/p3.err"
rc=$?
printf '# hot, IRC server down: exit %s after %s s\n' "$rc" "$(elapsed "$t0")"
test_cmp_str 'hot, IRC server down: the promotion fails, exit 2' 2 "$rc" ||
	sed 's/^/#   /' "$TMP/p3.out" "$TMP/p3.err"
test_grep '... naming the channel account' 'irc/default' "$TMP/p3.err"
test_cmp_str 'ROLE=failed' failed "$(state_get ROLE)"
test_cmp_str '... the hot gateway stays (same process group)' "$gw" \
	"$(state_get GATEWAY_PID)"
test_cmp_str '... its channel held down again' held \
	"$(state_get HOT_GATEWAY)"
irc_server_start irc "$PI" || bail_out 'cannot start ngircd again'
irc_watch ocfwatch4 "$PI" '#ocf2' || bail_out 'the watcher did not join'
t0=$(date +%s%3N)
test_expect_code 0 'hot, IRC server up: the promotion succeeds' ocf-promote
t1=$(date +%s%3N)
test_ok "hot: the bot is in #ocf2" irc_wait ocfwatch4 JOIN ocfbot2 60
printf '# hot promotion (channels.start + READY_CHECK=channels): %s ms; bot JOIN at +%s ms\n' \
	$((t1 - t0)) $(($(irc_time ocfwatch4 JOIN ocfbot2) - t0))
test_cmp_str '... on the same gateway' "$gw" "$(state_get GATEWAY_PID)"
mark=$(irc_lines ocfwatch4)
test_expect_code 0 'hot: demote' ocf-demote
test_ok "hot: the bot QUITs" irc_wait ocfwatch4 QUIT ocfbot2 60 "$mark"
test_cmp_str '... the gateway stays' "$gw" "$(state_get GATEWAY_PID)"

# the RPC refusing us is an error, never a fallback to /readyz; the
# gateway, whose channels cannot be held then, is stopped
GATEWAY_TOKEN_FILE='' READY_CHECK=auto ocf-promote >"$TMP/p4.out" \
	2>"$TMP/p4.err"
rc=$?
test_cmp_str 'hot, the RPC refuses us (no token): exit 2, no fallback' 2 "$rc"
test_grep '... saying why' 'STANDBY_MODE=hot: .*HTTP 401' "$TMP/p4.err"
test_cmp_str '... and the gateway is stopped' 0 "$(nmarked)"

test_done
