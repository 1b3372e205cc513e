#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "detach.h"
#include "heartbeat.h"
#include "http.h"
#include "log.h"

static int
ping(const struct ocf_config *c, const char *suffix)
{
	char url[sizeof(c->heartbeat_url) + 16];
	struct ocf_http_resp r;
	struct ocf_http_req q = {
		.url = url,
		.timeout = c->probe_timeout,
		.ca_file = c->ca_file,
		.max_body = 1024,
	};
	int ok;

	snprintf(url, sizeof(url), "%s%s", c->heartbeat_url, suffix);
	ok = ocf_http_do(&q, &r) == 0 && r.code >= 200 && r.code < 300;
	/* curl's error texts name no host; the URL is not logged */
	if (!ok && r.code != 0)
		ocf_warn("heartbeat%s failed (the URL is not logged): HTTP %ld",
		    suffix, r.code);
	else if (!ok)
		ocf_warn("heartbeat%s failed (the URL is not logged): %s",
		    suffix, r.error);
	ocf_http_free(&r);
	return ok ? 0 : -1;
}

void
ocf_heartbeat(const struct ocf_config *c, struct ocf_detach *d,
    const char *suffix)
{
	pid_t pid;

	if (c->heartbeat_url[0] == '\0')
		return;
	pid = ocf_detach(d, c->probe_timeout);
	if (pid == 0)
		ocf_detach_exit(ping(c, suffix) == 0 ? 0 : 1);
	if (pid == -2)
		ocf_warn("heartbeat%s skipped: the last one still waits for "
		    "an answer", suffix);
	else if (pid == -1)
		ocf_warn("heartbeat%s skipped: fork: %s", suffix,
		    strerror(errno));
}
