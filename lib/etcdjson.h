/*
 * etcd v3 JSON gateway replies, parsed with jansson (pure: no I/O).
 * Keys and values are base64, int64s are JSON strings, and proto3 leaves
 * out every false and zero: a missing "succeeded" is false, a keepalive
 * of an expired lease comes back without "TTL".
 */
#ifndef OCF_ETCDJSON_H
#define OCF_ETCDJSON_H

#include <stddef.h>

#define OCF_ETCD_VALUE_MAX 512	/* longest value kept (ours are short) */

/* one key as etcd has it */
struct ocf_etcd_kv {
	int found;
	char value[OCF_ETCD_VALUE_MAX];		/* decoded, NUL-terminated */
	long long create_revision;	/* the fencing token of a leader key */
	long long mod_revision;
	long long lease;		/* 0: none */
};

/*
 * The replies, parsed: each takes the
 * body and its length (not NUL-terminated), returns 0, or -1 with err
 * when the body is not such a reply (an error reply {"error":...,
 * "code":N,"message":...} names its message).
 */
int ocf_etcd_parse_grant(const char *body, size_t len, long long *id,
    long long *ttl, char *err, size_t errlen);
/* a keepalive reply: {"result":{"ID":..,"TTL":..}} (a stream of one) */
int ocf_etcd_parse_keepalive(const char *body, size_t len, long long *ttl,
    char *err, size_t errlen);
/* a txn reply: succeeded, and the first kv of the first range response
 * found in "responses" (kv->found 0 when none) */
int ocf_etcd_parse_txn(const char *body, size_t len, int *succeeded,
    struct ocf_etcd_kv *kv, char *err, size_t errlen);
int ocf_etcd_parse_range(const char *body, size_t len, struct ocf_etcd_kv *kv,
    char *err, size_t errlen);
/* a deleterange reply's "deleted", or that of the deleterange response
 * among a txn reply's "responses" (0 when there is none) */
int ocf_etcd_parse_delete(const char *body, size_t len, int *deleted,
    char *err, size_t errlen);

/* the message of an error reply ({"error":...,"message":...}, or a
 * stream's {"error":{"message":...}}) into msg: 0, or -1 when body is
 * no such reply (etcd.c names the cause of a non-200 answer with it) */
int ocf_etcd_parse_error(const char *body, size_t len, char *msg,
    size_t msglen);

#endif
