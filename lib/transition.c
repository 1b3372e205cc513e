#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "exitcode.h"
#include "gateway.h"
#include "gitsync.h"
#include "hooks.h"
#include "hot.h"
#include "log.h"
#include "probe.h"
#include "proc.h"
#include "secrets.h"
#include "state.h"
#include "syncstate.h"
#include "timeutil.h"
#include "transition.h"

#define result(t, ...) \
	ocf_status_set(&(t)->status, (t)->detail, sizeof((t)->detail), __VA_ARGS__)

/* the state dir, the lock (waited for only as long as a check holds it:
 * a transition in flight is a refusal, not a queue), the state as it is */
static int
begin(const struct ocf_config *c, struct ocf_txn *x, struct ocf_memory *mem,
    struct ocf_transition *t)
{
	int rc = ocf_txn_begin(x, c->state_dir, OCF_WAIT_CHECK, mem);

	memset(t, 0, sizeof(*t));
	if (rc == -2)
		return result(t, OCF_REFUSED, "another transition is running: %s",
		    x->err);
	if (rc == -1)
		return result(t, OCF_UNKNOWN, "%s", x->err);
	/* we hold the lock, so whoever recorded this is gone */
	if (x->s.transition[0] != '\0')
		ocf_warn("repairing an interrupted %s (process %ld is gone)",
		    x->s.transition, x->s.transition_pid);
	return OCF_OK;
}

/* unlock, then tell: hooks run unlocked, they may call ocf tools */
static int
end(const struct ocf_config *c, struct ocf_txn *x, const char *event,
    enum ocf_role old, const struct ocf_transition *t, double primary_for,
    double started)
{
	struct ocf_event e = {
		.event = event,
		.old_role = ocf_role_name(old),
		.new_role = ocf_role_name(x->s.role),
		.number = x->s.transitions,
		.reason = t->detail,
		.status = t->status,
		.primary_for = primary_for,
		.took = ocf_mono() - started,
		.token = x->s.token,
	};

	ocf_txn_end(x);
	if (event != NULL)
		ocf_announce_event(c, &e);
	if (t->conflict[0] != '\0')
		ocf_announce(c, "sync-conflict", ocf_role_name(x->s.role),
		    ocf_role_name(x->s.role), x->s.transitions, t->conflict,
		    OCF_WARNING);
	return t->status;
}

/* what the status and the metrics show of a transition that ran: its
 * kind and result counted, what it was and why */
static void
record(struct ocf_state *s, long counts[3], int status, const char *event,
    const char *why)
{
	counts[status == OCF_OK ? 0 : status == OCF_WARNING ? 1 : 2]++;
	snprintf(s->last_event, sizeof(s->last_event), "%s", event);
	snprintf(s->last_reason, sizeof(s->last_reason), "%s", why);
}

/* how long the primary has been down (or back, when up is set), by the
 * watcher's checks; 0 when it has not counted */
static double
primary_for(const struct ocf_state *s, int up)
{
	double since = up ? s->ok_since : s->down_since;

	return since > 0 ? ocf_since(since, ocf_wall()) : 0;
}

/* a save that fails does not stop the transition: what it does to the
 * gateway is what keeps one (and only one) serving.  finish() says so */
static void
save(struct ocf_txn *x)
{
	(void)ocf_txn_commit(x);
}

/* the transition is under way: a crash from here on is repaired */
static void
mark(struct ocf_txn *x, const char *what)
{
	struct ocf_state *s = &x->s;

	snprintf(s->transition, sizeof(s->transition), "%s", what);
	s->transition_pid = getpid();
	if (ocf_proc_start_time(getpid(), &s->transition_pid_start) == -1)
		s->transition_pid_start = 0;
	save(x);
}

/*
 * The role is reached: count it, remember when.  Only automatic
 * transitions feed the flap breaker: a drill by hand is not a flap.
 */
static void
arrive(struct ocf_state *s, enum ocf_role role, int flags)
{
	char times[sizeof(s->flap_times)];
	const char *p = s->flap_times;
	double up = ocf_uptime();
	int n = 0;

	s->transition[0] = '\0';
	s->transition_pid = 0;
	s->transition_pid_start = 0;
	if (role != OCF_ROLE_FAILED)
		s->promote_fails = 0;
	if (s->role == role)
		return;
	s->role = role;
	s->transitions++;
	s->last_transition = ocf_wall();
	s->last_transition_up = up;
	if (!(flags & OCF_TR_AUTO))
		return;
	for (const char *q = p; *q != '\0'; q++)
		n += *q == ' ';
	/* keep the newest OCF_FLAP_KEEP - 1 times, then append now */
	for (; n >= OCF_FLAP_KEEP - 1 && (p = strchr(p, ' ')) != NULL; n--)
		p++;
	if (snprintf(times, sizeof(times), "%s%s%.0f", p != NULL ? p : "",
	    p != NULL && *p != '\0' ? " " : "", up) >= (int)sizeof(times))
		snprintf(times, sizeof(times), "%.0f", up);
	memcpy(s->flap_times, times, sizeof(times));
}

/* the end of a transition: a state that could not be recorded makes
 * the result CRITICAL, naming the disk problem */
static void
finish(struct ocf_txn *x, struct ocf_transition *t, const char *done)
{
	char what[sizeof(t->detail)];

	save(x);
	if (!x->unsaved)
		return;
	snprintf(what, sizeof(what), "%s", done);	/* may be t->detail */
	result(t, OCF_CRITICAL, "%s, but the state could not be recorded: %s",
	    what, x->err);
}

static int
answers(const struct ocf_config *c, const char *url, double timeout)
{
	struct ocf_probe_result r;
	struct ocf_probe_opts o;

	return ocf_probe(ocf_config_probe(c, url, timeout, &o), &r);
}

/* best effort: a failed step warns, never stops the transition */
static int
sync_step(const struct ocf_config *c, struct ocf_txn *x,
    struct ocf_transition *t, const char *what,
    int (*fn)(const struct ocf_config *, struct ocf_sync_result *))
{
	struct ocf_sync_result r;

	memset(&r, 0, sizeof(r));
	fn(c, &r);
	ocf_sync_record(&x->s, what, &r);
	save(x);
	if (r.note[0] != '\0')
		ocf_warn("%s: %s", what, r.note);
	if (r.conflict)		/* announced once the lock is released */
		snprintf(t->conflict, sizeof(t->conflict), "%s", r.detail);
	if (r.status == OCF_OK) {
		ocf_info("%s: %s", what, r.detail);
		return OCF_OK;
	}
	ocf_warn("%s: %s", what, r.detail);
	snprintf(x->s.last_error, sizeof(x->s.last_error), "%s: %s", what,
	    r.detail);
	return OCF_WARNING;
}

static int
workspace_configured(const struct ocf_config *c)
{
	return c->workspace[0] != '\0' && access(c->workspace, F_OK) == 0;
}

/* ---- STANDBY_MODE=hot (hot.h): the gateway stays, its channels go ---- */

static int
is_hot(const struct ocf_config *c)
{
	return c->standby_mode == OCF_STANDBY_HOT;
}

/* a gateway that runs unrecorded, taken as ours: a hot one answers
 * /readyz 503 while its channels are held down */
static int
adopt(const struct ocf_config *c, struct ocf_state *s)
{
	return is_hot(c) ? ocf_gateway_adopt_held(c, s) :
	    ocf_gateway_adopt(c, s);
}

static void
hot_mark(const struct ocf_config *c, struct ocf_state *s, const char *what)
{
	snprintf(s->hot_gateway, sizeof(s->hot_gateway), "%s",
	    is_hot(c) ? what : "");
}

/*
 * Hot, instead of stopping the gateway: stop its channels and keep it.
 * 0 held (the gateway keeps running), -1 not (cold mode, no gateway, or
 * the hold failed: the caller stops the gateway, which holds them too).
 */
static int
hot_keep(const struct ocf_config *c, struct ocf_state *s)
{
	struct ocf_hot_channels h;
	char err[OCF_ERRLEN];

	if (!is_hot(c) || !(ocf_gateway_running(c, s) || adopt(c, s)))
		return -1;
	if (ocf_hot_hold(c, c->stop_timeout, &h, err, sizeof(err)) == -1) {
		ocf_warn("hot: unable to hold the channels down (%s): stopping "
		    "the gateway instead", err);
		return -1;
	}
	ocf_info("hot: channels stopped (%d of %d were running%s%s), the "
	    "gateway keeps running", h.stopped, h.total, h.stopped ? ": " : "",
	    h.names);
	hot_mark(c, s, "held");
	return 0;
}

/*
 * Hot promotion of a gateway that runs: wait for it to be up (one the
 * watcher has just started may still be booting), undo a fence not yet
 * armed, start the channels.  The channels' own wait is the caller's
 * (READY_CHECK).  0, -1 with err.
 */
static int
hot_serve(const struct ocf_config *c, struct ocf_txn *x, double timeout,
    char *err, size_t errlen)
{
	struct ocf_state *s = &x->s;
	struct ocf_hot_channels h;
	char why[OCF_ERRLEN];

	ocf_info("hot: starting the channels of the running gateway");
	/* its /readyz is 503 while the channels are held: the RPC it is */
	if (ocf_hot_wait(c, s, timeout, why, sizeof(why)) == -1 ||
	    ocf_hot_unfence(c, s, 1, why, sizeof(why)) == -1 ||
	    ocf_hot_serve(c, &h, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "STANDBY_MODE=hot: unable to start the "
		    "channels: %.400s", why);
		return -1;
	}
	save(x);
	return 0;
}

/*
 * ocf-demote of a hot standby (by hand, or the watcher finding channels
 * up on it): its channels are stopped if any run; the gateway stays, or
 * is stopped when they cannot be held.  No transition.
 */
static void
hot_standby_again(const struct ocf_config *c, struct ocf_txn *x,
    struct ocf_transition *t)
{
	struct ocf_state *s = &x->s;
	struct ocf_hot_channels h;
	char err[OCF_ERRLEN];

	if (!(ocf_gateway_running(c, s) || adopt(c, s))) {
		hot_mark(c, s, "stopped");
		result(t, OCF_OK, "already standby");
	} else if (ocf_hot_hold(c, c->stop_timeout, &h, err,
	    sizeof(err)) == 0) {
		hot_mark(c, s, s->hot_fence[0] != '\0' ? "starting" : "held");
		if (h.stopped > 0) {
			result(t, OCF_OK, "standby: stopped the channels that "
			    "ran on this hot standby: %s", h.names);
			ocf_warn("%s", t->detail);
		} else {
			result(t, OCF_OK, "already standby");
		}
	} else {
		ocf_warn("hot: unable to hold the channels down (%s): stopping "
		    "the gateway", err);
		if (ocf_gateway_stop(c, s, err, sizeof(err)) == -1) {
			result(t, OCF_CRITICAL, "%s", err);
		} else {
			hot_mark(c, s, "stopped");
			result(t, OCF_WARNING, "standby: the channels of the "
			    "hot gateway could not be held, so it was stopped");
		}
	}
	finish(x, t, t->detail);
}

/* stopped again, role failed; the attempt counts for the back-off */
static void
promote_fail(const struct ocf_config *c, struct ocf_txn *x,
    struct ocf_transition *t, int flags, const char *why)
{
	struct ocf_state *s = &x->s;
	char err[OCF_ERRLEN];

	result(t, OCF_CRITICAL, "promotion failed: %s", why);
	if (hot_keep(c, s) == -1 && ocf_gateway_stop(c, s, err,
	    sizeof(err)) == -1)
		ocf_err("%s", err);
	snprintf(s->last_error, sizeof(s->last_error), "%s", t->detail);
	s->promote_fails++;
	s->promote_failed_up = ocf_uptime();
	arrive(s, OCF_ROLE_FAILED, flags);
	finish(x, t, t->detail);
}

int
ocf_promote_from(const struct ocf_config *c, int flags, struct ocf_memory *mem,
    const char *why, struct ocf_transition *t)
{
	struct ocf_txn x;
	struct ocf_state *s = &x.s;
	enum ocf_role old = OCF_ROLE_STANDBY;
	const char *event = NULL;
	char err[OCF_ERRLEN];
	int running, adopted = 0, primary = OCF_CRITICAL, status = OCF_OK;
	double started = ocf_mono(), down = 0, ready_from;
	double wait = c->ready_timeout;

	if (begin(c, &x, mem, t) != OCF_OK)
		goto out;
	old = s->role;
	down = primary_for(s, 0);
	/* after an interrupted demotion the gateway may be draining away:
	 * it is stopped and started afresh, never adopted */
	running = (is_hot(c) || strcmp(s->transition, "demote") != 0) &&
	    (ocf_gateway_running(c, s) || (adopted = adopt(c, s)));
	if (s->role == OCF_ROLE_ACTIVE && running && s->transition[0] == '\0' &&
	    answers(c, c->gateway_url, c->probe_timeout) == OCF_OK) {
		if (adopted)
			save(&x);	/* best effort: it is already so */
		result(t, OCF_OK, "already active");
		goto out;
	}
	if (s->maintenance && !(flags & OCF_TR_FORCE)) {
		result(t, OCF_REFUSED, "maintenance mode is on");
		goto out;
	}
	if (!(flags & OCF_TR_NOCHECK) && c->primary_url[0] != '\0')
		primary = answers(c, c->primary_url, c->probe_timeout);
	if (primary == OCF_UNKNOWN) {
		result(t, OCF_UNKNOWN, "unable to check the primary at '%s'",
		    c->primary_url);
		goto out;
	}
	if (primary == OCF_OK) {
		if (!(flags & OCF_TR_FORCE)) {
			result(t, OCF_REFUSED, "the primary at '%s' is ready "
			    "(--force promotes anyway)", c->primary_url);
			goto out;
		}
		ocf_warn("forced promotion while the primary at '%s' is ready",
		    c->primary_url);
	}
	ocf_notice("promoting (was %s)", ocf_role_name(old));
	s->last_error[0] = '\0';
	mark(&x, "promote");
	if (!(flags & OCF_TR_NOSYNC)) {
		if (workspace_configured(c))
			status = ocf_exit_worst(status,
			    sync_step(c, &x, t, "pull", ocf_sync_pull));
		else
			ocf_info("pull: skipped, no workspace at '%s'",
			    c->workspace);
		if (c->secrets_host[0] != '\0')
			status = ocf_exit_worst(status,
			    sync_step(c, &x, t, "secrets", ocf_sync_secrets));
	}
	if (!running) {
		/* a fence left in the file would keep the channels off */
		if (ocf_hot_unfence(c, s, 0, err, sizeof(err)) == -1)
			goto failed;
		ocf_info("starting the gateway");
		if (ocf_gateway_start(c, s, err, sizeof(err)) == -1)
			goto failed;
		save(&x);	/* the pid, before the long wait */
	} else if (is_hot(c)) {
		/* READY_TIMEOUT bounds the two waits together */
		ready_from = ocf_mono();
		if (hot_serve(c, &x, wait, err, sizeof(err)) == -1)
			goto failed;
		wait -= ocf_mono() - ready_from;
	}
	if (ocf_gateway_wait_ready(c, s, wait, err, sizeof(err)) == -1)
		goto failed;
	hot_mark(c, s, "serving");
	arrive(s, OCF_ROLE_ACTIVE, flags);
	t->changed = old != OCF_ROLE_ACTIVE;
	result(t, status, "active: gateway ready at '%s'%s%s", c->gateway_url,
	    status != OCF_OK ? "; " : "", status != OCF_OK ? s->last_error : "");
	record(s, s->promoted, status, "promote", why);
	ocf_log(status == OCF_OK ? LOG_NOTICE : LOG_WARNING, "%s", t->detail);
	finish(&x, t, "gateway ready");
	if (t->changed)
		event = "promote";
	goto out;
failed:
	record(s, s->promoted, OCF_CRITICAL, "fail", why);
	promote_fail(c, &x, t, flags, err);
	t->changed = old != OCF_ROLE_FAILED;
	/* once per change into failed, not once per attempt */
	if (t->changed)
		event = "fail";
out:
	return end(c, &x, event, old, t, down, started);
}

int
ocf_demote_from(const struct ocf_config *c, int flags, struct ocf_memory *mem,
    const char *why, struct ocf_transition *t)
{
	struct ocf_txn x;
	struct ocf_state *s = &x.s;
	enum ocf_role old = OCF_ROLE_STANDBY;
	const char *event = NULL;
	char err[OCF_ERRLEN];
	int rc, kept = 0, status = OCF_OK;
	double started = ocf_mono(), back = 0;

	if (begin(c, &x, mem, t) != OCF_OK)
		goto out;
	old = s->role;
	back = primary_for(s, 1);
	if (s->role == OCF_ROLE_STANDBY && s->transition[0] == '\0' &&
	    is_hot(c)) {
		hot_standby_again(c, &x, t);
		goto out;
	}
	if (s->role == OCF_ROLE_STANDBY && s->transition[0] == '\0' &&
	    !ocf_gateway_present(c, s)) {
		/* systemd's is-active says no for a unit still activating:
		 * stop is idempotent and waits for it */
		if (ocf_gateway_stop(c, s, err, sizeof(err)) == -1)
			result(t, OCF_CRITICAL, "%s", err);
		else
			result(t, OCF_OK, "already standby");
		goto out;
	}
	if (s->maintenance && !(flags & OCF_TR_FORCE)) {
		result(t, OCF_REFUSED, "maintenance mode is on");
		goto out;
	}
	s->last_error[0] = '\0';
	ocf_notice("demoting (was %s)", ocf_role_name(old));
	mark(&x, "demote");
	if ((kept = (hot_keep(c, s) == 0))) {
		rc = 0;
	} else if ((rc = ocf_gateway_stop(c, s, err, sizeof(err))) == -1) {
		result(t, OCF_CRITICAL, "demotion failed: %s", err);
		goto failed;
	} else if (answers(c, c->gateway_url, 1.0) != OCF_CRITICAL) {
		result(t, OCF_CRITICAL, "demotion failed: a gateway still "
		    "answers at '%s'", c->gateway_url);
		goto failed;
	}
	if (!kept)
		hot_mark(c, s, "stopped");
	if (rc == 1) {
		status = OCF_WARNING;
		snprintf(s->last_error, sizeof(s->last_error), "the gateway "
		    "ignored SIGTERM for %gs and was killed", c->stop_timeout);
	}
	if (!(flags & OCF_TR_NOSYNC) && old != OCF_ROLE_STANDBY &&
	    workspace_configured(c))
		status = ocf_exit_worst(status,
		    sync_step(c, &x, t, "push", ocf_sync_push));
	arrive(s, OCF_ROLE_STANDBY, flags);
	t->changed = old != OCF_ROLE_STANDBY;
	result(t, status, "standby: %s%s%s", kept ? "channels stopped, the "
	    "gateway keeps running (hot)" : "gateway stopped",
	    status != OCF_OK ? "; " : "", status != OCF_OK ? s->last_error : "");
	record(s, s->demoted, status, "demote", why);
	ocf_log(status == OCF_OK ? LOG_NOTICE : LOG_WARNING, "%s", t->detail);
	finish(&x, t, kept ? "channels stopped" : "gateway stopped");
	if (t->changed)
		event = "demote";
	goto out;
failed:
	snprintf(s->last_error, sizeof(s->last_error), "%s", t->detail);
	record(s, s->demoted, OCF_CRITICAL, "fail", why);
	arrive(s, OCF_ROLE_FAILED, flags);
	finish(&x, t, t->detail);
	event = "fail";
out:
	return end(c, &x, event, old, t, back, started);
}

/* with an arbiter only the lease holder serves: by hand, the operator
 * moves service with maintenance mode, which releases the key */
static int
arbitrated(const struct ocf_config *c, struct ocf_transition *t)
{
	if (c->arbiter == OCF_ARBITER_NONE)
		return 0;
	memset(t, 0, sizeof(*t));
	result(t, OCF_REFUSED, "ARBITER=etcd: the node holding the leader key "
	    "serves; '-M on' on the holder moves service to another node");
	return 1;
}

int
ocf_promote(const struct ocf_config *c, int flags, struct ocf_transition *t)
{
	if (arbitrated(c, t))
		return t->status;
	return ocf_promote_from(c, flags, NULL, "by hand", t);
}

int
ocf_demote(const struct ocf_config *c, int flags, struct ocf_transition *t)
{
	if (arbitrated(c, t))
		return t->status;
	return ocf_demote_from(c, flags, NULL, "by hand", t);
}

int
ocf_maintenance(const struct ocf_config *c, int on, struct ocf_transition *t)
{
	struct ocf_txn x;

	if (begin(c, &x, NULL, t) == OCF_OK) {
		t->changed = x.s.maintenance != on;
		x.s.maintenance = on;
		if (ocf_txn_commit(&x) == -1)
			result(t, OCF_UNKNOWN, "unable to save the state: %s",
			    x.err);
		else
			result(t, OCF_OK, "maintenance mode %s", on ? "on" : "off");
	}
	ocf_txn_end(&x);
	return t->status;
}
