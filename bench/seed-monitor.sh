#!/bin/bash
# bench/seed-monitor.sh - the baseline of `make bench`: the monitor loop of
# the health-monitor.sh that ocf replaces, as its guide describes it,
# written again here (our code, not a copy).
#
# A bash while loop forks `curl -sf --connect-timeout 5` against the
# primary's /health every CHECK_INTERVAL seconds and counts failures;
# FAIL_THRESHOLD in a row promote; the first good answer while promoted
# demotes.  State lives in two shell variables only.
#
# The guide's promote() does a git pull, an rsync of the secrets and
# `systemctl start openclaw`; demote() does `systemctl stop openclaw`.
# For the benchmark both only append one line, "promote EPOCH" or
# "demote EPOCH", to $MARKER, so that what is measured is the watching and
# the deciding, as for ocf-watch (whose promotion decision is also timed
# before any of that work).
#
# Settings, the seed's names: PRIMARY_IP, PRIMARY_PORT, CHECK_INTERVAL,
# FAIL_THRESHOLD; MARKER is the bench's.

PRIMARY_IP=${PRIMARY_IP:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-18789}
CHECK_INTERVAL=${CHECK_INTERVAL:-10}
FAIL_THRESHOLD=${FAIL_THRESHOLD:-3}
MARKER=${MARKER:-/dev/null}

fail_count=0
is_active=false

log() {
	echo "[$(date '+%Y-%m-%d %H:%M:%S')] $*"
}

promote() {
	log "PROMOTING: primary down for $fail_count checks"
	echo "promote $(date +%s.%N)" >>"$MARKER"
	is_active=true
}

demote() {
	log "DEMOTING: primary is back"
	echo "demote $(date +%s.%N)" >>"$MARKER"
	is_active=false
}

log "watching http://$PRIMARY_IP:$PRIMARY_PORT/health every ${CHECK_INTERVAL}s"
while true; do
	if curl -sf --connect-timeout 5 "http://$PRIMARY_IP:$PRIMARY_PORT/health" >/dev/null 2>&1; then
		if [ "$is_active" = true ]; then
			demote
		fi
		fail_count=0
	else
		fail_count=$((fail_count + 1))
		log "health check failed ($fail_count/$FAIL_THRESHOLD)"
		if [ "$fail_count" -ge "$FAIL_THRESHOLD" ] && [ "$is_active" = false ]; then
			promote
		fi
	fi
	sleep "$CHECK_INTERVAL"
done
