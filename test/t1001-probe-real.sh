#!/bin/sh
# ocf-probe against the real OpenClaw gateway: gone, starting, ready,
# draining after SIGTERM, gone again.  Exact exit codes.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/test/gateway.sh"
gw_install >/dev/null || bail_out "the real gateway cannot be installed"

port=$(pick_port 20000 110) || bail_out "no free port"
url=http://127.0.0.1:$port

test_expect_code 2 "nothing listening: CRITICAL" ocf-probe -t 1 "$url"
test_grep "the reason says no answer" '^CRITICAL - no answer' "$TMP/out"

gw_start primary "$port" || bail_out "gateway did not start"
# While it starts, /health answers before /readyz does: record each verdict.
seen=
i=0
while [ $i -lt 300 ]; do
	ocf-probe -q -t 1 "$url"
	rc=$?
	case " $seen " in *" $rc "*) ;; *) seen="$seen $rc" ;; esac
	[ $rc -eq 0 ] && break
	sleep 0.05
	i=$((i + 1))
done
test_cmp_str "a starting gateway goes CRITICAL, then WARNING, then OK" \
	" 2 1 0" "$seen"
test_expect_code 0 "ready gateway: OK" ocf-probe "$url"
test_grep "monitoring-plugins line with perfdata" \
	'^OK - ready in [0-9]+ms \| time=[0-9.]+s;;;0$' "$TMP/out"
test_expect_code 0 "host:port form" ocf-probe "127.0.0.1:$port"
test_expect_code 0 "the primary from PRIMARY_IP and PRIMARY_PORT" \
	env PRIMARY_IP=127.0.0.1 PRIMARY_PORT="$port" ocf-probe
test_expect_code 0 "--local uses GATEWAY_URL" \
	env GATEWAY_URL="$url" ocf-probe --local
test_expect_code 0 "--json" ocf-probe --json "$url"
test_grep "json verdict" '^\{"status":"OK","code":0,.*"ready":true' "$TMP/out"
test_expect_code 0 "-q prints nothing" ocf-probe -q "$url"
test_cmp_str "-q output is empty" "" "$(cat "$TMP/out")"
# shellcheck disable=SC2016 # $1 is the inner shell's
test_expect_code 3 "stdout on a full disk: UNKNOWN" \
	sh -c 'ocf-probe "$1" >/dev/full' sh "$url"

if command -v valgrind >/dev/null 2>&1; then
	test_expect_code 0 "valgrind: no leak, no error on the OK path" \
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 ocf-probe "$url"
fi

# SIGTERM: /health stays 200 while it drains, /readyz goes 503; the verdict
# must be CRITICAL from the first check after the signal until it is gone.
gw_kill primary TERM
test_expect_code 2 "draining after SIGTERM: CRITICAL at once" \
	ocf-probe -t 1 "$url"
test_grep "draining or already gone" 'draining|no answer' "$TMP/out"
gw_stop primary >/dev/null
test_expect_code 2 "gateway gone: CRITICAL" ocf-probe -t 1 "$url"
test_done
