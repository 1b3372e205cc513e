#!/bin/sh
# t5001-etcd-client.sh - ocf's etcd client (lib/etcd.c) against a real
# single-member etcd on 127.0.0.1, through the ocf-etcdctl helper:
#   - create wins once; the second create loses and names the holder's
#     value, lease and create revision, the same that get reads;
#   - a lease kept alive keeps its key past its TTL; one left alone loses
#     it, and its keepalive then says ttl=0; revoke deletes the key and
#     revoking again is no error;
#   - delete with another create revision deletes nothing, with the
#     key's own it deletes;
#   - endpoints: a refused one, one that accepts and never answers, one
#     that answers 500 and one that answers 200 "{}" are passed over
#     within the per-endpoint timeout each; the list wraps once from the
#     current one; when none answers, the error names the last one tried.
# Without etcd installed (Debian: etcd-server): a skip.

. "$(dirname "$0")/lib.sh"

if ! command -v etcd >/dev/null 2>&1; then
	test_skip 'the etcd client' 'etcd is not installed (apt-get install etcd-server)'
	test_done
fi
command -v ocf-etcdctl >/dev/null 2>&1 ||
	bail_out 'ocf-etcdctl is not built (make check builds it)'
command -v ocf-testsrv >/dev/null 2>&1 ||
	bail_out 'ocf-testsrv is not built (make check builds it)'

# above every gateway's range (20000-29510): etcd's client and peer
# ports, a refused port, and the three bad members
C=$(pick_port 30379) || bail_out 'no free port for etcd'
P=$(pick_port $((C + 1))) || bail_out 'no free peer port for etcd'
DEAD=$(pick_port $((P + 1))) || bail_out 'no free port to leave closed'
HANG=$(pick_port $((DEAD + 1))) || bail_out 'no free port for the hung member'
E500=$(pick_port $((HANG + 1))) || bail_out 'no free port for the 500 member'
JUNK=$(pick_port $((E500 + 1))) || bail_out 'no free port for the junk member'
E=http://127.0.0.1:$C

# etcd reads ETCD_* variables: none of the caller's reaches it
env -i PATH="$PATH" etcd --name default --data-dir "$TMP/etcd" \
	--listen-client-urls "$E" --advertise-client-urls "$E" \
	--listen-peer-urls "http://127.0.0.1:$P" \
	--initial-advertise-peer-urls "http://127.0.0.1:$P" \
	--initial-cluster "default=http://127.0.0.1:$P" \
	>"$TMP/etcd.log" 2>&1 &
etcd_pid=$!
at_exit kill "$etcd_pid"
for mode in hang error500; do
	case $mode in
	hang)	port=$HANG ;;
	*)	port=$E500 ;;
	esac
	ocf-testsrv -p "$port" -m "$mode" -P "$TMP/$mode.pid" 2>/dev/null &
	at_exit kill "$!"
done
# a POST logged and answered 200 "{}": an HTTP server that is no etcd
ocf-testsrv -p "$JUNK" -m ready -o "$TMP/junk.posts" -P "$TMP/junk.pid" \
	2>/dev/null &
at_exit kill "$!"
for f in hang error500 junk; do
	wait_until 5 test -s "$TMP/$f.pid" || bail_out "ocf-testsrv ($f) did not start"
done
wait_until 30 ocf-etcdctl -t 1 "$E" get /ocf/probe >/dev/null 2>&1 ||
	bail_out "etcd did not answer on $E within 30 s: $(tail -n 3 "$TMP/etcd.log")"

# val KEY: the value of KEY= in $TMP/out
val() {
	sed -n "s/^$1=//p" "$TMP/out"
}

# elapsed T0: seconds since T0 (now)
elapsed() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f\n", b - a }'
}

# under: true when the number $1 is below $2
under() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'
}

# --- create wins once, then names the holder --------------------------------
# long enough for every step below on a slow (sanitized) build
test_ok 'grant a lease of 60 s' ocf-etcdctl "$E" grant 60
LA=$(val id)
test_cmp_str 'the lease has the TTL asked for' 60 "$(val ttl)"
test_ok 'node-a creates the leader key' \
	ocf-etcdctl "$E" create /ocf/leader node-a "$LA"
test_cmp_str 'node-a won' 1 "$(val won)"
test_cmp_str 'the key holds node-a' node-a "$(val value)"
test_cmp_str 'under the lease of node-a' "$LA" "$(val lease)"
REV=$(val create_revision)
test_ok 'the create revision is a revision' test "${REV:-0}" -gt 0
ocf-etcdctl "$E" grant 60 >"$TMP/out" || bail_out 'cannot grant a second lease'
LB=$(val id)
test_ok 'node-b tries to create it too' \
	ocf-etcdctl "$E" create /ocf/leader node-b "$LB"
test_cmp_str 'node-b lost' 0 "$(val won)"
test_cmp_str 'the reply names the holder' node-a "$(val value)"
test_cmp_str 'and its lease' "$LA" "$(val lease)"
test_cmp_str 'and its create revision' "$REV" "$(val create_revision)"
# the answer to a create that went through on one member is lost, and
# the call tries the next: the key under our lease, with our value, is ours
test_ok 'node-a creates it again, as a retry would' \
	ocf-etcdctl "$E" create /ocf/leader node-a "$LA"
test_cmp_str 'a retry of our own create wins' 1 "$(val won)"
test_cmp_str 'and changes nothing' "$REV" "$(val mod_revision)"
test_ok 'get the leader key' ocf-etcdctl "$E" get /ocf/leader
test_cmp_str 'get: the same create revision' "$REV" "$(val create_revision)"
test_cmp_str 'get: node-a' node-a "$(val value)"
test_ok 'get a key that is not there' ocf-etcdctl "$E" get /ocf/nothing
test_cmp_str 'found=0' 0 "$(val found)"

# --- leases: kept alive, expired, revoked -----------------------------------
ocf-etcdctl "$E" grant 2 >"$TMP/out" || bail_out 'cannot grant a lease of 2 s'
LX=$(val id)
ocf-etcdctl "$E" put /ocf/gone yes "$LX" >/dev/null ||
	bail_out 'cannot put a key under the lease'
# the kept lease last: one call between its grant and the first
# keepalive, even on a loaded machine (a sanitized call can take 1 s)
ocf-etcdctl "$E" grant 2 >"$TMP/out" || bail_out 'cannot grant a lease of 2 s'
LK=$(val id)
ocf-etcdctl "$E" put /ocf/kept yes "$LK" >/dev/null ||
	bail_out 'cannot put a key under the lease'
# 4 s of keepalives every 0.3 s: twice the TTL
t0=$(now) kept=0 bad=0
while under "$(elapsed "$t0")" 4; do
	if ocf-etcdctl "$E" keepalive "$LK" >"$TMP/out" 2>"$TMP/err" &&
	    [ "$(val ttl)" = 2 ]; then
		kept=$((kept + 1))
	else
		bad=$((bad + 1))
		sed 's/^/# keepalive at '"$(elapsed "$t0")"'s: /' "$TMP/out" \
			"$TMP/err"
	fi
	sleep 0.3
done
test_cmp_str "every keepalive renewed the lease to 2 s ($kept of them)" 0 "$bad"
test_ok 'the kept key is there after 4 s' ocf-etcdctl "$E" get /ocf/kept
test_cmp_str 'found=1' 1 "$(val found)"
# the other lease expired meanwhile (etcd checks leases every 0.5 s)
gone() {
	ocf-etcdctl "$E" get /ocf/gone >"$TMP/gone" && grep -qx found=0 "$TMP/gone"
}
test_ok 'the key of the lease left alone is gone' wait_until 5 gone
test_ok 'keepalive of the expired lease' ocf-etcdctl "$E" keepalive "$LX"
test_cmp_str 'it says ttl=0' 0 "$(val ttl)"
test_ok 'revoke the kept lease' ocf-etcdctl "$E" revoke "$LK"
test_ok 'get after revoke' ocf-etcdctl "$E" get /ocf/kept
test_cmp_str 'revoke deleted its key' 0 "$(val found)"
test_ok 'revoke it again: not an error' ocf-etcdctl "$E" revoke "$LK"
test_expect_code 1 'a put under a lease etcd does not know fails' \
	ocf-etcdctl "$E" put /ocf/bad x "$LK"
test_grep 'naming the endpoint and the message of etcd' \
	"^ocf-etcdctl: error: etcd: $E: etcdserver: requested lease not found" \
	"$TMP/err"

# --- delete only the key of a given create revision -------------------------
ocf-etcdctl "$E" put /ocf/del x >/dev/null || bail_out 'cannot put /ocf/del'
ocf-etcdctl "$E" get /ocf/del >"$TMP/out" || bail_out 'cannot get /ocf/del'
DREV=$(val create_revision)
test_ok 'delete with another create revision' \
	ocf-etcdctl "$E" delete /ocf/del $((DREV + 1))
test_cmp_str 'deleted=0' 0 "$(val deleted)"
ocf-etcdctl "$E" get /ocf/del >"$TMP/out"
test_cmp_str 'the key is still there' 1 "$(val found)"
test_ok 'delete with its create revision' ocf-etcdctl "$E" delete /ocf/del "$DREV"
test_cmp_str 'deleted=1' 1 "$(val deleted)"
ocf-etcdctl "$E" get /ocf/del >"$TMP/out"
test_cmp_str 'the key is gone' 0 "$(val found)"
test_ok 'delete a key that is not there' ocf-etcdctl "$E" delete /ocf/del
test_cmp_str 'deleted=0' 0 "$(val deleted)"
ocf-etcdctl "$E" put /ocf/any x >/dev/null || bail_out 'cannot put /ocf/any'
test_ok 'delete whatever its revision' ocf-etcdctl "$E" delete /ocf/any
test_cmp_str 'deleted=1' 1 "$(val deleted)"

# --- endpoints ---------------------------------------------------------------
B_DEAD=http://127.0.0.1:$DEAD B_HANG=http://127.0.0.1:$HANG
B_500=http://127.0.0.1:$E500 B_JUNK=http://127.0.0.1:$JUNK
# failover LIST BAD WANT DESC [OPTION...]: get through LIST with a
# timeout of 0.5 s each; endpoint WANT (its index) answers, within
# BAD x 0.5 s + 1.5 s
failover() {
	_list=$1 _bad=$2 _want=$3 _desc=$4
	shift 4
	t0=$(now)
	test_ok "$_desc" ocf-etcdctl -t 0.5 "$@" "$_list" get /ocf/kept
	_secs=$(elapsed "$t0")
	test_cmp_str "$_desc: endpoint $_want answered" "$_want" "$(val current)"
	_max=$(awk -v n="$_bad" 'BEGIN { print n * 0.5 + 1.5 }')
	echo "# $_desc: ${_secs}s"
	test_ok "$_desc: ${_secs}s < ${_max}s" under "$_secs" "$_max"
}
failover "$B_DEAD,$B_HANG,$E" 2 2 'refused, hung, then etcd'
failover "$B_DEAD,$B_HANG,$B_500,$B_JUNK,$E" 4 4 \
	'refused, hung, 500, a 200 that is no etcd reply, then etcd'
test_grep 'the junk member was asked' '"key"' "$TMP/junk.posts"
failover "$B_DEAD,$B_HANG,$E" 0 2 'starting at the current one' -c 2
failover "$E,$B_DEAD,$B_HANG" 1 0 'from the hung one, wrapping to the first' \
	-c 2
failover " $E/ , ,$B_DEAD" 0 0 'blanks, an empty entry and a trailing slash'
failover "$B_DEAD,$E" 1 1 'a current index out of range starts at the first' \
	-c 7
t0=$(now)
test_expect_code 1 'no endpoint answers' \
	ocf-etcdctl -t 0.5 "$B_DEAD,$B_500,$B_HANG" get /ocf/kept
secs=$(elapsed "$t0")
test_grep 'the error names the last endpoint tried and why' \
	"^ocf-etcdctl: error: etcd: $B_HANG: .*[Tt]imeout" "$TMP/err"
echo "# no endpoint answers: ${secs}s"
test_ok "no endpoint answers: ${secs}s < 3s" under "$secs" 3
test_expect_code 1 'the 500 member alone' \
	ocf-etcdctl -t 0.5 "$B_500" get /ocf/kept
test_grep 'its status is the cause' \
	"^ocf-etcdctl: error: etcd: $B_500: .*HTTP 500" "$TMP/err"
test_expect_code 1 'the junk member alone' \
	ocf-etcdctl -t 0.5 "$B_JUNK" get /ocf/kept
test_grep 'a 200 without an etcd header is no answer' \
	"^ocf-etcdctl: error: etcd: $B_JUNK: not an etcd reply" "$TMP/err"
test_expect_code 1 'an empty list' ocf-etcdctl " , " get /ocf/kept
test_grep 'says so' "^ocf-etcdctl: error: etcd: no endpoints in ' , '" \
	"$TMP/err"
test_expect_code 1 'a value longer than 511 bytes is refused' \
	ocf-etcdctl "$E" put /ocf/long "$(printf '%0512d' 0)"

# --- the client's memory, once, under valgrind -------------------------------
if ! command -v valgrind >/dev/null 2>&1; then
	test_skip 'the client under valgrind' 'valgrind is not installed'
elif grep -q __asan_init "$TEST_HELPERS/ocf-etcdctl"; then
	test_skip 'the client under valgrind' \
		'ocf-etcdctl is built with ASan (make SANITIZE=1), which checks it'
else
	ocf-etcdctl "$E" grant 10 >"$TMP/out" || bail_out 'cannot grant a lease'
	LV=$(val id)
	for op in "create /ocf/vg v $LV" "keepalive $LV" "get /ocf/vg" \
	    "delete /ocf/vg" "revoke $LV" "revoke $LV"; do
		# shellcheck disable=SC2086 # the operation's words
		test_ok "valgrind: $op, through a refused endpoint" \
			valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite \
			--suppressions="$SRCDIR/test/valgrind.supp" \
			"$TEST_HELPERS/ocf-etcdctl" -t 2 "$B_DEAD,$E" $op
	done
	test_expect_code 1 'valgrind: no endpoint answers' \
		valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite \
		--suppressions="$SRCDIR/test/valgrind.supp" \
		"$TEST_HELPERS/ocf-etcdctl" -t 0.5 "$B_DEAD,$B_HANG,$B_500" \
		get /ocf/vg
fi

test_done
