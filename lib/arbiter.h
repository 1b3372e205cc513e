/*
 * ARBITER=etcd: who serves is decided by a leader key in etcd, not by
 * one standby's view of the primary.  Every node runs the watcher; a
 * node serves only while it holds the key, ETCD_PREFIX "leader", created
 * under its lease in one transaction that succeeds only when the key
 * does not exist.  Its create revision is the fencing token (TOKEN in
 * the state, OCF_TOKEN to hooks, "token" in the webhook).  The lease is
 * renewed by a keeper process that fences the gateway when it cannot
 * renew (lease.h).
 *
 * Each check of a node:
 *   holder:     the key still ours (else fence now); maintenance, or a
 *               handover asked by a preferred node (key ETCD_PREFIX
 *               "handover"): stop, push, revoke; else keep the gateway
 *               serving (restart it like any active node);
 *   not holder: no gateway of ours runs; etcd unreachable: nothing more
 *               (a cut-off node never serves); key absent: acquire
 *               (unless a handover is asked for another node, or failed
 *               promotions back off), then promote; key held by a node
 *               of lower NODE_PRIORITY, after RISE_THRESHOLD checks that
 *               reached etcd and HOLD_DOWN since the last transition,
 *               and FAILBACK not manual: ask it to hand over.
 */
#ifndef OCF_ARBITER_H
#define OCF_ARBITER_H

#include "etcd.h"
#include "lease.h"

struct ocf_config;
struct ocf_memory;
struct ocf_tick;

struct ocf_arbiter {
	struct ocf_etcd e;
	struct ocf_lease lease;	/* while we hold the key */
	long long token;	/* create revision of our key, 0: not ours */
	long long ask;		/* lease of our handover request, 0: none */
	int good;		/* consecutive checks that reached etcd */
	int cut;		/* etcd unreachable, said once */
	double wait_until;	/* uptime before which we do not acquire */
	char leader_key[300], handover_key[300];
	char asker[OCF_ETCD_VALUE_MAX];	/* who asks us to hand over */
};

void ocf_arbiter_init(const struct ocf_config *c, struct ocf_arbiter *a);

/* one check; fills t like ocf_watch_tick (verdict: OCF_OK someone
 * serves, OCF_CRITICAL no one, OCF_WARNING etcd unreachable) */
int ocf_arbiter_tick(const struct ocf_config *c, struct ocf_arbiter *a,
    struct ocf_tick *t, struct ocf_memory *m);

/* 1 when the keeper stalled or ended: call ocf_arbiter_tick at once */
int ocf_arbiter_urgent(const struct ocf_config *c, struct ocf_arbiter *a);

/* the watcher stops: stop the gateway, push, release the key */
void ocf_arbiter_stop(const struct ocf_config *c, struct ocf_arbiter *a,
    struct ocf_memory *m);

/*
 * The decision of one check, a pure function of the configuration and
 * the facts below (ocf_arbiter_tick gathers them, then acts).
 */
enum ocf_arb_action {
	OCF_ARB_NOTHING,
	OCF_ARB_LOSE,		/* the key is not ours any more: fence, demote */
	OCF_ARB_RELEASE,	/* stop, push, revoke (maintenance, handover) */
	OCF_ARB_SERVE,		/* the holder's gateway is not serving: promote */
	OCF_ARB_STAND_DOWN,	/* not the holder, yet a gateway runs: stop */
	OCF_ARB_ACQUIRE,	/* nobody holds the key: take it, promote */
	OCF_ARB_ASK,		/* ask a holder of lower priority to hand over */
	OCF_ARB_WITHDRAW	/* our handover request is moot */
};

struct ocf_arb_facts {
	int reached;		/* etcd answered */
	int holding;		/* we hold a token (our keeper runs) */
	int found;		/* the leader key exists */
	int ours;		/* with our token */
	int holder_me;		/* its value names us (an older lease of ours) */
	int holder_prio;	/* its NODE_PRIORITY */
	int handover;		/* another node asks for the key */
	int maintenance;
	int active;		/* our state's role is active */
	int serving;		/* holding: active, and our gateway runs */
	int present;		/* not holding: something of our gateway runs */
	int asking;		/* our handover request stands */
	int good;		/* consecutive checks that reached etcd */
	int settled;		/* HOLD_DOWN since our last transition, or none */
	int waiting;		/* backing off: a failed promotion, a handover */
};

enum ocf_arb_action ocf_arbiter_decide(const struct ocf_config *c,
    const struct ocf_arb_facts *f, const char **why);

/* "PRIORITY NAME", the leader key's value, parsed (pure) */
int ocf_arbiter_parse_holder(const char *value, int *priority, char *name,
    unsigned long len);

#endif
