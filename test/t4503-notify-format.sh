#!/bin/sh
# t4503-notify-format.sh - NOTIFY_FORMAT: the body each receiver needs,
# one short sentence per event: json (the documented object), slack
# ({"text": ...}, also Mattermost, Rocket.Chat, Discord's /slack),
# discord ({"content": ...}), ntfy (the sentence as a plain text body,
# a Title header); a promotion by the watcher says how long the primary
# was down and how long the gateway took to get ready.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

P1=$(pick_port 26900) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
RX=$(pick_port $((P2 + 120))) || bail_out 'no free port for the receiver'
PMODE=$TMP/primary.mode
set_mode "$PMODE" error500
srv_start primary "$P1" -f "$PMODE"
srv_start receiver "$RX" -m ready -o "$TMP/posts" -g "$TMP/reqs"
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
NOTIFY_URL=http://127.0.0.1:$RX/hook
NODE_NAME=standby-1
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD NOTIFY_URL NODE_NAME

# posts N: at least N bodies arrived
posts() {
	[ "$(wc -l <"$TMP/posts" 2>/dev/null || echo 0)" -ge "$1" ]
}
n=0
for fmt in json slack discord ntfy; do
	test_ok "$fmt: promote" env NOTIFY_FORMAT=$fmt ocf-promote -q
	n=$((n + 1))
	test_ok "$fmt: a post" wait_until 5 posts $n
	sed -n "${n}p" "$TMP/posts" >"$TMP/$fmt.promote"
	test_ok "$fmt: demote" env NOTIFY_FORMAT=$fmt ocf-demote -q
	n=$((n + 1))
	test_ok "$fmt: a post" wait_until 5 posts $n
	sed -n "${n}p" "$TMP/posts" >"$TMP/$fmt.demote"
done
S='standby-1: standby promoted: gateway ready in [0-9]+\.[0-9] s'
D='standby-1: active demoted: gateway stopped in [0-9]+\.[0-9] s'
test_grep 'json: the documented object' \
	'^\{"event":"promote","node":"standby-1","old_role":"standby","new_role":"active","transition":1,"status":"OK",' \
	"$TMP/json.promote"
test_grep 'slack: {"text": sentence}' "^\\{\"text\":\"$S\"\\}\$" "$TMP/slack.promote"
test_grep 'slack: the demotion' "^\\{\"text\":\"$D\"\\}\$" "$TMP/slack.demote"
test_grep 'discord: {"content": sentence}' "^\\{\"content\":\"$S\"\\}\$" "$TMP/discord.promote"
test_grep 'discord: the demotion' "^\\{\"content\":\"$D\"\\}\$" "$TMP/discord.demote"
test_grep 'ntfy: the sentence, plain text' "^$S\$" "$TMP/ntfy.promote"
test_grep 'ntfy: the demotion' "^$D\$" "$TMP/ntfy.demote"
test_grep 'ntfy: a Title header' '^[0-9.]+ POST /hook ocf promote on standby-1$' "$TMP/reqs"
test_cmp_str 'the other formats send no Title' 6 \
	"$(grep -c ' POST /hook -$' "$TMP/reqs")"

# the watcher's promotion: how long the primary was down
: >"$TMP/posts"
NOTIFY_FORMAT=slack
export NOTIFY_FORMAT
watch_start ocf-watch
test_ok 'the watcher promotes' wait_until 10 state_is ROLE active
test_ok 'a post' wait_until 5 posts 1
test_grep 'it says how long the primary was down' \
	'^\{"text":"standby-1: standby promoted: primary down for [0-9]+\.[0-9] s, gateway ready in [0-9]+\.[0-9] s"\}$' \
	"$TMP/posts"
set_mode "$PMODE" ready
test_ok 'the watcher demotes' wait_until 10 state_is ROLE standby
test_ok 'a post' wait_until 5 posts 2
test_grep 'and how long it was back' \
	'^\{"text":"standby-1: active demoted: primary back for [0-9]+\.[0-9] s, gateway stopped in [0-9]+\.[0-9] s"\}$' \
	"$TMP/posts"
test_done
