#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "arbiter.h"
#include "config.h"
#include "exitcode.h"
#include "gateway.h"
#include "log.h"
#include "node.h"
#include "state.h"
#include "syntax.h"
#include "timeutil.h"
#include "transition.h"
#include "watch.h"

void
ocf_arbiter_init(const struct ocf_config *c, struct ocf_arbiter *a)
{
	memset(a, 0, sizeof(*a));
	a->lease.fd = -1;
	a->e.endpoints = c->etcd_endpoints;
	a->e.ca_file = c->ca_file[0] != '\0' ? c->ca_file : NULL;
	a->e.timeout = c->probe_timeout;
	snprintf(a->leader_key, sizeof(a->leader_key), "%sleader",
	    c->etcd_prefix);
	snprintf(a->handover_key, sizeof(a->handover_key), "%shandover",
	    c->etcd_prefix);
}

int
ocf_arbiter_parse_holder(const char *value, int *priority, char *name,
    unsigned long len)
{
	char *end;
	long p;

	errno = 0;
	p = strtol(value, &end, 10);
	if (end == value || *end != ' ' || errno != 0 || p < 0 || p > 1000) {
		*priority = 0;
		snprintf(name, len, "%s", value);
		return -1;
	}
	*priority = (int)p;
	snprintf(name, len, "%s", end + 1);
	return 0;
}


/* record what the check saw: the holder, our token */
static int
record(const struct ocf_config *c, struct ocf_memory *m, const char *leader,
    long long token, struct ocf_tick *t)
{
	struct ocf_txn x;
	int rc = ocf_txn_begin(&x, c->state_dir, OCF_WAIT_CHECK, m);

	if (rc == 0) {
		snprintf(x.s.leader, sizeof(x.s.leader), "%s", leader);
		x.s.token = (long)token;
		snprintf(x.s.primary, sizeof(x.s.primary), "%s",
		    ocf_exit_word(t->verdict));
		x.s.last_probe = t->at;
		rc = ocf_txn_commit(&x) == -1 ? -1 : 0;
		if (rc == -1)
			ocf_err("%s", x.err);
		t->role = x.s.role;
		t->active = x.s.role == OCF_ROLE_ACTIVE;
		t->saved = rc == 0;
	} else {
		ocf_err("%s", x.err);
	}
	ocf_txn_end(&x);
	return rc;
}

/* facts from the state, read without the lock */
static void
peek(const struct ocf_config *c, struct ocf_state *s)
{
	char err[OCF_ERRLEN];

	if (ocf_state_load(c->state_dir, s, err, sizeof(err)) == -1)
		ocf_state_init(s);
}

static void
transition(const struct ocf_config *c, struct ocf_memory *m, int promote,
    const char *why, struct ocf_tick *t)
{
	struct ocf_transition tr;

	ocf_notice("%s: %s", why, promote ? "promoting" : "demoting");
	if (promote)
		ocf_promote_from(c, OCF_TR_NOCHECK | OCF_TR_AUTO, m, why, &tr);
	else
		/* the lease's rule beats maintenance mode */
		ocf_demote_from(c, OCF_TR_AUTO | OCF_TR_FORCE, m, why, &tr);
	if (tr.status > OCF_WARNING)
		ocf_err("%s", tr.detail);
	t->acted = 1;
	t->status = tr.status;
	t->active = promote ? tr.status <= OCF_WARNING : tr.status > OCF_WARNING;
	t->role = tr.status > OCF_WARNING ? OCF_ROLE_FAILED : t->active ?
	    OCF_ROLE_ACTIVE : OCF_ROLE_STANDBY;
}

/* no gateway of ours may run: stop it within `within` seconds, then
 * demote to record it and push the workspace */
static void
stand_down(const struct ocf_config *c, struct ocf_memory *m, const char *why,
    double within, struct ocf_tick *t)
{
	struct ocf_state s;
	char err[OCF_ERRLEN];

	peek(c, &s);
	if (ocf_gateway_fence(c, &s, within, err, sizeof(err)) == -1)
		ocf_err("fence: %s", err);
	transition(c, m, 0, why, t);
}

/* the key is no longer ours: give it up, the gateway first */
static void
lose(const struct ocf_config *c, struct ocf_arbiter *a, struct ocf_memory *m,
    const char *why, struct ocf_tick *t)
{
	char line[OCF_ETCD_VALUE_MAX + 160];
	double left = ocf_lease_left(c, &a->lease);

	snprintf(line, sizeof(line), "lost the leader key (token %lld): %s",
	    a->token, why);
	ocf_lease_drop(&a->lease);	/* no renewal from now on */
	a->token = 0;
	/* down by the lease's bound, when a renewal was ever seen */
	stand_down(c, m, line, left >= 0 ? left : c->lease_ttl * 0.2, t);
	ocf_lease_release(c, &a->lease);	/* then revoke: etcd may hang */
}

/* hand the key over (or give it up for maintenance): stop and push
 * first, then delete the key by revoking its lease */
static void
release(const struct ocf_config *c, struct ocf_arbiter *a,
    struct ocf_memory *m, const char *why, struct ocf_tick *t)
{
	ocf_notice("releasing the leader key (token %lld): %s", a->token, why);
	transition(c, m, 0, why, t);
	ocf_lease_release(c, &a->lease);
	a->token = 0;
	/* the node we hand over to acquires first */
	a->wait_until = ocf_uptime() + c->lease_ttl;
}

static void
withdraw(struct ocf_arbiter *a)
{
	char err[OCF_ERRLEN];

	if (a->ask == 0)
		return;
	if (ocf_etcd_revoke(&a->e, a->ask, err, sizeof(err)) == -1)
		ocf_warn("handover request not withdrawn: %s", err);
	a->ask = 0;
}

/* ask the holder to hand over: the request lives under a lease of its
 * own, so that it goes when we do */
static void
ask(const struct ocf_config *c, struct ocf_arbiter *a, const char *me,
    const char *holder)
{
	char err[OCF_ERRLEN];
	long long ttl;

	if (a->ask != 0 && ocf_etcd_keepalive(&a->e, a->ask, &ttl, err,
	    sizeof(err)) == 0 && ttl > 0)
		return;
	if (ocf_etcd_grant(&a->e, c->lease_ttl, &a->ask, &ttl, err,
	    sizeof(err)) == -1 || ocf_etcd_put(&a->e, a->handover_key, me,
	    a->ask, err, sizeof(err)) == -1) {
		ocf_warn("handover request failed: %s", err);
		a->ask = 0;
		return;
	}
	ocf_notice("asked '%s' to hand over (NODE_PRIORITY %d)", holder,
	    c->node_priority);
}

/* take the key when nobody holds it; 1 won */
static int
acquire(const struct ocf_config *c, struct ocf_arbiter *a, const char *me,
    struct ocf_etcd_kv *kv)
{
	char value[300], err[OCF_ERRLEN];
	long long id = 0, ttl;
	double sent = ocf_uptime();
	int won = 0;

	snprintf(value, sizeof(value), "%d %s", c->node_priority, me);
	if (ocf_etcd_grant(&a->e, c->lease_ttl, &id, &ttl, err,
	    sizeof(err)) == -1 ||
	    ocf_etcd_create(&a->e, a->leader_key, value, id, &won, kv, err,
	    sizeof(err)) == -1) {
		ocf_warn("leader key not acquired: %s", err);
		/* a timed-out create may still be applied: under a lease
		 * that nobody renews, and revoked if we can */
		if (id != 0)
			(void)ocf_etcd_revoke(&a->e, id, err, sizeof(err));
		return 0;
	}
	if (!won) {
		(void)ocf_etcd_revoke(&a->e, id, err, sizeof(err));
		return 0;
	}
	if (ocf_lease_keep(c, &a->lease, id, sent, err, sizeof(err)) == -1) {
		ocf_err("leader key given back: no lease keeper: %s", err);
		(void)ocf_etcd_revoke(&a->e, id, err, sizeof(err));
		return 0;
	}
	a->token = kv->create_revision;
	ocf_notice("acquired the leader key (token %lld)", a->token);
	return 1;
}

int
ocf_arbiter_urgent(const struct ocf_config *c, struct ocf_arbiter *a)
{
	siginfo_t si;

	if (a->lease.keeper <= 0)
		return 0;
	si.si_pid = 0;	/* ended (a fence) or late: look at once */
	return (waitid(P_PID, (id_t)a->lease.keeper, &si, WEXITED | WNOHANG |
	    WNOWAIT) == 0 && si.si_pid != 0) ||
	    ocf_lease_overdue(c, &a->lease);
}

enum ocf_arb_action
ocf_arbiter_decide(const struct ocf_config *c, const struct ocf_arb_facts *f,
    const char **why)
{
	*why = "";
	if (f->holding) {
		if (!f->reached)
			return OCF_ARB_NOTHING;	/* the keeper fences in time */
		if (!f->found || !f->ours) {
			*why = f->found ? "another node holds it" :
			    "the key is gone";
			return OCF_ARB_LOSE;
		}
		if (f->maintenance) {
			*why = "maintenance mode";
			return OCF_ARB_RELEASE;
		}
		if (f->handover) {
			*why = "a preferred node asks for it";
			return OCF_ARB_RELEASE;
		}
		if (!f->serving) {
			*why = f->active ? "the local gateway is gone" :
			    "this node holds the leader key";
			return OCF_ARB_SERVE;
		}
		return OCF_ARB_NOTHING;
	}
	if (f->active || f->present) {
		*why = !f->reached ? "etcd unreachable and not the leader" :
		    "not the leader";
		return OCF_ARB_STAND_DOWN;
	}
	if (!f->reached)
		return OCF_ARB_NOTHING;		/* a cut-off node never serves */
	if (!f->found) {
		if (f->maintenance || f->waiting || f->handover)
			return OCF_ARB_NOTHING;
		*why = "acquired the leader key";
		return OCF_ARB_ACQUIRE;
	}
	if (f->holder_prio < c->node_priority && !f->holder_me &&
	    c->failback != OCF_FAILBACK_MANUAL && !f->maintenance) {
		if (f->good < c->rise_threshold || !f->settled || f->waiting)
			return OCF_ARB_NOTHING;
		*why = "a node of lower NODE_PRIORITY serves";
		return OCF_ARB_ASK;
	}
	return f->asking ? OCF_ARB_WITHDRAW : OCF_ARB_NOTHING;
}

/* what decide() needs; the handover key is read only when it can matter */
static void
observe(const struct ocf_config *c, struct ocf_arbiter *a, const char *me,
    const struct ocf_etcd_kv *kv, const char *holder, int prio,
    struct ocf_state *s, struct ocf_arb_facts *f)
{
	struct ocf_etcd_kv hv;
	char err[OCF_ERRLEN];
	double now = ocf_uptime();

	f->found = kv->found;
	f->holding = a->token != 0;
	f->ours = kv->found && kv->create_revision == a->token;
	f->holder_me = kv->found && strcmp(holder, me) == 0;
	f->holder_prio = prio;
	f->maintenance = s->maintenance;
	f->active = s->role == OCF_ROLE_ACTIVE;
	f->serving = f->holding && f->active && ocf_gateway_running(c, s);
	f->present = !f->holding && ocf_gateway_present(c, s);
	f->asking = a->ask != 0;
	f->good = a->good;
	f->settled = s->last_transition_up == 0 ||
	    ocf_since(s->last_transition_up, now) >= c->hold_down;
	f->waiting = now < a->wait_until;
	/* a handover asked by another node: read when we hold the key, or
	 * when it is gone and we might take it first */
	f->handover = ((f->holding && f->ours) || (!f->holding && !kv->found)) &&
	    ocf_etcd_get(&a->e, a->handover_key, &hv, err, sizeof(err)) == 0 &&
	    hv.found && strcmp(hv.value, me) != 0;
	if (f->handover) {
		snprintf(a->asker, sizeof(a->asker), "%s", hv.value);
		ocf_text_clean(a->asker);
	}
}

/* a failed promotion: give the key back, and back off before taking it
 * again, as a pair backs off (ocf_watch_backoff) */
static void
serve(const struct ocf_config *c, struct ocf_arbiter *a,
    struct ocf_memory *m, const char *why, struct ocf_tick *t)
{
	struct ocf_state s;

	transition(c, m, 1, why, t);
	if (t->status <= OCF_WARNING)
		return;
	release(c, a, m, "the promotion failed", t);
	peek(c, &s);
	a->wait_until = ocf_uptime() + ocf_watch_backoff(c, s.promote_fails);
}

int
ocf_arbiter_tick(const struct ocf_config *c, struct ocf_arbiter *a,
    struct ocf_tick *t, struct ocf_memory *m)
{
	struct ocf_arb_facts f;
	struct ocf_etcd_kv kv;
	struct ocf_state s;
	char me[256], holder[OCF_ETCD_VALUE_MAX] = "";
	char why[OCF_ETCD_VALUE_MAX + 64], err[OCF_ERRLEN];
	const char *what;
	double started = ocf_mono();
	int prio = 0, ended;

	memset(t, 0, sizeof(*t));
	memset(&f, 0, sizeof(f));
	t->at = ocf_wall();
	ocf_node_name(c, me, sizeof(me));

	/* the keeper fenced, died, or stalled: the gateway goes now */
	if (a->token != 0 && ((ended = ocf_lease_ended(&a->lease, why,
	    sizeof(why))) != 0 || ocf_lease_overdue(c, &a->lease))) {
		if (ended == 0)	/* fencing, or stalled: fence anyway */
			snprintf(why, sizeof(why), "no lease renewal for 2/3 "
			    "of LEASE_TTL");
		lose(c, a, m, why, t);
	}

	f.reached = ocf_etcd_get(&a->e, a->leader_key, &kv, err,
	    sizeof(err)) == 0;
	if (!f.reached) {
		a->good = 0;
		t->verdict = OCF_WARNING;
		snprintf(t->reason, sizeof(t->reason), "%s", err);
		if (!a->cut++)
			ocf_warn("%s; %s", err, a->token != 0 ? "serving while "
			    "the lease lasts" : "not serving while cut off");
	} else {
		if (a->cut)
			ocf_notice("etcd reachable again");
		a->cut = 0;
		a->good++;
		if (kv.found) {
			ocf_arbiter_parse_holder(kv.value, &prio, holder,
			    sizeof(holder));
			ocf_text_clean(holder);
		}
		t->verdict = kv.found ? OCF_OK : OCF_CRITICAL;
		snprintf(t->reason, sizeof(t->reason), kv.found ? "leader "
		    "'%s' (token %lld)" : "no leader", holder,
		    kv.create_revision);
	}
	peek(c, &s);
	if (!f.reached)
		snprintf(holder, sizeof(holder), "%s", s.leader);
	else
		observe(c, a, me, &kv, holder, prio, &s, &f);
	if (!f.reached) {	/* only what needs no answer from etcd */
		f.holding = a->token != 0;
		f.active = s.role == OCF_ROLE_ACTIVE;
		f.present = !f.holding && ocf_gateway_present(c, &s);
	}

	switch (ocf_arbiter_decide(c, &f, &what)) {
	case OCF_ARB_NOTHING:
		break;
	case OCF_ARB_LOSE:
		lose(c, a, m, what, t);
		break;
	case OCF_ARB_RELEASE:
		if (!f.maintenance) {
			snprintf(why, sizeof(why), "handing over to '%s'",
			    a->asker);
			what = why;
		}
		release(c, a, m, what, t);
		break;
	case OCF_ARB_SERVE:
		serve(c, a, m, what, t);
		break;
	case OCF_ARB_STAND_DOWN:
		stand_down(c, m, what, c->lease_ttl * 0.2, t);
		break;
	case OCF_ARB_ACQUIRE:
		if (!acquire(c, a, me, &kv))
			break;
		withdraw(a);
		record(c, m, me, a->token, t);
		serve(c, a, m, what, t);
		if (a->token != 0) {
			t->verdict = OCF_OK;
			snprintf(t->reason, sizeof(t->reason), "leader '%s' "
			    "(token %lld)", me, a->token);
		}
		break;
	case OCF_ARB_ASK:
		ask(c, a, me, holder);
		break;
	case OCF_ARB_WITHDRAW:
		withdraw(a);
		break;
	}
	/* asking: see the key go at once */
	t->hurry = a->ask != 0;
	record(c, m, a->token != 0 ? me : f.reached && !kv.found ? "" : holder,
	    a->token, t);
	t->duration = ocf_mono() - started;
	return t->verdict;
}

void
ocf_arbiter_stop(const struct ocf_config *c, struct ocf_arbiter *a,
    struct ocf_memory *m)
{
	struct ocf_tick t;

	memset(&t, 0, sizeof(t));
	withdraw(a);
	if (a->token == 0)
		return;
	release(c, a, m, "the watcher stops", &t);
}
