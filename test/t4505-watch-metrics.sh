#!/bin/sh
# t4505-watch-metrics.sh - METRICS_FILE: every file the watcher writes
# during a failover (primary down, promotion, primary back, demotion)
# passes `promtool check metrics`; its values are those of the state file
# (role, counters, transitions by kind and result, times); --once writes
# it too.  The stand-in gateway answers ready: ocf_gateway_ready 1 while
# active.

. "$(dirname "$0")/lib.sh"

. "$SRCDIR/test/watcher.sh"

command -v promtool >/dev/null 2>&1 ||
	bail_out 'promtool is missing: test/install-deps.sh installs it (prometheus)'

P1=$(pick_port 27100) || bail_out 'no free port for the primary'
P2=$(pick_port $((P1 + 120))) || bail_out 'no free port for the standby'
PMODE=$TMP/primary.mode
set_mode "$PMODE" ready
srv_start primary "$P1" -f "$PMODE"
mkdir "$TMP/textfile" || bail_out 'cannot create a directory'
PRIMARY_URL=http://127.0.0.1:$P1
GATEWAY_URL=http://127.0.0.1:$P2
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $P2 -m ready"
METRICS_FILE=$TMP/textfile/ocf.prom
export PRIMARY_URL GATEWAY_URL GATEWAY_CMD METRICS_FILE

# metric NAME{LABELS}: its value in $METRICS_FILE (or FILE in $2)
metric() {
	awk -v k="$1" '$1 == k { print $2 }' "${2:-$METRICS_FILE}"
}
metric_is() {
	[ "$(metric "$1")" = "$2" ]
}

watch_start ocf-watch
test_ok 'the file is written' wait_until 5 test -s "$METRICS_FILE"

# sample the file through a failover, every 50 ms (at most 400 times)
(
	i=0
	while [ "$i" -lt 400 ] && [ ! -e "$TMP/stop" ]; do
		cp "$METRICS_FILE" "$TMP/snap.$i" 2>/dev/null
		i=$((i + 1))
		sleep 0.05
	done
) &
sampler=$!
set_mode "$PMODE" error500
test_ok 'promoted' wait_until 10 state_is ROLE active
test_ok 'the file says active' wait_until 5 metric_is 'ocf_role{role="active"}' 1
test_cmp_str 'promotions, as the state counts them' \
	"$(state_get PROMOTE_OK) $(state_get TRANSITIONS) $(state_get LAST_TRANSITION)" \
	"$(metric 'ocf_transitions_total{kind="promote",result="ok"}') $(metric ocf_role_changes) $(metric ocf_last_transition_timestamp_seconds)"
test_cmp_str 'the local gateway answers ready' 1 "$(metric ocf_gateway_ready)"
test_cmp_str 'the primary is critical' 1 "$(metric 'ocf_primary_status{status="critical"}')"
set_mode "$PMODE" ready
test_ok 'demoted' wait_until 10 state_is ROLE standby
test_ok 'the file says standby' wait_until 5 metric_is 'ocf_role{role="standby"}' 1
: >"$TMP/stop"
wait "$sampler"

# every distinct sample passes promtool
ls "$TMP"/snap.* >/dev/null 2>&1 || bail_out 'no sample of the metrics file'
cksum "$TMP"/snap.* | sort -k1,1 -u | awk '{ print $3 }' >"$TMP/distinct"
n=0 bad=0
while IFS= read -r f && [ "$n" -lt 400 ]; do
	n=$((n + 1))
	promtool check metrics <"$f" >"$TMP/promtool.out" 2>&1 || {
		bad=$((bad + 1))
		sed 's/^/# /' "$TMP/promtool.out"
	}
done <"$TMP/distinct"
roles=$(cat "$TMP"/snap.* | awk '/^ocf_role\{/ && $2 == 1' | sort -u | wc -l)
test_cmp_str "all $n distinct samples pass promtool check metrics" 0 "$bad"
test_cmp_str 'the samples saw each role (standby, active)' 2 "$((roles))"

# after the watcher: --once writes it, from the state it leaves
watch_kill TERM
test_expect_code 0 '--once' ocf-watch --once
for k in ROLE FAILS RISES TRANSITIONS LAST_PROBE LAST_TRANSITION MAINTENANCE LATCHED \
	PROMOTE_OK PROMOTE_WARNING PROMOTE_CRITICAL DEMOTE_OK DEMOTE_WARNING DEMOTE_CRITICAL; do
	printf '%s=%s\n' "$k" "$(state_get "$k")"
done >"$TMP/want"
{
	printf 'ROLE=%s\n' "$(awk '/^ocf_role\{/ && $2 == 1' "$METRICS_FILE" | sed 's/.*role="\([a-z]*\)".*/\1/')"
	printf 'FAILS=%s\n' "$(metric ocf_primary_failed_checks)"
	printf 'RISES=%s\n' "$(metric ocf_primary_good_checks)"
	printf 'TRANSITIONS=%s\n' "$(metric ocf_role_changes)"
	printf 'LAST_PROBE=%s\n' "$(metric ocf_last_check_timestamp_seconds)"
	printf 'LAST_TRANSITION=%s\n' "$(metric ocf_last_transition_timestamp_seconds)"
	printf 'MAINTENANCE=%s\n' "$(metric ocf_maintenance)"
	printf 'LATCHED=%s\n' "$(metric ocf_flap_breaker_latched)"
	for k in promote:PROMOTE demote:DEMOTE; do
		for r in ok:OK warning:WARNING critical:CRITICAL; do
			printf '%s_%s=%s\n' "${k#*:}" "${r#*:}" \
				"$(metric "ocf_transitions_total{kind=\"${k%:*}\",result=\"${r%:*}\"}")"
		done
	done
} >"$TMP/got"
test_cmp_str 'the file has the values of the state file' "$(cat "$TMP/want")" "$(cat "$TMP/got")"
test_ok '--once wrote a valid file' promtool check metrics <"$METRICS_FILE"
test_cmp_str 'no watcher: no start time' '' "$(metric ocf_watcher_start_time_seconds)"
test_done
