#!/bin/sh
# t1003-probe-nonroot: ocf-probe as a monitoring user (nagios, monit) that
# may not read the root-only configuration, as ocf-probe(1) documents it:
#   - the root-only file is an UNKNOWN (3) that says why on stdout, where
#     the monitoring system looks, and on stderr;
#   - `-c /dev/null` and the target on the command line: no file is read,
#     the verdicts are exact (OK, WARNING, CRITICAL against a stand-in);
#   - or a separate probe configuration readable by that user;
#   - -l (GATEWAY_URL) works the same way, from the environment.
# The user is nobody, through setpriv; the test needs root.

# shellcheck source=test/lib.sh
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	test_skip 'ocf-probe as a non-root user' 'needs root (setpriv to nobody)'
	test_done
fi
command -v setpriv >/dev/null 2>&1 || bail_out 'no setpriv (util-linux)'
id nobody >/dev/null 2>&1 || bail_out 'no user nobody'

# the monitoring user's view: no root, no groups, an empty environment
# (no configuration key of ours), so only its flags and files count
probe() {
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		env -i PATH=/usr/bin:/bin "$OCF_BIN/ocf-probe" "$@"
}
# the user must be able to run the tool where it was built
probe -V >/dev/null 2>&1 || bail_out "nobody cannot run $OCF_BIN/ocf-probe"

port=$(pick_port 21700) || bail_out 'no free port'
url=http://127.0.0.1:$port
mode=$TMP/mode
: >"$mode"
ocf-testsrv -p "$port" -f "$mode" -P "$TMP/srv.pid" 2>"$TMP/srv.log" &
srv=$!
at_exit kill "$srv"
wait_until 5 test -s "$TMP/srv.pid" || bail_out 'ocf-testsrv did not start'

# nobody may enter the test directory, not write in it
chmod 755 "$TMP"
mkdir "$TMP/etc"

# --- the root-only configuration: UNKNOWN, with the reason on stdout ------

printf 'PRIMARY_URL=%s\n' "$url" >"$TMP/etc/ocf.conf"
chmod 600 "$TMP/etc/ocf.conf"
test_expect_code 3 'root-only configuration: UNKNOWN (3)' \
	probe -c "$TMP/etc/ocf.conf"
test_grep 'the plugin line says why' \
	"^UNKNOWN - unable to open '$TMP/etc/ocf.conf': Permission denied\$" \
	"$TMP/out"
test_grep 'stderr too' "^ocf-probe: error: unable to open '$TMP/etc/ocf.conf'" \
	"$TMP/err"
test_ok 'root reads it' "$OCF_BIN/ocf-probe" -c "$TMP/etc/ocf.conf"

# --- -c /dev/null and the target on the command line ---------------------

test_ok '-c /dev/null URL: OK' probe -c /dev/null -t 2 "$url"
test_grep 'OK - ready' '^OK - ready in ' "$TMP/out"
test_cmp_str 'nothing on stderr' '' "$(cat "$TMP/err")"
test_ok '-c /dev/null host:port: OK' probe -c /dev/null -t 2 "127.0.0.1:$port"
echo notready >"$mode"
test_expect_code 1 'not ready: WARNING (1)' probe -c /dev/null -t 2 "$url"
test_grep 'names what fails' 'failing: startup-sidecars' "$TMP/out"
echo error500 >"$mode"
test_expect_code 2 'down: CRITICAL (2)' probe -c /dev/null -t 2 "$url"
echo ready >"$mode"

# the local gateway, from the environment
test_ok '-c /dev/null -l with GATEWAY_URL: OK' \
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
	env -i PATH=/usr/bin:/bin GATEWAY_URL="$url" \
	"$OCF_BIN/ocf-probe" -c /dev/null -l -t 2

# --- or a probe configuration the user may read ------------------------------

printf '# what ocf-probe needs, nothing secret\nPRIMARY_URL=%s\nPROBE_TIMEOUT=2\n' \
	"$url" >"$TMP/etc/probe.conf"
chmod 644 "$TMP/etc/probe.conf"
test_ok 'a readable probe configuration: OK' probe -c "$TMP/etc/probe.conf"
test_grep 'OK - ready' '^OK - ready in ' "$TMP/out"
test_cmp_str 'nothing on stderr' '' "$(cat "$TMP/err")"

test_done
