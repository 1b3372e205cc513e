#!/bin/sh
# t7004-hostile-primary.sh - the watcher (not just the probe) against a
# primary that misbehaves: every `ocf-watch --once` returns within
# PROBE_TIMEOUT + 1 s with exit 2, and three in a row promote the stand-in
# gateway. Cases: ocf-testsrv's hang, slowheaders, slowbody, endless, huge
# (10 MB), redirect (to another host), redirectloop, badchunk, rst,
# garbage (a port that is not HTTP), closeafteraccept, badjson, late; a
# closed port; from a small python3 server: an ssh banner sent without
# reading, an HTTP/0.9 answer, a truncated body, endless or huge headers,
# endless "100 Continue", a 503 whose body says ready, an empty 200; a TLS
# port probed with http:// (openssl); an IPv6-only primary (ready:
# exit 0, no promotion; hanging: exit 2 and promotion).
# Then TLS with a bad certificate (openssl s_server): CRITICAL, quickly;
# with -C the self-signed CA it connects; a certificate for another name
# is refused; an unreadable CA file is UNKNOWN. Times are printed as
#   # case=hang verdict=2 time=0.51s
# and valgrind (when installed) checks ocf-watch --once on a few of them.

. "$(dirname "$0")/lib.sh"

for _k in ocf-watch ocf-promote ocf-demote ocf-probe test/helpers/ocf-testsrv; do
	[ -x "$OCF_BIN/$_k" ] || bail_out "$OCF_BIN/$_k is missing (build first)"
done
unset _k

PP=$(pick_port 27600) || bail_out 'no free port for the primary'
PG=$(pick_port 27610) || bail_out 'no free port for the gateway'
PC=$(pick_port 27620) || bail_out 'no free port for a closed port'
P6=$(pick_port 27630) || bail_out 'no free port for the IPv6 primary'
PB=$(pick_port 27640) || bail_out 'no free port for the banner server'
PT=$(pick_port 27650) || bail_out 'no free port for the TLS server'
PT2=$(pick_port 27660) || bail_out 'no free port for the 2nd TLS server'

OPENCLAW_USER=
WORKSPACE=$TMP/none
HOOKS_DIR=$TMP/hooks
PROBE_TIMEOUT=0.5
READY_TIMEOUT=10
STOP_TIMEOUT=3
HOLD_DOWN=0
FAIL_THRESHOLD=3
RISE_THRESHOLD=3
GATEWAY_URL=http://127.0.0.1:$PG
GATEWAY_CMD="$TEST_HELPERS/ocf-testsrv -p $PG -m ready"
export OPENCLAW_USER WORKSPACE HOOKS_DIR PROBE_TIMEOUT READY_TIMEOUT \
	STOP_TIMEOUT HOLD_DOWN FAIL_THRESHOLD RISE_THRESHOLD GATEWAY_URL \
	GATEWAY_CMD
# the bound of one check: PROBE_TIMEOUT + 1 s, in ms
BOUND_MS=1500

marked() {
	grep -lzxF "OCF_GATEWAY_OF=$1" /proc/[0-9]*/environ 2>/dev/null |
		awk 'END { print NR }'
}

kill_marked() {
	grep -lzF "OCF_GATEWAY_OF=$TMP/" /proc/[0-9]*/environ 2>/dev/null |
	while IFS= read -r _km_f; do
		_km_p=${_km_f#/proc/}
		_km_p=${_km_p%/environ}
		_km_g=$(ps -o pgid= -p "$_km_p" 2>/dev/null | tr -d ' ')
		if [ -n "$_km_g" ] && [ "$_km_g" -gt 1 ]; then
			kill -s KILL -- "-$_km_g" 2>/dev/null
		fi
	done
	return 0
}
at_exit kill_marked

# bg NAME CMD...: CMD in a session of its own, tracked; its pid in BG_PID
bg() {
	_bg_n=$1
	shift
	setsid "$@" </dev/null >>"$TMP/$_bg_n.log" 2>&1 &
	BG_PID=$!
	track_pgid "$BG_PID"
}

# listens PORT: something listens on PORT (common.sh has listening)
listens() {
	! port_free "$1"
}

set_mode() {
	printf '%s\n' "$1" >"$TMP/mode.tmp" && mv -f "$TMP/mode.tmp" "$TMP/mode"
}

set_mode ready
rm -f "$TMP/primary.pid"
(
	setsid ocf-testsrv -p "$PP" -f "$TMP/mode" -r 3000 -P "$TMP/primary.pid" \
		</dev/null >>"$TMP/primary.log" 2>&1 &
)
wait_until 5 test -s "$TMP/primary.pid" || bail_out 'ocf-testsrv did not start'
track_pgid "$(cat "$TMP/primary.pid")"

ms() {
	date +%s%3N
}

secs() {
	awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'
}

# run_case NAME URL [WANT]: three `ocf-watch --once` against URL from a
# fresh state. WANT=2 (default): each exits 2, the first two within the
# bound, the third promotes. WANT=0: each exits 0, nothing happens.
SUMMARY=''
run_case() {
	_rc_name=$1 _rc_want=${3:-2}
	PRIMARY_URL=$2
	STATE_DIR=$TMP/st-$_rc_name
	export PRIMARY_URL STATE_DIR
	_rc_codes='' _rc_times='' _rc_slow=0 _rc_i=1
	while [ "$_rc_i" -le 3 ]; do
		_rc_t0=$(ms)
		ocf-watch --once >"$TMP/out.$_rc_i" 2>"$TMP/err.$_rc_i"
		_rc_c=$?
		_rc_t=$(($(ms) - _rc_t0))
		_rc_codes="$_rc_codes$_rc_c"
		_rc_times="$_rc_times $(secs "$_rc_t")s"
		# the third check includes the promotion, when there is one
		if [ "$_rc_i" -lt 3 ] || [ "$_rc_want" = 0 ]; then
			[ "$_rc_t" -le "$BOUND_MS" ] || _rc_slow=1
		fi
		[ "$_rc_i" != 1 ] || _rc_first=$_rc_t
		_rc_i=$((_rc_i + 1))
	done
	printf '# case=%s verdict=%s time=%ss (3 checks:%s) reason: %s\n' \
		"$_rc_name" "${_rc_codes%??}" "$(secs "$_rc_first")" "$_rc_times" \
		"$(sed -n '1s/^[A-Z]* - primary: \(.*\); fails.*/\1/p' "$TMP/out.1")"
	SUMMARY="$SUMMARY $_rc_name=$(secs "$_rc_first")s"
	test_cmp_str "$_rc_name: three ocf-watch --once exit $_rc_want" \
		"$_rc_want$_rc_want$_rc_want" "$_rc_codes" ||
		sed -n '1,3s/^/#   /p' "$TMP/out.1" "$TMP/err.1"
	test_cmp_str "$_rc_name: each check within PROBE_TIMEOUT + 1 s ($_rc_times)" \
		0 "$_rc_slow"
	if [ "$_rc_want" = 2 ]; then
		test_cmp_str "$_rc_name: the third check promotes the stand-in gateway" \
			'active 3 1' \
			"$(state_get ROLE) $(state_get FAILS) $(marked "$STATE_DIR")" ||
			sed -n '1,5s/^/#   /p' "$TMP/out.3" "$TMP/err.3"
		test_grep "$_rc_name: and says so" 'active; transition done' \
			"$TMP/out.3"
		ocf-demote >"$TMP/demote.out" 2>&1
		test_cmp_str "$_rc_name: ocf-demote stops it again" 'standby 0' \
			"$(state_get ROLE) $(marked "$STATE_DIR")" ||
			sed 's/^/#   /' "$TMP/demote.out"
	else
		test_cmp_str "$_rc_name: nothing happens: standby, no gateway" \
			'standby 0 ok' \
			"$(state_get ROLE) $(marked "$STATE_DIR") $(state_get PRIMARY)"
	fi
}

# =====================================================================
# 1. ocf-testsrv's bad behaviours
# =====================================================================
for m in hang slowheaders slowbody endless huge redirect redirectloop \
	badchunk rst garbage closeafteraccept badjson late; do
	set_mode "$m"
	run_case "$m" "http://127.0.0.1:$PP"
done
set_mode ready
run_case ready-control "http://127.0.0.1:$PP" 0

# =====================================================================
# 2. ports that are not HTTP
# =====================================================================
run_case closed-port "http://127.0.0.1:$PC"

# more broken HTTP than ocf-testsrv speaks, from a small python3 server
# whose mode, like ocf-testsrv -f, is read from a file at each connection:
#   banner          an ssh banner, sent at once, the request never read
#   http09          {"ready":true} with no status line nor headers
#   truncated       200, Content-Length: 1000, {"ready":true}, close
#   endlessheaders  200, then 1 KB header lines as fast as they are read
#   hugeheader      200, then one 1 MB header line
#   continue        "100 Continue" heads, forever
#   ready503        503 with {"ready":true} (the body lies)
#   emptyready      200 with an empty body
if command -v python3 >/dev/null 2>&1; then
	printf 'banner\n' >"$TMP/pymode"
	bg pysrv python3 -c '
import socket, sys, threading, time
port, modefile = int(sys.argv[1]), sys.argv[2]
READY = b"{\"ready\":true,\"failing\":[]}"
def head(c, status, extra=b""):
    c.sendall(b"HTTP/1.1 " + status + b"\r\nConnection: close\r\n" + extra)
def serve(c, mode):
    end = time.time() + 60
    c.settimeout(5)
    if mode != "banner":
        c.recv(8192)
    if mode == "banner":
        c.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
        time.sleep(0.05)
    elif mode == "http09":
        c.sendall(READY)
    elif mode == "truncated":
        head(c, b"200 OK", b"Content-Length: 1000\r\n\r\n" + READY)
    elif mode == "endlessheaders":
        head(c, b"200 OK")
        line = b"X-Pad: " + b"a" * 1000 + b"\r\n"
        while time.time() < end:
            c.sendall(line)
    elif mode == "hugeheader":
        head(c, b"200 OK", b"X-Huge: " + b"a" * (1 << 20) + b"\r\n\r\n" + READY)
    elif mode == "continue":
        while time.time() < end:
            c.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            time.sleep(0.01)
    elif mode == "ready503":
        head(c, b"503 Service Unavailable",
             b"Content-Length: %d\r\n\r\n" % len(READY) + READY)
    elif mode == "emptyready":
        head(c, b"200 OK", b"Content-Length: 0\r\n\r\n")
def conn(c):
    try:
        with open(modefile) as f:
            mode = f.read().strip()
        serve(c, mode)
    except Exception:
        pass
    finally:
        c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(64)
end = time.time() + 900
while time.time() < end:
    c, _ = s.accept()
    threading.Thread(target=conn, args=(c,), daemon=True).start()
' "$PB" "$TMP/pymode"
	if wait_until 5 listens "$PB"; then
		for m in banner http09 truncated endlessheaders hugeheader \
			continue ready503 emptyready; do
			printf '%s\n' "$m" >"$TMP/pymode.tmp"
			mv -f "$TMP/pymode.tmp" "$TMP/pymode"
			run_case "py-$m" "http://127.0.0.1:$PB"
		done
	else
		test_skip 'python3 server cases' 'the python3 server did not start'
	fi
else
	test_skip 'python3 server cases' 'python3 is not installed'
fi

# =====================================================================
# 3. IPv6 only
# =====================================================================
if grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
	set_mode6() {
		printf '%s\n' "$1" >"$TMP/mode6.tmp" && mv -f "$TMP/mode6.tmp" "$TMP/mode6"
	}
	set_mode6 ready
	rm -f "$TMP/v6.pid"
	(
		setsid ocf-testsrv -6 -p "$P6" -f "$TMP/mode6" -P "$TMP/v6.pid" \
			</dev/null >>"$TMP/v6.log" 2>&1 &
	)
	if wait_until 5 test -s "$TMP/v6.pid"; then
		track_pgid "$(cat "$TMP/v6.pid")"
		test_expect_code 2 'IPv6-only: nothing on 127.0.0.1 at that port' \
			ocf-probe -t 0.5 "http://127.0.0.1:$P6"
		run_case ipv6-ready "http://[::1]:$P6" 0
		set_mode6 hang
		run_case ipv6-hang "http://[::1]:$P6"
	else
		test_skip 'IPv6-only primary' 'ocf-testsrv -6 did not start'
	fi
else
	test_skip 'IPv6-only primary' 'no ::1 here'
fi

# =====================================================================
# 4. TLS
# =====================================================================
if command -v openssl >/dev/null 2>&1; then
	# a self-signed certificate for 127.0.0.1, and one for another name
	if ! openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
		-subj '/CN=127.0.0.1' -addext 'subjectAltName=IP:127.0.0.1' \
		-keyout "$TMP/key.pem" -out "$TMP/cert.pem" >"$TMP/openssl.log" 2>&1 ||
	   ! openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
		-subj '/CN=other.invalid' -addext 'subjectAltName=DNS:other.invalid' \
		-keyout "$TMP/key2.pem" -out "$TMP/cert2.pem" >>"$TMP/openssl.log" 2>&1
	then
		bail_out "openssl req failed: $(tail -n 3 "$TMP/openssl.log")"
	fi
	bg tls openssl s_server -accept "127.0.0.1:$PT" -cert "$TMP/cert.pem" \
		-key "$TMP/key.pem" -www -quiet
	bg tls2 openssl s_server -accept "127.0.0.1:$PT2" -cert "$TMP/cert2.pem" \
		-key "$TMP/key2.pem" -www -quiet
	if wait_until 5 listens "$PT" && wait_until 5 listens "$PT2"; then
		unset PRIMARY_URL
		STATE_DIR=$TMP/st-tls
		export STATE_DIR
		t0=$(ms)
		test_expect_code 2 'TLS, self-signed certificate: ocf-probe is CRITICAL' \
			ocf-probe -t 2 "https://127.0.0.1:$PT"
		t=$(($(ms) - t0))
		cp "$TMP/out" "$TMP/out.selfsigned"
		printf '# case=tls-selfsigned verdict=2 time=%ss reason: %s\n' \
			"$(secs "$t")" "$(cat "$TMP/out.selfsigned")"
		test_ok "TLS, self-signed: quickly ($(secs "$t")s, well under -t 2)" \
			test "$t" -lt 1500
		test_grep 'TLS, self-signed: the reason is the certificate' \
			'SSL|certificate|TLS' "$TMP/out.selfsigned"
		test_expect_code 2 'TLS, self-signed, through -j: CRITICAL' \
			ocf-probe -j -t 2 "https://127.0.0.1:$PT"
		test_grep 'TLS, self-signed, -j: "status":"CRITICAL"' \
			'"status":"CRITICAL"' "$TMP/out"

		ocf-probe -t 2 -C "$TMP/cert.pem" "https://127.0.0.1:$PT" \
			>"$TMP/out" 2>"$TMP/err"
		rc=$?
		printf '# case=tls-with-ca verdict=%s reason: %s\n' "$rc" "$(cat "$TMP/out")"
		cp "$TMP/out" "$TMP/out.ca"
		test_ok 'TLS with -C the self-signed CA: it connects (no TLS error in the reason)' \
			test "$(grep -Eci 'SSL|certificate|TLS|handshake' "$TMP/out.ca")" = 0
		test_grep 'TLS with -C: it got an HTTP answer (s_server -www is no gateway)' \
			'garbage answer|HTTP [0-9]' "$TMP/out.ca"
		test_expect_code 2 'TLS, a certificate for another name, even with -C it: CRITICAL' \
			ocf-probe -t 2 -C "$TMP/cert2.pem" "https://127.0.0.1:$PT2"
		test_grep 'TLS, another name: the reason is the certificate' \
			'SSL|certificate|TLS|match' "$TMP/out"
		test_expect_code 3 'TLS, a CA file that does not exist: UNKNOWN (ours, not the server)' \
			ocf-probe -t 2 -C "$TMP/nope.pem" "https://127.0.0.1:$PT"
		# through the watcher: a bad certificate is a failed check
		run_case tls-selfsigned-watch "https://127.0.0.1:$PT"
		CA_FILE=$TMP/cert.pem
		export CA_FILE
		run_case tls-port-over-http "http://127.0.0.1:$PT"
		unset CA_FILE
	else
		test_skip 'TLS' 'openssl s_server did not start'
	fi
else
	test_skip 'TLS' 'openssl is not installed'
fi

# =====================================================================
# 5. valgrind: ocf-watch --once against a few of them
# =====================================================================
if command -v valgrind >/dev/null 2>&1; then
	PRIMARY_URL=http://127.0.0.1:$PP
	STATE_DIR=$TMP/st-valgrind
	export PRIMARY_URL STATE_DIR
	# counted, never acted on
	ocf-promote -M on >/dev/null 2>&1
	vg_watch() {
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
			--error-exitcode=99 ocf-watch --once
		[ $? -ne 99 ]
	}
	for m in hang huge endless rst garbage redirect badchunk; do
		set_mode "$m"
		test_ok "valgrind: ocf-watch --once clean on '$m'" vg_watch
	done
else
	test_skip 'valgrind' 'valgrind is not installed'
fi

printf '# first-check times:%s\n' "$SUMMARY"
test_cmp_str 'no gateway left running' 0 \
	"$(grep -lzF "OCF_GATEWAY_OF=$TMP/" /proc/[0-9]*/environ 2>/dev/null |
	awk 'END { print NR }')"
test_done
