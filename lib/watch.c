#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "exitcode.h"
#include "gateway.h"
#include "hooks.h"
#include "lock.h"
#include "log.h"
#include "probe.h"
#include "sdnotify.h"
#include "state.h"
#include "timeutil.h"
#include "transition.h"
#include "watch.h"

enum action { NOTHING, PROMOTE, DEMOTE };

static volatile sig_atomic_t stop_requested, reload_requested;

static const char *
verdict_word(int v)
{
	return v == OCF_OK ? "ok" : v == OCF_WARNING ? "warning" :
	    v == OCF_CRITICAL ? "critical" : "unknown";
}

/* does this check count towards promotion? */
static int
is_failure(const struct ocf_config *c, int v, const struct ocf_state *s,
    double now)
{
	if (v == OCF_CRITICAL)
		return 1;
	return v == OCF_WARNING && c->fail_on == OCF_FAIL_ON_NOTREADY &&
	    s->notready_since > 0 && now - s->notready_since >= c->notready_grace;
}

static void
count(const struct ocf_config *c, int v, struct ocf_state *s, double now)
{
	if (v == OCF_WARNING) {
		if (s->notready_since == 0)
			s->notready_since = now;
	} else {
		s->notready_since = 0;
	}
	if (is_failure(c, v, s, now)) {
		s->fails++;
		s->rises = 0;
		s->ok_since = 0;
	} else if (v == OCF_OK) {
		if (s->rises == 0)
			s->ok_since = now;
		s->rises++;
		s->fails = 0;
	} else {
		/* live but not ready, within grace: neither up nor down */
		s->fails = 0;
		s->rises = 0;
		s->ok_since = 0;
	}
	snprintf(s->primary, sizeof(s->primary), "%s", verdict_word(v));
	s->last_probe = now;
}

/* transitions recorded within FLAP_WINDOW */
static int
recent_transitions(const struct ocf_config *c, const struct ocf_state *s,
    double now)
{
	const char *p = s->flap_times;
	int n = 0;

	while (*p != '\0') {
		char *end;
		double t = strtod(p, &end);

		if (end == p)
			break;
		n += now - t <= c->flap_window;
		p = end;
	}
	return n;
}

static enum action
decide(const struct ocf_config *c, struct ocf_state *s, int v, int reconcile,
    double now, const char **why)
{
	if (s->transition[0] != '\0') {
		*why = "finishing an interrupted transition";
		return is_failure(c, v, s, now) ? PROMOTE : DEMOTE;
	}
	if (s->role == OCF_ROLE_ACTIVE && !ocf_gateway_running(c, s)) {
		*why = "the local gateway is gone";
		return v == OCF_OK ? DEMOTE : PROMOTE;
	}
	if (reconcile && s->role != OCF_ROLE_ACTIVE && v != OCF_CRITICAL &&
	    ocf_gateway_present(c, s)) {
		*why = "a gateway runs on this standby";
		return DEMOTE;
	}
	if (s->role != OCF_ROLE_ACTIVE && s->fails >= c->fail_threshold) {
		if (s->role == OCF_ROLE_FAILED &&
		    now - s->last_transition < c->hold_down)
			return NOTHING;		/* back off after a failure */
		*why = "the primary is down";
		return PROMOTE;
	}
	if (s->rises < c->rise_threshold || s->role == OCF_ROLE_STANDBY)
		return NOTHING;
	*why = "the primary is back";
	if (s->role == OCF_ROLE_FAILED)
		return DEMOTE;
	if (now - s->last_transition < c->hold_down)
		return NOTHING;
	if (c->failback == OCF_FAILBACK_MANUAL)
		return NOTHING;
	if (c->failback == OCF_FAILBACK_DELAYED &&
	    now - s->ok_since < c->failback_delay)
		return NOTHING;
	return DEMOTE;
}

/* the flap breaker trips: stay in this role until ocf-watch --reset */
static void
latch(const struct ocf_config *c, struct ocf_state *s, int n)
{
	s->latched = 1;
	snprintf(s->last_error, sizeof(s->last_error), "flap breaker: %d "
	    "transitions within %gs; staying %s until 'ocf-watch --reset'", n,
	    c->flap_window, ocf_role_name(s->role));
	ocf_err("%s", s->last_error);
}

/* say so loudly: hooks and webhook, run without the lock held */
static void
announce_latch(const struct ocf_config *c, const struct ocf_state *s)
{
	struct ocf_event e = {
		.event = "latch",
		.old_role = ocf_role_name(s->role),
		.new_role = ocf_role_name(s->role),
		.number = s->transitions,
		.reason = s->last_error,
		.status = OCF_REFUSED,
	};

	ocf_hooks_run(c, &e);
	ocf_notify(c, &e);
}

static int
tick(const struct ocf_config *c, struct ocf_tick *t, int reconcile)
{
	struct ocf_probe_opts o = {
		.url = c->primary_url,
		.timeout = c->probe_timeout,
		.ca_file = c->ca_file,
		.token_file = c->token_file,
	};
	struct ocf_probe_result r;
	struct ocf_transition tr;
	struct ocf_state s;
	char err[OCF_ERRLEN];
	const char *why = "";
	enum action a;
	double now;
	int fd, n, latched = 0;

	memset(t, 0, sizeof(*t));
	t->verdict = ocf_probe(&o, &r);
	snprintf(t->reason, sizeof(t->reason), "%s", r.reason);
	now = ocf_wall();

	fd = ocf_lock(c->state_dir, 2.0, err, sizeof(err));
	if (fd == -2) {
		ocf_info("check not counted: %s", err);
		return t->verdict;
	}
	if (fd == -1 || ocf_state_load(c->state_dir, &s, err, sizeof(err)) == -1) {
		ocf_err("%s", err);
		ocf_unlock(fd);
		return OCF_UNKNOWN;
	}
	count(c, t->verdict, &s, now);
	if (s.fails > 0 && s.fails <= c->fail_threshold &&
	    s.role != OCF_ROLE_ACTIVE)
		ocf_notice("failed check %d/%d: %s", s.fails, c->fail_threshold,
		    t->reason);
	if (s.rises > 0 && s.rises <= c->rise_threshold &&
	    s.role == OCF_ROLE_ACTIVE)
		ocf_notice("good check %d/%d", s.rises, c->rise_threshold);
	a = s.maintenance || s.latched ? NOTHING :
	    decide(c, &s, t->verdict, reconcile, now, &why);
	if (a != NOTHING && (n = recent_transitions(c, &s, now)) >= c->flap_max) {
		latch(c, &s, n);
		latched = 1;
		a = NOTHING;
	}
	if (ocf_state_save(c->state_dir, &s, err, sizeof(err)) == -1) {
		ocf_err("%s", err);
		ocf_unlock(fd);
		return OCF_UNKNOWN;
	}
	ocf_unlock(fd);
	if (latched)
		announce_latch(c, &s);

	t->fails = s.fails;
	t->rises = s.rises;
	t->active = s.role == OCF_ROLE_ACTIVE;
	if (a == NOTHING)
		return t->verdict;
	ocf_notice("%s: %s", why, a == PROMOTE ? "promoting" : "demoting");
	if (a == PROMOTE)
		ocf_promote(c, OCF_TR_NOCHECK, &tr);
	else
		ocf_demote(c, 0, &tr);
	t->acted = 1;
	t->status = tr.status;
	t->active = a == PROMOTE ? tr.status <= OCF_WARNING : tr.status > OCF_WARNING;
	if (tr.status != OCF_OK)
		ocf_log(tr.status == OCF_WARNING ? LOG_WARNING : LOG_ERR, "%s",
		    tr.detail);
	return t->verdict;
}

int
ocf_watch_tick(const struct ocf_config *c, struct ocf_tick *t)
{
	char err[OCF_ERRLEN];

	if (ocf_state_dir(c->state_dir, err, sizeof(err)) == -1) {
		ocf_err("%s", err);
		memset(t, 0, sizeof(*t));
		snprintf(t->reason, sizeof(t->reason), "unusable state "
		    "directory (see above)");
		return t->verdict = OCF_UNKNOWN;
	}
	return tick(c, t, 1);
}

double
ocf_watch_interval(const struct ocf_config *c, const struct ocf_tick *t)
{
	int counting = t->active ? t->rises > 0 && t->rises < c->rise_threshold :
	    t->fails > 0 && t->fails < c->fail_threshold;
	double base = counting ? c->fast_interval : c->check_interval;

	/* up to 5 % either way, so that many standbys drift apart */
	return base * (0.95 + 0.1 * ((double)random() / RAND_MAX));
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = 1;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: sleeps wake up */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void
reload(struct ocf_config *c, const char *path)
{
	struct ocf_config fresh;
	char err[OCF_ERRLEN];

	reload_requested = 0;
	if (ocf_config_load(&fresh, path) == -1)
		goto keep;
	if (ocf_config_finish(&fresh, 1, err, sizeof(err)) == -1) {
		ocf_err("%s", err);
		goto keep;
	}
	*c = fresh;
	ocf_notice("configuration reloaded");
	return;
keep:
	ocf_err("configuration not reloaded; keeping the old one");
}

/* sleep s seconds in slices, so signals and the watchdog are served */
static void
pause_for(double s)
{
	double end = ocf_mono() + s, slice = ocf_sd_keepalive_interval();

	if (slice <= 0 || slice > 0.5)
		slice = 0.5;
	while (!stop_requested && !reload_requested) {
		double left = end - ocf_mono();

		if (left <= 0)
			break;
		ocf_sleep(left < slice ? left : slice);
	}
}

static void
report(const struct ocf_tick *t, int *last)
{
	char status[400];

	if (t->verdict != *last && t->verdict != OCF_OK)
		ocf_notice("primary %s: %s", verdict_word(t->verdict), t->reason);
	else if (t->verdict != *last)
		ocf_notice("primary ok: %s", t->reason);
	else
		ocf_debug("primary %s: %s", verdict_word(t->verdict), t->reason);
	*last = t->verdict;
	snprintf(status, sizeof(status), "STATUS=%s; primary %s",
	    t->active ? "active" : "standby", verdict_word(t->verdict));
	ocf_sd_notify(status);
}

int
ocf_watch_run(struct ocf_config *c, const char *path)
{
	struct ocf_tick t;
	char err[OCF_ERRLEN];
	double started;
	int last = -1, first = 1;

	ocf_sd_init();
	catch_signals();
	srandom((unsigned)getpid() ^ (unsigned)ocf_wall());
	if (ocf_state_dir(c->state_dir, err, sizeof(err)) == -1) {
		ocf_err("%s", err);
		return OCF_UNKNOWN;
	}
	ocf_notice("watching '%s' every %gs (%gs after a failure)",
	    c->primary_url, c->check_interval, c->fast_interval);
	while (!stop_requested) {
		if (reload_requested)
			reload(c, path);
		/* the first check reconciles the state with what runs */
		started = ocf_mono();
		if (tick(c, &t, first) == OCF_UNKNOWN && first) {
			ocf_err("unable to use the state in '%s'", c->state_dir);
			return OCF_UNKNOWN;
		}
		if (first)
			ocf_sd_notify("READY=1");
		first = 0;
		report(&t, &last);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;	/* a gateway that died on its own */
		/* intervals run start to start: a slow check (a timeout)
		 * does not delay the verdict by its own length again */
		pause_for(ocf_watch_interval(c, &t) - (ocf_mono() - started));
	}
	ocf_sd_notify("STOPPING=1");
	ocf_notice("stopping; the gateway stays as it is");
	return OCF_OK;
}

int
ocf_watch_reset(const struct ocf_config *c, char *msg, unsigned long len)
{
	struct ocf_state s;
	char err[OCF_ERRLEN];
	int fd, r = OCF_OK;

	if (ocf_state_dir(c->state_dir, err, sizeof(err)) == -1) {
		snprintf(msg, len, "%s", err);
		return OCF_UNKNOWN;
	}
	fd = ocf_lock(c->state_dir, 5.0, err, sizeof(err));
	if (fd < 0) {
		snprintf(msg, len, "%s", err);
		return fd == -2 ? OCF_REFUSED : OCF_UNKNOWN;
	}
	if (ocf_state_load(c->state_dir, &s, err, sizeof(err)) == -1) {
		snprintf(msg, len, "%s", err);
		r = OCF_UNKNOWN;
	} else {
		s.latched = 0;
		s.fails = s.rises = 0;
		s.flap_times[0] = '\0';
		s.last_error[0] = '\0';
		if (ocf_state_save(c->state_dir, &s, err, sizeof(err)) == -1) {
			snprintf(msg, len, "%s", err);
			r = OCF_UNKNOWN;
		} else {
			snprintf(msg, len, "flap breaker reset; role %s",
			    ocf_role_name(s.role));
		}
	}
	ocf_unlock(fd);
	return r;
}
