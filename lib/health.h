/*
 * The gateway's health bodies: /readyz {"ready":true,"failing":[...]} and
 * /health {"ok":true,"status":"live"}.  A small scanner for the few
 * top-level members we need, robust to anything a server may send.
 */
#ifndef OCF_HEALTH_H
#define OCF_HEALTH_H

#include <stddef.h>

struct ocf_health {
	int has_ready, ready;		/* "ready": true/false */
	int has_ok, ok;			/* "ok": true/false */
	char status[32];		/* "status": "live" */
	char failing[256];		/* "failing": names joined by ',' */
};

/* 0 when body is a JSON object (members we do not know are skipped),
 * -1 when it is not valid JSON */
int ocf_health_parse(const char *body, size_t len, struct ocf_health *h);

#endif
