#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "exitcode.h"
#include "gateway.h"
#include "gitsync.h"
#include "hooks.h"
#include "lock.h"
#include "log.h"
#include "probe.h"
#include "secrets.h"
#include "spawn.h"
#include "state.h"
#include "syncstate.h"
#include "timeutil.h"
#include "transition.h"

#define FLAP_KEEP 16
#define LOCK_WAIT 2.0	/* seconds */

static int
result(struct ocf_transition *t, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
result(struct ocf_transition *t, int status, const char *fmt, ...)
{
	va_list ap;

	t->status = status;
	va_start(ap, fmt);
	vsnprintf(t->detail, sizeof(t->detail), fmt, ap);
	va_end(ap);
	return status;
}

/* the state dir, the lock (never waited for: a busy lock is a refusal),
 * and the state as it is */
static int
begin(const struct ocf_config *c, int *fd, struct ocf_state *s,
    struct ocf_transition *t)
{
	char err[OCF_ERRLEN];

	memset(t, 0, sizeof(*t));
	*fd = -1;
	if (ocf_state_dir(c->state_dir, err, sizeof(err)) == -1)
		return result(t, OCF_UNKNOWN, "%s", err);
	/* a watcher's check holds the lock for milliseconds: wait that
	 * long, but a transition in flight is a refusal, not a queue */
	*fd = ocf_lock(c->state_dir, LOCK_WAIT, err, sizeof(err));
	if (*fd == -2)
		return result(t, OCF_REFUSED, "another transition is running: %s",
		    err);
	if (*fd == -1)
		return result(t, OCF_UNKNOWN, "%s", err);
	if (ocf_state_load(c->state_dir, s, err, sizeof(err)) == -1)
		return result(t, OCF_UNKNOWN, "%s", err);
	/* we hold the lock, so whoever recorded this is gone */
	if (s->transition[0] != '\0')
		ocf_warn("repairing an interrupted %s (process %ld is gone)",
		    s->transition, s->transition_pid);
	return OCF_OK;
}

static int
save(const struct ocf_config *c, const struct ocf_state *s)
{
	char err[OCF_ERRLEN];

	if (ocf_state_save(c->state_dir, s, err, sizeof(err)) == 0)
		return 0;
	ocf_err("%s", err);
	return -1;
}

/* nothing done yet: a failure is the caller's to report, once */
static int
mark(const struct ocf_config *c, struct ocf_state *s, const char *what,
    char *err, size_t errlen)
{
	snprintf(s->transition, sizeof(s->transition), "%s", what);
	s->transition_pid = getpid();
	if (ocf_proc_start_time(getpid(), &s->transition_pid_start) == -1)
		s->transition_pid_start = 0;
	return ocf_state_save(c->state_dir, s, err, errlen);
}

/* the role is reached: count it, remember when (for the flap breaker) */
static void
arrive(struct ocf_state *s, enum ocf_role role)
{
	char times[sizeof(s->flap_times)];
	const char *p = s->flap_times;
	int n = 0;

	s->transition[0] = '\0';
	s->transition_pid = 0;
	s->transition_pid_start = 0;
	if (s->role == role)
		return;
	s->role = role;
	s->transitions++;
	s->last_transition = ocf_wall();
	for (const char *q = p; *q != '\0'; q++)
		n += *q == ' ';
	/* keep the newest FLAP_KEEP - 1 times, then append now */
	for (; n >= FLAP_KEEP - 1 && (p = strchr(p, ' ')) != NULL; n--)
		p++;
	if (snprintf(times, sizeof(times), "%s%s%.0f", p != NULL ? p : "",
	    p != NULL && *p != '\0' ? " " : "", s->last_transition) >=
	    (int)sizeof(times))
		snprintf(times, sizeof(times), "%.0f", s->last_transition);
	memcpy(s->flap_times, times, sizeof(times));
}

static void
announce(const struct ocf_config *c, const char *event, enum ocf_role old,
    const struct ocf_state *s, const struct ocf_transition *t)
{
	struct ocf_event e = {
		.event = event,
		.old_role = ocf_role_name(old),
		.new_role = ocf_role_name(s->role),
		.number = s->transitions,
		.reason = t->detail,
		.status = t->status,
	};

	ocf_hooks_run(c, &e);
	ocf_notify(c, &e);
}

static int
answers(const struct ocf_config *c, const char *url, double timeout)
{
	struct ocf_probe_result r;
	struct ocf_probe_opts o = {
		.url = url,
		.timeout = timeout,
		.ca_file = c->ca_file,
		.token_file = c->token_file,
	};

	return ocf_probe(&o, &r);
}

/* best effort: a failed step warns, never stops the transition */
static int
sync_step(const struct ocf_config *c, struct ocf_state *s, const char *what,
    int (*fn)(const struct ocf_config *, struct ocf_sync_result *))
{
	struct ocf_sync_result r;

	memset(&r, 0, sizeof(r));
	fn(c, &r);
	ocf_sync_record(s, what, &r);
	save(c, s);
	if (r.status == OCF_OK) {
		ocf_info("%s: %s", what, r.detail);
		return OCF_OK;
	}
	ocf_warn("%s: %s", what, r.detail);
	snprintf(s->last_error, sizeof(s->last_error), "%s: %s", what,
	    r.detail);
	return OCF_WARNING;
}

static int
workspace_configured(const struct ocf_config *c)
{
	return c->workspace[0] != '\0' && access(c->workspace, F_OK) == 0;
}

static int
promote_fail(const struct ocf_config *c, struct ocf_state *s,
    enum ocf_role old, struct ocf_transition *t, const char *why)
{
	char err[OCF_ERRLEN];

	result(t, OCF_CRITICAL, "promotion failed: %s", why);
	if (ocf_gateway_stop(c, s, err, sizeof(err)) == -1)
		ocf_err("%s", err);
	snprintf(s->last_error, sizeof(s->last_error), "%s", t->detail);
	arrive(s, OCF_ROLE_FAILED);
	t->changed = old != OCF_ROLE_FAILED;
	save(c, s);
	return t->status;
}

int
ocf_promote(const struct ocf_config *c, int flags, struct ocf_transition *t)
{
	struct ocf_state s;
	enum ocf_role old = OCF_ROLE_STANDBY;
	const char *event = NULL;
	char err[OCF_ERRLEN];
	int fd, running, primary = OCF_CRITICAL, status = OCF_OK;

	if (begin(c, &fd, &s, t) != OCF_OK)
		goto out;
	old = s.role;
	/* after an interrupted demotion the gateway may be draining away:
	 * it is stopped and started afresh, never adopted */
	running = strcmp(s.transition, "demote") != 0 &&
	    ocf_gateway_running(c, &s);
	if (s.role == OCF_ROLE_ACTIVE && running && s.transition[0] == '\0' &&
	    answers(c, c->gateway_url, c->probe_timeout) == OCF_OK) {
		result(t, OCF_OK, "already active");
		goto out;
	}
	if (s.maintenance && !(flags & OCF_TR_FORCE)) {
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
	s.last_error[0] = '\0';
	if (mark(c, &s, "promote", err, sizeof(err)) == -1) {
		result(t, OCF_UNKNOWN, "unable to record the transition: %s",
		    err);
		goto out;
	}
	if (!(flags & OCF_TR_NOSYNC)) {
		if (workspace_configured(c))
			status = ocf_exit_worst(status,
			    sync_step(c, &s, "pull", ocf_sync_pull));
		else
			ocf_info("pull: skipped, no workspace at '%s'",
			    c->workspace);
		if (c->secrets_host[0] != '\0')
			status = ocf_exit_worst(status,
			    sync_step(c, &s, "secrets", ocf_sync_secrets));
	}
	if (!running) {
		ocf_info("starting the gateway");
		if (ocf_gateway_start(c, &s, err, sizeof(err)) == -1) {
			event = "fail";
			promote_fail(c, &s, old, t, err);
			goto out;
		}
		save(c, &s);	/* the pid, before the long wait */
	}
	if (ocf_gateway_wait_ready(c, &s, c->ready_timeout, err,
	    sizeof(err)) == -1) {
		event = "fail";
		promote_fail(c, &s, old, t, err);
		goto out;
	}
	arrive(&s, OCF_ROLE_ACTIVE);
	t->changed = old != OCF_ROLE_ACTIVE;
	result(t, status, "active: gateway ready at '%s'%s%s", c->gateway_url,
	    status != OCF_OK ? "; " : "", status != OCF_OK ? s.last_error : "");
	if (save(c, &s) == -1)
		result(t, OCF_CRITICAL, "gateway ready, but the state could "
		    "not be saved");
	ocf_notice("%s", t->detail);
	if (t->changed)
		event = "promote";
out:
	/* hooks run unlocked: they may call ocf tools themselves */
	ocf_unlock(fd);
	if (event != NULL)
		announce(c, event, old, &s, t);
	return t->status;
}

int
ocf_demote(const struct ocf_config *c, int flags, struct ocf_transition *t)
{
	struct ocf_state s;
	enum ocf_role old = OCF_ROLE_STANDBY;
	const char *event = NULL;
	char err[OCF_ERRLEN];
	int fd, status = OCF_OK;

	if (begin(c, &fd, &s, t) != OCF_OK)
		goto out;
	old = s.role;
	if (s.role == OCF_ROLE_STANDBY && s.transition[0] == '\0' &&
	    !ocf_gateway_present(c, &s)) {
		/* systemd's is-active says no for a unit still activating:
		 * stop is idempotent and waits for it */
		if (ocf_gateway_stop(c, &s, err, sizeof(err)) == -1)
			result(t, OCF_CRITICAL, "%s", err);
		else
			result(t, OCF_OK, "already standby");
		goto out;
	}
	if (s.maintenance && !(flags & OCF_TR_FORCE)) {
		result(t, OCF_REFUSED, "maintenance mode is on");
		goto out;
	}
	s.last_error[0] = '\0';
	ocf_notice("demoting (was %s)", ocf_role_name(old));
	if (mark(c, &s, "demote", err, sizeof(err)) == -1) {
		result(t, OCF_UNKNOWN, "unable to record the transition: %s",
		    err);
		goto out;
	}
	if (ocf_gateway_stop(c, &s, err, sizeof(err)) == -1) {
		result(t, OCF_CRITICAL, "demotion failed: %s", err);
		goto failed;
	}
	if (answers(c, c->gateway_url, 1.0) != OCF_CRITICAL) {
		result(t, OCF_CRITICAL, "demotion failed: a gateway still "
		    "answers at '%s'", c->gateway_url);
		goto failed;
	}
	if (!(flags & OCF_TR_NOSYNC) && old != OCF_ROLE_STANDBY &&
	    workspace_configured(c))
		status = sync_step(c, &s, "push", ocf_sync_push);
	arrive(&s, OCF_ROLE_STANDBY);
	t->changed = old != OCF_ROLE_STANDBY;
	result(t, status, "standby: gateway stopped%s%s",
	    status != OCF_OK ? "; " : "", status != OCF_OK ? s.last_error : "");
	if (save(c, &s) == -1)
		result(t, OCF_CRITICAL, "gateway stopped, but the state could "
		    "not be saved");
	ocf_notice("%s", t->detail);
	if (t->changed)
		event = "demote";
	goto out;
failed:
	snprintf(s.last_error, sizeof(s.last_error), "%s", t->detail);
	arrive(&s, OCF_ROLE_FAILED);
	save(c, &s);
	event = "fail";
out:
	ocf_unlock(fd);
	if (event != NULL)
		announce(c, event, old, &s, t);
	return t->status;
}

int
ocf_maintenance(const struct ocf_config *c, int on, struct ocf_transition *t)
{
	struct ocf_state s;
	char err[OCF_ERRLEN];
	int fd;

	if (begin(c, &fd, &s, t) == OCF_OK) {
		t->changed = s.maintenance != on;
		s.maintenance = on;
		if (ocf_state_save(c->state_dir, &s, err, sizeof(err)) == -1)
			result(t, OCF_UNKNOWN, "unable to save the state: %s",
			    err);
		else
			result(t, OCF_OK, "maintenance mode %s", on ? "on" : "off");
	}
	ocf_unlock(fd);
	return t->status;
}
