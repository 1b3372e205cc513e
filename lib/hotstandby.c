#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chanprobe.h"
#include "config.h"
#include "exitcode.h"
#include "gateway.h"
#include "hot.h"
#include "hotstandby.h"
#include "log.h"
#include "probe.h"
#include "state.h"
#include "timeutil.h"

static void
mark(struct ocf_state *s, const char *what)
{
	snprintf(s->hot_gateway, sizeof(s->hot_gateway), "%s", what);
}

void
ocf_hot_observe(const struct ocf_config *c, struct ocf_state *s,
    struct ocf_facts *f)
{
	struct ocf_hot_channels h;
	char err[OCF_ERRLEN];

	f->hot = 1;
	f->hot_running = ocf_gateway_running(c, s) ||
	    ocf_gateway_adopt_held(c, s);
	if (!f->hot_running) {
		mark(s, "stopped");
		return;
	}
	/* it outlived READY_TIMEOUT: its start was good, the next is not
	 * held back */
	if (s->hot_starts > 0 &&
	    ocf_since(s->hot_started_up, f->now) >= c->ready_timeout)
		s->hot_starts = 0;
	if (s->hot_fence[0] != '\0') {
		/* its own start of the channels is over once it is up */
		mark(s, "starting");
		f->hot_ready = ocf_gateway_up(c);
	} else if (s->role == OCF_ROLE_STANDBY) {
		mark(s, "held");
	}
	/* an RPC that does not answer (yet) shows no channel up */
	if (ocf_hot_look(c, c->probe_timeout, &h, err, sizeof(err)) == 0 &&
	    h.running > 0) {
		f->chan_up = 1;
		ocf_debug("hot standby: channel accounts run: %s", h.names);
	}
}

/* the fence for this start: recorded (and saved) before it is written */
static void
fence(const struct ocf_config *c, struct ocf_txn *x)
{
	struct ocf_state *s = &x->s;
	char rec[sizeof(s->hot_fence)], err[OCF_ERRLEN];
	int rc;

	/* an older one is undone first: the plan would take its disabled
	 * accounts for the owner's */
	if (ocf_hot_unfence(c, s, 0, err, sizeof(err)) == -1)
		ocf_warn("hot standby: an older fence could not be undone: %s",
		    err);
	if ((rc = ocf_hot_fence_plan(c, rec, sizeof(rec), err,
	    sizeof(err))) == 0) {
		ocf_info("hot standby: no channel to fence in the gateway's "
		    "file");
		return;
	}
	if (rc == -1)
		goto unfenced;
	snprintf(s->hot_fence, sizeof(s->hot_fence), "%s", rec);
	if (ocf_txn_commit(x) == -1) {
		/* a fence nobody knows of would stay in the file */
		snprintf(err, sizeof(err), "the state cannot be saved: %.400s",
		    x->err);
		s->hot_fence[0] = '\0';
		goto unfenced;
	}
	if (ocf_hot_fence_write(c, rec, err, sizeof(err)) == 0)
		return;
	s->hot_fence[0] = '\0';
unfenced:
	ocf_warn("hot standby: the channels are not fenced for this start "
	    "(%s): they will be stopped once the gateway answers", err);
}

/* the gateway is gone: start it with its channels fenced, and return;
 * the next checks arm the hold once it is ready */
static int
start(const struct ocf_config *c, struct ocf_txn *x, char *msg, size_t len)
{
	struct ocf_state *s = &x->s;
	char err[OCF_ERRLEN];

	if (ocf_gateway_running(c, s) || ocf_gateway_adopt_held(c, s))
		return ocf_status_set(&(int){ 0 }, msg, len, OCF_OK,
		    "hot standby: the gateway runs already");
	if (s->hot_starts > 0)
		ocf_warn("hot standby: the gateway died within READY_TIMEOUT "
		    "(%gs) of its last start: start %d in a row; should this "
		    "one die as soon, the next waits %.0fs", c->ready_timeout,
		    s->hot_starts + 1, ocf_watch_backoff(c, s->hot_starts + 1));
	s->hot_starts++;
	s->hot_started_up = ocf_uptime();
	fence(c, x);
	if (ocf_gateway_start(c, s, err, sizeof(err)) == -1) {
		mark(s, "stopped");
		snprintf(s->last_error, sizeof(s->last_error), "hot standby: "
		    "unable to start the gateway: %.400s", err);
		return ocf_status_set(&(int){ 0 }, msg, len, OCF_CRITICAL, "%s",
		    s->last_error);
	}
	mark(s, s->hot_fence[0] != '\0' ? "starting" : "held");
	return ocf_status_set(&(int){ 0 }, msg, len, OCF_OK, "hot standby: "
	    "gateway started%s", s->hot_fence[0] != '\0' ? " with its "
	    "channels fenced" : "");
}

/* the gateway is up: hold the fenced accounts, undo the fence, then
 * stop whatever runs all the same */
static int
arm(const struct ocf_config *c, struct ocf_txn *x, char *msg, size_t len)
{
	struct ocf_state *s = &x->s;
	struct ocf_hot_channels h;
	char err[OCF_ERRLEN];

	if (s->hot_fence[0] == '\0')
		return ocf_status_set(&(int){ 0 }, msg, len, OCF_OK,
		    "hot standby: nothing to arm");
	if (ocf_hot_arm(c, s, err, sizeof(err)) == -1) {
		/* the fence stays in the file: the channels stay down */
		snprintf(s->last_error, sizeof(s->last_error), "hot standby: "
		    "unable to arm the hold: %.400s", err);
		return ocf_status_set(&(int){ 0 }, msg, len, OCF_CRITICAL, "%s",
		    s->last_error);
	}
	(void)ocf_txn_commit(x);
	if (ocf_hot_hold(c, c->stop_timeout, &h, err, sizeof(err)) == -1) {
		snprintf(s->last_error, sizeof(s->last_error), "hot standby: "
		    "unable to hold the channels: %.400s", err);
		return ocf_status_set(&(int){ 0 }, msg, len, OCF_CRITICAL, "%s",
		    s->last_error);
	}
	mark(s, "held");
	if (h.stopped > 0)
		ocf_warn("hot standby: channel accounts ran after the start "
		    "(not fenced?), stopped: %s", h.names);
	return ocf_status_set(&(int){ 0 }, msg, len, OCF_OK, "hot standby: "
	    "gateway ready, its %d channel account%s held down", h.total,
	    h.total == 1 ? "" : "s");
}

int
ocf_hot_tend(const struct ocf_config *c, enum ocf_action a, const char *why,
    struct ocf_memory *mem)
{
	struct ocf_txn x;
	char msg[OCF_ERRLEN];
	int rc = ocf_txn_begin(&x, c->state_dir, OCF_WAIT_CHECK, mem);

	if (rc < 0) {
		ocf_info("hot standby: %s, not tended: %s", why, x.err);
		ocf_txn_end(&x);
		return rc == -2 ? OCF_REFUSED : OCF_UNKNOWN;
	}
	/* what the check saw may have changed under a transition since */
	if (x.s.role != OCF_ROLE_STANDBY || x.s.transition[0] != '\0' ||
	    x.s.maintenance) {
		ocf_txn_end(&x);
		return OCF_OK;
	}
	ocf_notice("%s: %s", why, a == OCF_ACT_HOT_START ? "starting it with "
	    "its channels held down" : "holding its channels");
	rc = a == OCF_ACT_HOT_START ? start(c, &x, msg, sizeof(msg)) :
	    arm(c, &x, msg, sizeof(msg));
	if (ocf_txn_commit(&x) == -1)
		ocf_err("%s", x.err);
	ocf_txn_end(&x);
	ocf_log(rc == OCF_OK ? LOG_NOTICE : LOG_ERR, "%s", msg);
	return rc;
}

void
ocf_hot_preflight(const struct ocf_config *c)
{
	struct ocf_chan_result r;
	struct ocf_probe_opts o;
	char rec[512], err[OCF_ERRLEN];
	const char *tok;

	ocf_config_rpc(c, c->probe_timeout, &o);
	tok = o.token_file;
	if (tok != NULL && *tok != '\0' && access(tok, R_OK) == -1)
		ocf_warn("STANDBY_MODE=hot: the token file '%s' is not "
		    "readable: the admin RPC will refuse us", tok);
	ocf_chan_probe(&o, &r);
	if (r.rpc == OCF_RPC_ABSENT || r.rpc == OCF_RPC_DENIED)
		ocf_warn("STANDBY_MODE=hot: the admin RPC of '%s' is not usable "
		    "(%s): promotions will fail", c->gateway_url, r.reason);
	else if (r.rpc == OCF_RPC_NONE && r.code != 0)
		ocf_warn("STANDBY_MODE=hot: the admin RPC of '%s': %s",
		    c->gateway_url, r.reason);
	if (ocf_hot_fence_plan(c, rec, sizeof(rec), err, sizeof(err)) == -1)
		ocf_warn("STANDBY_MODE=hot: a start of the gateway cannot be "
		    "fenced (%s): its channels come up until the watcher "
		    "stops them", err);
}
