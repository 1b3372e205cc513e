#!/bin/sh
# t4010-watch-irc.sh - failover as a user of the chat sees it: a real IRC
# server (ngircd on 127.0.0.1), a real primary and a real standby gateway
# with OpenClaw's IRC channel (different nicks and channels, as the seed
# splits channels), a watcher sitting in both channels, ocf-watch on the
# standby. kill -9 of the primary: its bot QUITs, the standby's bot JOINs;
# the primary back: its bot JOINs again, the standby's bot QUITs.
#
# Real gateways start slowly on a loaded machine (10-40 s to ready, up to
# ~45 s to the JOIN): every wait is generous and bounded, no assertion is
# about time; the figures are printed as comments.

. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/gateway.sh"
. "$SRCDIR/test/irc.sh"
. "$SRCDIR/test/watcher.sh"

irc_install || bail_out 'cannot install the IRC plugin'
[ -x "$TEST_HELPERS/ocf-ircwatch" ] || bail_out 'ocf-ircwatch is not built'
PI=$(pick_port 16667) || bail_out 'no free port for the IRC server'
P1=$(pick_port 24600 110) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120)) 110) || bail_out 'no free port for the standby'

# the standby's gateway: up to 40 s to /readyz and as much again to its
# channel here; the primary's checks as in t4001
READY_TIMEOUT=240
STOP_TIMEOUT=30
HOLD_DOWN=2
PROBE_TIMEOUT=2
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
export READY_TIMEOUT STOP_TIMEOUT HOLD_DOWN PROBE_TIMEOUT PRIMARY_URL GATEWAY_URL

irc_server_start irc "$PI" || bail_out 'cannot start ngircd'
irc_watch ocfwatch "$PI" '#ocf1' '#ocf2' ||
	bail_out "the watcher did not join (see $TMP/ocfwatch.irc*)"
irc_home primary "$PI" ocfbot1 '#ocf1' || bail_out 'no primary home'
irc_home standby "$PI" ocfbot2 '#ocf2' || bail_out 'no standby home'
GATEWAY_CMD=$(gw_cmdline standby "$P2") || bail_out 'no gateway command line'
export GATEWAY_CMD

t0=$(date +%s%3N)
gw_start primary "$P1" || bail_out 'cannot start the primary gateway'
test_ok "the primary's bot joins #ocf1" irc_wait ocfwatch JOIN ocfbot1 240
printf '# primary start -> its bot JOIN: %s ms\n' \
	$(($(irc_time ocfwatch JOIN ocfbot1) - t0))
gw_wait_ready "$P1" 120 || bail_out "the primary is not ready (see $TMP/primary.log)"

watch_start ocf-watch -v
test_ok 'the watcher sees the ready primary and stays standby' \
	wait_until 30 state_is PRIMARY ok || show_log
test_cmp_str 'no gateway runs on the standby' 0 "$(gateways)"
test_ok "the standby's bot is not in #ocf2" \
	test "$(irc_time ocfwatch JOIN ocfbot2)" = ''

# kill -9 of the primary's whole group: its TCP connection to the IRC
# server closes with it
mark=$(irc_lines ocfwatch)
t0=$(date +%s%3N)
gw_kill primary KILL
test_ok "kill -9 of the primary: its bot QUITs" \
	irc_wait ocfwatch QUIT ocfbot1 30 "$mark"
test_ok 'the standby is promoted' \
	wait_until 300 state_is ROLE active || show_log
t1=$(date +%s%3N)
test_ok "the standby's bot joins #ocf2" \
	irc_wait ocfwatch JOIN ocfbot2 120 "$mark"
printf '# primary killed -> role active: %s ms; -> standby bot JOIN: %s ms\n' \
	$((t1 - t0)) $(($(irc_time ocfwatch JOIN ocfbot2 "$mark") - t0))
test_cmp_str 'one transition counted' 1 "$(state_get TRANSITIONS)"
test_cmp_str 'exactly one gateway instance for the state dir' 1 "$(gateways)"

# the primary comes back: its bot joins, and after RISE_THRESHOLD good
# checks and HOLD_DOWN the standby is demoted and its bot leaves
mark=$(irc_lines ocfwatch)
gw_start primary "$P1" || bail_out 'cannot start the primary gateway again'
test_ok "the restarted primary's bot joins #ocf1 again" \
	irc_wait ocfwatch JOIN ocfbot1 240 "$mark"
gw_wait_ready "$P1" 120 || bail_out 'the restarted primary is not ready'
test_ok 'the primary is back: the standby is demoted' \
	wait_until 120 state_is ROLE standby || show_log
test_ok "the standby's bot QUITs" irc_wait ocfwatch QUIT ocfbot2 60 "$mark"
test_cmp_str 'no process carries the gateway mark any more' 0 "$(gateways)"
test_cmp_str 'two transitions counted' 2 "$(state_get TRANSITIONS)"
test_ok "the primary's bot stays: no QUIT of ocfbot1 since it rejoined" \
	test "$(irc_time ocfwatch QUIT ocfbot1 "$mark")" = ''

test_done
