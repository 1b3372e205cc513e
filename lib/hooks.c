#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "detach.h"
#include "exitcode.h"
#include "hooks.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "node.h"
#include "spawn.h"
#include "state.h"
#include "timeutil.h"

static int
hook_wanted(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 0 && de->d_name[n - 1] != '~';
}

static int
run_one(const struct ocf_config *c, const struct ocf_event *e,
    const char *path)
{
	char ev[64], oldr[64], newr[64], num[64], st[32];
	char why[sizeof("OCF_REASON=") + 512];
	char nodebuf[sizeof(c->node_name)];
	char node[sizeof("OCF_NODE=") + sizeof(nodebuf)];
	char sd[sizeof("OCF_STATE_DIR=") + sizeof(c->state_dir)];
	char url[sizeof("OCF_PRIMARY_URL=") + sizeof(c->primary_url)];
	char tok[64], err[OCF_ERRLEN];
	const char *env[] = { ev, oldr, newr, num, why, st, node, sd, url,
	    e->token > 0 ? tok : NULL, NULL };
	char *argv[] = { (char *)path, (char *)e->event, NULL };
	char logpath[sizeof(c->state_dir) + sizeof("/hooks.log")];
	struct ocf_spawn_opts o = {
		.env = env,
		.clean_env = 1,
		/* never our stdout: that carries the tool's result (-j) */
		.log_path = c->state_dir[0] != '\0' ? ocf_state_path(c->state_dir,
		    "hooks.log", logpath, sizeof(logpath)) : NULL,
	};
	int rc;

	snprintf(ev, sizeof(ev), "OCF_EVENT=%s", e->event);
	snprintf(oldr, sizeof(oldr), "OCF_OLD_ROLE=%s", e->old_role);
	snprintf(newr, sizeof(newr), "OCF_NEW_ROLE=%s", e->new_role);
	snprintf(num, sizeof(num), "OCF_TRANSITION=%ld", e->number);
	snprintf(why, sizeof(why), "OCF_REASON=%s", e->reason);
	snprintf(st, sizeof(st), "OCF_STATUS=%s", ocf_exit_name(e->status));
	snprintf(node, sizeof(node), "OCF_NODE=%s",
	    ocf_node_name(c, nodebuf, sizeof(nodebuf)));
	snprintf(sd, sizeof(sd), "OCF_STATE_DIR=%s", c->state_dir);
	snprintf(url, sizeof(url), "OCF_PRIMARY_URL=%s", c->primary_url);
	snprintf(tok, sizeof(tok), "OCF_TOKEN=%ld", e->token);

	rc = ocf_run(argv, &o, c->hook_timeout, err, sizeof(err));
	if (rc == 0)
		return 0;
	if (rc == -2)
		ocf_warn("hook '%s' killed after %gs", path, c->hook_timeout);
	else if (rc == -1)
		ocf_warn("hook '%s': %s", path, err);
	else
		ocf_warn("hook '%s' failed (exit %d)", path, rc);
	return -1;
}

int
ocf_hooks_run(const struct ocf_config *c, const struct ocf_event *e)
{
	struct dirent **list;
	char path[PATH_MAX];
	struct stat st;
	int n, failed = 0;

	if (c->hooks_dir[0] == '\0')
		return 0;
	n = scandir(c->hooks_dir, &list, hook_wanted, alphasort);
	if (n == -1) {
		if (errno != ENOENT)
			ocf_warn("unable to read hooks directory '%s': %s",
			    c->hooks_dir, strerror(errno));
		return 0;
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->hooks_dir,
		    list[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(path, X_OK) == 0) {
			ocf_info("running hook '%s' (%s)", path, e->event);
			failed += run_one(c, e, path) != 0;
		}
		free(list[i]);
	}
	free(list);
	return failed;
}

int
ocf_event_json(const struct ocf_config *c, const struct ocf_event *e,
    char *buf, unsigned long len)
{
	char node[sizeof(c->node_name)], n[OCF_JSON_ROOM(sizeof(node))];
	char why[OCF_JSON_ROOM(512)], stamp[40];
	char url[OCF_JSON_ROOM(sizeof(c->primary_url))], tok[40] = "";

	if (e->token > 0)	/* ARBITER=etcd: the fencing token */
		snprintf(tok, sizeof(tok), "\"token\":%ld,", e->token);
	return snprintf(buf, len, "{\"event\":\"%s\",\"node\":%s,"
	    "\"old_role\":\"%s\",\"new_role\":\"%s\",\"transition\":%ld,"
	    "%s\"status\":\"%s\",\"reason\":%s,\"primary_url\":%s,"
	    "\"time\":\"%s\"}",
	    e->event, ocf_json_str(ocf_node_name(c, node, sizeof(node)), n,
	    sizeof(n)), e->old_role, e->new_role, e->number, tok,
	    ocf_exit_name(e->status), ocf_json_str(e->reason, why, sizeof(why)),
	    ocf_json_str(c->primary_url, url, sizeof(url)),
	    ocf_iso8601(ocf_wall(), stamp, sizeof(stamp)));
}

/* " for 9.1 s", or nothing when unknown */
static const char *
span(const char *what, double s, char *buf, size_t len)
{
	if (s > 0)
		snprintf(buf, len, "%s %.1f s", what, s);
	else
		buf[0] = '\0';
	return buf;
}

int
ocf_event_text(const struct ocf_config *c, const struct ocf_event *e,
    char *buf, unsigned long len)
{
	char node[sizeof(c->node_name)], a[64], b[64];
	const char *n = ocf_node_name(c, node, sizeof(node));
	const char *warn = e->status == OCF_WARNING ? "; with a warning: " : "";
	const char *why = e->status == OCF_WARNING ? e->reason : "";

	if (strcmp(e->event, "promote") == 0)
		return snprintf(buf, len, "%s: %s promoted: %s%sgateway ready%s%s%s",
		    n, e->old_role, span("primary down for", e->primary_for, a,
		    sizeof(a)), e->primary_for > 0 ? ", " : "",
		    span(" in", e->took, b, sizeof(b)), warn, why);
	if (strcmp(e->event, "demote") == 0)
		return snprintf(buf, len, "%s: %s demoted: %s%sgateway stopped%s%s%s",
		    n, e->old_role, span("primary back for", e->primary_for, a,
		    sizeof(a)), e->primary_for > 0 ? ", " : "",
		    span(" in", e->took, b, sizeof(b)), warn, why);
	if (strcmp(e->event, "fail") == 0) {
		const char *kind = strcmp(e->old_role, "active") == 0 ?
		    "demotion" : "promotion";
		size_t k = strlen(kind);

		/* the reason says "promotion failed: ..." already */
		if (strncmp(why = e->reason, kind, k) == 0 &&
		    strncmp(why + k, " failed: ", 9) == 0)
			why += k + 9;
		return snprintf(buf, len, "%s: %s failed%s, now %s: %s", n,
		    kind, span(" after", e->took, b, sizeof(b)), e->new_role,
		    why);
	}
	if (strcmp(e->event, "latch") == 0)
		return snprintf(buf, len, "%s: flap breaker latched, staying %s: %s",
		    n, e->new_role, e->reason);
	return snprintf(buf, len, "%s: %s (%s): %s", n, e->event,
	    ocf_exit_name(e->status), e->reason);
}

/* the body of NOTIFY_FORMAT, its Content-Type and headers */
static void
body_of(const struct ocf_config *c, const struct ocf_event *e, char *body,
    size_t len, struct ocf_http_req *q, char title[][160])
{
	char text[1024], lit[OCF_JSON_ROOM(sizeof(text))];
	char node[sizeof(c->node_name)];
	int bad = strcmp(e->event, "fail") == 0 || strcmp(e->event, "latch") == 0;

	if (c->notify_format == OCF_NOTIFY_JSON) {
		ocf_event_json(c, e, body, len);
		return;
	}
	ocf_event_text(c, e, text, sizeof(text));
	switch (c->notify_format) {
	case OCF_NOTIFY_SLACK:
		snprintf(body, len, "{\"text\":%s}",
		    ocf_json_str(text, lit, sizeof(lit)));
		break;
	case OCF_NOTIFY_DISCORD:
		snprintf(body, len, "{\"content\":%s}",
		    ocf_json_str(text, lit, sizeof(lit)));
		break;
	default:	/* ntfy: the message as plain text, the rest in headers */
		snprintf(body, len, "%s", text);
		q->post_type = "text/plain; charset=utf-8";
		/* the node name has no control character (config.c) */
		snprintf(title[0], sizeof(title[0]), "Title: ocf %s on %s",
		    e->event, ocf_node_name(c, node, sizeof(node)));
		snprintf(title[1], sizeof(title[1]), "Priority: %s",
		    bad ? "high" : "default");
		snprintf(title[2], sizeof(title[2]), "Tags: %s",
		    bad ? "warning" : "arrows_counterclockwise");
		break;
	}
}

/* at most this many posts in flight at once, the rest dropped */
#define NOTIFY_SLOTS 4
int ocf_notify_background;

static int
post(const struct ocf_config *c, const struct ocf_event *e)
{
	char body[4096], hdr[3][160];
	const char *headers[] = { hdr[0], hdr[1], hdr[2], NULL };
	struct ocf_http_resp r;
	struct ocf_http_req q = {
		.url = c->notify_url,
		.timeout = c->probe_timeout,
		.ca_file = c->ca_file,
		.post_json = body,
		.max_body = 4096,
	};
	int ok;

	body_of(c, e, body, sizeof(body), &q, hdr);
	if (q.post_type != NULL)
		q.headers = headers;
	ok = ocf_http_do(&q, &r) == 0 && r.code >= 200 && r.code < 300;
	if (!ok)
		ocf_warn("notify failed (the URL is not logged): %s",
		    r.code != 0 ? "non-2xx answer" : r.error);
	ocf_http_free(&r);
	return ok ? 0 : -1;
}

int
ocf_notify(const struct ocf_config *c, const struct ocf_event *e)
{
	static struct ocf_detach slots[NOTIFY_SLOTS];
	pid_t pid = -2;

	if (c->notify_url[0] == '\0')
		return 0;
	if (!ocf_notify_background)
		return post(c, e);
	for (int i = 0; i < NOTIFY_SLOTS && pid == -2; i++)
		pid = ocf_detach(&slots[i], c->probe_timeout);
	if (pid == 0)
		ocf_detach_exit(post(c, e) == 0 ? 0 : 1);
	if (pid > 0)
		return 0;
	if (pid == -2)
		ocf_warn("notify of '%s' dropped: %d posts still wait for the "
		    "receiver", e->event, NOTIFY_SLOTS);
	else
		ocf_warn("notify of '%s' failed: fork: %s", e->event,
		    strerror(errno));
	return -1;
}

void
ocf_announce_event(const struct ocf_config *c, const struct ocf_event *e)
{
	ocf_hooks_run(c, e);
	ocf_notify(c, e);
}

void
ocf_announce(const struct ocf_config *c, const char *event,
    const char *old_role, const char *new_role, long number,
    const char *reason, int status)
{
	struct ocf_event e = {
		.event = event,
		.old_role = old_role,
		.new_role = new_role,
		.number = number,
		.reason = reason,
		.status = status,
	};

	ocf_announce_event(c, &e);
}
