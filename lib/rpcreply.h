/*
 * A reply of the gateway's admin HTTP RPC (POST /api/v1/admin/rpc):
 * {"id":"...","ok":true,"payload":{...}} or {"ok":false,"error":
 * {"code":"...","message":"..."}}.  What ocf needs of the methods it
 * calls besides channels.status (chanstatus.h): config.get's hash, and
 * the outcome channels.start reports.
 */
#ifndef OCF_RPCREPLY_H
#define OCF_RPCREPLY_H

#include <stddef.h>

struct ocf_rpc_reply {
	int ok;			/* "ok":true */
	char message[256];	/* the gateway's error message, or why the
				 * body is no reply */
	char hash[160];		/* payload.hash (config.get), or "" */
	char outcome[96];	/* payload.outcome of channels.start:
				 * "handed-off", "skipped: disabled", or "" */
};

/* 0 "ok":true; -2 "ok":false (message); -1 not a reply (message) */
int ocf_rpc_parse(const char *body, size_t len, struct ocf_rpc_reply *r);

#endif
