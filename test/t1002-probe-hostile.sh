#!/bin/sh
# ocf-probe against a test server that misbehaves on demand: every verdict
# exact, every check bounded by PROBE_TIMEOUT.
. "$(dirname "$0")/lib.sh"

port=$(pick_port 20300) || bail_out "no free port"
url=http://127.0.0.1:$port
mode=$TMP/mode
: >"$mode"
ocf-testsrv -p "$port" -f "$mode" -r 2000 -P "$TMP/srv.pid" 2>"$TMP/srv.log" &
srv=$!
at_exit kill "$srv"
wait_until 5 test -s "$TMP/srv.pid" || bail_out "ocf-testsrv did not start"

# check MODE CODE [PATTERN]: the verdict for one mode, within the 1 s
# timeout plus generous slack (more under valgrind): a bound, not a speed goal
slack=3
[ -z "${OCF_WRAP_DIR:-}" ] || slack=8
check() {
	echo "$1" >"$mode"
	t0=$(now)
	test_expect_code "$2" "$1: exit $2" ocf-probe -t 1 "$url"
	t1=$(now)
	[ -z "${3:-}" ] || test_grep "$1: says '$3'" "$3" "$TMP/out"
	test_ok "$1: bounded time ($(awk "BEGIN { print $t1 - $t0 }")s)" \
		awk "BEGIN { exit !($t1 - $t0 < 1 + $slack) }"
}

check ready 0 '^OK - ready'
check notready 1 '^WARNING - live but not ready \(failing: startup-sidecars\)'
check channel 1 'failing: telegram,discord'
check draining 2 'draining'
check healthonly 0 'no readiness endpoint'
check error500 2 'not live'
check hang 2 'no answer'
check slowheaders 2 'no answer'
check slowbody 2 'no answer'
check endless 2 'garbage'
check huge 2 'size cap'
check redirect 2 'HTTP 302'
check redirectloop 2 'HTTP 302'
check garbage 2 'CRITICAL'
check badjson 2 'garbage'
check badchunk 2 'CRITICAL'
check rst 2 'no answer'
check closeafteraccept 2 'no answer'
check late 2 'no answer'

# the port is open but speaks no HTTP at all; and IPv6
test_expect_code 2 "a closed port" ocf-probe -t 1 "http://127.0.0.1:1"
port6=$(pick_port 20310) || bail_out "no free port"
ocf-testsrv -6 -p "$port6" -m ready 2>/dev/null &
srv6=$!
at_exit kill "$srv6"
if wait_until 5 curl -sg -o /dev/null "http://[::1]:$port6/readyz"; then
	test_expect_code 0 "IPv6 URL" ocf-probe "http://[::1]:$port6"
	test_expect_code 0 "IPv6 host:port" ocf-probe "[::1]:$port6"
	test_expect_code 2 "-4 cannot reach an IPv6-only server" \
		ocf-probe -4 -t 1 "http://localhost:$port6"
else
	test_skip "IPv6" "no ::1 on this machine"
fi

# a token file: sent as a bearer, refused when others can read it
echo ready >"$mode"
printf 'sekrit\n' >"$TMP/token"
chmod 600 "$TMP/token"
test_expect_code 0 "token file 0600" ocf-probe -T "$TMP/token" "$url"
chmod 644 "$TMP/token"
test_expect_code 3 "token file readable by others is refused (UNKNOWN: our mistake, not the server's)" \
	ocf-probe -T "$TMP/token" "$url"
test_grep "says why" 'readable by group or others' "$TMP/out"

# usage and configuration errors are UNKNOWN; but for a usage error
# (t0010) the plugin line says why on stdout as well: one line, and
# Nagios would show "(No output on stdout)" otherwise
one_line() {
	test_cmp_str "$1: one line on stdout" 1 "$(wc -l <"$TMP/out")"
}
test_expect_code 3 "no primary configured" ocf-probe
test_grep "names the keys" 'PRIMARY_IP or PRIMARY_URL' "$TMP/err"
test_grep "no primary: UNKNOWN line on stdout" \
	'^UNKNOWN - PRIMARY_IP or PRIMARY_URL is required' "$TMP/out"
one_line "no primary"
test_expect_code 3 "bad timeout" ocf-probe -t 0 "$url"
test_grep "names key and range" 'PROBE_TIMEOUT' "$TMP/err"
test_grep "bad timeout: UNKNOWN line on stdout" '^UNKNOWN - .*PROBE_TIMEOUT' \
	"$TMP/out"
test_expect_code 3 "bad target" ocf-probe "a b"
test_grep "bad target: UNKNOWN line on stdout" \
	"^UNKNOWN - 'a b' is not a URL or host\\[:port\\]\$" "$TMP/out"
one_line "bad target"
test_expect_code 3 "bad target, -q" ocf-probe -q "a b"
test_cmp_str "-q: nothing on stdout" "" "$(cat "$TMP/out")"
test_expect_code 3 "bad target, -j" ocf-probe -j "a b"
test_grep "-j: a JSON object with status UNKNOWN and the reason" \
	'^\{"status":"UNKNOWN","code":3,.*"reason":"'"'a b'"' is not a URL' \
	"$TMP/out"
one_line "-j"
test_expect_code 3 "two targets" ocf-probe "$url" "$url"
test_expect_code 3 "unknown flag" ocf-probe -Z
test_expect_code 0 "-h" ocf-probe -h
test_grep "-h prints usage on stdout" '^usage: ocf-probe' "$TMP/out"
printf 'PRIMARY_URL=%s\nFAIL_TRESHOLD=3\n' "$url" >"$TMP/bad.conf"
test_expect_code 3 "a typo in the config file" ocf-probe -c "$TMP/bad.conf"
test_grep "file:line and key" 'bad.conf:2: .*FAIL_TRESHOLD' "$TMP/err"
test_grep "a typo: UNKNOWN line on stdout" \
	'^UNKNOWN - .*bad.conf:2: .*FAIL_TRESHOLD' "$TMP/out"
printf 'PRIMARY_URL=%s\n' "$url" >"$TMP/good.conf"
test_expect_code 0 "-c file" ocf-probe -c "$TMP/good.conf"
test_expect_code 3 "a missing -c file" ocf-probe -c "$TMP/nope.conf"
test_grep "a missing file: UNKNOWN line on stdout" \
	"^UNKNOWN - unable to open '.*nope.conf': No such file or directory\$" \
	"$TMP/out"
one_line "a missing file"
test_grep "and the error on stderr as before" \
	"^ocf-probe: error: unable to open '.*nope.conf'" "$TMP/err"

# memcheck: any error or definite leak turns the exit code into 99
vg_probe() {
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=99 ocf-probe -q -t 1 "$url"
	[ $? -ne 99 ]
}
if command -v valgrind >/dev/null 2>&1; then
	for m in notready hang huge garbage endless; do
		echo "$m" >"$mode"
		test_ok "valgrind: clean on '$m'" vg_probe
	done
else
	test_skip "valgrind" "valgrind is not installed"
fi
test_done
