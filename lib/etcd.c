/*
 * etcd v3 over its JSON gateway: each call is one POST, tried on the
 * endpoints in turn.  Request bodies are built with jansson, never by
 * pasting strings: keys and values are the caller's.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "etcd.h"
#include "etcdjson.h"
#include "http.h"

#define MAX_BODY (64 * 1024)	/* our replies are a few hundred bytes */
#define MAX_ENDPOINTS 16
#define LIST_MAX 4096		/* ETCD_ENDPOINTS, all of it */
#define LEASE_GONE "etcdserver: requested lease not found"

/* what a call's parser fills in */
struct out {
	long long a, b;		/* grant: id, ttl; keepalive: ttl */
	int n;			/* txn: succeeded; delete: deleted */
	struct ocf_etcd_kv *kv;
	struct ocf_etcd_kv spare;
};

typedef int parse_fn(const char *, size_t, struct out *, char *, size_t);

static int
p_grant(const char *b, size_t len, struct out *o, char *err, size_t errlen)
{
	return ocf_etcd_parse_grant(b, len, &o->a, &o->b, err, errlen);
}

static int
p_keepalive(const char *b, size_t len, struct out *o, char *err,
    size_t errlen)
{
	return ocf_etcd_parse_keepalive(b, len, &o->a, err, errlen);
}

static int
p_txn(const char *b, size_t len, struct out *o, char *err, size_t errlen)
{
	return ocf_etcd_parse_txn(b, len, &o->n, o->kv, err, errlen);
}

static int
p_range(const char *b, size_t len, struct out *o, char *err, size_t errlen)
{
	return ocf_etcd_parse_range(b, len, o->kv, err, errlen);
}

/* put and revoke answer a bare {"header":{...}}: the range parser checks
 * that much (an error reply, a body that is not etcd's) */
static int
p_header(const char *b, size_t len, struct out *o, char *err, size_t errlen)
{
	return ocf_etcd_parse_range(b, len, &o->spare, err, errlen);
}

static int
p_delete(const char *b, size_t len, struct out *o, char *err, size_t errlen)
{
	return ocf_etcd_parse_delete(b, len, &o->n, err, errlen);
}

/*
 * Split the list into buf: ep[] points at each URL, blanks around it and
 * trailing '/' cut, the first MAX_ENDPOINTS of them (a cluster has 3 or
 * 5).  The number of endpoints, 0 when there is none or the list is too
 * long.
 */
static int
split(const char *list, char *buf, size_t buflen, char **ep)
{
	char *p, *end;
	int n = 0;

	if (list == NULL || snprintf(buf, buflen, "%s", list) >= (int)buflen)
		return 0;
	for (p = buf; p != NULL && n < MAX_ENDPOINTS; p = end) {
		if ((end = strchr(p, ',')) != NULL)
			*end++ = '\0';
		p += strspn(p, " \t");
		for (size_t l = strlen(p); l > 0 && strchr(" \t/",
		    p[l - 1]) != NULL; l--)
			p[l - 1] = '\0';
		if (*p != '\0')
			ep[n++] = p;
	}
	return n;
}

/*
 * One POST to one endpoint: 0 when it answered 200 with a reply that
 * parse accepts, 1 when it answered the error whose message is benign,
 * -1 with cause.
 */
static int
attempt(const struct ocf_http_req *q, parse_fn *parse, struct out *o,
    const char *benign, char *cause, size_t causelen)
{
	struct ocf_http_resp r;
	char msg[384];
	int rc = -1;

	if (ocf_http_do(q, &r) == -1) {
		snprintf(cause, causelen, "%s", r.error);
	} else if (r.truncated) {
		snprintf(cause, causelen, "reply longer than %d bytes",
		    MAX_BODY);
	} else if (r.code != 200) {
		/* etcd's 4xx and 5xx carry a message; others may not */
		if (ocf_etcd_parse_error(r.body, r.len, msg, sizeof(msg)) == -1)
			snprintf(cause, causelen, "HTTP %ld", r.code);
		else if (benign != NULL && strcmp(msg, benign) == 0)
			rc = 1;
		else
			snprintf(cause, causelen, "%s (HTTP %ld)", msg, r.code);
	} else if (parse(r.body, r.len, o, cause, causelen) == 0) {
		rc = 0;
	}
	ocf_http_free(&r);
	return rc;
}

/*
 * POST req to path on the endpoints, from e->current on, until one
 * answers (attempt); that one becomes current.  A member without quorum
 * times out or answers an error: the next one may do better.  0, 1 (the
 * benign error), or -1 with err naming the last endpoint tried.
 */
static int
call(struct ocf_etcd *e, const char *path, json_t *req, parse_fn *parse,
    struct out *o, const char *benign, char *err, size_t errlen)
{
	char list[LIST_MAX], url[1024], cause[512];
	char *ep[MAX_ENDPOINTS], *json;
	struct ocf_http_req q;
	int n, i, at, rc = -1;

	if (req == NULL || (json = json_dumps(req, JSON_COMPACT)) == NULL) {
		snprintf(err, errlen, "etcd: out of memory");
		return -1;
	}
	if ((n = split(e->endpoints, list, sizeof(list), ep)) == 0) {
		if (e->endpoints != NULL && strlen(e->endpoints) >= LIST_MAX)
			snprintf(err, errlen, "etcd: a list of endpoints "
			    "longer than %d bytes", LIST_MAX - 1);
		else
			snprintf(err, errlen, "etcd: no endpoints in '%s'",
			    e->endpoints != NULL ? e->endpoints : "");
		free(json);
		return -1;
	}
	if (e->current < 0 || e->current >= n)
		e->current = 0;
	memset(&q, 0, sizeof(q));
	q.url = url;
	q.timeout = e->timeout;
	q.ca_file = e->ca_file;
	q.post_json = json;
	q.max_body = MAX_BODY;
	/* the cluster is ours, next to us: no proxy of the environment */
	q.no_proxy = 1;
	for (i = 0; i < n && rc == -1; i++) {
		at = (e->current + i) % n;
		if (snprintf(url, sizeof(url), "%s%s", ep[at], path) >=
		    (int)sizeof(url))
			snprintf(cause, sizeof(cause), "URL too long");
		else
			rc = attempt(&q, parse, o, benign, cause,
			    sizeof(cause));
		if (rc != -1)
			e->current = at;
		else
			snprintf(err, errlen, "etcd: %s: %s", ep[at], cause);
	}
	free(json);
	return rc;
}

/* a decimal int64, as the gateway wants it: a JSON string */
static json_t *
num(long long v)
{
	char s[24];

	snprintf(s, sizeof(s), "%lld", v);
	return json_string(s);
}

/* a JSON string of s in base64 */
static json_t *
b64(const char *s)
{
	size_t len = strlen(s), room = 4 * ((len + 2) / 3) + 1;
	char *buf = malloc(room);
	json_t *j = NULL;

	if (buf != NULL && ocf_b64_encode(s, len, buf, room) == 0)
		j = json_string(buf);
	free(buf);
	return j;
}

/* the key's object {"key":b64} (a range or deleterange request) */
static json_t *
key_req(const char *key)
{
	json_t *k = b64(key);

	return k != NULL ? json_pack("{s:o}", "key", k) : NULL;
}

/* the ordinary checks of what a caller gives */
static int
bad_args(const char *key, const char *value, char *err, size_t errlen)
{
	if (key == NULL || *key == '\0') {
		snprintf(err, errlen, "etcd: an empty key");
		return 1;
	}
	if (value != NULL && strlen(value) > OCF_ETCD_VALUE_MAX - 1) {
		snprintf(err, errlen, "etcd: a value longer than %d bytes",
		    OCF_ETCD_VALUE_MAX - 1);
		return 1;
	}
	return 0;
}

/* {"key","value","lease"} of a put (no lease when 0) */
static json_t *
put_req(const char *key, const char *value, long long lease)
{
	json_t *k = b64(key), *v = b64(value), *o;

	if (k == NULL || v == NULL) {
		json_decref(k);
		json_decref(v);
		return NULL;
	}
	o = json_pack("{s:o,s:o}", "key", k, "value", v);
	if (o != NULL && lease != 0 &&
	    json_object_set_new(o, "lease", num(lease)) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* [{"key":b64,"target":"CREATE","result":"EQUAL","create_revision":rev}] */
static json_t *
created_at(const char *key, long long rev)
{
	json_t *k = b64(key), *r = num(rev);

	if (k == NULL || r == NULL) {
		json_decref(k);
		json_decref(r);
		return NULL;
	}
	return json_pack("[{s:o,s:s,s:s,s:o}]", "key", k, "target", "CREATE",
	    "result", "EQUAL", "create_revision", r);
}

int
ocf_etcd_grant(struct ocf_etcd *e, long long ttl, long long *id,
    long long *granted, char *err, size_t errlen)
{
	json_t *req = NULL, *t = num(ttl);
	struct out o;
	int rc;

	memset(&o, 0, sizeof(o));
	*id = *granted = 0;
	/* no "ID": etcd picks one */
	if (t != NULL)
		req = json_pack("{s:o}", "TTL", t);
	rc = call(e, "/v3/lease/grant", req, p_grant, &o, NULL, err, errlen);
	json_decref(req);
	if (rc == -1)
		return -1;
	*id = o.a;
	*granted = o.b;
	return 0;
}

/* a call about lease id: {"ID":"id"} */
static int
lease_call(struct ocf_etcd *e, const char *path, long long id,
    parse_fn *parse, struct out *o, const char *ok_error, char *err,
    size_t errlen)
{
	json_t *req = NULL, *i = num(id);
	int rc;

	memset(o, 0, sizeof(*o));
	if (i != NULL)
		req = json_pack("{s:o}", "ID", i);
	rc = call(e, path, req, parse, o, ok_error, err, errlen);
	json_decref(req);
	return rc == -1 ? -1 : 0;
}

int
ocf_etcd_keepalive(struct ocf_etcd *e, long long id, long long *ttl,
    char *err, size_t errlen)
{
	struct out o;

	*ttl = 0;
	if (lease_call(e, "/v3/lease/keepalive", id, p_keepalive, &o, NULL,
	    err, errlen) == -1)
		return -1;
	*ttl = o.a;
	return 0;
}

int
ocf_etcd_revoke(struct ocf_etcd *e, long long id, char *err, size_t errlen)
{
	struct out o;

	/* expired or revoked before: what we wanted */
	return lease_call(e, "/v3/lease/revoke", id, p_header, &o, LEASE_GONE,
	    err, errlen);
}

int
ocf_etcd_create(struct ocf_etcd *e, const char *key, const char *value,
    long long lease, int *won, struct ocf_etcd_kv *kv, char *err,
    size_t errlen)
{
	json_t *req = NULL, *cmp, *put, *rng, *rng2;
	struct out o;
	int rc;

	*won = 0;
	memset(kv, 0, sizeof(*kv));
	if (bad_args(key, value, err, errlen))
		return -1;
	cmp = created_at(key, 0);
	put = put_req(key, value, lease);
	rng = key_req(key);
	rng2 = key_req(key);
	/* the range after the put, in the same txn, reads what we wrote:
	 * our create revision comes with the answer */
	if (cmp != NULL && put != NULL && rng != NULL && rng2 != NULL)
		req = json_pack("{s:o,s:[{s:o},{s:o}],s:[{s:o}]}",
		    "compare", cmp, "success", "request_put", put,
		    "request_range", rng, "failure", "request_range", rng2);
	else {
		json_decref(cmp);
		json_decref(put);
		json_decref(rng);
		json_decref(rng2);
	}
	memset(&o, 0, sizeof(o));
	o.kv = kv;
	rc = call(e, "/v3/kv/txn", req, p_txn, &o, NULL, err, errlen);
	json_decref(req);
	if (rc == -1)
		return -1;
	*won = o.n;
	/* our txn went through on an endpoint whose answer was lost and
	 * this is the retry on the next: the key is ours, under our lease */
	if (!*won && lease != 0 && kv->found && kv->lease == lease &&
	    strcmp(kv->value, value) == 0)
		*won = 1;
	return 0;
}

int
ocf_etcd_get(struct ocf_etcd *e, const char *key, struct ocf_etcd_kv *kv,
    char *err, size_t errlen)
{
	json_t *req;
	struct out o;
	int rc;

	memset(kv, 0, sizeof(*kv));
	if (bad_args(key, NULL, err, errlen))
		return -1;
	req = key_req(key);
	memset(&o, 0, sizeof(o));
	o.kv = kv;
	rc = call(e, "/v3/kv/range", req, p_range, &o, NULL, err, errlen);
	json_decref(req);
	return rc == -1 ? -1 : 0;
}

int
ocf_etcd_put(struct ocf_etcd *e, const char *key, const char *value,
    long long lease, char *err, size_t errlen)
{
	json_t *req;
	struct out o;
	int rc;

	if (bad_args(key, value, err, errlen))
		return -1;
	req = put_req(key, value, lease);
	memset(&o, 0, sizeof(o));
	rc = call(e, "/v3/kv/put", req, p_header, &o, NULL, err, errlen);
	json_decref(req);
	return rc == -1 ? -1 : 0;
}

int
ocf_etcd_delete(struct ocf_etcd *e, const char *key, long long rev,
    int *deleted, char *err, size_t errlen)
{
	json_t *req = NULL, *cmp, *del;
	struct out o;
	int rc;

	*deleted = 0;
	if (bad_args(key, NULL, err, errlen))
		return -1;
	memset(&o, 0, sizeof(o));
	if (rev == 0) {
		req = key_req(key);
		rc = call(e, "/v3/kv/deleterange", req, p_delete, &o, NULL,
		    err, errlen);
	} else {
		/* only the key we hold, not one created after it */
		cmp = created_at(key, rev);
		del = key_req(key);
		if (cmp != NULL && del != NULL)
			req = json_pack("{s:o,s:[{s:o}]}", "compare", cmp,
			    "success", "request_delete_range", del);
		else {
			json_decref(cmp);
			json_decref(del);
		}
		rc = call(e, "/v3/kv/txn", req, p_delete, &o, NULL, err,
		    errlen);
	}
	json_decref(req);
	if (rc == -1)
		return -1;
	*deleted = o.n;
	return 0;
}
