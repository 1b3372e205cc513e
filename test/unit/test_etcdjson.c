/*
 * Unit tests for lib/etcdjson.c: the replies of etcd's JSON gateway and
 * base64.  The bodies marked "recorded" are what etcd 3.4.23 (Debian's
 * etcd-server) answered with curl on 127.0.0.1, byte for byte; the few
 * built by hand say so.  Each body is parsed from a heap buffer of
 * exactly its length (no NUL after it), so valgrind and ASan see any
 * overread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"
#include "etcdjson.h"

/* the header of every reply of that member, at revision rev */
#define HEADER(rev) "\"header\":{\"cluster_id\":\"12337222005447956175\"," \
	"\"member_id\":\"3884347338309814502\",\"revision\":\"" rev "\"," \
	"\"raft_term\":\"2\"}"
#define LEASE "5253064318490240517"	/* the lease node-a holds */

/* recorded: POST /v3/lease/grant {"TTL":"10"} */
static const char r_grant[] = "{" HEADER("1") ",\"ID\":\"" LEASE "\","
    "\"TTL\":\"10\"}";
/* recorded: /v3/lease/keepalive {"ID":LEASE}: a stream of one, with
 * its newline */
static const char r_keepalive_live[] = "{\"result\":{" HEADER("1")
    ",\"ID\":\"" LEASE "\",\"TTL\":\"10\"}}\n";
/* recorded: keepalive of a lease of TTL 2, 4 s later: no "TTL" */
static const char r_keepalive_expired[] = "{\"result\":{" HEADER("11")
    ",\"ID\":\"5253064318490240519\"}}\n";
/* recorded: keepalive of the lease after /v3/lease/revoke */
static const char r_keepalive_revoked[] = "{\"result\":{" HEADER("12")
    ",\"ID\":\"" LEASE "\"}}\n";
/* recorded: /v3/kv/txn, compare CREATE("/ocf/leader") == 0, success
 * [put "node-a" under LEASE, range], failure [range]: won */
static const char r_txn_won[] = "{" HEADER("3") ",\"succeeded\":true,"
    "\"responses\":[{\"response_put\":{\"header\":{\"revision\":\"3\"}}},"
    "{\"response_range\":{\"header\":{\"revision\":\"3\"},\"kvs\":[{\"key\":"
    "\"L29jZi9sZWFkZXI=\",\"create_revision\":\"3\",\"mod_revision\":\"3\","
    "\"version\":\"1\",\"value\":\"bm9kZS1h\",\"lease\":\"" LEASE "\"}],"
    "\"count\":\"1\"}}]}";
/* recorded: the same txn with success [put] alone: no range response */
static const char r_txn_won_put_only[] = "{" HEADER("2") ",\"succeeded\":"
    "true,\"responses\":[{\"response_put\":{\"header\":{\"revision\":"
    "\"2\"}}}]}";
/* recorded: node-b's txn right after: lost, no "succeeded", the
 * failure range names the holder */
static const char r_txn_lost[] = "{" HEADER("3") ",\"responses\":[{"
    "\"response_range\":{\"header\":{\"revision\":\"3\"},\"kvs\":[{\"key\":"
    "\"L29jZi9sZWFkZXI=\",\"create_revision\":\"3\",\"mod_revision\":\"3\","
    "\"version\":\"1\",\"value\":\"bm9kZS1h\",\"lease\":\"" LEASE "\"}],"
    "\"count\":\"1\"}}]}";
/* recorded: /v3/kv/range {"key":"/ocf/leader"} */
static const char r_range_found[] = "{" HEADER("3") ",\"kvs\":[{\"key\":"
    "\"L29jZi9sZWFkZXI=\",\"create_revision\":\"3\",\"mod_revision\":\"3\","
    "\"version\":\"1\",\"value\":\"bm9kZS1h\",\"lease\":\"" LEASE "\"}],"
    "\"count\":\"1\"}";
/* recorded: a range of a key that is not there: no "kvs", no "count" */
static const char r_range_none[] = "{" HEADER("3") "}";
/* recorded: a key put without a lease: no "lease" */
static const char r_range_plain[] = "{" HEADER("4") ",\"kvs\":[{\"key\":"
    "\"L29jZi9wbGFpbg==\",\"create_revision\":\"4\",\"mod_revision\":\"4\","
    "\"version\":\"1\",\"value\":\"aGVsbG8=\"}],\"count\":\"1\"}";
/* recorded: a key put with the value "": no "value" */
static const char r_range_empty[] = "{" HEADER("6") ",\"kvs\":[{\"key\":"
    "\"L29jZi9lbXB0eQ==\",\"create_revision\":\"6\",\"mod_revision\":\"6\","
    "\"version\":\"1\"}],\"count\":\"1\"}";
/* recorded: the value "a\001\377\n" */
static const char r_range_binary[] = "{" HEADER("7") ",\"kvs\":[{\"key\":"
    "\"L29jZi9iaW4=\",\"create_revision\":\"7\",\"mod_revision\":\"7\","
    "\"version\":\"1\",\"value\":\"YQH/Cg==\"}],\"count\":\"1\"}";
#define R10(s) s s s s s s s s s s
#define R170(s) R10(R10(s)) R10(s) R10(s) R10(s) R10(s) R10(s) R10(s) R10(s)
/* recorded: 512 'x', one byte more than we keep */
static const char r_range_long[] = "{" HEADER("8") ",\"kvs\":[{\"key\":"
    "\"L29jZi9sb25n\",\"create_revision\":\"8\",\"mod_revision\":\"8\","
    "\"version\":\"1\",\"value\":\"" R170("eHh4") "eHg=\"}],\"count\":\"1\"}";
/* recorded: 511 'y', the most we keep */
static const char r_range_max[] = "{" HEADER("9") ",\"kvs\":[{\"key\":"
    "\"L29jZi9tYXg=\",\"create_revision\":\"9\",\"mod_revision\":\"9\","
    "\"version\":\"1\",\"value\":\"" R170("eXl5") "eQ==\"}],\"count\":\"1\"}";
/* recorded: /v3/kv/put under LEASE: a bare header */
static const char r_put_leased[] = "{" HEADER("5") "}";
/* recorded, HTTP 404: a put under a lease etcd does not know; the same
 * body answers the revoke of a lease already gone */
static const char r_lease_not_found[] = "{\"error\":\"etcdserver: requested "
    "lease not found\",\"message\":\"etcdserver: requested lease not "
    "found\",\"code\":5}";
/* recorded, HTTP 400: a grant of {"TTL":"abc"} */
static const char r_grant_bad_ttl[] = "{\"error\":\"invalid character 'a' "
    "looking for beginning of value\",\"message\":\"invalid character 'a' "
    "looking for beginning of value\",\"code\":3}";
/* recorded: /v3/kv/deleterange of a key there, then again */
static const char r_delete_1[] = "{" HEADER("10") ",\"deleted\":\"1\"}";
static const char r_delete_0[] = "{" HEADER("10") "}";
/* recorded: txn compare CREATE("/ocf/other") == 99, success
 * [deleterange]: the key's create revision is 2 */
static const char r_txn_delete_wrong[] = "{" HEADER("10") "}";
/* recorded: the same with 2 */
static const char r_txn_delete_right[] = "{" HEADER("11") ",\"succeeded\":"
    "true,\"responses\":[{\"response_delete_range\":{\"header\":{"
    "\"revision\":\"11\"},\"deleted\":\"1\"}}]}";
/* recorded, HTTP 503: keepalive on the last member of three (no
 * quorum), after 7 s: grpc-gateway's error inside a stream, no newline */
static const char r_keepalive_no_leader[] = "{\"error\":{\"grpc_code\":14,"
    "\"http_code\":503,\"message\":\"etcdserver: no leader\","
    "\"http_status\":\"Service Unavailable\"}}";
/* recorded on that member, HTTP 503: a range; HTTP 500: a put */
static const char r_range_timed_out[] = "{\"error\":\"etcdserver: request "
    "timed out\",\"message\":\"etcdserver: request timed out\",\"code\":14}";
static const char r_put_deadline[] = "{\"error\":\"context deadline "
    "exceeded\",\"message\":\"context deadline exceeded\",\"code\":2}";
/* recorded, HTTP 404: a path the gateway does not serve */
static const char r_not_found[] = "Not Found\n";

/* copy text into a heap buffer of exactly its length */
static char *
heap(const char *text, size_t len)
{
	char *copy = malloc(len > 0 ? len : 1);

	assert_non_null(copy);
	memcpy(copy, text, len);
	return copy;
}

static int
grant(const char *text, long long *id, long long *ttl, char *err)
{
	char *b = heap(text, strlen(text));
	int r = ocf_etcd_parse_grant(b, strlen(text), id, ttl, err, 256);

	free(b);
	return r;
}

static int
keepalive(const char *text, long long *ttl, char *err)
{
	char *b = heap(text, strlen(text));
	int r = ocf_etcd_parse_keepalive(b, strlen(text), ttl, err, 256);

	free(b);
	return r;
}

static int
txn(const char *text, int *ok, struct ocf_etcd_kv *kv, char *err)
{
	char *b = heap(text, strlen(text));
	int r = ocf_etcd_parse_txn(b, strlen(text), ok, kv, err, 256);

	free(b);
	return r;
}

/* a range reply of len bytes (it may hold NULs) */
static int
range_n(const char *text, size_t len, struct ocf_etcd_kv *kv, char *err)
{
	char *b = heap(text, len);
	int r = ocf_etcd_parse_range(b, len, kv, err, 256);

	free(b);
	return r;
}

static int
range(const char *text, struct ocf_etcd_kv *kv, char *err)
{
	return range_n(text, strlen(text), kv, err);
}

static int
del(const char *text, int *deleted, char *err)
{
	char *b = heap(text, strlen(text));
	int r = ocf_etcd_parse_delete(b, strlen(text), deleted, err, 256);

	free(b);
	return r;
}

static int
error_of(const char *text, char *msg)
{
	char *b = heap(text, strlen(text));
	int r = ocf_etcd_parse_error(b, strlen(text), msg, 256);

	free(b);
	return r;
}

static void
assert_leader(const struct ocf_etcd_kv *kv)
{
	assert_int_equal(kv->found, 1);
	assert_string_equal(kv->value, "node-a");
	assert_int_equal(kv->create_revision, 3);
	assert_int_equal(kv->mod_revision, 3);
	assert_true(kv->lease == 5253064318490240517LL);
}

static void
grant_reply(void **st)
{
	long long id, ttl;
	char err[256];

	(void)st;
	assert_int_equal(grant(r_grant, &id, &ttl, err), 0);
	assert_true(id == 5253064318490240517LL);
	assert_int_equal(ttl, 10);
	/* by hand: int64s as JSON integers are taken too */
	assert_int_equal(grant("{\"header\":{},\"ID\":5253064318490240517,"
	    "\"TTL\":7}", &id, &ttl, err), 0);
	assert_true(id == 5253064318490240517LL);
	assert_int_equal(ttl, 7);
	/* LeaseGrantResponse's own "error" field, empty, is no error */
	assert_int_equal(grant("{\"header\":{},\"ID\":\"12\",\"TTL\":\"3\","
	    "\"error\":\"\"}", &id, &ttl, err), 0);
	assert_int_equal(id, 12);
	/* no lease ID is no grant */
	assert_int_equal(grant("{" HEADER("1") ",\"TTL\":\"10\"}", &id, &ttl,
	    err), -1);
	assert_string_equal(err, "no lease \"ID\" in the reply");
	assert_int_equal(grant("{" HEADER("1") ",\"ID\":\"12\",\"TTL\":"
	    "\"ten\"}", &id, &ttl, err), -1);
	assert_string_equal(err, "bad \"TTL\" in the reply");
	assert_int_equal(id, 0);
	assert_int_equal(grant("{" HEADER("1") ",\"ID\":\"12x\"}", &id, &ttl,
	    err), -1);
	assert_string_equal(err, "bad \"ID\" in the reply");
	assert_int_equal(grant("{" HEADER("1") ",\"ID\":\"99999999999999999999"
	    "\"}", &id, &ttl, err), -1);
	assert_int_equal(grant("{" HEADER("1") ",\"ID\":\" 12\"}", &id, &ttl,
	    err), -1);
	assert_int_equal(grant("{" HEADER("1") ",\"ID\":1.5}", &id, &ttl,
	    err), -1);
	assert_int_equal(grant(r_grant_bad_ttl, &id, &ttl, err), -1);
	assert_string_equal(err,
	    "invalid character 'a' looking for beginning of value");
}

static void
keepalive_replies(void **st)
{
	char err[256], *two;
	long long ttl;

	(void)st;
	assert_int_equal(keepalive(r_keepalive_live, &ttl, err), 0);
	assert_int_equal(ttl, 10);
	/* an expired or revoked lease: 200, and no "TTL" */
	ttl = 99;
	assert_int_equal(keepalive(r_keepalive_expired, &ttl, err), 0);
	assert_int_equal(ttl, 0);
	ttl = 99;
	assert_int_equal(keepalive(r_keepalive_revoked, &ttl, err), 0);
	assert_int_equal(ttl, 0);
	/* without its newline, and a stream of two: the first counts */
	two = malloc(sizeof(r_keepalive_live) + sizeof(r_keepalive_expired));
	assert_non_null(two);
	snprintf(two, sizeof(r_keepalive_live) + sizeof(r_keepalive_expired),
	    "%s%s", r_keepalive_live, r_keepalive_expired);
	assert_int_equal(keepalive(two, &ttl, err), 0);
	assert_int_equal(ttl, 10);
	two[strlen(r_keepalive_live) - 1] = '\0';
	assert_int_equal(keepalive(two, &ttl, err), 0);
	assert_int_equal(ttl, 10);
	free(two);
	/* grpc-gateway's form of an error inside a stream */
	assert_int_equal(keepalive(r_keepalive_no_leader, &ttl, err), -1);
	assert_string_equal(err, "etcdserver: no leader");
	assert_int_equal(keepalive(r_lease_not_found, &ttl, err), -1);
	assert_string_equal(err, "etcdserver: requested lease not found");
	/* a unary reply is not a keepalive's */
	assert_int_equal(keepalive(r_grant, &ttl, err), -1);
	assert_string_equal(err, "not an etcd reply (no result)");
	assert_int_equal(keepalive("{\"result\":{}}", &ttl, err), -1);
	assert_int_equal(keepalive("", &ttl, err), -1);
	assert_string_equal(err, "not an etcd reply");
}

static void
txn_replies(void **st)
{
	struct ocf_etcd_kv kv;
	char err[256];
	int ok;

	(void)st;
	assert_int_equal(txn(r_txn_won, &ok, &kv, err), 0);
	assert_int_equal(ok, 1);
	assert_leader(&kv);
	/* won, with no range in the reply: no kv */
	assert_int_equal(txn(r_txn_won_put_only, &ok, &kv, err), 0);
	assert_int_equal(ok, 1);
	assert_int_equal(kv.found, 0);
	/* lost: "succeeded" left out is false; the holder's key */
	ok = 1;
	assert_int_equal(txn(r_txn_lost, &ok, &kv, err), 0);
	assert_int_equal(ok, 0);
	assert_leader(&kv);
	/* the delete txn lost: nothing at all but the header */
	ok = 1;
	assert_int_equal(txn(r_txn_delete_wrong, &ok, &kv, err), 0);
	assert_int_equal(ok, 0);
	assert_int_equal(kv.found, 0);
	/* by hand: the range response first of all counts, empty or not */
	assert_int_equal(txn("{\"header\":{},\"succeeded\":false,\"responses\":"
	    "[{\"response_range\":{\"header\":{}}},{\"response_range\":{"
	    "\"kvs\":[{\"value\":\"eA==\"}]}}]}", &ok, &kv, err), 0);
	assert_int_equal(kv.found, 0);
	assert_int_equal(txn("{\"header\":{},\"succeeded\":\"true\"}", &ok, &kv,
	    err), -1);
	assert_string_equal(err, "bad \"succeeded\" in the reply");
	assert_int_equal(txn("{\"header\":{},\"succeeded\":true,\"responses\":"
	    "{}}", &ok, &kv, err), -1);
	assert_int_equal(ok, 0);
	assert_int_equal(txn("{\"header\":{},\"succeeded\":true,\"responses\":"
	    "[{\"response_range\":{\"kvs\":[{\"value\":\"!!!!\"}]}}]}", &ok,
	    &kv, err), -1);
	assert_int_equal(ok, 0);
	assert_string_equal(err, "bad \"value\" in the reply");
	assert_int_equal(txn(r_lease_not_found, &ok, &kv, err), -1);
	assert_string_equal(err, "etcdserver: requested lease not found");
}

static void
range_replies(void **st)
{
	struct ocf_etcd_kv kv;
	char err[256];

	(void)st;
	assert_int_equal(range(r_range_found, &kv, err), 0);
	assert_leader(&kv);
	/* no match: no "kvs", no "count" */
	kv.found = 1;
	assert_int_equal(range(r_range_none, &kv, err), 0);
	assert_int_equal(kv.found, 0);
	/* no lease: no "lease" */
	assert_int_equal(range(r_range_plain, &kv, err), 0);
	assert_int_equal(kv.found, 1);
	assert_string_equal(kv.value, "hello");
	assert_int_equal(kv.create_revision, 4);
	assert_int_equal(kv.lease, 0);
	/* the empty value: no "value", and the key is there */
	assert_int_equal(range(r_range_empty, &kv, err), 0);
	assert_int_equal(kv.found, 1);
	assert_string_equal(kv.value, "");
	assert_int_equal(kv.create_revision, 6);
	assert_int_equal(range(r_range_binary, &kv, err), 0);
	assert_string_equal(kv.value, "a\001\377\n");
	assert_int_equal(range(r_range_max, &kv, err), 0);
	assert_int_equal(strlen(kv.value), OCF_ETCD_VALUE_MAX - 1);
	assert_int_equal(kv.value[0], 'y');
	assert_int_equal(kv.value[OCF_ETCD_VALUE_MAX - 2], 'y');
	/* one byte more is an error, not a cut */
	assert_int_equal(range(r_range_long, &kv, err), -1);
	assert_string_equal(err, "the key's value is longer than 511 bytes");
	assert_int_equal(kv.found, 0);
	/* a put's reply is a bare header: no key in it */
	assert_int_equal(range(r_put_leased, &kv, err), 0);
	assert_int_equal(kv.found, 0);
	/* by hand: int64s as JSON integers, a value with a NUL */
	assert_int_equal(range("{\"header\":{},\"kvs\":[{\"create_revision\":"
	    "5,\"mod_revision\":6,\"lease\":-7,\"value\":\"eA==\"}]}", &kv,
	    err), 0);
	assert_int_equal(kv.create_revision, 5);
	assert_int_equal(kv.mod_revision, 6);
	assert_int_equal(kv.lease, -7);
	assert_string_equal(kv.value, "x");
	assert_int_equal(range("{\"header\":{},\"kvs\":[{\"value\":\"eAB5\"}]}",
	    &kv, err), -1);
	assert_string_equal(err, "the key's value holds a NUL byte");
	assert_int_equal(range("{\"header\":{},\"kvs\":[{\"create_revision"
	    "\":\"5\",\"mod_revision\":\"x\"}]}", &kv, err), -1);
	assert_string_equal(err, "bad \"mod_revision\" in the reply");
	assert_int_equal(kv.create_revision, 0);	/* nothing half read */
	assert_int_equal(range("{\"header\":{},\"kvs\":{}}", &kv, err), -1);
	assert_int_equal(range("{\"header\":{},\"kvs\":[7]}", &kv, err), -1);
	assert_int_equal(range("{\"header\":{},\"kvs\":[{\"value\":7}]}", &kv,
	    err), -1);
	assert_int_equal(range(r_lease_not_found, &kv, err), -1);
	assert_string_equal(err, "etcdserver: requested lease not found");
}

static void
delete_replies(void **st)
{
	char err[256];
	int n;

	(void)st;
	assert_int_equal(del(r_delete_1, &n, err), 0);
	assert_int_equal(n, 1);
	n = 7;
	assert_int_equal(del(r_delete_0, &n, err), 0);
	assert_int_equal(n, 0);
	/* the delete txn: its deleterange response, or none */
	n = 7;
	assert_int_equal(del(r_txn_delete_wrong, &n, err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(del(r_txn_delete_right, &n, err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(del("{\"header\":{},\"deleted\":\"-1\"}", &n, err),
	    -1);
	assert_string_equal(err, "bad \"deleted\" in the reply");
	assert_int_equal(del(r_lease_not_found, &n, err), -1);
}

static void
errors(void **st)
{
	struct ocf_etcd_kv kv;
	char err[256], msg[256], *cut;
	long long id, ttl;
	size_t half;
	int ok, n;

	(void)st;
	assert_int_equal(error_of(r_lease_not_found, msg), 0);
	assert_string_equal(msg, "etcdserver: requested lease not found");
	assert_int_equal(error_of(r_grant_bad_ttl, msg), 0);
	assert_int_equal(error_of(r_keepalive_no_leader, msg), 0);
	assert_string_equal(msg, "etcdserver: no leader");
	assert_int_equal(error_of(r_range_timed_out, msg), 0);
	assert_string_equal(msg, "etcdserver: request timed out");
	assert_int_equal(error_of(r_put_deadline, msg), 0);
	assert_string_equal(msg, "context deadline exceeded");
	/* a stream's error with its newline */
	assert_int_equal(error_of("{\"error\":{\"message\":\"etcdserver: no "
	    "leader\"}}\n", msg), 0);
	assert_string_equal(msg, "etcdserver: no leader");
	/* control characters of the message do not reach a log line */
	assert_int_equal(error_of("{\"error\":\"x\",\"message\":\"a\\nb\\u001b"
	    "[2J\"}", msg), 0);
	assert_string_equal(msg, "a?b?[2J");
	assert_int_equal(error_of("{\"error\":7}", msg), 0);
	assert_string_equal(msg, "an error without a message");
	assert_int_equal(error_of(r_range_found, msg), -1);
	assert_int_equal(error_of(r_not_found, msg), -1);
	assert_int_equal(error_of("", msg), -1);

	/* not JSON, not whole, not an object, not etcd's */
	assert_int_equal(range(r_not_found, &kv, err), -1);
	assert_string_equal(err, "not an etcd reply");
	assert_int_equal(range("", &kv, err), -1);
	assert_string_equal(err, "not an etcd reply");
	half = strlen(r_range_found) / 2;
	cut = heap(r_range_found, half);
	assert_int_equal(ocf_etcd_parse_range(cut, half, &kv, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "not an etcd reply");
	free(cut);
	assert_int_equal(range("[]", &kv, err), -1);
	assert_int_equal(range("null", &kv, err), -1);
	assert_int_equal(range("{}", &kv, err), -1);
	assert_string_equal(err, "not an etcd reply (no header)");
	assert_int_equal(del("{}", &n, err), -1);
	assert_int_equal(txn("{\"succeeded\":true}", &ok, &kv, err), -1);
	assert_int_equal(grant("{\"ID\":\"1\",\"TTL\":\"2\"}", &id, &ttl, err),
	    -1);
	/* a body with a second object after it is not one reply */
	assert_int_equal(range("{\"header\":{}}{}", &kv, err), -1);
	assert_int_equal(range("{\"header\":{},\"header\":{}}", &kv, err), -1);
	/* a NUL inside the body */
	assert_int_equal(range_n("{\"header\":{}}\0", 14, &kv, err), -1);
	/* a small err is cut, not overrun */
	cut = heap(r_lease_not_found, strlen(r_lease_not_found));
	assert_int_equal(ocf_etcd_parse_range(cut, strlen(r_lease_not_found),
	    &kv, err, 8), -1);
	assert_string_equal(err, "etcdser");
	free(cut);
}

/* bad base64 in a value, as a range reply carries it */
static void
bad_base64(void **st)
{
	static const char *const bad[] = {
		"eA=", "eA", "e", "eA===", "====", "e===", "eA=A", "=eAA",
		"eA==eA==", "eA\\n==", " eA=", "eA= ", "eA-_", "!!!!",
	};
	struct ocf_etcd_kv kv;
	char body[128], err[256];

	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "{\"header\":{},\"kvs\":[{"
		    "\"value\":\"%s\"}]}", bad[i]);
		if (range(body, &kv, err) != -1)
			fail_msg("'%s' taken for base64", bad[i]);
		assert_string_equal(err, "bad \"value\" in the reply");
	}
	/* jansson takes no NUL in a string: not even a reply */
	assert_int_equal(range("{\"header\":{},\"kvs\":[{\"value\":"
	    "\"eA\\u0000=\"}]}", &kv, err), -1);
}

static void
base64(void **st)
{
	/* RFC 4648's vectors, and bytes that are no text */
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} v[] = {
		{ "", 0, "" }, { "f", 1, "Zg==" }, { "fo", 2, "Zm8=" },
		{ "foo", 3, "Zm9v" }, { "foob", 4, "Zm9vYg==" },
		{ "fooba", 5, "Zm9vYmE=" }, { "foobar", 6, "Zm9vYmFy" },
		{ "\0", 1, "AA==" }, { "\377\0\376", 3, "/wD+" },
		{ "\0\0\0\0\0", 5, "AAAAAAA=" }, { "\373\377", 2, "+/8=" },
	};
	unsigned char in[5];
	char out[16], body[128], err[256];
	struct ocf_etcd_kv kv;

	(void)st;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(ocf_b64_encode(v[i].in, v[i].len, out,
		    sizeof(out)), 0);
		assert_string_equal(out, v[i].out);
	}
	/* out exactly big enough, one byte short */
	assert_int_equal(ocf_b64_encode("fooba", 5, out, 9), 0);
	assert_string_equal(out, "Zm9vYmE=");
	assert_int_equal(ocf_b64_encode("fooba", 5, out, 8), -1);
	assert_int_equal(ocf_b64_encode("", 0, out, 1), 0);
	assert_int_equal(ocf_b64_encode("", 0, out, 0), -1);
	/* there and back through a reply: lengths 0..5, every byte but
	 * NUL in every position (the padding's zeros never show) */
	for (size_t len = 0; len <= 5; len++)
		for (int b = 1; b < 256; b++) {
			for (size_t i = 0; i < len; i++)
				in[i] = (unsigned char)(b + 37 * i) == 0 ?
				    1 : (unsigned char)(b + 37 * i);
			assert_int_equal(ocf_b64_encode(in, len, out,
			    sizeof(out)), 0);
			snprintf(body, sizeof(body), "{\"header\":{},\"kvs\":"
			    "[{\"value\":\"%s\"}]}", out);
			assert_int_equal(range(body, &kv, err), 0);
			assert_int_equal(kv.found, 1);
			assert_int_equal(strlen(kv.value), len);
			assert_memory_equal(kv.value, in, len);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grant_reply),
		cmocka_unit_test(keepalive_replies),
		cmocka_unit_test(txn_replies),
		cmocka_unit_test(range_replies),
		cmocka_unit_test(delete_replies),
		cmocka_unit_test(errors),
		cmocka_unit_test(bad_base64),
		cmocka_unit_test(base64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
