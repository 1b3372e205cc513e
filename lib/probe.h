/*
 * One health check of a gateway: readiness (/readyz), then liveness
 * (/health) when not ready.  The verdict uses the exit-code table.
 */
#ifndef OCF_PROBE_H
#define OCF_PROBE_H

#include <stddef.h>

#define OCF_PROBE_BODY_MAX (64 * 1024)
/* the longest base URL (the configuration's fields hold 1023 bytes) */
#define OCF_URL_MAX 1024

struct ocf_probe_opts {
	const char *url;	/* base URL, e.g. http://127.0.0.1:18789 */
	double timeout;		/* whole check, all requests */
	const char *ca_file;	/* CA bundle for https, NULL: system default */
	const char *token_file;	/* bearer token, NULL: none */
	int ipv;		/* 0 any, 4 or 6 */
};

struct ocf_probe_result {
	int status;		/* OCF_OK / OCF_WARNING / OCF_CRITICAL / OCF_UNKNOWN */
	int live, ready;	/* what the gateway said */
	long ready_code;	/* HTTP status of /readyz, 0 if no answer */
	long health_code;	/* HTTP status of /health, 0 if not asked/no answer */
	double elapsed;		/* seconds, whole check */
	char failing[256];	/* components named by /readyz */
	char reason[768];	/* one line: why this verdict */
};

/* one HTTP answer, as the classifier sees it */
struct ocf_http_answer {
	long code;		/* 0: no HTTP answer */
	const char *body;
	size_t len;
	int truncated;		/* body longer than the cap */
	const char *error;	/* transport error text when code == 0 */
	int local;		/* that error is ours: UNKNOWN, not CRITICAL */
};

/* Run the check; returns r->status */
int ocf_probe(const struct ocf_probe_opts *o, struct ocf_probe_result *r);

/*
 * The pure decision, for unit tests: readiness answer, and the liveness
 * answer (NULL when it was not asked).  Returns OCF_OK when ready, a
 * non-NULL *need_health (1) when the verdict needs /health, else fills r.
 */
int ocf_probe_classify(const struct ocf_http_answer *readyz,
    const struct ocf_http_answer *health, struct ocf_probe_result *r,
    int *need_health);

/* "OK - ready in 12ms | time=0.012s;;;0" */
int ocf_probe_format(const struct ocf_probe_result *r, const char *url,
    char *buf, size_t len);
/* one JSON object, no newline */
int ocf_probe_json(const struct ocf_probe_result *r, const char *url,
    char *buf, size_t len);

#endif
