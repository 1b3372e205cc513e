#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "atomic.h"
#include "config.h"
#include "exitcode.h"
#include "log.h"
#include "metrics.h"
#include "probe.h"
#include "state.h"
#include "version.h"

#define METRICS_MAX 8192

struct out {
	char *buf;
	size_t len, at;
	int full;
};

static void
put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->at, o->len - o->at, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->at)
		o->full = 1;
	else
		o->at += (size_t)n;
}

static void
head(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
gauge(struct out *o, const char *name, const char *help, double v)
{
	head(o, name, "gauge", help);
	if (v == (double)(long long)v)
		put(o, "%s %lld\n", name, (long long)v);
	else
		put(o, "%s %.3f\n", name, v);	/* the state's precision */
}

/* a state set: one series per value, 1 for the current one */
static void
stateset(struct out *o, const char *name, const char *label,
    const char *const *values, const char *current)
{
	for (size_t i = 0; values[i] != NULL; i++)
		put(o, "%s{%s=\"%s\"} %d\n", name, label, values[i],
		    strcmp(values[i], current) == 0);
}

long
ocf_metrics_format(const struct ocf_state *s,
    const struct ocf_metrics_check *m, int gateway_ready, char *buf,
    size_t len)
{
	static const char *const roles[] = { "standby", "active", "failed",
	    NULL };
	static const char *const verdicts[] = { "ok", "warning", "critical",
	    "unknown", NULL };
	static const char *const results[] = { "ok", "warning", "critical",
	    "never", NULL };
	const char *ops[] = { "pull", "push", "secrets" };
	const char *sync[] = { s->pull, s->push, s->secrets };
	const double at[] = { s->pull_at, s->push_at, s->secrets_at };
	struct out o = { buf, len, 0, 0 };

	head(&o, "ocf_build_info", "gauge", "Version of the ocf tools.");
	put(&o, "ocf_build_info{version=\"%s\"} 1\n", OCF_VERSION);
	head(&o, "ocf_role", "gauge", "Role of this node: 1 for the current one.");
	stateset(&o, "ocf_role", "role", roles, ocf_role_name(s->role));
	head(&o, "ocf_primary_status", "gauge",
	    "Last verdict on the primary: 1 for the current one.");
	stateset(&o, "ocf_primary_status", "status", verdicts, s->primary);
	gauge(&o, "ocf_primary_failed_checks", "Consecutive failed checks "
	    "of the primary.", s->fails);
	gauge(&o, "ocf_primary_good_checks", "Consecutive good checks of "
	    "the primary.", s->rises);
	gauge(&o, "ocf_last_check_timestamp_seconds", "Time of the last "
	    "check of the primary.", s->last_probe > 0 ? s->last_probe : m->at);
	head(&o, "ocf_last_check_duration_seconds", "gauge", "Seconds the "
	    "last check took, a transition it started included.");
	put(&o, "ocf_last_check_duration_seconds %.6f\n", m->duration);
	gauge(&o, "ocf_gateway_ready", "Whether the local gateway answered "
	    "ready (0 on a node that is not active).", gateway_ready);
	head(&o, "ocf_transitions_total", "counter",
	    "Promotions and demotions that ran, by result.");
	for (int i = 0; i < 3; i++)
		put(&o, "ocf_transitions_total{kind=\"promote\",result=\"%s\"} "
		    "%ld\n", results[i], s->promoted[i]);
	for (int i = 0; i < 3; i++)
		put(&o, "ocf_transitions_total{kind=\"demote\",result=\"%s\"} "
		    "%ld\n", results[i], s->demoted[i]);
	gauge(&o, "ocf_role_changes", "Role changes recorded in the state "
	    "(the hooks' transition number).", (double)s->transitions);
	gauge(&o, "ocf_last_transition_timestamp_seconds", "Time of the "
	    "last role change, 0 if none.", s->last_transition);
	gauge(&o, "ocf_maintenance", "Whether maintenance mode is on.",
	    s->maintenance);
	gauge(&o, "ocf_flap_breaker_latched", "Whether the flap breaker "
	    "holds the role until ocf-watch --reset.", s->latched);
	head(&o, "ocf_sync_status", "gauge", "Last result of each sync "
	    "step: 1 for the current one.");
	for (int i = 0; i < 3; i++)
		for (int j = 0; results[j] != NULL; j++)
			put(&o, "ocf_sync_status{step=\"%s\",result=\"%s\"} %d\n",
			    ops[i], results[j], strcmp(results[j],
			    sync[i][0] != '\0' ? sync[i] : "never") == 0);
	head(&o, "ocf_sync_timestamp_seconds", "gauge", "Time of the last "
	    "run of each sync step, 0 if never.");
	for (int i = 0; i < 3; i++)
		put(&o, "ocf_sync_timestamp_seconds{step=\"%s\"} %.3f\n", ops[i],
		    at[i]);
	/* WITNESS_URLS set: does this node count its failed checks? */
	if (strcmp(s->witness, "ok") == 0 || strcmp(s->witness, "none") == 0)
		gauge(&o, "ocf_witness_reachable", "Whether the last check "
		    "reached the primary or a witness (0: this node is cut off "
		    "and does not count failed checks).",
		    strcmp(s->witness, "ok") == 0);
	if (m->watcher_start > 0)
		gauge(&o, "ocf_watcher_start_time_seconds", "Time the watcher "
		    "started.", m->watcher_start);
	return o.full ? -1 : (long)o.at;
}

int
ocf_metrics_write(const struct ocf_config *c,
    const struct ocf_metrics_check *m)
{
	struct ocf_state s;
	struct ocf_probe_opts po;
	struct ocf_probe_result pr;
	char buf[METRICS_MAX], err[OCF_ERRLEN];
	int ready = 0;
	long n;

	if (m->mem != NULL)
		s = *m->mem;
	else if (ocf_state_load(c->state_dir, &s, err, sizeof(err)) == -1) {
		ocf_warn("metrics not written: %s", err);
		return -1;
	}
	if (s.role == OCF_ROLE_ACTIVE)
		ready = ocf_probe(ocf_config_probe(c, c->gateway_url,
		    c->probe_timeout, &po), &pr) == OCF_OK;
	if ((n = ocf_metrics_format(&s, m, ready, buf, sizeof(buf))) < 0) {
		ocf_warn("metrics not written: more than %d bytes", METRICS_MAX);
		return -1;
	}
	if (ocf_write_atomic(c->metrics_file, buf, (size_t)n, 0644, err,
	    sizeof(err)) == -1) {
		ocf_warn("metrics not written: %s", err);
		return -1;
	}
	return 0;
}
