#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arbiter.h"
#include "config.h"
#include "detach.h"
#include "exitcode.h"
#include "gateway.h"
#include "heartbeat.h"
#include "hooks.h"
#include "hotstandby.h"
#include "log.h"
#include "metrics.h"
#include "pidfile.h"
#include "probe.h"
#include "sdnotify.h"
#include "secrets.h"
#include "state.h"
#include "timeutil.h"
#include "transition.h"
#include "watch.h"
#include "witness.h"

static volatile sig_atomic_t stop_requested, reload_requested;

/* does this check count towards promotion? */
static int
is_failure(const struct ocf_config *c, int v, const struct ocf_state *s,
    double now)
{
	if (v == OCF_CRITICAL)
		return 1;
	return v == OCF_WARNING && c->fail_on == OCF_FAIL_ON_NOTREADY &&
	    s->notready_since_up > 0 &&
	    ocf_since(s->notready_since_up, now) >= c->notready_grace;
}

/* now: uptime (decisions); wall: for the people reading the state;
 * w: what the witnesses said.  Returns 0 when the check did not count */
static int
count(const struct ocf_config *c, int v, enum ocf_witness w,
    struct ocf_state *s, double now, double wall)
{
	int counts;

	if (v == OCF_WARNING) {
		if (s->notready_since_up == 0) {
			s->notready_since_up = now;
			s->notready_since = wall;
		}
	} else {
		s->notready_since_up = s->notready_since = 0;
	}
	counts = ocf_witness_count(s, is_failure(c, v, s, now), w);
	if (!counts) {
		;	/* cut off: the check says nothing of the primary */
	} else if (is_failure(c, v, s, now)) {
		if (s->fails == 0)
			s->down_since = wall;
		s->fails++;
		s->rises = 0;
		s->ok_since_up = s->ok_since = 0;
	} else if (v == OCF_OK) {
		if (s->rises == 0) {
			s->ok_since_up = now;
			s->ok_since = wall;
		}
		s->rises++;
		s->fails = 0;
		s->down_since = 0;
	} else {
		/* live but not ready, within grace: neither up nor down */
		s->fails = 0;
		s->down_since = 0;
		s->rises = 0;
		s->ok_since_up = s->ok_since = 0;
	}
	snprintf(s->primary, sizeof(s->primary), "%s", ocf_exit_word(v));
	s->last_probe = wall;
	return counts;
}

/* automatic transitions recorded within FLAP_WINDOW */
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

double
ocf_watch_backoff(const struct ocf_config *c, int attempts)
{
	double base = c->hold_down > c->check_interval ? c->hold_down :
	    c->check_interval;

	if (attempts <= 0)
		return 0;
	return base * (1 << (attempts - 1 < OCF_BACKOFF_DOUBLINGS ?
	    attempts - 1 : OCF_BACKOFF_DOUBLINGS));
}

enum ocf_action
ocf_watch_decide(const struct ocf_config *c, const struct ocf_state *s,
    const struct ocf_facts *f, const char **why)
{
	double now = f->now;

	*why = "";
	if (s->transition[0] != '\0') {
		*why = "finishing an interrupted transition";
		return is_failure(c, f->verdict, s, now) ? OCF_ACT_PROMOTE :
		    OCF_ACT_DEMOTE;
	}
	if (s->role == OCF_ROLE_ACTIVE && !f->running) {
		*why = "the local gateway is gone";
		/* a latched node keeps its role, and so a gateway */
		return f->verdict == OCF_OK && !s->latched ? OCF_ACT_DEMOTE :
		    OCF_ACT_PROMOTE;
	}
	if (s->role != OCF_ROLE_ACTIVE && f->present &&
	    f->verdict != OCF_CRITICAL) {
		*why = "a gateway runs on this standby";
		return OCF_ACT_DEMOTE;
	}
	/* hot: the gateway is expected here, its channels are not */
	if (s->role != OCF_ROLE_ACTIVE && f->hot && f->chan_up &&
	    f->verdict != OCF_CRITICAL) {
		*why = "channels run on this hot standby";
		return OCF_ACT_DEMOTE;
	}
	if (s->role != OCF_ROLE_ACTIVE && s->fails >= c->fail_threshold) {
		if (ocf_since(s->promote_failed_up, now) <
		    ocf_watch_backoff(c, s->promote_fails))
			return OCF_ACT_NOTHING;	/* back off after failures */
		*why = "the primary is down";
		return OCF_ACT_PROMOTE;
	}
	if (s->role == OCF_ROLE_STANDBY && f->hot && !f->hot_running) {
		/* one that dies soon after its start: not started in a loop */
		if (s->hot_starts > 0 && ocf_since(s->hot_started_up, now) <
		    ocf_watch_backoff(c, s->hot_starts))
			return OCF_ACT_NOTHING;
		*why = "the hot gateway is not running";
		return OCF_ACT_HOT_START;
	}
	if (s->role == OCF_ROLE_STANDBY && f->hot && s->hot_fence[0] != '\0' &&
	    f->hot_ready) {
		*why = "the hot gateway is up";
		return OCF_ACT_HOT_ARM;
	}
	if (s->rises < c->rise_threshold || s->role == OCF_ROLE_STANDBY)
		return OCF_ACT_NOTHING;
	*why = "the primary is back";
	if (s->role == OCF_ROLE_FAILED)
		return OCF_ACT_DEMOTE;
	/* no transition recorded (0): nothing to hold down */
	if (s->last_transition_up > 0 &&
	    ocf_since(s->last_transition_up, now) < c->hold_down)
		return OCF_ACT_NOTHING;
	if (c->failback == OCF_FAILBACK_MANUAL)
		return OCF_ACT_NOTHING;
	if (c->failback == OCF_FAILBACK_DELAYED &&
	    ocf_since(s->ok_since_up, now) < c->failback_delay)
		return OCF_ACT_NOTHING;
	return OCF_ACT_DEMOTE;
}

/* does the action change the role (promote a standby, demote an active)
 * or only keep it (restart an active's gateway, stop a standby's)? */
static int
changes_role(const struct ocf_state *s, enum ocf_action a)
{
	return (a == OCF_ACT_PROMOTE && s->role != OCF_ROLE_ACTIVE) ||
	    (a == OCF_ACT_DEMOTE && s->role != OCF_ROLE_STANDBY);
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

/*
 * What the loop keeps between checks: its memory of a state it could not
 * save (STATE_DIR full or read-only), so that counting goes on and a
 * recovered primary is still seen as such after RISE_THRESHOLD checks;
 * and when it last looked for a stray gateway.
 */
struct loop {
	struct ocf_memory mem;
	double scanned;		/* uptime of the last look */
	double next_beat;	/* ocf_mono() of the next heartbeat */
	int normal;		/* the last check was saved, the role not failed */
	struct ocf_detach beat, fail, metrics;
	struct ocf_arbiter arb;	/* ARBITER=etcd */
};

/* a standby looks for a stray gateway of ours at every check, but not
 * more often than this: the look reads every process's environment */
#define SCAN_EVERY 1.0	/* seconds */

/* the facts decide() needs, asked only when they can matter */
static void
observe(const struct ocf_config *c, struct ocf_state *s, int verdict,
    struct loop *l, struct ocf_facts *f)
{
	f->verdict = verdict;
	f->now = ocf_uptime();
	f->running = s->role == OCF_ROLE_ACTIVE && ocf_gateway_running(c, s);
	f->present = 0;
	f->hot = f->hot_running = f->hot_ready = f->chan_up = 0;
	if (c->standby_mode == OCF_STANDBY_HOT && s->role != OCF_ROLE_ACTIVE) {
		ocf_hot_observe(c, s, f);	/* hotstandby.h */
		return;
	}
	if (s->role == OCF_ROLE_ACTIVE || verdict == OCF_CRITICAL ||
	    (l != NULL && l->scanned > 0 && f->now - l->scanned < SCAN_EVERY))
		return;
	if (l != NULL)
		l->scanned = f->now;
	f->present = ocf_gateway_present(c, s);
}

/* l: NULL for --once */
static int
tick(const struct ocf_config *c, struct ocf_tick *t, struct loop *l)
{
	struct ocf_memory *m = l != NULL ? &l->mem : NULL;
	struct ocf_probe_opts o;
	struct ocf_probe_result r;
	struct ocf_transition tr;
	struct ocf_facts f;
	struct ocf_txn x;
	struct ocf_state *s = &x.s;
	const char *why = "";
	enum ocf_action a;
	enum ocf_witness w;
	int n, rc, latched = 0, unsaved, was, counted;

	memset(t, 0, sizeof(*t));
	t->at = ocf_wall();
	t->duration = ocf_mono();
	t->role = OCF_ROLE_STANDBY;
	ocf_config_probe(c, c->primary_url, c->probe_timeout, &o);
	t->verdict = ocf_probe(&o, &r);
	snprintf(t->reason, sizeof(t->reason), "%s", r.reason);
	/* asked before the lock: they may take PROBE_TIMEOUT */
	w = ocf_witness_ask(c, &r);

	rc = ocf_txn_begin(&x, c->state_dir, OCF_WAIT_CHECK, m);
	if (rc == -2) {
		ocf_info("check not counted: %s", x.err);
		ocf_txn_end(&x);
		t->duration = ocf_mono() - t->duration;
		return t->verdict;
	}
	if (rc == -1) {
		ocf_err("%s", x.err);
		ocf_txn_end(&x);
		t->duration = ocf_mono() - t->duration;
		return OCF_UNKNOWN;
	}
	observe(c, s, t->verdict, l, &f);
	counted = count(c, t->verdict, w, s, f.now, ocf_wall());
	snprintf(t->witness, sizeof(t->witness), "%s", s->witness);
	if (counted && s->fails > 0 && s->fails <= c->fail_threshold &&
	    s->role != OCF_ROLE_ACTIVE)
		ocf_notice("failed check %d/%d: %s", s->fails, c->fail_threshold,
		    t->reason);
	if (s->rises > 0 && s->rises <= c->rise_threshold &&
	    s->role == OCF_ROLE_ACTIVE)
		ocf_notice("good check %d/%d", s->rises, c->rise_threshold);
	a = s->maintenance ? OCF_ACT_NOTHING : ocf_watch_decide(c, s, &f, &why);
	/* cut off (WITNESS_URLS): no promotion, not even a retry */
	if (!counted && a == OCF_ACT_PROMOTE && s->role != OCF_ROLE_ACTIVE)
		a = OCF_ACT_NOTHING;
	/* latched, the role is frozen: only what keeps it is done */
	if (s->latched && changes_role(s, a))
		a = OCF_ACT_NOTHING;
	if (changes_role(s, a) &&
	    (n = recent_transitions(c, s, f.now)) >= c->flap_max) {
		latch(c, s, n);
		latched = 1;
		a = OCF_ACT_NOTHING;
	}
	/* unsaved, the check still acts: stopping or starting the gateway
	 * is what keeps the right node serving; the state is repaired when
	 * the disk allows */
	was = m != NULL && m->unsaved;
	unsaved = ocf_txn_commit(&x) == -1;
	if (unsaved && !was)
		ocf_err("%s; the check is kept in memory only", x.err);
	if (!unsaved && was)
		ocf_notice("the state is saved again");
	ocf_txn_end(&x);
	if (latched)	/* say so loudly */
		ocf_announce(c, "latch", ocf_role_name(s->role),
		    ocf_role_name(s->role), s->transitions, s->last_error,
		    OCF_REFUSED);

	t->fails = s->fails;
	t->rises = s->rises;
	t->active = s->role == OCF_ROLE_ACTIVE;
	t->role = s->role;
	t->saved = !unsaved;
	if (a == OCF_ACT_NOTHING) {
		t->duration = ocf_mono() - t->duration;
		return unsaved ? OCF_UNKNOWN : t->verdict;
	}
	if (a == OCF_ACT_HOT_START || a == OCF_ACT_HOT_ARM) {
		/* keeps the role: no transition, nothing counted */
		ocf_hot_tend(c, a, why, m);	/* hotstandby.h */
		t->duration = ocf_mono() - t->duration;
		return unsaved ? OCF_UNKNOWN : t->verdict;
	}
	ocf_notice("%s: %s", why, a == OCF_ACT_PROMOTE ? "promoting" :
	    "demoting");
	if (a == OCF_ACT_PROMOTE)
		ocf_promote_from(c, OCF_TR_NOCHECK | OCF_TR_AUTO, m, why, &tr);
	else
		ocf_demote_from(c, OCF_TR_AUTO, m, why, &tr);
	t->acted = 1;
	t->status = tr.status;
	t->active = a == OCF_ACT_PROMOTE ? tr.status <= OCF_WARNING :
	    tr.status > OCF_WARNING;
	t->role = tr.status > OCF_WARNING ? OCF_ROLE_FAILED : t->active ?
	    OCF_ROLE_ACTIVE : OCF_ROLE_STANDBY;
	/* a transition logs what it did; what it could not, we do */
	if (tr.status > OCF_WARNING)
		ocf_err("%s", tr.detail);
	t->duration = ocf_mono() - t->duration;
	return unsaved ? OCF_UNKNOWN : t->verdict;
}

/* the metrics file after a check: in a child of its own in the loop
 * (l), so that a slow disk or a hung local gateway never delays the
 * next check; in the caller with --once */
static void
metrics(const struct ocf_config *c, const struct ocf_tick *t, struct loop *l,
    double started)
{
	struct ocf_metrics_check mc = {
		.at = t->at,
		.duration = t->duration,
		.watcher_start = started,
		.mem = l != NULL && l->mem.unsaved ? &l->mem.s : NULL,
	};
	pid_t pid;

	if (c->metrics_file[0] == '\0')
		return;
	if (l == NULL) {
		ocf_metrics_write(c, &mc);
		return;
	}
	pid = ocf_detach(&l->metrics, c->probe_timeout + 5.0);
	if (pid == 0)
		ocf_detach_exit(ocf_metrics_write(c, &mc) == 0 ? 0 : 1);
	if (pid == -2)
		ocf_warn("metrics not written: the last write still runs");
	else if (pid == -1)
		ocf_warn("metrics not written: fork: %s", strerror(errno));
}

/* the dead man's switch: a GET every HEARTBEAT_INTERVAL, on a fixed
 * schedule (no drift), while the checks go normally */
static void
beat(const struct ocf_config *c, struct loop *l)
{
	double now = ocf_mono();

	if (c->heartbeat_url[0] == '\0' || now < l->next_beat)
		return;
	l->next_beat += c->heartbeat_interval;
	if (l->next_beat <= now)	/* late (a long transition): no burst */
		l->next_beat = now + c->heartbeat_interval;
	if (l->normal)
		ocf_heartbeat(c, &l->beat, "");
	else
		ocf_debug("heartbeat held back: the last check was not normal");
}

int
ocf_watch_tick(const struct ocf_config *c, struct ocf_tick *t)
{
	int r;

	if (c->arbiter != OCF_ARBITER_NONE) {
		/* a lease outlives no process: the loop holds it */
		memset(t, 0, sizeof(*t));
		ocf_err("ARBITER=etcd needs the watcher's loop, not --once");
		return OCF_UNKNOWN;
	}
	r = tick(c, t, NULL);

	metrics(c, t, NULL, 0);
	return r;
}

double
ocf_watch_interval(const struct ocf_config *c, const struct ocf_tick *t)
{
	int counting = t->active ? t->rises > 0 && t->rises < c->rise_threshold :
	    t->fails > 0 && t->fails < c->fail_threshold;
	double base = counting || t->hurry ? c->fast_interval :
	    c->check_interval;

	/* a leader key gone is seen within a third of its lease */
	if (c->arbiter != OCF_ARBITER_NONE && base > c->lease_ttl / 3.0)
		base = c->lease_ttl / 3.0;

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

/*
 * Name the keys a reload changed (names only: a value may be a secret),
 * and those the environment sets: it overrides the file, so editing them
 * there changes nothing.
 */
static void
changed_keys(const struct ocf_config *old, const struct ocf_config *new)
{
	/* the longest value is GATEWAY_CMD's */
	char a[sizeof(old->gateway_cmd)], b[sizeof(old->gateway_cmd)];
	char list[512] = "", env[512] = "";
	const char *k;
	size_t i, n;

	for (i = 0; i < ocf_config_nkeys(); i++) {
		k = ocf_config_key(i);
		if (getenv(k) != NULL && strlen(env) + strlen(k) + 3 < sizeof(env))
			strcat(strcat(env, *env ? ", " : ""), k);
		if (strcmp(ocf_config_value(old, i, a, sizeof(a)),
		    ocf_config_value(new, i, b, sizeof(b))) == 0)
			continue;
		if ((n = strlen(list)) + strlen(k) + 3 < sizeof(list))
			strcat(strcat(list, n ? ", " : ""), k);
	}
	if (*env)
		ocf_warn("set in the environment, which overrides the "
		    "configuration file: %s", env);
	ocf_notice("configuration reloaded: %s", *list ? list : "no change");
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
	changed_keys(c, &fresh);
	/* the arbiter's group is fixed for the watcher's life: a node does
	 * not leave its lease behind under another name */
	if (fresh.arbiter != c->arbiter ||
	    strcmp(fresh.etcd_prefix, c->etcd_prefix) != 0) {
		ocf_warn("ARBITER and ETCD_PREFIX change at a restart only");
		fresh.arbiter = c->arbiter;
		memcpy(fresh.etcd_prefix, c->etcd_prefix,
		    sizeof(fresh.etcd_prefix));
	}
	*c = fresh;
	return;
keep:
	ocf_err("configuration not reloaded; keeping the old one");
}

/* sleep s seconds in slices, so signals, the watchdog and the heartbeat
 * are served */
static void
pause_for(const struct ocf_config *c, struct loop *l, double s)
{
	double end = ocf_mono() + s, slice = ocf_sd_keepalive_interval();

	if (slice <= 0 || slice > 0.5)
		slice = 0.5;
	while (!stop_requested && !reload_requested &&
	    !ocf_arbiter_urgent(c, &l->arb)) {
		double now = ocf_mono(), left = end - now, d;

		beat(c, l);
		if (left <= 0)
			break;
		d = left < slice ? left : slice;
		if (c->heartbeat_url[0] != '\0' && l->normal &&
		    l->next_beat - now < d)
			d = l->next_beat > now ? l->next_beat - now : 0.001;
		ocf_sleep(d);
	}
}

/* children that died on their own (a gateway), but not the lease
 * keeper: how it ended is for ocf_lease_ended to read */
static void
reap(pid_t keeper)
{
	siginfo_t si;

	for (;;) {
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 ||
		    si.si_pid == 0 || si.si_pid == keeper)
			return;
		(void)waitpid(si.si_pid, NULL, WNOHANG);
	}
}

static void
report(const struct ocf_config *c, const struct ocf_tick *t, int *last)
{
	/* with an arbiter the check reads the leader key, not a primary */
	const char *what = c->arbiter == OCF_ARBITER_NONE ? "primary" : "leader";
	char status[400];

	if (t->verdict != *last)
		ocf_notice("%s %s: %s", what, ocf_exit_word(t->verdict),
		    t->reason);
	else
		ocf_debug("%s %s: %s", what, ocf_exit_word(t->verdict),
		    t->reason);
	*last = t->verdict;
	snprintf(status, sizeof(status), "STATUS=%s; %s %s",
	    t->active ? "active" : "standby", what, ocf_exit_word(t->verdict));
	ocf_sd_notify(status);
}

/* say so when a directory ocf writes into is read-only: under systemd,
 * the unit's sandbox (ocf-watch(1), SYSTEMD, says what to add) */
static void
warn_read_only(const char *what, const char *dir, const char *fails)
{
	struct statvfs v;

	if (statvfs(dir, &v) == 0 && (v.f_flag & ST_RDONLY))
		ocf_warn("%s '%s' is read-only here: %s will fail%s", what,
		    dir, fails, getenv("INVOCATION_ID") == NULL ? "" :
		    " (the unit's sandbox: see ocf-watch(1), SYSTEMD)");
}

/* the directory a file is written in (beside it, then renamed) */
static void
warn_read_only_dir(const char *what, const char *file, const char *fails)
{
	char dir[1100], *slash;

	snprintf(dir, sizeof(dir), "%s", file);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	warn_read_only(what, dir, fails);
}

/* the workspace, where secrets are swapped in (beside SECRETS_DIR), the
 * metrics file's directory, and the home of a gateway we run ourselves */
static void
check_writable(const struct ocf_config *c)
{
	char dir[sizeof(c->secrets_dir) + 32];
	struct passwd *pw;

	warn_read_only("WORKSPACE", c->workspace, "pulls");
	if (c->gateway_cmd[0] != '\0' && c->openclaw_user[0] != '\0' &&
	    (pw = getpwnam(c->openclaw_user)) != NULL)
		warn_read_only("the home of OPENCLAW_USER", pw->pw_dir,
		    "the gateway (GATEWAY_CMD)");
	if (c->metrics_file[0] != '\0')
		warn_read_only_dir("the directory of METRICS_FILE",
		    c->metrics_file, "metrics writes");
	if (c->secrets_host[0] != '\0' &&
	    ocf_secrets_dir(c, dir, sizeof(dir)) == 0)
		warn_read_only_dir("the directory of SECRETS_DIR", dir,
		    "secrets syncs");
}

int
ocf_watch_run(struct ocf_config *c, const char *path)
{
	static struct loop l;		/* a few KiB: not on the stack */
	struct ocf_watcher other;
	struct ocf_tick t;
	char err[OCF_ERRLEN];
	double started, wall_started;
	int last = -1, first = 1, r;

	ocf_sd_init();
	catch_signals();
	srandom((unsigned)getpid() ^ (unsigned)ocf_wall());
	if (ocf_state_dir(c->state_dir, err, sizeof(err)) == -1) {
		ocf_err("%s", err);
		return OCF_UNKNOWN;
	}
	/* two watchers of one node would undo each other's transitions */
	if (ocf_pidfile_read(c->state_dir, &other) == 0 && other.alive &&
	    other.pid != (long)getpid()) {
		ocf_err("another ocf-watch (pid %ld) watches '%s'", other.pid,
		    c->state_dir);
		return OCF_REFUSED;
	}
	/* --status asks the pid file whether we run */
	wall_started = ocf_wall();
	if (ocf_pidfile_write(c->state_dir, wall_started, err,
	    sizeof(err)) == -1)
		ocf_warn("%s; --status will call the watcher dead", err);
	ocf_notify_background = 1;	/* a hung receiver delays nothing */
	if (c->arbiter == OCF_ARBITER_NONE)
		ocf_notice("watching '%s' every %gs (%gs after a failure)",
		    c->primary_url, c->check_interval, c->fast_interval);
	else
		ocf_notice("arbiter etcd at '%s', key '%sleader', lease %ds, "
		    "priority %d", c->etcd_endpoints, c->etcd_prefix,
		    c->lease_ttl, c->node_priority);
	ocf_arbiter_init(c, &l.arb);
	check_writable(c);
	if (c->standby_mode == OCF_STANDBY_HOT)
		ocf_hot_preflight(c);	/* hotstandby.h */
	/*
	 * Ready now, not after the first check: that may be a whole repair
	 * promotion (a pull, then up to READY_TIMEOUT), longer than a
	 * service manager waits for a start.
	 */
	ocf_sd_notify("READY=1");
	while (!stop_requested) {
		if (reload_requested)
			reload(c, path);
		started = ocf_mono();
		/* a state it cannot read at start is not one to act on;
		 * one it cannot write is (see tick) */
		r = c->arbiter == OCF_ARBITER_NONE ? tick(c, &t, &l) :
		    ocf_arbiter_tick(c, &l.arb, &t, &l.mem);
		if (r == OCF_UNKNOWN && first && !l.mem.unsaved) {
			ocf_err("unable to use the state in '%s'", c->state_dir);
			ocf_pidfile_remove(c->state_dir);
			return OCF_UNKNOWN;
		}
		report(c, &t, &last);
		metrics(c, &t, &l, wall_started);
		/* /fail once, when a normal run turns failed: a retry that
		 * fails again changes nothing the receiver needs to hear */
		if (t.acted && t.status > OCF_WARNING && (l.normal || first))
			ocf_heartbeat(c, &l.fail, "/fail");
		l.normal = r != OCF_UNKNOWN && t.saved &&
		    t.role != OCF_ROLE_FAILED;
		first = 0;
		beat(c, &l);
		reap(l.arb.lease.keeper);
		/* intervals run start to start: a slow check (a timeout)
		 * does not delay the verdict by its own length again */
		pause_for(c, &l, ocf_watch_interval(c, &t) -
		    (ocf_mono() - started));
	}
	ocf_sd_notify("STOPPING=1");
	if (c->arbiter == OCF_ARBITER_NONE) {
		ocf_notice("stopping; the gateway stays as it is");
	} else {
		ocf_notice("stopping; the gateway stops and the leader key "
		    "goes (ARBITER=etcd)");
		ocf_arbiter_stop(c, &l.arb, &l.mem);
	}
	ocf_pidfile_remove(c->state_dir);
	return OCF_OK;
}

int
ocf_watch_reset(const struct ocf_config *c, char *msg, unsigned long len)
{
	struct ocf_txn x;
	int rc, r = OCF_OK;

	if ((rc = ocf_txn_begin(&x, c->state_dir, OCF_WAIT_COMMAND, NULL)) < 0) {
		snprintf(msg, len, "%s", x.err);
		r = rc == -2 ? OCF_REFUSED : OCF_UNKNOWN;
	} else {
		x.s.latched = 0;
		x.s.fails = x.s.rises = 0;
		x.s.hot_starts = 0;
		x.s.flap_times[0] = '\0';
		x.s.last_error[0] = '\0';
		if (ocf_txn_commit(&x) == -1) {
			snprintf(msg, len, "%s", x.err);
			r = OCF_UNKNOWN;
		} else {
			snprintf(msg, len, "flap breaker reset; role %s",
			    ocf_role_name(x.s.role));
		}
	}
	ocf_txn_end(&x);
	return r;
}
