#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "token.h"
#include "version.h"

int
ocf_http_init(void)
{
	static int done;

	if (!done && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	done = 1;
	return 0;
}

struct sink {
	struct ocf_http_resp *r;
	size_t max;
};

/* keep at most max bytes; past that, stop the transfer (curl then
 * reports a write error, which we take as "answered, truncated") */
static size_t
sink_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *k = arg;
	struct ocf_http_resp *r = k->r;
	size_t n = size * nmemb, room = k->max - r->len;
	char *grown;

	if (n > room) {
		r->truncated = 1;
		n = room;
	}
	grown = realloc(r->body, r->len + n + 1);
	if (grown == NULL)
		return 0;
	r->body = grown;
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return r->truncated ? 0 : size * nmemb;
}

static void
wipe(char *p, size_t n)
{
	volatile char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

int
ocf_http_do(const struct ocf_http_req *q, struct ocf_http_resp *r)
{
	struct curl_slist *hdr = NULL;
	struct sink k;
	char token[4096], auth[4200];
	long ms = (long)(q->timeout * 1000);
	CURLcode rc;
	CURL *c;

	memset(r, 0, sizeof(*r));
	k.r = r;
	k.max = q->max_body;
	if (ms < 1)
		ms = 1;
	if (ocf_http_init() == -1 || (c = curl_easy_init()) == NULL) {
		snprintf(r->error, sizeof(r->error), "unable to start libcurl");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, q->url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(c, CURLOPT_USERAGENT, "ocf/" OCF_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &k);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (q->ca_file != NULL && *q->ca_file != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, q->ca_file);
	if (q->ipv == 4)
		curl_easy_setopt(c, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_V4);
	else if (q->ipv == 6)
		curl_easy_setopt(c, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_V6);
	if (q->post_json != NULL) {
		snprintf(auth, sizeof(auth), "Content-Type: %s",
		    q->post_type != NULL ? q->post_type : "application/json");
		hdr = curl_slist_append(hdr, auth);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->post_json);
	}
	for (size_t i = 0; q->headers != NULL && q->headers[i] != NULL; i++)
		hdr = curl_slist_append(hdr, q->headers[i]);
	/* a health check goes straight to the gateway, never a proxy */
	if (q->post_json == NULL || q->no_proxy)
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (q->token_file != NULL && *q->token_file != '\0') {
		if (ocf_read_token(q->token_file, token, sizeof(token),
		    r->error, sizeof(r->error)) == -1) {
			r->local = 1;
			curl_easy_cleanup(c);
			return -1;
		}
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hdr = curl_slist_append(hdr, auth);
		wipe(token, sizeof(token));
		wipe(auth, sizeof(auth));
	}
	if (hdr != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);

	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->code);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && r->truncated)) {
		/* an answer cut short (timeout mid-body, reset) is no answer */
		r->code = 0;
		/* not CURLE_OUT_OF_MEMORY: libcurl < 8.6 reports a header
		 * over its 100 KiB limit with it, and that is the server */
		r->local = rc == CURLE_SSL_CACERT_BADFILE ||
		    rc == CURLE_FAILED_INIT;
		snprintf(r->error, sizeof(r->error), "%s",
		    curl_easy_strerror(rc));
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return r->code != 0 ? 0 : -1;
}

void
ocf_http_free(struct ocf_http_resp *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}
