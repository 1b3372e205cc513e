#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chanprobe.h"
#include "gwrpc.h"
#include "http.h"
#include "json.h"
#include "probe.h"

/* config.get answers with the whole configuration and its schema hints */
#define RPC_BODY_MAX (4 * 1024 * 1024)

int
ocf_gw_rpc(const struct ocf_probe_opts *o, const char *method,
    const char *params, struct ocf_rpc_reply *r)
{
	char m[OCF_JSON_ROOM(64)];
	struct ocf_http_resp h;
	char *body;
	size_t len;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	len = strlen(params) + 64 + sizeof(m);
	if ((body = malloc(len)) == NULL) {
		snprintf(r->message, sizeof(r->message), "out of memory");
		return -1;
	}
	snprintf(body, len, "{\"method\":%s,\"params\":%s}",
	    ocf_json_str(method, m, sizeof(m)), params);
	ocf_chan_rpc_post(o, body, RPC_BODY_MAX, &h);
	if (h.code == 0)
		snprintf(r->message, sizeof(r->message), "%s: no answer (%.160s)",
		    method, h.error);
	else if (h.code == 404)
		snprintf(r->message, sizeof(r->message), "%s: no admin RPC "
		    "(HTTP 404): the gateway's admin-http-rpc plugin is not "
		    "enabled", method);
	else if (h.code == 401 || h.code == 403)
		snprintf(r->message, sizeof(r->message), "%s: the admin RPC "
		    "refuses us (HTTP %ld): %s", method, h.code,
		    o->token_file != NULL && *o->token_file != '\0' ?
		    "wrong token" : "no token file set");
	else if (h.truncated)
		snprintf(r->message, sizeof(r->message), "%s: reply over %d "
		    "bytes", method, RPC_BODY_MAX);
	else if ((rc = ocf_rpc_parse(h.body != NULL ? h.body : "", h.len,
	    r)) != 0) {
		char why[sizeof(r->message)];

		snprintf(why, sizeof(why), "%s", r->message);
		snprintf(r->message, sizeof(r->message), "%s: %s%.160s (HTTP %ld)",
		    method, rc == -2 ? "the gateway says: " : "", why, h.code);
		rc = -1;
	}
	ocf_http_free(&h);
	free(body);
	return rc;
}
