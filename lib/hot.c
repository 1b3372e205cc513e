/*
 * The hot standby's channels (see hot.h): the fence in the gateway's
 * file, and the calls of its admin RPC that hold and release them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "chanprobe.h"
#include "config.h"
#include "exitcode.h"
#include "fence.h"
#include "gateway.h"
#include "gwrpc.h"
#include "hot.h"
#include "json.h"
#include "log.h"
#include "probe.h"
#include "state.h"
#include "timeutil.h"
#include "worker.h"

/* the gateway's file is a few KiB; the same cap as ocf's own */
#define CONF_MAX (1024 * 1024)
/* a fence edit is a local file: it never takes long */
#define FENCE_TIMEOUT 10.0

const char *
ocf_hot_config_path(const struct ocf_config *c, char *buf, size_t len)
{
	const char *e, *home = NULL;
	struct passwd *pw;
	int n;

	if (c->gateway_config[0] != '\0')
		n = snprintf(buf, len, "%s", c->gateway_config);
	/* ocf hands the OPENCLAW_* variables to a GATEWAY_CMD gateway */
	else if ((e = getenv("OPENCLAW_CONFIG_PATH")) != NULL && *e != '\0')
		n = snprintf(buf, len, "%s", e);
	else if ((e = getenv("OPENCLAW_STATE_DIR")) != NULL && *e != '\0')
		n = snprintf(buf, len, "%s/openclaw.json", e);
	else {
		if (geteuid() == 0 && c->openclaw_user[0] != '\0' &&
		    (pw = getpwnam(c->openclaw_user)) != NULL)
			home = pw->pw_dir;
		if (home == NULL)
			home = getenv("HOME");
		if (home == NULL && (pw = getpwuid(geteuid())) != NULL)
			home = pw->pw_dir;
		n = snprintf(buf, len, "%s/.openclaw/openclaw.json",
		    home != NULL ? home : "");
	}
	return n >= 0 && (size_t)n < len ? buf : NULL;
}

/* ---- the fence, in a worker (as OPENCLAW_USER when we are root) -------- */

enum fence_op { PLAN, WRITE, UNDO };

struct fence_job {
	enum fence_op op;
	const char *path;
	const char *record;	/* WRITE: the plan's; UNDO: what to undo */
};

static int
read_conf(const char *path, char **text, size_t *len, mode_t *mode,
    struct ocf_sync_result *r)
{
	struct stat st;
	ssize_t n;
	int fd;

	*text = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return ocf_sync_set(r, OCF_CRITICAL, "unable to open '%s': %s",
		    path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_MAX) {
		close(fd);
		return ocf_sync_set(r, OCF_CRITICAL, "'%s' is not a regular "
		    "file of at most %d bytes", path, CONF_MAX);
	}
	if ((*text = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return ocf_sync_set(r, OCF_CRITICAL, "out of memory");
	}
	*len = 0;
	while ((n = read(fd, *text + *len, (size_t)st.st_size - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	if (n == -1) {
		free(*text);
		*text = NULL;
		return ocf_sync_set(r, OCF_CRITICAL, "unable to read '%s': %s",
		    path, strerror(errno));
	}
	*mode = st.st_mode & 07777;
	return OCF_OK;
}

static void
fence_job(void *arg, struct ocf_sync_result *r)
{
	const struct fence_job *j = arg;
	char real[PATH_MAX], rec[sizeof(r->detail)], err[200], *text, *out;
	size_t len = 0, outlen;
	mode_t mode = 0600;
	int rc;

	/* a symlinked openclaw.json stays a symlink: edit its target */
	if (realpath(j->path, real) == NULL) {
		ocf_sync_set(r, OCF_CRITICAL, "unable to find '%s': %s",
		    j->path, strerror(errno));
		return;
	}
	if (read_conf(real, &text, &len, &mode, r) != OCF_OK)
		return;
	if (j->op == UNDO)
		rc = ocf_fence_undo(text, len, j->record, &out, &outlen, err,
		    sizeof(err));
	else
		rc = ocf_fence_add(text, len, &out, &outlen, rec, sizeof(rec),
		    err, sizeof(err));
	free(text);
	if (rc == -1) {
		ocf_sync_set(r, OCF_CRITICAL, "'%s': %s", real, err);
		return;
	}
	if (j->op == WRITE && (rc == 0 || strcmp(rec, j->record) != 0)) {
		ocf_sync_set(r, OCF_CRITICAL, "'%s' changed while it was being "
		    "fenced", real);
	} else if (rc == 0) {
		ocf_sync_set(r, OCF_WARNING, "nothing to %s in '%s'",
		    j->op == UNDO ? "undo" : "fence", real);
	} else if (j->op == PLAN) {
		ocf_sync_set(r, OCF_OK, "%s", rec);
	} else if (ocf_write_atomic(real, out, outlen, mode, err,
	    sizeof(err)) == -1) {
		ocf_sync_set(r, OCF_CRITICAL, "%s", err);
	} else {
		ocf_sync_set(r, OCF_OK, "%s", real);
	}
	free(out);
}

/* OK done, WARNING nothing to do, CRITICAL err */
static int
fence_run(const struct ocf_config *c, enum fence_op op, const char *record,
    char *out, size_t outlen, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct fence_job j = { op, path, record };
	struct ocf_sync_result r;

	if (ocf_hot_config_path(c, path, sizeof(path)) == NULL) {
		snprintf(err, errlen, "the path of the gateway's openclaw.json "
		    "is too long");
		return OCF_CRITICAL;
	}
	ocf_worker_run(geteuid() == 0 ? c->openclaw_user : "", fence_job, &j,
	    FENCE_TIMEOUT, &r);
	if (r.status == OCF_OK && out != NULL)
		snprintf(out, outlen, "%s", r.detail);
	if (r.status > OCF_WARNING)
		snprintf(err, errlen, "%s", r.detail);
	return r.status;
}

int
ocf_hot_fence_plan(const struct ocf_config *c, char *record, size_t reclen,
    char *err, size_t errlen)
{
	record[0] = '\0';
	switch (fence_run(c, PLAN, "", record, reclen, err, errlen)) {
	case OCF_OK:
		return 1;
	case OCF_WARNING:
		return 0;
	default:
		return -1;
	}
}

int
ocf_hot_fence_write(const struct ocf_config *c, const char *record,
    char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (fence_run(c, WRITE, record, path, sizeof(path), err,
	    errlen) != OCF_OK)
		return -1;
	ocf_info("hot standby: channels fenced in '%s' for the start: %s",
	    path, record);
	return 0;
}

/* ---- the admin RPC ------------------------------------------------------ */

static struct ocf_probe_opts *
rpc(const struct ocf_config *c, double timeout, struct ocf_probe_opts *o)
{
	return ocf_config_rpc(c, timeout, o);
}

/* {"channel":"c","accountId":"a"} */
static const char *
account_params(const char *channel, const char *account, char *buf,
    size_t len)
{
	char ch[OCF_JSON_ROOM(64)], ac[OCF_JSON_ROOM(64)];

	snprintf(buf, len, "{\"channel\":%s,\"accountId\":%s}",
	    ocf_json_str(channel, ch, sizeof(ch)),
	    ocf_json_str(account, ac, sizeof(ac)));
	return buf;
}

static int
account_call(const struct ocf_config *c, const char *method,
    const char *channel, const char *account, double timeout,
    struct ocf_rpc_reply *r)
{
	struct ocf_probe_opts o;
	char params[OCF_JSON_ROOM(64) * 2 + 32];

	return ocf_gw_rpc(rpc(c, timeout, &o), method,
	    account_params(channel, account, params, sizeof(params)), r);
}

/* config.get's hash, then config.patch with it; a hash that changed in
 * between (someone else wrote the file) is asked again, once */
static int
patch(const struct ocf_config *c, const char *merge, char *err,
    size_t errlen)
{
	char raw[OCF_JSON_ROOM(1024)], h[OCF_JSON_ROOM(160)];
	char *params;
	struct ocf_probe_opts o;
	struct ocf_rpc_reply r;
	size_t len;
	int rc = -1;

	if (strlen(merge) > 1024) {
		snprintf(err, errlen, "fence undo patch too long");
		return -1;
	}
	ocf_json_str(merge, raw, sizeof(raw));
	len = sizeof(raw) + sizeof(h) + 32;
	if ((params = malloc(len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* the gateway writes and hot-reloads its file before it answers:
	 * seconds on a loaded machine */
	rpc(c, c->ready_timeout, &o);
	for (int tries = 0; tries < 2 && rc == -1; tries++) {
		if (ocf_gw_rpc(&o, "config.get", "{}", &r) == -1)
			break;
		if (r.hash[0] == '\0') {
			snprintf(r.message, sizeof(r.message), "config.get: no "
			    "hash in the reply");
			break;
		}
		snprintf(params, len, "{\"raw\":%s,\"baseHash\":%s}", raw,
		    ocf_json_str(r.hash, h, sizeof(h)));
		rc = ocf_gw_rpc(&o, "config.patch", params, &r);
	}
	if (rc == -1)
		snprintf(err, errlen, "%s", r.message);
	free(params);
	return rc;
}

int
ocf_hot_unfence(const struct ocf_config *c, struct ocf_state *s, int running,
    char *err, size_t errlen)
{
	char merge[OCF_FENCE_PATCH_ROOM(sizeof(s->hot_fence))];

	if (s->hot_fence[0] == '\0')
		return 0;
	if (!running) {
		if (fence_run(c, UNDO, s->hot_fence, NULL, 0, err,
		    errlen) > OCF_WARNING)
			return -1;
	} else if (ocf_fence_patch(s->hot_fence, merge, sizeof(merge)) == -1) {
		snprintf(err, errlen, "bad HOT_FENCE in the state: '%s'",
		    s->hot_fence);
		return -1;
	} else if (patch(c, merge, err, errlen) == -1) {
		return -1;
	}
	ocf_info("hot standby: fence undone %s: %s", running ?
	    "through the gateway (config.patch)" : "in the file",
	    s->hot_fence);
	s->hot_fence[0] = '\0';
	return 0;
}

int
ocf_hot_arm(const struct ocf_config *c, struct ocf_state *s, char *err,
    size_t errlen)
{
	char ch[64], ac[64], kind;
	const char *p = s->hot_fence;
	struct ocf_rpc_reply r;
	int k;

	while ((k = ocf_fence_next(&p, ch, sizeof(ch), ac, sizeof(ac),
	    &kind)) == 1)
		if (account_call(c, "channels.stop", ch, ac, c->stop_timeout,
		    &r) == -1) {
			snprintf(err, errlen, "%s", r.message);
			return -1;
		}
	if (k == -1) {
		snprintf(err, errlen, "bad HOT_FENCE in the state: '%s'",
		    s->hot_fence);
		return -1;
	}
	return ocf_hot_unfence(c, s, 1, err, errlen);
}

/* channels.status into cs; -1 with err unless the RPC answered */
static int
status(const struct ocf_config *c, double timeout, struct ocf_chan_result *cr,
    char *err, size_t errlen)
{
	struct ocf_probe_opts o;

	ocf_chan_probe(rpc(c, timeout, &o), cr);
	if (cr->rpc == OCF_RPC_ANSWERED)
		return 0;
	snprintf(err, errlen, "channels.status: %s", cr->reason);
	return -1;
}

/* h's counts and the names of the running accounts */
static void
tally(const struct ocf_chan_status *cs, struct ocf_hot_channels *h)
{
	size_t at = 0;

	h->total = cs->total;
	h->running = cs->running;
	h->names[0] = '\0';
	for (int i = 0; i < cs->kept && at < sizeof(h->names); i++) {
		int n;

		if (!cs->acc[i].running)
			continue;
		n = snprintf(h->names + at, sizeof(h->names) - at, "%s%s/%s",
		    at > 0 ? ", " : "", cs->acc[i].channel, cs->acc[i].account);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

int
ocf_hot_look(const struct ocf_config *c, double timeout,
    struct ocf_hot_channels *h, char *err, size_t errlen)
{
	static struct ocf_chan_result cr;

	memset(h, 0, sizeof(*h));
	if (status(c, timeout, &cr, err, errlen) == -1)
		return cr.rpc == OCF_RPC_ABSENT || cr.rpc == OCF_RPC_DENIED ?
		    -2 : -1;
	tally(&cr.cs, h);
	return 0;
}

int
ocf_hot_wait(const struct ocf_config *c, struct ocf_state *s, double timeout,
    char *err, size_t errlen)
{
	double deadline = ocf_mono() + timeout, step = 0.05, left;
	struct ocf_hot_channels h;
	int rc;

	for (;;) {
		left = deadline - ocf_mono();
		rc = ocf_hot_look(c, left < c->probe_timeout && left > 0.1 ?
		    left : c->probe_timeout, &h, err, errlen);
		if (rc == 0 || rc == -2)
			return rc == 0 ? 0 : -1;
		if (!ocf_gateway_running(c, s)) {
			snprintf(err, errlen, "the gateway is gone (see %s)",
			    c->gateway_cmd[0] != '\0' ? "STATE_DIR/gateway.log" :
			    "its unit's journal");
			return -1;
		}
		if (ocf_mono() >= deadline)
			return -1;	/* err: the last look's */
		ocf_sleep(step);
		if (step < 0.5)
			step *= 1.5;
	}
}

int
ocf_hot_hold(const struct ocf_config *c, double timeout,
    struct ocf_hot_channels *h, char *err, size_t errlen)
{
	static struct ocf_chan_result cr;	/* 32 accounts: ~12 KiB */
	double deadline = ocf_mono() + timeout;
	struct ocf_rpc_reply r;

	memset(h, 0, sizeof(*h));
	if (status(c, c->probe_timeout, &cr, err, errlen) == -1)
		return -1;
	tally(&cr.cs, h);
	h->stopped = cr.cs.running;
	for (int i = 0; i < cr.cs.kept; i++)
		if (account_call(c, "channels.stop", cr.cs.acc[i].channel,
		    cr.cs.acc[i].account, timeout, &r) == -1) {
			snprintf(err, errlen, "%s", r.message);
			return -1;
		}
	/* the channel's own teardown (a QUIT, a long poll ending) */
	for (double step = 0.05;; step = step < 0.5 ? step * 1.5 : 0.5) {
		if (status(c, c->probe_timeout, &cr, err, errlen) == 0 &&
		    cr.cs.running == 0)
			return 0;
		if (ocf_mono() >= deadline)
			break;
		ocf_sleep(step);
	}
	if (cr.rpc == OCF_RPC_ANSWERED) {
		tally(&cr.cs, h);
		snprintf(err, errlen, "channel accounts still running %gs after "
		    "channels.stop: %s", timeout, h->names);
	}
	return -1;
}

int
ocf_hot_serve(const struct ocf_config *c, struct ocf_hot_channels *h,
    char *err, size_t errlen)
{
	static struct ocf_chan_result cr;
	struct ocf_rpc_reply r;

	memset(h, 0, sizeof(*h));
	if (status(c, c->probe_timeout, &cr, err, errlen) == -1)
		return -1;
	tally(&cr.cs, h);
	for (int i = 0; i < cr.cs.kept; i++) {
		const struct ocf_chan_account *k = &cr.cs.acc[i];

		if (k->running)
			continue;
		if (account_call(c, "channels.start", k->channel, k->account,
		    c->ready_timeout, &r) == -1) {
			snprintf(err, errlen, "%s", r.message);
			return -1;
		}
		ocf_info("hot: channels.start %s/%s: %s", k->channel,
		    k->account, r.outcome[0] != '\0' ? r.outcome : "ok");
	}
	return 0;
}
