#!/bin/sh
# t4011-watch-hot.sh - STANDBY_MODE=hot as a user of the chat sees it: a
# real IRC server (ngircd on 127.0.0.1), a real primary and a real standby
# gateway with OpenClaw's IRC channel (different nicks and channels), a
# watcher sitting in both channels, ocf-watch on the standby in hot mode:
#   - at start the watcher starts the standby's gateway with its channels
#     fenced, then holds them: the gateway runs, its bot is not in the
#     channel (no JOIN for 10 s and more after it is ready), and the
#     gateway's openclaw.json has its channels as before;
#   - kill -9 of the primary: the standby's bot JOINs (channels.start on
#     the running gateway: decision -> JOIN is printed, goal <= 1 s);
#   - the primary back: the standby's bot QUITs, its gateway keeps running
#     (same process group);
#   - kill -9 of the hot gateway while standby: the watcher starts it
#     again, fenced, and the bot does not join; no transition is counted.
#
# Real gateways start slowly on a loaded machine (45-150 s to ready here):
# every wait is generous and bounded, no assertion is about time; the
# figures are printed as comments.

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/gateway.sh"
. "$SRCDIR/test/irc.sh"
. "$SRCDIR/test/watcher.sh"

irc_install || bail_out 'cannot install the IRC plugin'
[ -x "$TEST_HELPERS/ocf-ircwatch" ] || bail_out 'ocf-ircwatch is not built'
PI=$(pick_port 16907) || bail_out 'no free port for the IRC server'
P1=$(pick_port 25200 110) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120)) 110) || bail_out 'no free port for the standby'

# a boot here takes up to 150 s under load, then the channel
READY_TIMEOUT=300
STOP_TIMEOUT=30
HOLD_DOWN=2
PROBE_TIMEOUT=3
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
STANDBY_MODE=hot
READY_CHECK=channels
GATEWAY_CONFIG=$TMP/standby-home/.openclaw/openclaw.json
export READY_TIMEOUT STOP_TIMEOUT HOLD_DOWN PROBE_TIMEOUT PRIMARY_URL \
	GATEWAY_URL STANDBY_MODE READY_CHECK GATEWAY_CONFIG

irc_server_start irc "$PI" || bail_out 'cannot start ngircd'
irc_watch ocfwatch "$PI" '#ocf1' '#ocf2' ||
	bail_out "the watcher did not join (see $TMP/ocfwatch.irc*)"
irc_home primary "$PI" ocfbot1 '#ocf1' || bail_out 'no primary home'
irc_home standby "$PI" ocfbot2 '#ocf2' || bail_out 'no standby home'
GATEWAY_CMD=$(gw_cmdline standby "$P2") || bail_out 'no gateway command line'
export GATEWAY_CMD
jq -S .channels "$GATEWAY_CONFIG" >"$TMP/channels.orig" ||
	bail_out 'cannot read the standby config'

# channels_as_before: the standby's openclaw.json has its channels as the
# test wrote them (the fence undone), and its meta block
channels_as_before() {
	jq -S .channels "$GATEWAY_CONFIG" >"$TMP/channels.now" &&
		cmp -s "$TMP/channels.orig" "$TMP/channels.now" &&
		jq -e '.meta != null' "$GATEWAY_CONFIG" >/dev/null
}

# ms_of ISO8601: milliseconds since the epoch
ms_of() {
	date -d "$1" +%s%3N
}

# hot_rss: "KB N": the VmRSS of every process of the standby's gateway
# (the processes that carry its mark), summed, and how many there are
hot_rss() {
	for _p in $(marked_procs | awk '{ print $1 }'); do
		awk '/^VmRSS:/ { print $2 }' "/proc/$_p/status" 2>/dev/null
	done | awk '{ kb += $1; n++ } END { print kb + 0, n + 0 }'
}

t0=$(date +%s%3N)
gw_start primary "$P1" || bail_out 'cannot start the primary gateway'
test_ok "the primary's bot joins #ocf1" irc_wait ocfwatch JOIN ocfbot1 300
gw_wait_ready "$P1" 200 || bail_out "the primary is not ready (see $TMP/primary.log)"
printf '# primary start -> its bot JOIN: %s ms\n' \
	$(($(irc_time ocfwatch JOIN ocfbot1) - t0))

# --- the watcher starts the hot gateway, channels held down -----------------

t0=$(date +%s%3N)
watch_start ocf-watch -v
test_ok 'the hot gateway comes up with its channels held down' \
	wait_until 400 state_is HOT_GATEWAY held || show_log
t1=$(date +%s%3N)
printf '# watcher start -> hot gateway held: %s ms\n' $((t1 - t0))
test_cmp_str 'still standby' standby "$(state_get ROLE)"
test_cmp_str 'one gateway instance runs for the state dir' 1 "$(gateways)"
test_grep 'it was started fenced' \
	'the hot gateway is not running: starting it with its channels held down' \
	"$WLOG"
test_grep '... and armed once ready' 'gateway ready, its 1 channel account held down' \
	"$WLOG"
test_ok "the gateway's openclaw.json has its channels as before" \
	channels_as_before
sleep 10
test_ok "no JOIN of the standby's bot, 10 s after it was held" \
	test "$(irc_time ocfwatch JOIN ocfbot2)" = ''
# shellcheck disable=SC2046 # two words
set -- $(hot_rss)
printf '# idle hot gateway: VmRSS %s MB over %s processes\n' \
	$(($1 / 1024)) "$2"
test_cmp_str 'no transition counted' 0 "$(state_get TRANSITIONS)"
ocf-watch --status >"$TMP/status.out"
test_grep '--status says the hot gateway runs, channels held' \
	'^hot gateway: +running, channels held down' "$TMP/status.out"
pg=$(state_get GATEWAY_PID)

# --- kill -9 of the primary: the standby's bot joins ------------------------

mark=$(irc_lines ocfwatch)
wmark=$(wc -l <"$WLOG")
t0=$(date +%s%3N)
gw_kill primary KILL
test_ok "kill -9 of the primary: its bot QUITs" \
	irc_wait ocfwatch QUIT ocfbot1 30 "$mark"
test_ok 'the standby is promoted' \
	wait_until 300 state_is ROLE active || show_log
test_ok "the standby's bot joins #ocf2" \
	irc_wait ocfwatch JOIN ocfbot2 60 "$mark"
decided=$(sed -n "$((wmark + 1)),\$p" "$WLOG" |
	awk '/the primary is down: promoting/ { print $1; exit }')
joined=$(irc_time ocfwatch JOIN ocfbot2 "$mark")
if [ -n "$decided" ] && [ -n "$joined" ]; then
	d=$(ms_of "$decided")
	printf '# hot: kill -9 -> decision %s ms; decision -> standby bot JOIN %s ms (goal <= 1000)\n' \
		$((d - t0)) $((joined - d))
fi
test_cmp_str 'one transition counted' 1 "$(state_get TRANSITIONS)"
test_cmp_str 'the promotion kept the running gateway (same process group)' \
	"$pg" "$(state_get GATEWAY_PID)"
test_cmp_str 'HOT_GATEWAY=serving' serving "$(state_get HOT_GATEWAY)"
test_grep 'the channels were started on the running gateway' \
	'hot: channels.start irc/default' "$WLOG"

# --- the primary back: the standby's bot quits, its gateway stays -----------

mark=$(irc_lines ocfwatch)
gw_start primary "$P1" || bail_out 'cannot start the primary gateway again'
test_ok "the restarted primary's bot joins #ocf1 again" \
	irc_wait ocfwatch JOIN ocfbot1 300 "$mark"
gw_wait_ready "$P1" 200 || bail_out 'the restarted primary is not ready'
test_ok 'the primary is back: the standby is demoted' \
	wait_until 120 state_is ROLE standby || show_log
test_ok "the standby's bot QUITs" irc_wait ocfwatch QUIT ocfbot2 60 "$mark"
test_cmp_str 'its gateway keeps running (same process group)' \
	"$pg" "$(state_get GATEWAY_PID)"
test_ok '... alive' pgrp_alive "$pg"
test_cmp_str 'HOT_GATEWAY=held' held "$(state_get HOT_GATEWAY)"
test_cmp_str 'two transitions counted' 2 "$(state_get TRANSITIONS)"
test_ok "the primary's bot stays: no QUIT of ocfbot1 since it rejoined" \
	test "$(irc_time ocfwatch QUIT ocfbot1 "$mark")" = ''

# --- kill -9 of the hot gateway while standby -------------------------------

mark=$(irc_lines ocfwatch)
wmark=$(wc -l <"$WLOG")
for g in $(marked_pgids); do
	kill -s KILL -- "-$g" 2>/dev/null
done
# restarting: the watcher logged, since wmark, that it starts the gateway
restarting() {
	sed -n "$((wmark + 1)),\$p" "$WLOG" |
		grep -q 'the hot gateway is not running: starting it'
}
# held_again: another gateway than pg runs, its channels held
held_again() {
	[ "$(state_get GATEWAY_PID)" != "$pg" ] && state_is HOT_GATEWAY held
}
test_ok 'the watcher starts the hot gateway again' \
	wait_until 60 restarting || show_log
test_ok '... and holds its channels once it is ready' \
	wait_until 400 held_again || show_log
sleep 10
test_ok "the restarted hot gateway's bot did not join" \
	test "$(irc_time ocfwatch JOIN ocfbot2 "$mark")" = ''
test_cmp_str 'still standby' standby "$(state_get ROLE)"
test_cmp_str 'no transition counted for it' 2 "$(state_get TRANSITIONS)"
test_ok "the gateway's openclaw.json has its channels as before" \
	channels_as_before
test_cmp_str 'one gateway instance runs' 1 "$(gateways)"

test_done
