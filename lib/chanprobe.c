#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chanprobe.h"
#include "exitcode.h"
#include "http.h"
#include "json.h"
#include "probe.h"
#include "timeutil.h"

/* a reply lists every channel plugin with a few KiB of runtime status */
#define CHAN_BODY_MAX (1024 * 1024)

#define verdict(r, ...) \
	ocf_status_set(&(r)->status, (r)->reason, sizeof((r)->reason), __VA_ARGS__)

int
ocf_url_loopback(const char *url)
{
	const char *h = strstr(url, "://");
	char host[256];
	size_t n;

	h = h != NULL ? h + 3 : url;
	if (*h == '[') {
		n = strcspn(++h, "]");
		snprintf(host, sizeof(host), "%.*s", (int)n, h);
		return strcmp(host, "::1") == 0;
	}
	n = strcspn(h, ":/?#");
	snprintf(host, sizeof(host), "%.*s", (int)n, h);
	return strcasecmp(host, "localhost") == 0 ||
	    strncmp(host, "127.", 4) == 0;
}

static int
classify(const struct ocf_http_resp *h, const struct ocf_probe_opts *o,
    struct ocf_chan_result *r)
{
	char err[256], down[600];
	int rc;

	r->code = h->code;
	r->rpc = OCF_RPC_NONE;
	if (h->code == 0 && h->local)
		return verdict(r, OCF_UNKNOWN, "unable to check: %s", h->error);
	if (h->code == 0)
		return verdict(r, OCF_CRITICAL, "no answer (%s)", h->error);
	if (h->code == 404) {
		r->rpc = OCF_RPC_ABSENT;
		return verdict(r, OCF_UNKNOWN, "no admin RPC (HTTP 404): the "
		    "gateway's admin-http-rpc plugin is not enabled");
	}
	if (h->code == 401 || h->code == 403) {
		r->rpc = OCF_RPC_DENIED;
		return verdict(r, OCF_UNKNOWN, "the admin RPC refuses us "
		    "(HTTP %ld): %s", h->code, o->token_file != NULL &&
		    *o->token_file != '\0' ? "wrong token" : "no token file set");
	}
	if (h->truncated)
		return verdict(r, OCF_CRITICAL, "channels.status reply over "
		    "%d bytes", CHAN_BODY_MAX);
	rc = ocf_chan_parse(h->body != NULL ? h->body : "", h->len, &r->cs,
	    err, sizeof(err));
	if (rc == -1 && h->code >= 200 && h->code < 300) {
		/* something answers, but not the RPC: as good as absent */
		r->rpc = OCF_RPC_ABSENT;
		return verdict(r, OCF_UNKNOWN, "no admin RPC: the HTTP %ld "
		    "answer is not a channels.status reply (%s)", h->code, err);
	}
	if (rc != 0)
		return verdict(r, OCF_CRITICAL, "channels.status: HTTP %ld, %s",
		    h->code, err);
	r->rpc = OCF_RPC_ANSWERED;
	r->open = (o->token_file == NULL || *o->token_file == '\0') &&
	    !ocf_url_loopback(o->url);
	if (r->cs.total == 0)
		return verdict(r, OCF_OK, "no channel account configured");
	if (r->cs.connected == r->cs.total)
		return verdict(r, OCF_OK, "%d of %d channel accounts connected",
		    r->cs.connected, r->cs.total);
	ocf_chan_down(&r->cs, down, sizeof(down));
	return verdict(r, r->cs.connected > 0 ? OCF_WARNING : OCF_CRITICAL,
	    "%d of %d channel accounts connected; down: %s", r->cs.connected,
	    r->cs.total, down);
}

void
ocf_chan_rpc_post(const struct ocf_probe_opts *o, const char *body,
    size_t max_body, struct ocf_http_resp *h)
{
	char url[OCF_URL_MAX + sizeof(OCF_CHAN_RPC_PATH)];
	struct ocf_http_req q = {
		.url = url,
		.timeout = o->timeout,
		.ca_file = o->ca_file,
		.token_file = o->token_file,
		.ipv = o->ipv,
		.post_json = body,
		.max_body = max_body,
		.no_proxy = 1,
	};

	snprintf(url, sizeof(url), "%s%s", o->url, OCF_CHAN_RPC_PATH);
	ocf_http_do(&q, h);
}

int
ocf_chan_probe(const struct ocf_probe_opts *o, struct ocf_chan_result *r)
{
	struct ocf_http_resp h;
	double t0 = ocf_mono();

	memset(r, 0, sizeof(*r));
	ocf_chan_rpc_post(o, "{\"method\":\"channels.status\",\"params\":{}}",
	    CHAN_BODY_MAX, &h);
	classify(&h, o, r);
	ocf_http_free(&h);
	r->elapsed = ocf_mono() - t0;
	return r->status;
}

int
ocf_chan_format(const struct ocf_chan_result *r, char *buf, size_t len)
{
	char why[sizeof(r->reason)];
	char *p;

	snprintf(why, sizeof(why), "%s", r->reason);
	for (p = why; (p = strchr(p, '|')) != NULL; p++)
		*p = '/';
	return snprintf(buf, len, "%s - %s in %.0fms | time=%.6fs;;;0 "
	    "connected=%d;;;0;%d", ocf_exit_name(r->status), why,
	    r->elapsed * 1000, r->elapsed, r->cs.connected, r->cs.total);
}

int
ocf_chan_json(const struct ocf_chan_result *r, const char *url, char *buf,
    size_t len)
{
	char u[OCF_JSON_ROOM(OCF_URL_MAX)], why[OCF_JSON_ROOM(sizeof(r->reason))];
	char ch[OCF_JSON_ROOM(64)], ac[OCF_JSON_ROOM(64)];
	char lc[OCF_JSON_ROOM(32)], le[OCF_JSON_ROOM(256)];
	size_t at;
	int n;

	n = snprintf(buf, len, "{\"status\":\"%s\",\"code\":%d,\"url\":%s,"
	    "\"rpc_http\":%ld,\"time\":%.6f,\"reason\":%s,\"total\":%d,"
	    "\"connected\":%d,\"accounts\":[", ocf_exit_name(r->status),
	    r->status, ocf_json_str(url, u, sizeof(u)), r->code, r->elapsed,
	    ocf_json_str(r->reason, why, sizeof(why)), r->cs.total,
	    r->cs.connected);
	if (n < 0 || (size_t)n >= len)
		return -1;
	at = (size_t)n;
	for (int i = 0; i < r->cs.kept; i++) {
		const struct ocf_chan_account *k = &r->cs.acc[i];

		n = snprintf(buf + at, len - at, "%s{\"channel\":%s,"
		    "\"account\":%s,\"connected\":%s,\"lifecycle\":%s,"
		    "\"last_error\":%s}", i > 0 ? "," : "",
		    ocf_json_str(k->channel, ch, sizeof(ch)),
		    ocf_json_str(k->account, ac, sizeof(ac)),
		    k->connected ? "true" : "false",
		    ocf_json_str(k->lifecycle, lc, sizeof(lc)),
		    ocf_json_str(k->last_error, le, sizeof(le)));
		if (n < 0 || (size_t)n >= len - at)
			return -1;
		at += (size_t)n;
	}
	n = snprintf(buf + at, len - at, "]}");
	return n < 0 || (size_t)n >= len - at ? -1 : (int)(at + (size_t)n);
}
