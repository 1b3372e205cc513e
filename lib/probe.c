#include <stdio.h>
#include <string.h>

#include "exitcode.h"
#include "health.h"
#include "http.h"
#include "json.h"
#include "probe.h"
#include "timeutil.h"

#define verdict(r, ...) \
	ocf_status_set(&(r)->status, (r)->reason, sizeof((r)->reason), __VA_ARGS__)

static int
is_2xx(long code)
{
	return code >= 200 && code < 300;
}

/* /health says live: 2xx and, if JSON, not "ok":false */
static int
says_live(const struct ocf_http_answer *h)
{
	struct ocf_health hb;

	if (h == NULL || !is_2xx(h->code) || h->truncated)
		return 0;
	if (ocf_health_parse(h->body, h->len, &hb) == -1)
		return 0;
	return !(hb.has_ok && !hb.ok);
}

static const char *
codestr(const struct ocf_http_answer *a, char *buf, size_t len)
{
	if (a->code == 0)
		snprintf(buf, len, "no answer (%s)",
		    a->error != NULL ? a->error : "?");
	else
		snprintf(buf, len, "HTTP %ld", a->code);
	return buf;
}

int
ocf_probe_classify(const struct ocf_http_answer *rz,
    const struct ocf_http_answer *h, struct ocf_probe_result *r,
    int *need_health)
{
	struct ocf_health rb;
	char c1[300], c2[300];
	int parsed;

	*need_health = 0;
	r->ready_code = rz->code;
	r->health_code = h != NULL ? h->code : 0;
	r->ready = r->live = 0;
	r->failing[0] = '\0';

	if (rz->code == 0 && rz->local)
		return verdict(r, OCF_UNKNOWN, "unable to check: %s%s",
		    rz->error != NULL ? rz->error : "?", "");
	if (rz->code == 0)
		return verdict(r, OCF_CRITICAL, "%s%s",
		    codestr(rz, c1, sizeof(c1)), "");
	parsed = !rz->truncated &&
	    ocf_health_parse(rz->body, rz->len, &rb) == 0 && rb.has_ready;
	if (parsed && rb.ready && is_2xx(rz->code)) {
		r->ready = r->live = 1;
		return verdict(r, OCF_OK, "ready%s%s", "", "");
	}
	if (parsed) {
		snprintf(r->failing, sizeof(r->failing), "%s", rb.failing);
		/* draining: /health stays 200 but the gateway is going away */
		if (strstr(rb.failing, "gateway-draining") != NULL)
			return verdict(r, OCF_CRITICAL,
			    "draining (shutting down)%s%s", "", "");
	} else if (is_2xx(rz->code)) {
		return verdict(r, OCF_CRITICAL, "garbage answer from /readyz%s%s",
		    rz->truncated ? " (body over the size cap)" : "", "");
	}
	if (h == NULL) {
		*need_health = 1;
		return OCF_UNKNOWN;
	}
	r->live = says_live(h);
	if (!r->live)
		return verdict(r, OCF_CRITICAL, "not live: /readyz %s, /health %s",
		    codestr(rz, c1, sizeof(c1)), codestr(h, c2, sizeof(c2)));
	if (parsed)
		return verdict(r, OCF_WARNING, "live but not ready (failing: %s)%s",
		    r->failing[0] != '\0' ? r->failing : "unnamed", "");
	if (rz->code == 404) {
		/* an older gateway without a readiness endpoint */
		r->ready = 1;
		return verdict(r, OCF_OK, "live (no readiness endpoint)%s%s",
		    "", "");
	}
	return verdict(r, OCF_WARNING, "live but /readyz answered %s%s",
	    codestr(rz, c1, sizeof(c1)), "");
}

static void
fetch(const struct ocf_probe_opts *o, const char *path, double deadline,
    struct ocf_http_resp *resp, struct ocf_http_answer *a)
{
	char url[OCF_URL_MAX + sizeof("/healthz")];
	struct ocf_http_req q = {
		.url = url,
		.timeout = deadline - ocf_mono(),
		.ca_file = o->ca_file,
		.token_file = o->token_file,
		.ipv = o->ipv,
		.max_body = OCF_PROBE_BODY_MAX,
	};

	snprintf(url, sizeof(url), "%s%s", o->url, path);
	if (q.timeout < 0.001)
		q.timeout = 0.001;
	ocf_http_do(&q, resp);
	a->code = resp->code;
	a->body = resp->body != NULL ? resp->body : "";
	a->len = resp->len;
	a->truncated = resp->truncated;
	a->error = resp->error;
	a->local = resp->local;
}

int
ocf_probe(const struct ocf_probe_opts *o, struct ocf_probe_result *r)
{
	struct ocf_http_resp rr, hr;
	struct ocf_http_answer ra, ha;
	double t0 = ocf_mono(), deadline = t0 + o->timeout;
	int need;

	memset(r, 0, sizeof(*r));
	fetch(o, "/readyz", deadline, &rr, &ra);
	ocf_probe_classify(&ra, NULL, r, &need);
	if (need) {
		fetch(o, "/health", deadline, &hr, &ha);
		ocf_probe_classify(&ra, &ha, r, &need);
		ocf_http_free(&hr);
	}
	ocf_http_free(&rr);
	r->elapsed = ocf_mono() - t0;
	return r->status;
}

int
ocf_probe_format(const struct ocf_probe_result *r, const char *url,
    char *buf, size_t len)
{
	char why[sizeof(r->reason)];
	char *p;

	(void)url;
	/* a '|' from the server would split the plugin line early */
	snprintf(why, sizeof(why), "%s", r->reason);
	for (p = why; (p = strchr(p, '|')) != NULL; p++)
		*p = '/';
	return snprintf(buf, len, "%s - %s in %.0fms | time=%.6fs;;;0",
	    ocf_exit_name(r->status), why, r->elapsed * 1000, r->elapsed);
}

int
ocf_probe_json(const struct ocf_probe_result *r, const char *url,
    char *buf, size_t len)
{
	char u[OCF_JSON_ROOM(OCF_URL_MAX)], why[OCF_JSON_ROOM(sizeof(r->reason))];
	char fl[OCF_JSON_ROOM(256)];
	size_t at;
	int n;

	n = snprintf(buf, len, "{\"status\":\"%s\",\"code\":%d,\"url\":%s,"
	    "\"ready\":%s,\"live\":%s,\"readyz_http\":%ld,\"health_http\":%ld,"
	    "\"time\":%.6f,\"reason\":%s,\"failing\":[",
	    ocf_exit_name(r->status), r->status,
	    ocf_json_str(url, u, sizeof(u)), r->ready ? "true" : "false",
	    r->live ? "true" : "false", r->ready_code, r->health_code,
	    r->elapsed, ocf_json_str(r->reason, why, sizeof(why)));
	if (n < 0 || (size_t)n >= len)
		return -1;
	at = (size_t)n;
	/* failing is "a,b,c": one JSON string per name */
	for (const char *p = r->failing; *p != '\0';) {
		char name[(sizeof(fl) - 3) / 6];
		size_t k = strcspn(p, ",");

		snprintf(name, sizeof(name), "%.*s", (int)k, p);
		n = snprintf(buf + at, len - at, "%s%s",
		    p == r->failing ? "" : ",",
		    ocf_json_str(name, fl, sizeof(fl)));
		if (n < 0 || (size_t)n >= len - at)
			return -1;
		at += (size_t)n;
		p += k;
		if (*p == ',')
			p++;
	}
	n = snprintf(buf + at, len - at, "]}");
	return n < 0 || (size_t)n >= len - at ? -1 : (int)(at + (size_t)n);
}
