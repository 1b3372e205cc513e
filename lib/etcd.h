/*
 * etcd v3 through its JSON gateway (etcd 3.4: POST /v3/<service>/<call>),
 * over libcurl (http.c).  Keys and values travel base64-encoded, int64s
 * as JSON strings, and proto3 leaves out every false and zero: a missing
 * "succeeded" is false, a keepalive of an expired lease comes back
 * without "TTL".
 *
 * ETCD_ENDPOINTS is a comma-separated list of base URLs.  A call tries
 * them in turn, starting with the one that answered last, each within
 * e->timeout seconds, so an unreachable member costs at most that once
 * per call; it fails only when none answers with 200.
 *
 * Every call returns 0, or -1 with err set ("etcd: <url>: <cause>", the
 * last endpoint's cause when all failed).
 */
#ifndef OCF_ETCD_H
#define OCF_ETCD_H

#include <stddef.h>

#include "etcdjson.h"

struct ocf_etcd {
	const char *endpoints;	/* "http://10.0.0.1:2379,http://..." */
	const char *ca_file;	/* https: CA bundle, NULL: system default */
	double timeout;		/* seconds per endpoint attempt */
	int current;		/* index of the endpoint that answered last */
};

/* a lease of ttl seconds: its id and the TTL etcd granted */
int ocf_etcd_grant(struct ocf_etcd *e, long long ttl, long long *id,
    long long *granted, char *err, size_t errlen);

/* renew: *ttl is the lease's TTL now, 0 when the lease has expired
 * (etcd answers without "TTL") */
int ocf_etcd_keepalive(struct ocf_etcd *e, long long id, long long *ttl,
    char *err, size_t errlen);

/* revoke a lease, deleting its keys; an unknown lease is not an error */
int ocf_etcd_revoke(struct ocf_etcd *e, long long id, char *err,
    size_t errlen);

/*
 * Create key = value under lease only when the key does not exist (one
 * transaction: compare CREATE revision == 0, put; else range).  *won is
 * 1 when we created it; kv is the key as it is now, ours or the
 * holder's (kv->found 0 only when it vanished in between).
 */
int ocf_etcd_create(struct ocf_etcd *e, const char *key, const char *value,
    long long lease, int *won, struct ocf_etcd_kv *kv, char *err,
    size_t errlen);

/* read one key (kv->found 0: no such key) */
int ocf_etcd_get(struct ocf_etcd *e, const char *key, struct ocf_etcd_kv *kv,
    char *err, size_t errlen);

/* put key = value unconditionally, under lease (0: none) */
int ocf_etcd_put(struct ocf_etcd *e, const char *key, const char *value,
    long long lease, char *err, size_t errlen);

/* delete key only when its create revision is rev (0: whatever it is);
 * *deleted is the number of keys deleted (0 or 1) */
int ocf_etcd_delete(struct ocf_etcd *e, const char *key, long long rev,
    int *deleted, char *err, size_t errlen);

#endif
