#include <stdio.h>
#include <string.h>

#include "config.h"
#include "exitcode.h"
#include "json.h"
#include "pidfile.h"
#include "proc.h"
#include "state.h"
#include "status.h"
#include "timeutil.h"
#include "watch.h"

/* what --status found, before it is printed */
struct status {
	int code;
	char text[1024];	/* the line after "STATUS - " */
	double now, age, limit;	/* age of the last check, its limit */
	int loaded;		/* a state file exists */
	int moving;		/* a transition runs now */
	struct ocf_watcher w;
	int wrc;		/* ocf_pidfile_read's */
	struct ocf_state s;
	char err[OCF_STATE_ERRLEN];
};

/* append "; what" (or "what") to the text */
static void
say(struct status *st, const char *what)
{
	size_t n = strlen(st->text);

	snprintf(st->text + n, sizeof(st->text) - n, "%s%s", n ? ", " : "",
	    what);
}

static int
sync_bad(const char *r)
{
	return r[0] != '\0' && strcmp(r, "ok") != 0;
}

static int
judge(const struct ocf_config *c, struct status *st)
{
	struct ocf_state *s = &st->s;
	char buf[160];
	int rc;

	memset(st, 0, sizeof(*st));
	st->now = ocf_wall();
	st->limit = 3 * c->check_interval + c->probe_timeout;
	if ((rc = ocf_state_load(c->state_dir, s, st->err, sizeof(st->err))) < 0) {
		snprintf(st->text, sizeof(st->text), "unable to read the state: %s",
		    st->err);
		return st->code = OCF_UNKNOWN;
	}
	st->loaded = rc == 0;
	st->wrc = ocf_pidfile_read(c->state_dir, &st->w);
	st->age = s->last_probe > 0 ? st->now - s->last_probe : -1;
	st->moving = s->transition[0] != '\0' && s->transition_pid > 0 &&
	    ocf_proc_same((pid_t)s->transition_pid, s->transition_pid_start);

	st->code = OCF_OK;
	if (!st->w.alive) {
		st->code = OCF_CRITICAL;
		say(st, st->wrc == 1 ? "watcher not running" :
		    st->wrc == -1 ? "watcher pid file unreadable" :
		    "watcher dead (pid file left behind)");
	}
	if (st->age < 0) {
		st->code = OCF_CRITICAL;
		say(st, "no check recorded");
	} else if (st->age > st->limit && !st->moving) {
		st->code = OCF_CRITICAL;
		snprintf(buf, sizeof(buf), "last check %.1f s ago (limit %g s)",
		    st->age, st->limit);
		say(st, buf);
	}
	if (s->role == OCF_ROLE_FAILED)
		say(st, "role failed");
	if (s->latched)
		say(st, "flap breaker latched");
	if (s->maintenance)
		say(st, "maintenance mode");
	if (st->moving) {
		snprintf(buf, sizeof(buf), "%s in flight", s->transition);
		say(st, buf);
	}
	if (sync_bad(s->pull) || sync_bad(s->push) || sync_bad(s->secrets))
		say(st, "sync warning");
	if (strcmp(s->witness, "none") == 0)
		say(st, "cut off (no witness reachable)");
	if (st->code == OCF_OK && st->text[0] != '\0')
		st->code = OCF_WARNING;
	if (st->text[0] == '\0')
		snprintf(st->text, sizeof(st->text), "watcher alive");
	return st->code;
}

/* "3.2 s", "5 min 3 s", "2 h 5 min", "3 d 4 h" */
static const char *
span(double s, char *buf, size_t len)
{
	long n = (long)s;

	if (s < 60)
		snprintf(buf, len, "%.1f s", s < 0 ? 0 : s);
	else if (n < 3600)
		snprintf(buf, len, "%ld min %ld s", n / 60, n % 60);
	else if (n < 86400)
		snprintf(buf, len, "%ld h %ld min", n / 3600, n % 3600 / 60);
	else
		snprintf(buf, len, "%ld d %ld h", n / 86400, n % 86400 / 3600);
	return buf;
}

/* "2026-11-25T13:00:00.123Z (5 min 3 s ago)", or "never" */
static const char *
when(double t, double now, char *buf, size_t len)
{
	char iso[40], ago[40];

	if (t <= 0)
		snprintf(buf, len, "never");
	else
		snprintf(buf, len, "%s (%s ago)", ocf_iso8601(t, iso,
		    sizeof(iso)), span(now - t, ago, sizeof(ago)));
	return buf;
}

/* STANDBY_MODE=hot: the gateway as the watcher last saw it */
static const char *
hot_words(const struct ocf_state *s)
{
	const char *w = s->hot_gateway;

	if (strcmp(w, "held") == 0)
		return "running, channels held down";
	if (strcmp(w, "starting") == 0)
		return "running, starting with its channels fenced";
	if (strcmp(w, "serving") == 0)
		return "running, channels started (active)";
	if (strcmp(w, "stopped") == 0)
		return "not running";
	return "not seen yet";
}

static void
print_text(const struct ocf_config *c, const struct status *st)
{
	const struct ocf_state *s = &st->s;
	const char *ops[] = { "pull", "push", "secrets" };
	const char *res[] = { s->pull, s->push, s->secrets };
	const double at[] = { s->pull_at, s->push_at, s->secrets_at };
	char a[96];

	printf("%s - %s: %s, primary %s | check_age=%.3fs;;%g;0 fails=%d;;%d;0 "
	    "rises=%d;;%d;0 transitions=%ld;;;0\n", ocf_exit_name(st->code),
	    st->text, ocf_role_name(s->role), s->primary,
	    st->age < 0 ? 0 : st->age, st->limit, s->fails, c->fail_threshold,
	    s->rises, c->rise_threshold, s->transitions);
	if (st->code == OCF_UNKNOWN)
		return;
	printf("role:            %s since %s\n", ocf_role_name(s->role),
	    s->last_transition > 0 ? when(s->last_transition, st->now, a,
	    sizeof(a)) : "the start");
	if (st->age < 0)
		printf("primary:         %s, never checked\n", s->primary);
	else
		printf("primary:         %s, checked %s ago (stale after %g s)\n",
		    s->primary, span(st->age, a, sizeof(a)), st->limit);
	if (s->down_since > 0)
		printf("primary down:    for %s\n",
		    span(st->now - s->down_since, a, sizeof(a)));
	printf("checks:          fails %d/%d, rises %d/%d\n", s->fails,
	    c->fail_threshold, s->rises, c->rise_threshold);
	if (s->last_event[0] != '\0')
		printf("last transition: %s #%ld at %s: %s\n", s->last_event,
		    s->transitions, when(s->last_transition, st->now, a,
		    sizeof(a)), s->last_reason);
	else
		printf("last transition: none\n");
	if (st->moving)
		printf("in flight:       %s by process %ld\n", s->transition,
		    s->transition_pid);
	if (c->standby_mode == OCF_STANDBY_HOT || s->hot_gateway[0] != '\0')
		printf("hot gateway:     %s%s%s\n", hot_words(s),
		    s->hot_fence[0] != '\0' ? "; fenced in its file: " : "",
		    s->hot_fence);
	printf("maintenance:     %s\n", s->maintenance ? "on" : "off");
	printf("flap breaker:    %s\n", s->latched ?
	    "latched (ocf-watch --reset clears it)" : "not latched");
	if (c->arbiter != OCF_ARBITER_NONE)
		printf("arbiter:         etcd, leader %s%s\n",
		    s->leader[0] != '\0' ? s->leader : "none",
		    s->token > 0 ? " (this node)" : "");
	if (s->token > 0)
		printf("fencing token:   %ld\n", s->token);
	printf("witness:         %s\n", strcmp(s->witness, "none") == 0 ?
	    "none reachable: this node is cut off, failed checks do not count" :
	    strcmp(s->witness, "ok") == 0 ? "ok" : "off (WITNESS_URLS empty)");
	for (int i = 0; i < 3; i++)
		printf("%-8s         %s%s%s\n", ops[i], res[i][0] ? res[i] : "",
		    res[i][0] ? ", " : "", when(at[i], st->now, a, sizeof(a)));
	if (s->last_error[0] != '\0')
		printf("last error:      %s\n", s->last_error);
	if (st->w.alive)
		printf("watcher:         alive, pid %ld, started %s\n", st->w.pid,
		    when(st->w.started, st->now, a, sizeof(a)));
	else
		printf("watcher:         not running\n");
}

static void
print_json(const struct ocf_config *c, const struct status *st)
{
	const struct ocf_state *s = &st->s;
	char t[OCF_JSON_ROOM(1024)], r[OCF_JSON_ROOM(256)];
	char e[OCF_JSON_ROOM(512)], ev[OCF_JSON_ROOM(16)];

	printf("{\"status\":\"%s\",\"text\":%s", ocf_exit_name(st->code),
	    ocf_json_str(st->text, t, sizeof(t)));
	if (st->code == OCF_UNKNOWN) {
		printf("}\n");
		return;
	}
	printf(",\"role\":\"%s\",\"role_since\":%.3f,\"primary\":%s,"
	    "\"last_check\":%.3f,\"check_age\":%.3f,\"stale_after\":%g,"
	    "\"down_since\":%.3f,\"fails\":%d,\"rises\":%d,"
	    "\"fail_threshold\":%d,\"rise_threshold\":%d,\"transitions\":%ld,",
	    ocf_role_name(s->role), s->last_transition,
	    ocf_json_str(s->primary, r, sizeof(r)), s->last_probe,
	    st->age < 0 ? -1.0 : st->age, st->limit, s->down_since, s->fails,
	    s->rises, c->fail_threshold, c->rise_threshold, s->transitions);
	printf("\"last_transition\":{\"event\":%s,\"time\":%.3f,\"reason\":%s},",
	    ocf_json_str(s->last_event, ev, sizeof(ev)), s->last_transition,
	    ocf_json_str(s->last_reason, r, sizeof(r)));
	printf("\"in_flight\":%s,\"maintenance\":%s,\"latched\":%s,",
	    st->moving ? ocf_json_str(s->transition, ev, sizeof(ev)) : "null",
	    s->maintenance ? "true" : "false", s->latched ? "true" : "false");
	printf("\"witness\":%s,", ocf_json_str(s->witness, ev, sizeof(ev)));
	if (c->arbiter != OCF_ARBITER_NONE)
		printf("\"arbiter\":{\"leader\":%s,\"token\":%ld},",
		    ocf_json_str(s->leader, r, sizeof(r)), s->token);
	printf("\"sync\":{\"pull\":{\"result\":%s,\"time\":%.3f},",
	    ocf_json_str(s->pull, ev, sizeof(ev)), s->pull_at);
	printf("\"push\":{\"result\":%s,\"time\":%.3f},",
	    ocf_json_str(s->push, ev, sizeof(ev)), s->push_at);
	printf("\"secrets\":{\"result\":%s,\"time\":%.3f}},",
	    ocf_json_str(s->secrets, ev, sizeof(ev)), s->secrets_at);
	printf("\"standby_mode\":\"%s\",\"hot_gateway\":%s,\"hot_fence\":%s,",
	    c->standby_mode == OCF_STANDBY_HOT ? "hot" : "cold",
	    ocf_json_str(s->hot_gateway, ev, sizeof(ev)),
	    ocf_json_str(s->hot_fence, e, sizeof(e)));
	printf("\"last_error\":%s,", ocf_json_str(s->last_error, e, sizeof(e)));
	printf("\"watcher\":{\"alive\":%s,\"pid\":%ld,\"started\":%.3f}}\n",
	    st->w.alive ? "true" : "false", st->w.alive ? st->w.pid : 0,
	    st->w.alive ? st->w.started : 0.0);
}

int
ocf_status(const struct ocf_config *c, int json)
{
	static struct status st;	/* a state is a few KiB */

	judge(c, &st);
	if (json)
		print_json(c, &st);
	else
		print_text(c, &st);
	return st.code;
}

int
ocf_tick_json(const struct ocf_tick *t, int status, char *buf, size_t len)
{
	char r[OCF_JSON_ROOM(sizeof(t->reason))];
	char w[OCF_JSON_ROOM(sizeof(t->witness))];

	return snprintf(buf, len, "{\"status\":\"%s\",\"primary\":\"%s\","
	    "\"reason\":%s,\"fails\":%d,\"rises\":%d,\"role\":\"%s\","
	    "\"saved\":%s,\"acted\":%s,\"transition_status\":%s%s%s,"
	    "\"witness\":%s,\"time\":%.3f,\"duration\":%.3f}",
	    ocf_exit_name(status),
	    ocf_exit_word(t->verdict), ocf_json_str(t->reason, r, sizeof(r)),
	    t->fails, t->rises, ocf_role_name(t->role),
	    t->saved ? "true" : "false", t->acted ? "true" : "false",
	    t->acted ? "\"" : "", t->acted ? ocf_exit_name(t->status) : "null",
	    t->acted ? "\"" : "", ocf_json_str(t->witness, w, sizeof(w)),
	    t->at, t->duration);
}
