#!/bin/sh
# The webhook: one JSON POST per transition to NOTIFY_URL, with the
# documented body; a dead webhook never blocks or fails a transition.
. "$(dirname "$0")/lib.sh"

gw=$(pick_port 21900) || bail_out "no free port"
hook=$(pick_port 21910) || bail_out "no free port"
ocf-testsrv -p "$hook" -m ready -o "$TMP/posts" -P "$TMP/hook.pid" 2>/dev/null &
at_exit kill $!
wait_until 5 test -s "$TMP/hook.pid" || bail_out "webhook receiver did not start"

STATE_DIR=$TMP/state OPENCLAW_USER='' WORKSPACE=$TMP/none HOOKS_DIR=$TMP/hooks
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $gw -m ready"
GATEWAY_URL=http://127.0.0.1:$gw PRIMARY_URL=http://127.0.0.1:1
NOTIFY_URL=http://127.0.0.1:$hook/ocf NODE_NAME=standby-1 READY_TIMEOUT=10
export STATE_DIR OPENCLAW_USER WORKSPACE HOOKS_DIR GATEWAY_CMD GATEWAY_URL \
	PRIMARY_URL NOTIFY_URL NODE_NAME READY_TIMEOUT

test_expect_code 0 "promote" ocf-promote
test_ok "one POST arrived" wait_until 5 test -s "$TMP/posts"
line=$(sed -n 1p "$TMP/posts")
for want in '"event":"promote"' '"node":"standby-1"' '"old_role":"standby"' \
	'"new_role":"active"' '"transition":1' '"status":"OK"' \
	'"primary_url":"http://127.0.0.1:1"' '"time":"20'; do
	case $line in
	*"$want"*) test_ok "promote body has $want" true ;;
	*) test_ok "promote body has $want (got: $line)" false ;;
	esac
done
test_expect_code 0 "promote again: no change" ocf-promote
test_cmp_str "no POST for a no-op" 1 "$(wc -l <"$TMP/posts" | tr -d ' ')"
test_expect_code 0 "demote" ocf-demote
two_posts() { [ "$(wc -l <"$TMP/posts")" -ge 2 ]; }
test_ok "a second POST" wait_until 5 two_posts
test_grep "demote body" '"event":"demote".*"old_role":"active","new_role":"standby","transition":2' \
	"$TMP/posts"

# a webhook that hangs costs at most PROBE_TIMEOUT and changes no result
hang=$(pick_port 21920) || bail_out "no free port"
ocf-testsrv -p "$hang" -m hang 2>/dev/null &
at_exit kill $!
port_busy() { ! port_free "$1"; }
wait_until 5 port_busy "$hang" || bail_out "hanging server did not start"
t0=$(now)
test_expect_code 0 "promote with a hanging webhook" \
	env NOTIFY_URL="http://127.0.0.1:$hang/x" PROBE_TIMEOUT=1 ocf-promote
t1=$(now)
test_grep "the failure is logged without the URL" \
	'warning: notify failed \(the URL is not logged\)' "$TMP/err"
test_ok "bounded: $(awk "BEGIN { print $t1 - $t0 }")s" \
	awk "BEGIN { exit !($t1 - $t0 < 8) }"
test_expect_code 0 "demote with a dead webhook" \
	env NOTIFY_URL=http://127.0.0.1:1/x ocf-demote
test_done
