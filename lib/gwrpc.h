/*
 * One call of the local gateway's admin HTTP RPC (the bundled
 * admin-http-rpc plugin): POST {"method":...,"params":...} to
 * /api/v1/admin/rpc with the bearer token from a file.  channels.status
 * has its own check (chanprobe.h); this is for the methods that act:
 * channels.start, channels.stop, config.get, config.patch.
 */
#ifndef OCF_GWRPC_H
#define OCF_GWRPC_H

#include "rpcreply.h"

struct ocf_probe_opts;

/*
 * Call method with params (a JSON object's text) on o->url.  0 when the
 * gateway answered "ok":true (r filled); -1 otherwise, r->message saying
 * why in one line: no answer, no RPC (HTTP 404), refused (401/403), or
 * the gateway's own error.
 */
int ocf_gw_rpc(const struct ocf_probe_opts *o, const char *method,
    const char *params, struct ocf_rpc_reply *r);

#endif
