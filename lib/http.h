/*
 * The one place that sets up libcurl: no redirects, capped bodies, TLS
 * verified, bounded time, no proxy headers, token from a file.
 */
#ifndef OCF_HTTP_H
#define OCF_HTTP_H

#include <stddef.h>

struct ocf_http_req {
	const char *url;
	double timeout;		/* total seconds */
	const char *ca_file;	/* NULL: system default */
	const char *token_file;	/* bearer token file, NULL: none */
	int ipv;		/* 0 any, 4 or 6 */
	const char *post_json;	/* non-NULL: POST this with application/json */
	const char *post_type;	/* its Content-Type instead, e.g. text/plain */
	const char *const *headers; /* extra "Name: value" lines, NULL-ended */
	size_t max_body;	/* body cap in bytes */
	int no_proxy;		/* a POST straight to the server (a GET always) */
};

struct ocf_http_resp {
	long code;		/* 0: no HTTP answer */
	char *body;		/* NUL-terminated, malloc'd (free it) */
	size_t len;
	int truncated;
	char error[256];	/* transport error when code == 0 */
	int local;		/* the error is ours (token file, CA file), not the server's */
};

/* global curl init once per process; returns 0 or -1 */
int ocf_http_init(void);
/* 0 when an HTTP answer came (any status), -1 otherwise (resp->error) */
int ocf_http_do(const struct ocf_http_req *q, struct ocf_http_resp *r);
void ocf_http_free(struct ocf_http_resp *r);

#endif
