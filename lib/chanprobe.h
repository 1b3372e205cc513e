/*
 * One check of a gateway's channels: POST {"method":"channels.status"} to
 * its admin HTTP RPC (the bundled admin-http-rpc plugin,
 * /api/v1/admin/rpc), with the bearer token from a file when one is set.
 * The verdict uses the exit-code table.
 */
#ifndef OCF_CHANPROBE_H
#define OCF_CHANPROBE_H

#include <stddef.h>

#include "chanstatus.h"

#define OCF_CHAN_RPC_PATH "/api/v1/admin/rpc"

struct ocf_http_resp;
struct ocf_probe_opts;

enum ocf_chan_rpc {
	OCF_RPC_ANSWERED,	/* the RPC answered (any verdict) */
	OCF_RPC_ABSENT,		/* 404 (the admin-http-rpc plugin is off),
				 * or a 2xx that is no channels.status reply */
	OCF_RPC_DENIED,		/* 401 or 403: no or a wrong token */
	OCF_RPC_NONE,		/* no answer, another status, garbage */
};

struct ocf_chan_result {
	int status;		/* OK all connected (or none configured),
				 * WARNING some, CRITICAL none or no answer,
				 * UNKNOWN unable to check */
	enum ocf_chan_rpc rpc;
	long code;		/* HTTP status, 0 if no answer */
	int open;		/* answered with no token sent, on an address
				 * that is not loopback */
	double elapsed;
	struct ocf_chan_status cs;
	char reason[768];	/* one line: why this verdict */
};

/* Run the check against o->url; returns r->status */
int ocf_chan_probe(const struct ocf_probe_opts *o, struct ocf_chan_result *r);

/*
 * POST body to o->url's admin RPC with o's timeout, CA, token and address
 * family, straight (no proxy); the caller frees h with ocf_http_free()
 */
void ocf_chan_rpc_post(const struct ocf_probe_opts *o, const char *body,
    size_t max_body, struct ocf_http_resp *h);

/* 1 when the host of url is loopback (127.0.0.0/8, ::1, localhost) */
int ocf_url_loopback(const char *url);

/* "OK - 1 of 1 channel accounts connected in 12ms | time=0.012s;;;0" */
int ocf_chan_format(const struct ocf_chan_result *r, char *buf, size_t len);
/* one JSON object, no newline; -1 when buf is too small */
int ocf_chan_json(const struct ocf_chan_result *r, const char *url,
    char *buf, size_t len);

#endif
