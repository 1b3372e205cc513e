/*
 * The replies of etcd's JSON gateway, read with jansson.  Every reply of
 * a call that succeeded carries a "header" object: a body without one is
 * not taken for an empty answer, so that a 200 "{}" from whatever listens
 * on a wrong address never reads as "no such key" or "txn lost".
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "etcdjson.h"
#include "syntax.h"

/*
 * The message of an error reply: {"error":"...","code":N,"message":"..."}
 * as a unary call answers it, or {"error":{"grpc_code":N,"message":...}}
 * inside a stream (the keepalive's); NULL when o is no error reply.
 */
static const char *
error_message(json_t *o)
{
	json_t *e = json_object_get(o, "error");
	const char *m;

	if (e == NULL)
		return NULL;
	if (json_is_object(e))
		m = json_string_value(json_object_get(e, "message"));
	else
		m = json_string_value(json_object_get(o, "message"));
	if (m == NULL)
		m = json_string_value(e);
	/* LeaseGrantResponse has an "error" string of its own, unused
	 * and then left out; an empty one is no error either */
	if (json_is_string(e) && *json_string_value(e) == '\0' &&
	    (m == NULL || *m == '\0'))
		return NULL;
	return m != NULL && *m != '\0' ? m : "an error without a message";
}

/*
 * The body as a JSON object of an answer: NULL with err when it is not
 * JSON, not an object, an error reply, or (when header) lacks "header".
 */
static json_t *
load(const char *body, size_t len, size_t flags, int header, char *err,
    size_t errlen)
{
	json_t *root;
	json_error_t je;
	const char *m;

	root = json_loadb(body, len, flags | JSON_REJECT_DUPLICATES, &je);
	if (root == NULL || !json_is_object(root)) {
		snprintf(err, errlen, "not an etcd reply");
	} else if ((m = error_message(root)) != NULL) {
		snprintf(err, errlen, "%s", m);
		ocf_text_clean(err);
	} else if (header && !json_is_object(json_object_get(root, "header"))) {
		snprintf(err, errlen, "not an etcd reply (no header)");
	} else {
		return root;
	}
	json_decref(root);
	return NULL;
}

/*
 * An int64 member: a JSON string of digits as the gateway writes it, or a
 * JSON integer; absent is 0 (proto3).  -1 with err when it is neither.
 */
static int
int64_of(json_t *o, const char *key, long long *v, char *err, size_t errlen)
{
	json_t *j = json_object_get(o, key);
	const char *s;
	char *end;

	*v = 0;
	if (j == NULL)
		return 0;
	if (json_is_integer(j)) {
		*v = (long long)json_integer_value(j);
		return 0;
	}
	s = json_string_value(j);
	/* strtoll alone would take blanks and a '+' before the digits */
	if (s != NULL && (*s == '-' || (*s >= '0' && *s <= '9'))) {
		errno = 0;
		*v = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0')
			return 0;
	}
	*v = 0;
	snprintf(err, errlen, "bad \"%s\" in the reply", key);
	return -1;
}

/* one element of "kvs" into kv */
static int
kv_of(json_t *j, struct ocf_etcd_kv *kv, char *err, size_t errlen)
{
	json_t *v = json_object_get(j, "value");
	unsigned char room[OCF_B64_ROOM(OCF_ETCD_VALUE_MAX)];
	long n = 0;

	memset(kv, 0, sizeof(*kv));
	if (!json_is_object(j)) {
		snprintf(err, errlen, "bad \"kvs\" in the reply");
		return -1;
	}
	if (int64_of(j, "create_revision", &kv->create_revision, err,
	    errlen) == -1 || int64_of(j, "mod_revision", &kv->mod_revision,
	    err, errlen) == -1 || int64_of(j, "lease", &kv->lease, err,
	    errlen) == -1)
		return -1;
	/* an empty value is left out */
	if (v != NULL && (!json_is_string(v) ||
	    (n = ocf_b64_decode(json_string_value(v), json_string_length(v),
	    room, sizeof(kv->value) - 1)) == -1)) {
		snprintf(err, errlen, "bad \"value\" in the reply");
		return -1;
	}
	if (n == -2) {
		snprintf(err, errlen, "the key's value is longer than %d bytes",
		    OCF_ETCD_VALUE_MAX - 1);
		return -1;
	}
	memcpy(kv->value, room, (size_t)n);
	kv->value[n] = '\0';
	/* the value is a C string for the callers: one with a NUL inside
	 * would compare equal to its first part */
	if (memchr(kv->value, '\0', (size_t)n) != NULL) {
		snprintf(err, errlen, "the key's value holds a NUL byte");
		return -1;
	}
	kv->found = 1;
	return 0;
}

/* the first kv of a range response (kv->found 0: none) */
static int
range_of(json_t *o, struct ocf_etcd_kv *kv, char *err, size_t errlen)
{
	json_t *kvs = json_object_get(o, "kvs");

	memset(kv, 0, sizeof(*kv));
	if (kvs != NULL && !json_is_array(kvs)) {
		snprintf(err, errlen, "bad \"kvs\" in the reply");
		return -1;
	}
	if (json_array_size(kvs) == 0)
		return 0;
	if (kv_of(json_array_get(kvs, 0), kv, err, errlen) == -1) {
		memset(kv, 0, sizeof(*kv));	/* nothing half read */
		return -1;
	}
	return 0;
}

int
ocf_etcd_parse_error(const char *body, size_t len, char *msg, size_t msglen)
{
	json_t *root;
	const char *m;
	int rc = -1;

	root = json_loadb(body, len, JSON_DISABLE_EOF_CHECK, NULL);
	if (json_is_object(root) && (m = error_message(root)) != NULL) {
		snprintf(msg, msglen, "%s", m);
		ocf_text_clean(msg);
		rc = 0;
	}
	json_decref(root);
	return rc;
}

int
ocf_etcd_parse_grant(const char *body, size_t len, long long *id,
    long long *ttl, char *err, size_t errlen)
{
	json_t *root;
	int rc = -1;

	*id = *ttl = 0;
	if ((root = load(body, len, 0, 1, err, errlen)) == NULL)
		return -1;
	if (int64_of(root, "ID", id, err, errlen) == 0 &&
	    int64_of(root, "TTL", ttl, err, errlen) == 0) {
		if (*id == 0)
			snprintf(err, errlen, "no lease \"ID\" in the reply");
		else
			rc = 0;
	}
	if (rc == -1)
		*id = *ttl = 0;
	json_decref(root);
	return rc;
}

int
ocf_etcd_parse_keepalive(const char *body, size_t len, long long *ttl,
    char *err, size_t errlen)
{
	json_t *root, *res;
	int rc = -1;

	*ttl = 0;
	/* a stream: one object a line, the first is ours */
	if ((root = load(body, len, JSON_DISABLE_EOF_CHECK, 0, err,
	    errlen)) == NULL)
		return -1;
	res = json_object_get(root, "result");
	if (!json_is_object(res) ||
	    !json_is_object(json_object_get(res, "header")))
		snprintf(err, errlen, "not an etcd reply (no result)");
	else if (int64_of(res, "TTL", ttl, err, errlen) == 0)
		rc = 0;
	json_decref(root);
	return rc;
}

int
ocf_etcd_parse_txn(const char *body, size_t len, int *succeeded,
    struct ocf_etcd_kv *kv, char *err, size_t errlen)
{
	json_t *root, *ok, *rs, *r;
	int rc = -1;

	*succeeded = 0;
	memset(kv, 0, sizeof(*kv));
	if ((root = load(body, len, 0, 1, err, errlen)) == NULL)
		return -1;
	ok = json_object_get(root, "succeeded");
	rs = json_object_get(root, "responses");
	if (ok != NULL && !json_is_boolean(ok)) {
		snprintf(err, errlen, "bad \"succeeded\" in the reply");
		goto out;
	}
	if (rs != NULL && !json_is_array(rs)) {
		snprintf(err, errlen, "bad \"responses\" in the reply");
		goto out;
	}
	*succeeded = json_is_true(ok);
	rc = 0;
	for (size_t i = 0; i < json_array_size(rs); i++) {
		r = json_object_get(json_array_get(rs, i), "response_range");
		if (r != NULL) {
			rc = range_of(r, kv, err, errlen);
			break;
		}
	}
out:
	if (rc == -1)
		*succeeded = 0;
	json_decref(root);
	return rc;
}

int
ocf_etcd_parse_range(const char *body, size_t len, struct ocf_etcd_kv *kv,
    char *err, size_t errlen)
{
	json_t *root;
	int rc;

	memset(kv, 0, sizeof(*kv));
	if ((root = load(body, len, 0, 1, err, errlen)) == NULL)
		return -1;
	rc = range_of(root, kv, err, errlen);
	json_decref(root);
	return rc;
}

int
ocf_etcd_parse_delete(const char *body, size_t len, int *deleted,
    char *err, size_t errlen)
{
	json_t *root, *o, *rs;
	long long n = 0;
	int rc = -1;

	*deleted = 0;
	if ((root = load(body, len, 0, 1, err, errlen)) == NULL)
		return -1;
	o = root;
	/* a txn's reply: the deleterange response among its responses */
	rs = json_object_get(root, "responses");
	for (size_t i = 0; i < json_array_size(rs); i++) {
		json_t *r = json_object_get(json_array_get(rs, i),
		    "response_delete_range");

		if (r != NULL) {
			o = r;
			break;
		}
	}
	if (int64_of(o, "deleted", &n, err, errlen) == 0) {
		if (n < 0 || n > INT_MAX) {
			snprintf(err, errlen, "bad \"deleted\" in the reply");
		} else {
			*deleted = (int)n;
			rc = 0;
		}
	}
	json_decref(root);
	return rc;
}
