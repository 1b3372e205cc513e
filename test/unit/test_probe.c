/*
 * Unit tests for lib/probe.c: the verdict table of ocf_probe_classify(),
 * the monitoring-plugin line of ocf_probe_format(), the --json object of
 * ocf_probe_json(), and ocf_probe() end to end against 127.0.0.1 (a closed
 * port, and a tiny HTTP responder thread in this file).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "exitcode.h"
#include "health.h"
#include "probe.h"
#include "timeutil.h"

#define READY_BODY "{\"ready\":true,\"failing\":[],\"uptimeMs\":2551," \
	"\"eventLoop\":{\"degraded\":true,\"reasons\":[\"cpu\"],\"delayP99Ms\":406.6}}"
#define SIDECARS_BODY "{\"ready\":false,\"failing\":[\"startup-sidecars\"]}"
#define CHANNELS_BODY "{\"ready\":false,\"failing\":[\"telegram\",\"discord\"]}"
#define DRAINING_BODY "{\"ready\":false,\"failing\":[\"gateway-draining\"]}"
#define LIVE_BODY "{\"ok\":true,\"status\":\"live\"}"

/* ---- ocf_probe_classify ---- */

struct answer {
	long code;		/* -1: not given (NULL) */
	const char *body;
	int truncated;
	const char *error;
};

#define NONE { -1, NULL, 0, NULL }
#define DOWN(e) { 0, "", 0, e }
#define ANS(c, b) { c, b, 0, NULL }
#define CUT(c, b) { c, b, 1, NULL }

struct ccase {
	const char *name;
	struct answer rz, h;	/* h: the /health answer if asked */
	int need;		/* needs /health after the first call */
	int status, ready, live;
	const char *reason;	/* substring of r.reason */
	const char *failing;	/* r.failing exactly */
};

static const struct ccase ccases[] = {
	{ "no answer: critical without asking /health",
	  DOWN("Couldn't connect to server"), NONE, 0,
	  OCF_CRITICAL, 0, 0, "no answer (Couldn't connect to server)", "" },
	{ "no answer, no error text",
	  DOWN(NULL), NONE, 0, OCF_CRITICAL, 0, 0, "no answer", "" },
	{ "200 ready",
	  ANS(200, READY_BODY), NONE, 0, OCF_OK, 1, 1, "ready", "" },
	{ "200 ready, minimal body",
	  ANS(200, "{\"ready\":true}"), NONE, 0, OCF_OK, 1, 1, "ready", "" },
	{ "503 startup-sidecars, /health live: warning naming it",
	  ANS(503, SIDECARS_BODY), ANS(200, LIVE_BODY), 1,
	  OCF_WARNING, 0, 1, "startup-sidecars", "startup-sidecars" },
	{ "503 startup-sidecars, /health no answer: critical",
	  ANS(503, SIDECARS_BODY), DOWN("Timeout was reached"), 1,
	  OCF_CRITICAL, 0, 0, "no answer (Timeout was reached)",
	  "startup-sidecars" },
	{ "503 two channels, /health live",
	  ANS(503, CHANNELS_BODY), ANS(200, LIVE_BODY), 1,
	  OCF_WARNING, 0, 1, "telegram,discord", "telegram,discord" },
	{ "503 ready:false, empty failing, /health live",
	  ANS(503, "{\"ready\":false,\"failing\":[]}"), ANS(200, LIVE_BODY), 1,
	  OCF_WARNING, 0, 1, "unnamed", "" },
	{ "200 ready:false, /health live",
	  ANS(200, SIDECARS_BODY), ANS(200, LIVE_BODY), 1,
	  OCF_WARNING, 0, 1, "startup-sidecars", "startup-sidecars" },
	{ "draining: critical, /health not needed",
	  ANS(503, DRAINING_BODY), NONE, 0,
	  OCF_CRITICAL, 0, 0, "draining", "gateway-draining" },
	{ "draining: critical even though /health is 200",
	  ANS(503, DRAINING_BODY), ANS(200, LIVE_BODY), 0,
	  OCF_CRITICAL, 0, 0, "draining", "gateway-draining" },
	{ "draining among others",
	  ANS(503, "{\"ready\":false,\"failing\":[\"telegram\","
	  "\"gateway-draining\"]}"), ANS(200, LIVE_BODY), 0,
	  OCF_CRITICAL, 0, 0, "draining", "telegram,gateway-draining" },
	{ "404 on /readyz, /health live: ok, older gateway",
	  ANS(404, "Not Found"), ANS(200, LIVE_BODY), 1,
	  OCF_OK, 1, 1, "no readiness endpoint", "" },
	{ "404 on /readyz with a JSON error body, /health live",
	  ANS(404, "{\"error\":\"not found\"}"), ANS(200, LIVE_BODY), 1,
	  OCF_OK, 1, 1, "no readiness endpoint", "" },
	{ "404 on /readyz, /health 404",
	  ANS(404, "Not Found"), ANS(404, "Not Found"), 1,
	  OCF_CRITICAL, 0, 0, "HTTP 404", "" },
	{ "404 on /readyz, /health no answer",
	  ANS(404, ""), DOWN("Connection reset"), 1,
	  OCF_CRITICAL, 0, 0, "not live", "" },
	{ "500 + 500: critical",
	  ANS(500, "oops"), ANS(500, "oops"), 1,
	  OCF_CRITICAL, 0, 0, "HTTP 500", "" },
	{ "500 + live: warning",
	  ANS(500, "oops"), ANS(200, LIVE_BODY), 1,
	  OCF_WARNING, 0, 1, "HTTP 500", "" },
	{ "503 non-JSON + live: warning",
	  ANS(503, "Service Unavailable"), ANS(200, LIVE_BODY), 1,
	  OCF_WARNING, 0, 1, "HTTP 503", "" },
	{ "302 + 302: critical",
	  ANS(302, ""), ANS(302, ""), 1,
	  OCF_CRITICAL, 0, 0, "HTTP 302", "" },
	{ "200 garbage: critical without asking /health",
	  ANS(200, "{\"ready\":tru"), NONE, 0,
	  OCF_CRITICAL, 0, 0, "garbage", "" },
	{ "200 html: critical",
	  ANS(200, "<html>ok</html>"), NONE, 0,
	  OCF_CRITICAL, 0, 0, "garbage", "" },
	{ "200 empty body: critical",
	  ANS(200, ""), NONE, 0, OCF_CRITICAL, 0, 0, "garbage", "" },
	{ "200 JSON without ready: critical",
	  ANS(200, LIVE_BODY), NONE, 0, OCF_CRITICAL, 0, 0, "garbage", "" },
	{ "200 truncated body: critical",
	  CUT(200, "{\"ready\":true,\"pad\":\"xxxx"), NONE, 0,
	  OCF_CRITICAL, 0, 0, "size cap", "" },
	{ "200 truncated body that happens to parse: still critical",
	  CUT(200, "{\"ready\":true}"), NONE, 0,
	  OCF_CRITICAL, 0, 0, "size cap", "" },
	{ "/health ok:false is not live",
	  ANS(503, SIDECARS_BODY), ANS(200, "{\"ok\":false,\"status\":\"live\"}"), 1,
	  OCF_CRITICAL, 0, 0, "not live", "startup-sidecars" },
	{ "/health 200 but truncated is not live",
	  ANS(503, SIDECARS_BODY), CUT(200, LIVE_BODY), 1,
	  OCF_CRITICAL, 0, 0, "not live", "startup-sidecars" },
	{ "/health 503 is not live",
	  ANS(503, SIDECARS_BODY), ANS(503, LIVE_BODY), 1,
	  OCF_CRITICAL, 0, 0, "/health HTTP 503", "startup-sidecars" },
	{ "/health 301 is not live",
	  ANS(503, SIDECARS_BODY), ANS(301, ""), 1,
	  OCF_CRITICAL, 0, 0, "/health HTTP 301", "startup-sidecars" },
	{ "ready wins over a /health answer",
	  ANS(200, READY_BODY), ANS(500, ""), 0, OCF_OK, 1, 1, "ready", "" },
};

static void
to_http(const struct answer *a, struct ocf_http_answer *o, char **heap)
{
	/* the body in a buffer of exactly its length, as curl leaves it */
	size_t n = a->body != NULL ? strlen(a->body) : 0;

	*heap = malloc(n + 1);
	assert_non_null(*heap);
	if (n > 0)
		memcpy(*heap, a->body, n);
	(*heap)[n] = '\0';
	o->code = a->code;
	o->body = *heap;
	o->len = n;
	o->truncated = a->truncated;
	o->error = a->error;
	o->local = 0;
}

/* run one case the way ocf_probe() does: without /health, then with it
 * when the classifier asks */
static void
run_ccase(const struct ccase *c, struct ocf_probe_result *r)
{
	struct ocf_http_answer rz, h;
	char *b1, *b2 = NULL;
	int need = -1, ret;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	to_http(&c->rz, &rz, &b1);
	ret = ocf_probe_classify(&rz, NULL, r, &need);
	if (need != c->need)
		fail_msg("%s: need_health %d, want %d", c->name, need, c->need);
	if (need) {
		if (ret != OCF_UNKNOWN)
			fail_msg("%s: returned %d while asking for /health",
			    c->name, ret);
		assert_true(c->h.code >= 0);
		to_http(&c->h, &h, &b2);
		ret = ocf_probe_classify(&rz, &h, r, &need);
		if (need != 0)
			fail_msg("%s: still needs /health", c->name);
		if (r->health_code != c->h.code)
			fail_msg("%s: health_code %ld", c->name, r->health_code);
	} else if (c->h.code >= 0) {
		/* the same verdict when /health was asked anyway */
		struct ocf_probe_result r2;

		to_http(&c->h, &h, &b2);
		memset(&r2, 0, sizeof(r2));
		assert_int_equal(ocf_probe_classify(&rz, &h, &r2, &need), ret);
		assert_int_equal(need, 0);
		assert_int_equal(r2.status, r->status);
	}
	if (ret != r->status)
		fail_msg("%s: returned %d, r.status %d", c->name, ret, r->status);
	if (r->ready_code != c->rz.code)
		fail_msg("%s: ready_code %ld", c->name, r->ready_code);
	free(b1);
	free(b2);
}

static void
test_classify_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ccases) / sizeof(ccases[0]); i++) {
		const struct ccase *c = &ccases[i];
		struct ocf_probe_result r;

		run_ccase(c, &r);
		if (r.status != c->status)
			fail_msg("%s: status %s, want %s (reason '%s')", c->name,
			    ocf_exit_name(r.status), ocf_exit_name(c->status),
			    r.reason);
		if (r.ready != c->ready || r.live != c->live)
			fail_msg("%s: ready %d live %d, want %d %d", c->name,
			    r.ready, r.live, c->ready, c->live);
		if (strstr(r.reason, c->reason) == NULL)
			fail_msg("%s: reason '%s' lacks '%s'", c->name, r.reason,
			    c->reason);
		if (strcmp(r.failing, c->failing) != 0)
			fail_msg("%s: failing '%s', want '%s'", c->name,
			    r.failing, c->failing);
		if (strchr(r.reason, '\n') != NULL)
			fail_msg("%s: reason has a newline", c->name);
	}
}

/* the result of an earlier verdict does not leak into the next one */
static void
test_classify_resets(void **state)
{
	struct ocf_http_answer rz = { 503, CHANNELS_BODY, sizeof(CHANNELS_BODY) - 1,
	    0, NULL, 0 };
	struct ocf_http_answer h = { 200, LIVE_BODY, sizeof(LIVE_BODY) - 1, 0, NULL, 0 };
	struct ocf_http_answer down = { 0, "", 0, 0, "Couldn't connect to server", 0 };
	struct ocf_probe_result r;
	int need;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(ocf_probe_classify(&rz, &h, &r, &need), OCF_WARNING);
	assert_string_equal(r.failing, "telegram,discord");
	assert_int_equal(ocf_probe_classify(&down, NULL, &r, &need), OCF_CRITICAL);
	assert_string_equal(r.failing, "");
	assert_int_equal(r.live, 0);
	assert_int_equal(r.ready_code, 0);
	assert_int_equal(r.health_code, 0);
}

/* ---- ocf_probe_format ---- */

static void
test_format(void **state)
{
	struct ocf_probe_result r;
	char buf[512];
	int n;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.status = OCF_OK;
	r.elapsed = 0.012;
	snprintf(r.reason, sizeof(r.reason), "ready");
	n = ocf_probe_format(&r, "http://127.0.0.1:18789", buf, sizeof(buf));
	assert_string_equal(buf, "OK - ready in 12ms | time=0.012000s;;;0");
	assert_int_equal(n, (int)strlen(buf));

	r.status = OCF_WARNING;
	r.elapsed = 1.5;
	snprintf(r.reason, sizeof(r.reason),
	    "live but not ready (failing: telegram)");
	ocf_probe_format(&r, "http://x", buf, sizeof(buf));
	assert_string_equal(buf, "WARNING - live but not ready (failing: "
	    "telegram) in 1500ms | time=1.500000s;;;0");

	r.status = OCF_CRITICAL;
	r.elapsed = 5.0004;
	snprintf(r.reason, sizeof(r.reason),
	    "no answer (Couldn't connect to server)");
	ocf_probe_format(&r, "http://x", buf, sizeof(buf));
	assert_true(strncmp(buf, "CRITICAL - no answer (", 22) == 0);
	assert_non_null(strstr(buf, " | time=5.000400s;;;0"));

	r.status = OCF_UNKNOWN;
	ocf_probe_format(&r, "http://x", buf, sizeof(buf));
	assert_true(strncmp(buf, "UNKNOWN - ", 10) == 0);

	/* a short buffer is cut and terminated, never overrun */
	{
		char small[17];

		memset(small, 'Z', sizeof(small));
		r.status = OCF_OK;
		snprintf(r.reason, sizeof(r.reason), "ready");
		n = ocf_probe_format(&r, "http://x", small, 10);
		assert_true(n > 10);
		assert_string_equal(small, "OK - read");
		assert_int_equal(small[10], 'Z');
	}
}

/* one status line: exactly one '|', perfdata after it */
static void
check_plugin_line(const char *line)
{
	const char *bar = strchr(line, '|');

	if (bar == NULL || strchr(bar + 1, '|') != NULL)
		fail_msg("not one '|' in: %s", line);
	if (strncmp(bar - 1, " | time=", 8) != 0)
		fail_msg("no ' | time=' perfdata: %s", line);
	if (strchr(line, '\n') != NULL)
		fail_msg("newline in: %s", line);
}

/*
 * The text before '|' is free, the text after it is perfdata: a '|' that
 * the gateway puts in a component name ends up in the reason and splits
 * the line in the wrong place for Nagios/Icinga.  lib/probe.c
 * ocf_probe_format() copies r->reason unchanged.
 */
static void
test_format_pipe_in_reason(void **state)
{
	static const char body[] = "{\"ready\":false,\"failing\":[\"a|b=1;;;0\"]}";
	struct ocf_http_answer rz = { 503, body, sizeof(body) - 1, 0, NULL, 0 };
	struct ocf_http_answer h = { 200, LIVE_BODY, sizeof(LIVE_BODY) - 1, 0, NULL, 0 };
	struct ocf_probe_result r;
	char buf[600];
	int need;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(ocf_probe_classify(&rz, &h, &r, &need), OCF_WARNING);
	ocf_probe_format(&r, "http://x", buf, sizeof(buf));
	assert_true(strncmp(buf, "WARNING - ", 10) == 0);
	check_plugin_line(buf);
}

/* ---- ocf_probe_json ---- */

static void
json_of(const struct ocf_probe_result *r, const char *url, char *buf,
    size_t len, struct ocf_health *h)
{
	int n = ocf_probe_json(r, url, buf, len);

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	if (strchr(buf, '\n') != NULL)
		fail_msg("newline in JSON: %s", buf);
	/* lib/health.c validates JSON: the output must be an object */
	if (ocf_health_parse(buf, strlen(buf), h) != 0)
		fail_msg("not valid JSON: %s", buf);
}

static void
expect_sub(const char *json, const char *sub)
{
	if (strstr(json, sub) == NULL)
		fail_msg("'%s' not in %s", sub, json);
}

static void
test_json(void **state)
{
	struct ocf_http_answer rz = { 503, CHANNELS_BODY, sizeof(CHANNELS_BODY) - 1,
	    0, NULL, 0 };
	struct ocf_http_answer h = { 200, LIVE_BODY, sizeof(LIVE_BODY) - 1, 0, NULL, 0 };
	struct ocf_probe_result r;
	struct ocf_health hb;
	char buf[4096];
	int need;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(ocf_probe_classify(&rz, &h, &r, &need), OCF_WARNING);
	r.elapsed = 0.25;
	json_of(&r, "http://127.0.0.1:18789", buf, sizeof(buf), &hb);
	assert_true(buf[0] == '{' && buf[strlen(buf) - 1] == '}');
	expect_sub(buf, "\"status\":\"WARNING\"");
	expect_sub(buf, "\"code\":1,");
	expect_sub(buf, "\"url\":\"http://127.0.0.1:18789\"");
	expect_sub(buf, "\"ready\":false");
	expect_sub(buf, "\"live\":true");
	expect_sub(buf, "\"readyz_http\":503");
	expect_sub(buf, "\"health_http\":200");
	expect_sub(buf, "\"time\":0.250000");
	expect_sub(buf, "\"failing\":[\"telegram\",\"discord\"]");
	/* read back through the scanner */
	assert_string_equal(hb.status, "WARNING");
	assert_int_equal(hb.has_ready, 1);
	assert_int_equal(hb.ready, 0);
	assert_string_equal(hb.failing, "telegram,discord");

	/* ok, nothing failing: an empty list */
	memset(&r, 0, sizeof(r));
	r.status = OCF_OK;
	r.ready = r.live = 1;
	r.ready_code = 200;
	snprintf(r.reason, sizeof(r.reason), "ready");
	json_of(&r, "https://gw.example:443", buf, sizeof(buf), &hb);
	expect_sub(buf, "\"status\":\"OK\"");
	expect_sub(buf, "\"code\":0,");
	expect_sub(buf, "\"ready\":true");
	expect_sub(buf, "\"health_http\":0");
	expect_sub(buf, "\"reason\":\"ready\"");
	expect_sub(buf, "\"failing\":[]");
	assert_int_equal(hb.ready, 1);

	/* a single name */
	snprintf(r.failing, sizeof(r.failing), "a");
	json_of(&r, "http://x", buf, sizeof(buf), &hb);
	expect_sub(buf, "\"failing\":[\"a\"]");
	snprintf(r.failing, sizeof(r.failing), "a,b");
	json_of(&r, "http://x", buf, sizeof(buf), &hb);
	expect_sub(buf, "\"failing\":[\"a\",\"b\"]");
}

static void
test_json_escapes(void **state)
{
	static const char body[] =
	    "{\"ready\":false,\"failing\":[\"we\\\"ird\",\"back\\\\slash\"]}";
	struct ocf_http_answer rz = { 503, body, sizeof(body) - 1, 0, NULL, 0 };
	struct ocf_http_answer h = { 200, LIVE_BODY, sizeof(LIVE_BODY) - 1, 0, NULL, 0 };
	struct ocf_probe_result r;
	struct ocf_health hb;
	char buf[4096];
	int need;

	(void)state;
	/* names with " and \ from the gateway's body */
	memset(&r, 0, sizeof(r));
	assert_int_equal(ocf_probe_classify(&rz, &h, &r, &need), OCF_WARNING);
	assert_string_equal(r.failing, "we\"ird,back\\slash");
	json_of(&r, "http://x", buf, sizeof(buf), &hb);
	expect_sub(buf, "\"failing\":[\"we\\\"ird\",\"back\\\\slash\"]");
	expect_sub(buf, "we\\\"ird,back\\\\slash");	/* in the reason */

	/* a reason with a quote, a backslash and control characters */
	memset(&r, 0, sizeof(r));
	r.status = OCF_CRITICAL;
	snprintf(r.reason, sizeof(r.reason), "say \"hi\" \\ tab\there\nnl\x01");
	json_of(&r, "http://h/\"q\"", buf, sizeof(buf), &hb);
	expect_sub(buf, "\"reason\":\"say \\\"hi\\\" \\\\ tab\\u0009here"
	    "\\u000anl\\u0001\"");
	expect_sub(buf, "\"url\":\"http://h/\\\"q\\\"\"");
	assert_string_equal(hb.status, "CRITICAL");

	/* the longest reason and failing list still make valid JSON */
	memset(&r, 0, sizeof(r));
	r.status = OCF_WARNING;
	memset(r.reason, '"', sizeof(r.reason) - 1);
	for (size_t i = 0; i < sizeof(r.failing) - 1; i++)
		r.failing[i] = i % 3 == 2 ? ',' : '"';
	{
		static char big[8192];

		json_of(&r, "http://x", big, sizeof(big), &hb);
		assert_non_null(strstr(big, "\"failing\":[\"\\\"\\\"\","));
	}
}

/* a buffer too small gives -1 and is never overrun */
static void
test_json_small_buffer(void **state)
{
	struct ocf_probe_result r;
	char ref[2048], buf[2048 + 64];
	int need;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.status = OCF_WARNING;
	r.live = 1;
	snprintf(r.reason, sizeof(r.reason), "live but not ready (failing: a,b)");
	snprintf(r.failing, sizeof(r.failing), "a,b");
	need = ocf_probe_json(&r, "http://x", ref, sizeof(ref));
	assert_true(need > 0);
	for (size_t len = 0; len <= (size_t)need + 1; len++) {
		int n;

		memset(buf, 'Z', sizeof(buf));
		n = ocf_probe_json(&r, "http://x", buf, len);
		for (size_t i = len; i < sizeof(buf); i++)
			if (buf[i] != 'Z')
				fail_msg("len %zu: byte %zu written", len, i);
		if (len <= (size_t)need) {
			if (n != -1)
				fail_msg("len %zu: returned %d, want -1", len, n);
		} else {
			assert_int_equal(n, need);
			assert_string_equal(buf, ref);
		}
	}
}

/* ---- ocf_probe end to end ---- */

static int
closed_port(void)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port;

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void
test_probe_closed_port(void **state)
{
	struct ocf_probe_opts o;
	struct ocf_probe_result r;
	char url[64];
	double t0;

	(void)state;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", closed_port());
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.timeout = 3;
	t0 = ocf_mono();
	assert_int_equal(ocf_probe(&o, &r), OCF_CRITICAL);
	assert_int_equal(r.status, OCF_CRITICAL);
	assert_int_equal(r.ready_code, 0);
	assert_int_equal(r.health_code, 0);
	assert_int_equal(r.ready, 0);
	assert_int_equal(r.live, 0);
	if (strstr(r.reason, "no answer") == NULL)
		fail_msg("reason: %s", r.reason);
	assert_true(r.elapsed >= 0 && r.elapsed < 3);
	assert_true(ocf_mono() - t0 < 3);
}

/* a tiny HTTP/1.1 responder: one request per connection */

struct route {
	const char *path;
	int code;
	const char *body;	/* NULL: "" */
	const char *headers;	/* extra header lines, each ending \r\n */
	int hang;		/* read the request, never answer */
};

#define MAXREQ 16

static struct {
	pthread_mutex_t mu;
	pthread_t thread;
	int lfd, port, stop;
	struct route routes[4];
	int nroutes;
	char req[MAXREQ][2048];	/* request heads, in order */
	int nreq;
	int hung[MAXREQ];
	int nhung;
} srv = { .mu = PTHREAD_MUTEX_INITIALIZER, .lfd = -1 };

static void
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;	/* the client went away (body over the cap) */
		p += w;
		n -= (size_t)w;
	}
}

static void
serve_one(int fd)
{
	struct timeval tv = { 2, 0 };
	char head[2048], path[256], hdr[512];
	struct route rt = { NULL, 404, "{\"error\":\"not found\"}", NULL, 0 };
	size_t got = 0;
	const char *body;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (got < sizeof(head) - 1) {
		ssize_t n = recv(fd, head + got, sizeof(head) - 1 - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
		head[got] = '\0';
		if (strstr(head, "\r\n\r\n") != NULL)
			break;
	}
	head[got] = '\0';
	if (sscanf(head, "GET %255s ", path) != 1)
		path[0] = '\0';
	pthread_mutex_lock(&srv.mu);
	if (srv.nreq < MAXREQ)
		snprintf(srv.req[srv.nreq++], sizeof(srv.req[0]), "%s", head);
	for (int i = 0; i < srv.nroutes; i++)
		if (strcmp(srv.routes[i].path, path) == 0)
			rt = srv.routes[i];
	if (rt.hang && srv.nhung < MAXREQ) {
		srv.hung[srv.nhung++] = fd;
		pthread_mutex_unlock(&srv.mu);
		return;
	}
	pthread_mutex_unlock(&srv.mu);
	body = rt.body != NULL ? rt.body : "";
	snprintf(hdr, sizeof(hdr), "HTTP/1.1 %d X\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\nConnection: close\r\n"
	    "%s\r\n", rt.code, strlen(body), rt.headers != NULL ? rt.headers : "");
	send_all(fd, hdr, strlen(hdr));
	send_all(fd, body, strlen(body));
	close(fd);
}

static void *
serve(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd p = { srv.lfd, POLLIN, 0 };
		int stop, fd;

		pthread_mutex_lock(&srv.mu);
		stop = srv.stop;
		pthread_mutex_unlock(&srv.mu);
		if (stop)
			break;
		if (poll(&p, 1, 20) <= 0)
			continue;
		if ((fd = accept(srv.lfd, NULL, NULL)) >= 0)
			serve_one(fd);
	}
	return NULL;
}

static int
srv_start(void **state)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);

	(void)state;
	srv.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv.lfd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(srv.lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(srv.lfd, (struct sockaddr *)&a, &alen) != 0 ||
	    listen(srv.lfd, 16) != 0)
		return -1;
	srv.port = ntohs(a.sin_port);
	srv.stop = 0;
	return pthread_create(&srv.thread, NULL, serve, NULL) == 0 ? 0 : -1;
}

static int
srv_stop(void **state)
{
	(void)state;
	pthread_mutex_lock(&srv.mu);
	srv.stop = 1;
	pthread_mutex_unlock(&srv.mu);
	pthread_join(srv.thread, NULL);
	for (int i = 0; i < srv.nhung; i++)
		close(srv.hung[i]);
	srv.nhung = 0;
	close(srv.lfd);
	srv.lfd = -1;
	return 0;
}

static void
srv_routes(const struct route *r, int n)
{
	pthread_mutex_lock(&srv.mu);
	memcpy(srv.routes, r, (size_t)n * sizeof(*r));
	srv.nroutes = n;
	srv.nreq = 0;
	pthread_mutex_unlock(&srv.mu);
}

/* the paths asked, space separated, e.g. "/readyz /health" */
static void
srv_paths(char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	pthread_mutex_lock(&srv.mu);
	for (int i = 0; i < srv.nreq && at < len; i++) {
		char path[256];

		if (sscanf(srv.req[i], "GET %255s ", path) != 1)
			snprintf(path, sizeof(path), "?");
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? " " : "",
		    path);
	}
	pthread_mutex_unlock(&srv.mu);
}

static int
probe_srv(double timeout, const char *token_file, struct ocf_probe_result *r)
{
	struct ocf_probe_opts o;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", srv.port);
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.timeout = timeout;
	o.token_file = token_file;
	return ocf_probe(&o, r);
}

struct e2e {
	const char *name;
	struct route routes[3];
	int nroutes;
	int status;
	long ready_code, health_code;
	const char *reason, *paths;
};

static void
test_probe_http(void **state)
{
	static char huge[100 * 1024];
	const struct e2e cases[] = {
		{ "ready", { { "/readyz", 200, READY_BODY, NULL, 0 } }, 1,
		  OCF_OK, 200, 0, "ready", "/readyz" },
		{ "starting", { { "/readyz", 503, SIDECARS_BODY, NULL, 0 },
		  { "/health", 200, LIVE_BODY, NULL, 0 } }, 2,
		  OCF_WARNING, 503, 200, "startup-sidecars", "/readyz /health" },
		{ "draining", { { "/readyz", 503, DRAINING_BODY, NULL, 0 },
		  { "/health", 200, LIVE_BODY, NULL, 0 } }, 2,
		  OCF_CRITICAL, 503, 0, "draining", "/readyz" },
		{ "older gateway", { { "/health", 200, LIVE_BODY, NULL, 0 } }, 1,
		  OCF_OK, 404, 200, "no readiness endpoint", "/readyz /health" },
		{ "errors", { { "/readyz", 500, "x", NULL, 0 },
		  { "/health", 500, "x", NULL, 0 } }, 2,
		  OCF_CRITICAL, 500, 500, "HTTP 500", "/readyz /health" },
		/* redirects are not followed: /elsewhere is never asked */
		{ "redirects", { { "/readyz", 302, "", "Location: /elsewhere\r\n", 0 },
		  { "/health", 302, "", "Location: /elsewhere\r\n", 0 },
		  { "/elsewhere", 200, READY_BODY, NULL, 0 } }, 3,
		  OCF_CRITICAL, 302, 302, "HTTP 302", "/readyz /health" },
		{ "huge body", { { "/readyz", 200, huge, NULL, 0 } }, 1,
		  OCF_CRITICAL, 200, 0, "size cap", "/readyz" },
	};
	char paths[512];

	(void)state;
	/* 100 KiB of valid JSON that starts like a ready answer */
	memset(huge, ' ', sizeof(huge) - 1);
	memcpy(huge, "{\"ready\":true,\"pad\":\"", 21);
	memcpy(huge + sizeof(huge) - 3, "\"}", 3);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct e2e *c = &cases[i];
		struct ocf_probe_result r;

		srv_routes(c->routes, c->nroutes);
		probe_srv(5, NULL, &r);
		srv_paths(paths, sizeof(paths));
		if (r.status != c->status || r.ready_code != c->ready_code ||
		    r.health_code != c->health_code ||
		    strstr(r.reason, c->reason) == NULL ||
		    strcmp(paths, c->paths) != 0)
			fail_msg("%s: %s (%s) readyz %ld health %ld, asked '%s'; "
			    "want %s '%s' %ld %ld '%s'", c->name,
			    ocf_exit_name(r.status), r.reason, r.ready_code,
			    r.health_code, paths, ocf_exit_name(c->status),
			    c->reason, c->ready_code, c->health_code, c->paths);
		assert_true(r.elapsed > 0 && r.elapsed < 5);
	}
}

/* the request itself: no proxy headers, an ocf user agent, the token */
static void
test_probe_request_headers(void **state)
{
	const struct route rt[] = { { "/readyz", 200, READY_BODY, NULL, 0 } };
	char dir[] = "/tmp/ocf-ut-probe.XXXXXX", tok[64];
	struct ocf_probe_result r;
	FILE *f;

	(void)state;
	srv_routes(rt, 1);
	assert_int_equal(probe_srv(5, NULL, &r), OCF_OK);
	pthread_mutex_lock(&srv.mu);
	assert_int_equal(srv.nreq, 1);
	assert_non_null(strcasestr(srv.req[0], "\r\nUser-Agent: ocf/"));
	assert_null(strcasestr(srv.req[0], "X-Forwarded-For"));
	assert_null(strcasestr(srv.req[0], "\r\nForwarded:"));
	assert_null(strcasestr(srv.req[0], "Authorization"));
	pthread_mutex_unlock(&srv.mu);

	/* a token from a 0600 file becomes a bearer header */
	assert_non_null(mkdtemp(dir));
	snprintf(tok, sizeof(tok), "%s/token", dir);
	assert_non_null(f = fopen(tok, "w"));
	fputs("s3cret-token \n", f);
	fclose(f);
	assert_int_equal(chmod(tok, 0600), 0);
	srv_routes(rt, 1);
	assert_int_equal(probe_srv(5, tok, &r), OCF_OK);
	pthread_mutex_lock(&srv.mu);
	assert_int_equal(srv.nreq, 1);
	assert_non_null(strstr(srv.req[0],
	    "\r\nAuthorization: Bearer s3cret-token\r\n"));
	pthread_mutex_unlock(&srv.mu);

	/* a token file others can read is refused: no request, UNKNOWN (our
	 * mistake, which must never count as a down primary) */
	assert_int_equal(chmod(tok, 0644), 0);
	srv_routes(rt, 1);
	assert_int_equal(probe_srv(5, tok, &r), OCF_UNKNOWN);
	assert_int_equal(r.ready_code, 0);
	assert_non_null(strstr(r.reason, "chmod 600"));
	pthread_mutex_lock(&srv.mu);
	assert_int_equal(srv.nreq, 0);
	pthread_mutex_unlock(&srv.mu);
	unlink(tok);
	rmdir(dir);
}

/* a gateway that accepts and never answers: critical within the timeout */
static void
test_probe_hang(void **state)
{
	const struct route rt[] = { { "/readyz", 200, READY_BODY, NULL, 1 },
	    { "/health", 200, LIVE_BODY, NULL, 1 } };
	struct ocf_probe_result r;
	double t0;

	(void)state;
	srv_routes(rt, 2);
	t0 = ocf_mono();
	assert_int_equal(probe_srv(0.5, NULL, &r), OCF_CRITICAL);
	assert_int_equal(r.ready_code, 0);
	assert_non_null(strstr(r.reason, "no answer"));
	/* the whole check, both requests, within the one timeout (+ slack) */
	assert_true(ocf_mono() - t0 < 1.5);
	assert_true(r.elapsed >= 0.4 && r.elapsed < 1.5);
}

int
main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_classify_table),
		cmocka_unit_test(test_classify_resets),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_pipe_in_reason),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_small_buffer),
		cmocka_unit_test(test_probe_closed_port),
	};
	const struct CMUnitTest http[] = {
		cmocka_unit_test(test_probe_http),
		cmocka_unit_test(test_probe_request_headers),
		cmocka_unit_test(test_probe_hang),
	};
	int failed;

	failed = cmocka_run_group_tests_name("probe", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("probe over http", http,
	    srv_start, srv_stop);
	curl_global_cleanup();
	return failed != 0;
}
